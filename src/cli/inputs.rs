//! From command-line paths to lint requests: post files (Markdown or plain text,
//! with front matter), `.jsonl` files of API requests, directories, standard input.
//! A file or line that cannot be read becomes an error item; the others go on.

use super::directives::{self, Directive, Suppression};
use super::frontmatter::{self, AudienceRef, FrontMatter};
use super::markdown;
use super::project::{Project, Projects, absolute};
use super::sourcemap::SourceMap;
use crate::input::{AudienceIn, BodyError, LintRequest, OptionsIn, PostIn};
use crate::settings::Settings;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One thing to lint: a post file, or one line of a `.jsonl` file.
#[derive(Debug)]
pub struct Item {
    /// As given or found (`posts/a.md`, `-` for standard input).
    pub path: String,
    /// For `.jsonl` lines: the 1-based line number.
    pub line: Option<usize>,
    /// For post files: the file and how the post was cut from it.
    pub file: Option<FileText>,
    /// The settings and engine that lint it.
    pub project: Arc<Project>,
    pub request: Result<LintRequest, ItemError>,
}

/// A post file: its text, where the linted post text came from, and its inline
/// control.
#[derive(Debug)]
pub struct FileText {
    pub text: String,
    /// Post text offsets → file offsets.
    pub map: SourceMap,
    pub directives: Vec<Directive>,
    pub suppressions: Vec<Suppression>,
    /// File lines of front matter keys.
    pub lines: BTreeMap<String, usize>,
}

/// Why an item could not be linted; `line` (and `column`, when known) is a
/// position in the input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub pointer: Option<String>,
    pub message: String,
}

impl ItemError {
    fn at(line: Option<usize>, message: impl Into<String>) -> Self {
        ItemError { line, column: None, pointer: None, message: message.into() }
    }
}

/// Defaults for post files whose front matter does not say.
#[derive(Debug, Default, Clone)]
pub struct Defaults {
    pub channel: Option<String>,
    pub language: Option<String>,
    pub audience: Option<String>,
}

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Plain,
    Jsonl,
}

impl Kind {
    pub fn of(path: &Path) -> Kind {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("jsonl") => Kind::Jsonl,
            Some("txt" | "text") => Kind::Plain,
            _ => Kind::Markdown,
        }
    }
}

/// A file to read, with the project that lints it.
#[derive(Debug)]
pub struct Source {
    /// As shown in output.
    pub display: String,
    /// As given (relative to the working directory).
    pub path: PathBuf,
    /// Absolute, for matching the project's globs.
    pub abs: PathBuf,
    pub project: Arc<Project>,
}

/// The files to lint under `dir`, sorted: hidden and git-ignored files are skipped,
/// then each file's project decides (`exclude`, then `include`).
pub fn walk(dir: &Path, projects: &mut Projects<'_>) -> Result<Vec<Source>> {
    let mut entries: Vec<(PathBuf, bool)> = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.depth() > 0)
        .map(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            (e.into_path(), is_dir)
        })
        .collect();
    entries.sort();
    let mut out = Vec::new();
    let mut pruned: Vec<PathBuf> = Vec::new();
    for (path, is_dir) in entries {
        if pruned.iter().any(|p| path.starts_with(p)) {
            continue;
        }
        let abs = absolute(projects.cwd(), &path);
        let project = projects.for_file(&abs)?;
        if project.excludes(&abs) {
            if is_dir {
                pruned.push(path);
            }
            continue;
        }
        if !is_dir && project.includes(&abs) {
            out.push(Source { display: display(&path), path, abs, project });
        }
    }
    Ok(out)
}

/// A path as printed: without a leading `./`.
pub fn display(path: &Path) -> String {
    let s = path.display().to_string();
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.trim_start_matches('/').to_owned(),
        _ => s,
    }
}

/// Reads one file into items.
pub fn read(source: Source, defaults: &Defaults) -> Vec<Item> {
    match std::fs::read(&source.path) {
        Ok(bytes) => {
            let ignores = source.project.ignores_for(&source.abs);
            items_from_bytes(&source.display, bytes, Kind::of(&source.path), &source.project, ignores, defaults)
        }
        Err(e) => vec![Item {
            path: source.display,
            line: None,
            file: None,
            project: source.project,
            request: Err(ItemError::at(None, format!("cannot read: {e}"))),
        }],
    }
}

/// Turns raw bytes of one input into items.
pub fn items_from_bytes(
    path: &str,
    bytes: Vec<u8>,
    kind: Kind,
    project: &Arc<Project>,
    per_file_ignores: Vec<String>,
    defaults: &Defaults,
) -> Vec<Item> {
    if kind == Kind::Jsonl {
        // Line by line from the bytes: one line that is not UTF-8 is that line's
        // error, not the whole file's (issue 2).
        return jsonl_items(path, &bytes, project);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
            return vec![Item {
                path: path.to_owned(),
                line: None,
                file: None,
                project: Arc::clone(project),
                request: Err(ItemError::at(
                    Some(line),
                    format!("not valid UTF-8 (bad byte at line {line}, byte column {col})"),
                )),
            }];
        }
    };
    vec![post_item(path, text, kind, project, per_file_ignores, defaults)]
}

