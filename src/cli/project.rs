//! Which settings apply to which file.
//!
//! Like ruff, every file is linted with the nearest `unbroadcast.toml` (or
//! `.unbroadcast.toml`) in its directory or a parent, so one repository can hold
//! several accounts, each with its own audiences and channel policies. `--config
//! FILE` uses one file for everything, `--no-config` none. A settings file and what
//! it implies — the engine with its packs, the include/exclude/per-file-ignore
//! globs — is a [`Project`], loaded once per run however many files use it.
//!
//! Globs are relative to the settings file's directory (the working directory when
//! there is none); a glob without `/` matches a name at any depth, as in
//! `.gitignore`. `exclude` and `per_file_ignores` also match a file's directories,
//! so `archive` excludes everything under it.

use super::{Cli, Loaded, build_engine, discover, read_settings, settings_error};
use crate::engine::Engine;
use crate::settings::Settings;
use anyhow::{Result, anyhow};
use globset::{Candidate, GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Files linted when a directory is walked and the settings do not say.
pub const DEFAULT_INCLUDE: [&str; 5] = ["*.md", "*.markdown", "*.txt", "*.text", "*.jsonl"];

/// Command-line flags that override every settings file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replaces `[lint] select`.
    pub select: Option<Vec<String>>,
    /// Added to `[lint] ignore`.
    pub ignore: Vec<String>,
    /// An audience every settings file must define.
    pub audience: Option<String>,
}

/// One settings file with everything derived from it.
#[derive(Debug)]
pub struct Project {
    /// The settings file; `None`: defaults.
    pub file: Option<PathBuf>,
    /// The absolute directory globs are relative to.
    pub root: PathBuf,
    pub settings: Settings,
    pub engine: Engine,
    include: GlobSet,
    exclude: GlobSet,
    per_file: Vec<(GlobSet, Vec<String>)>,
}

impl Project {
    /// Loads the project of a settings file (or the defaults, rooted at `cwd`).
    pub fn load(cli: &Cli, file: Option<PathBuf>, cwd: &Path, o: &Overrides) -> Result<Project> {
        let mut settings = match &file {
            Some(f) => read_settings(f)?,
            None => Settings::default(),
        };
        if let Some(sel) = &o.select {
            settings.lint.select = Some(sel.clone());
        }
        settings.lint.ignore.extend(o.ignore.iter().cloned());
        let loaded = Loaded { settings, file };
        let engine = build_engine(cli, &loaded)?;
        let Loaded { settings, file } = loaded;
        let root = file.as_deref().and_then(Path::parent).map_or_else(|| cwd.to_owned(), |d| absolute(cwd, d));
        let bad = |path: &[&str], msg: String| match &file {
            Some(f) => settings_error(f, path, &msg),
            None => anyhow!("{msg}"),
        };
        let defaults: Vec<String> = DEFAULT_INCLUDE.iter().map(|s| (*s).to_owned()).collect();
        let include = globs(settings.lint.include.as_ref().unwrap_or(&defaults), "include", &bad)?;
        let exclude = globs(&settings.lint.exclude, "exclude", &bad)?;
        let mut per_file = Vec::new();
        for (pattern, selectors) in &settings.lint.per_file_ignores {
            let set = globs(std::slice::from_ref(pattern), "per_file_ignores", &|_: &[&str], msg| {
                bad(&["lint", "per_file_ignores", pattern], msg)
            })?;
            for (i, s) in selectors.iter().enumerate() {
                if engine.rules().matching(s).is_empty() {
                    let msg = format!("[lint.per_file_ignores] \"{pattern}\": no rule matches '{s}'");
                    return Err(bad(&["lint", "per_file_ignores", pattern, &i.to_string()], msg));
                }
            }
            per_file.push((set, selectors.clone()));
        }
        if let Some(a) = &o.audience {
            super::inputs::named_audience(&settings, a).map_err(|e| {
                let from = file.as_ref().map(|f| format!(" (settings {})", f.display())).unwrap_or_default();
                anyhow!("--audience: {}{from}", e.message)
            })?;
        }
        Ok(Project { file, root, settings, engine, include, exclude, per_file })
    }

    /// Whether a walked file is one to lint (`include`).
    pub fn includes(&self, path: &Path) -> bool {
        self.include.is_match_candidate(&Candidate::new(&self.relative(path)))
    }

    /// Whether a walked file or directory matches `exclude`. Walks prune excluded
    /// directories, so only the entry itself is matched: a directory named on the
    /// command line is linted even inside an excluded one, as in ruff.
    pub fn excludes(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(self.relative(path))
    }

    /// Whether a file or any directory above it matches `exclude`
    /// (`--force-exclude`).
    pub fn excludes_anywhere(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && any_ancestor(&self.relative(path), |p| self.exclude.is_match(p))
    }