fn post_item(
    path: &str,
    text: String,
    kind: Kind,
    project: &Arc<Project>,
    ignores: Vec<String>,
    defaults: &Defaults,
) -> Item {
    let item = |file, request| Item { path: path.to_owned(), line: None, file, project: Arc::clone(project), request };
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(e) => {
            let error =
                ItemError { column: e.column, ..ItemError::at(Some(e.line), format!("front matter: {}", e.message)) };
            return item(None, Err(error));
        }
    };
    let prose = match kind {
        Kind::Plain => markdown::plain(split.body, split.body_start),
        _ => markdown::markdown(split.body, split.body_start),
    };
    let inline = directives::parse(&text, &prose.comments)
        .and_then(|d| directives::resolve(&text, &d, project.engine.rules()).map(|s| (d, s)));
    let (directives, suppressions) = match inline {
        Ok(ds) => ds,
        Err(e) => return item(None, Err(ItemError::at(Some(e.line), e.message))),
    };
    let lines = split.lines.clone();
    let request = build_request(split.front, prose.text, &project.settings, defaults, ignores)
        .map_err(|e| ItemError { line: e.line.or_else(|| lines.get("audience").copied()), ..e });
    match request {
        Ok(r) => item(Some(FileText { text, map: prose.map, directives, suppressions, lines }), Ok(r)),
        Err(e) => item(None, Err(e)),
    }
}

fn build_request(
    front: FrontMatter,
    text: String,
    settings: &Settings,
    d: &Defaults,
    per_file_ignores: Vec<String>,
) -> Result<LintRequest, ItemError> {
    let audience = match front.audience.or_else(|| d.audience.clone().map(AudienceRef::Name)) {
        None => None,
        Some(AudienceRef::Inline(a)) => Some(a),
        Some(AudienceRef::Name(name)) => Some(named_audience(settings, &name)?),
    };
    let file = front.unbroadcast.unwrap_or_default();
    // Front matter entries first, so an error's index points at what the file wrote.
    let ignore: Vec<String> = file.ignore.into_iter().chain(per_file_ignores).collect();
    let options = (file.select.is_some() || !ignore.is_empty()).then(|| OptionsIn {
        select: file.select,
        ignore: (!ignore.is_empty()).then_some(ignore),
        ..OptionsIn::default()
    });
    Ok(LintRequest {
        id: front.id,
        post: PostIn {
            text,
            channel: front.channel.or_else(|| d.channel.clone()),
            language: front.language.or_else(|| d.language.clone()),
            scheduled_at: front.scheduled_at,
            reply_to: front.reply_to,
        },
        audience,
        history: front.history,
        options,
    })
}

/// An audience from `[audiences.NAME]` of the settings.
pub fn named_audience(settings: &Settings, name: &str) -> Result<AudienceIn, ItemError> {
    settings.audiences.get(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = settings.audiences.keys().map(String::as_str).collect();
        ItemError::at(
            None,
            if known.is_empty() {
                format!("unknown audience '{name}': the settings define no [audiences]")
            } else {
                format!("unknown audience '{name}'; the settings define {}", known.join(", "))
            },
        )
    })
}

/// The front matter key a request error is about (`/post/channel` → `channel`).
pub fn key_of_pointer(pointer: &str) -> Option<&'static str> {
    let mut segs = pointer.trim_start_matches('/').split('/');
    Some(match (segs.next()?, segs.next()) {
        ("post", Some("channel")) => "channel",
        ("post", Some("language")) => "language",
        ("post", Some("scheduled_at")) => "scheduled_at",
        ("post", Some("reply_to")) => "reply_to",
        ("audience", _) => "audience",
        ("history", _) => "history",
        ("options", _) => "unbroadcast",
        ("id", _) => "id",
        _ => return None,
    })
}

/// One item per non-blank line of a `.jsonl` file. Lines end in `\n` or `\r\n`;
/// a leading byte order mark is dropped, as `serde_json` would refuse it.
fn jsonl_items(path: &str, bytes: &[u8], project: &Arc<Project>) -> Vec<Item> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.trim_ascii().is_empty() {
            continue;
        }
        let n = i + 1;
        let request = match std::str::from_utf8(raw) {
            Err(e) => Err(ItemError::at(
                Some(n),
                format!("not valid UTF-8 (bad byte at byte column {})", e.valid_up_to() + 1),
            )),
            Ok(line) => request_of(line, n),
        };
        out.push(Item { path: path.to_owned(), line: Some(n), file: None, project: Arc::clone(project), request });
    }
    out
}

/// One `.jsonl` line (line `n` of its file) as a lint request, read as the
/// service reads a request body.
fn request_of(line: &str, n: usize) -> Result<LintRequest, ItemError> {
    match crate::input::from_json_text(line.as_bytes()) {
        Ok(r) => Ok(r),
        Err(BodyError::Syntax(e)) => Err(ItemError::at(Some(n), format!("not JSON: {e}"))),
        // The empty pointer is the whole line, which the line number already names.
        Err(BodyError::Input(e)) => Err(ItemError {
            line: Some(n),
            column: None,
            pointer: (!e.pointer.is_empty()).then_some(e.pointer),
            message: e.message,
        }),
    }
}