    /// Rule selectors `per_file_ignores` switches off for a file.
    pub fn ignores_for(&self, path: &Path) -> Vec<String> {
        if self.per_file.is_empty() {
            return Vec::new();
        }
        let rel = self.relative(path);
        self.per_file
            .iter()
            .filter(|(set, _)| any_ancestor(&rel, |p| set.is_match(p)))
            .flat_map(|(_, s)| s.iter().cloned())
            .collect()
    }

    /// `path` relative to the root, or as given when it lies outside.
    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).map_or_else(|_| path.to_owned(), Path::to_owned)
    }
}

fn any_ancestor(rel: &Path, matches: impl Fn(&Path) -> bool) -> bool {
    rel.ancestors().filter(|a| !a.as_os_str().is_empty()).any(matches)
}

type Bad<'a> = dyn Fn(&[&str], String) -> anyhow::Error + 'a;

fn globs(patterns: &[String], key: &str, bad: &Bad<'_>) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for (i, p) in patterns.iter().enumerate() {
        let glob = GlobBuilder::new(&normalize_glob(p)).literal_separator(true).build().map_err(|e| {
            bad(&["lint", key, &i.to_string()], format!("[lint] {key}: bad glob \"{p}\": {}", e.kind()))
        })?;
        b.add(glob);
    }
    b.build().map_err(|e| bad(&["lint", key], format!("[lint] {key}: {e}")))
}

/// gitignore-like anchoring: `/x` and `a/b` are relative to the root, `x` matches
/// at any depth; a trailing `/` is dropped (directories are matched anyway).
fn normalize_glob(p: &str) -> String {
    let p = p.strip_prefix("./").unwrap_or(p);
    let p = p.strip_suffix('/').unwrap_or(p);
    if let Some(anchored) = p.strip_prefix('/') {
        anchored.to_owned()
    } else if p.contains('/') || p.starts_with("**") {
        p.to_owned()
    } else {
        format!("**/{p}")
    }
}

/// `path` made absolute against `cwd` and cleaned of `.` and `..` without touching
/// the file system (symbolic links stay as written, as in the paths printed).
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The projects of one run: fixed (`--config`, `--no-config`) or discovered per
/// directory, each loaded once.
pub struct Projects<'a> {
    cli: &'a Cli,
    cwd: PathBuf,
    overrides: Overrides,
    fixed: Option<Arc<Project>>,
    /// Directory → nearest settings file.
    dirs: HashMap<PathBuf, Option<PathBuf>>,
    loaded: HashMap<Option<PathBuf>, Arc<Project>>,
}

impl<'a> Projects<'a> {
    pub fn new(cli: &'a Cli, cwd: PathBuf, overrides: Overrides) -> Result<Projects<'a>> {
        let fixed = if cli.no_config {
            Some(Arc::new(Project::load(cli, None, &cwd, &overrides)?))
        } else if let Some(f) = &cli.config {
            Some(Arc::new(Project::load(cli, Some(f.clone()), &cwd, &overrides)?))
        } else {
            None
        };
        Ok(Projects { cli, cwd, overrides, fixed, dirs: HashMap::new(), loaded: HashMap::new() })
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The project for files in the absolute directory `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Result<Arc<Project>> {
        if let Some(p) = &self.fixed {
            return Ok(Arc::clone(p));
        }
        let file = match self.dirs.get(dir) {
            Some(f) => f.clone(),
            None => {
                let f = discover(dir);
                self.dirs.insert(dir.to_owned(), f.clone());
                f
            }
        };
        if let Some(p) = self.loaded.get(&file) {
            return Ok(Arc::clone(p));
        }
        let p = Arc::new(Project::load(self.cli, file.clone(), &self.cwd, &self.overrides)?);
        self.loaded.insert(file, Arc::clone(&p));
        Ok(p)
    }

    /// The project for a file (absolute path).
    pub fn for_file(&mut self, file: &Path) -> Result<Arc<Project>> {
        let dir = file.parent().unwrap_or(&self.cwd).to_owned();
        self.for_dir(&dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_anchor_like_gitignore() {
        assert_eq!(normalize_glob("*.md"), "**/*.md");
        assert_eq!(normalize_glob("archive/"), "**/archive");
        assert_eq!(normalize_glob("/README.md"), "README.md");
        assert_eq!(normalize_glob("./posts/**/*.md"), "posts/**/*.md");
        assert_eq!(normalize_glob("**/drafts"), "**/drafts");
    }

    #[test]
    fn absolute_cleans_dots() {
        let cwd = Path::new("/repo/sub");
        assert_eq!(absolute(cwd, Path::new("./posts/../a.md")), Path::new("/repo/sub/a.md"));
        assert_eq!(absolute(cwd, Path::new("..")), Path::new("/repo"));
        assert_eq!(absolute(cwd, Path::new("/x/./y")), Path::new("/x/y"));
    }
}
