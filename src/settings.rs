//! `unbroadcast.toml`: one settings file for the whole program. `[lint]` holds what
//! the engine needs (thresholds, caps, rule selection, extra packs, limits) and
//! which files the CLI lints (include, exclude, per-file ignores), `[channels.*]`
//! overrides channel policies, `[audiences.*]` names audiences that posts refer
//! to. Unknown keys are errors with file and line.
//!
//! `[server]` configures the HTTP service (`unbroadcast serve`); [`layers`] puts
//! environment variables and flags on top of the file for it.
//!
//! This module parses text; reading files and finding them is the shells' job.

pub mod layers;

use crate::engine::EngineConfig;
use crate::input::{AudienceIn, Limits, Thresholds};
use crate::pack::Category;
use crate::policy::ChannelPolicyPatch;
use crate::score::Caps;
use crate::server::settings::ServerSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name the CLI and server look for.
pub const FILE_NAMES: [&str; 2] = ["unbroadcast.toml", ".unbroadcast.toml"];

/// The whole settings file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub lint: LintSettings,
    /// Channel policy overrides by channel name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, ChannelPolicyPatch>,
    /// Named audiences (`audience: baristas` in front matter).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub audiences: BTreeMap<String, AudienceIn>,
    /// `[server]`: the HTTP service.
    #[serde(default)]
    pub server: ServerSettings,
}

/// `[lint]`: how drafts are judged.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LintSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
    /// Only these rules (ids, categories or id prefixes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Extra pack directories, relative to the settings file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<PathBuf>,
    /// Points one category can contribute at most (default 40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_cap: Option<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub category_caps: BTreeMap<Category, u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// Files linted when a directory is walked: globs relative to this file's
    /// directory (a glob without `/` matches a file name at any depth).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<String>>,
    /// Files and directories never linted when walking (like ruff's `exclude`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Rules ignored in files matching a glob: `"calendar/**" = ["frequency"]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
}

/// A settings file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct SettingsError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl Settings {
    /// Parses a settings file's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Settings, SettingsError> {
        toml::from_str::<Settings>(text).map(Settings::with_canonical_zones).map_err(|e| SettingsError {
            file: file.to_owned(),
            line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
            message: e.message().trim().to_owned(),
        })
    }

    /// Audience time zones as the IANA database spells them: `europe/berlin` is
    /// found either way, and is shown `Europe/Berlin` (by `unbroadcast config`, as
    /// in messages). A name no zone has stays as written; a post for that audience
    /// is refused with `unknown-timezone`, as a request would be.
    pub fn with_canonical_zones(mut self) -> Settings {
        for a in self.audiences.values_mut() {
            if let Some((name, _)) = a.timezone.as_deref().and_then(crate::input::canonical_timezone) {
                a.timezone = Some(name);
            }
        }
        self
    }

    /// The engine configuration these settings describe. Channel names are checked
    /// here; rule selectors are checked when the engine is built.
    pub fn engine_config(&self, file: &str) -> Result<EngineConfig, SettingsError> {
        let mut channels = BTreeMap::new();
        for (name, patch) in &self.channels {
            let c = name.parse().map_err(|()| SettingsError {
                file: file.to_owned(),
                line: None,
                message: format!("[channels.{name}]: unknown channel '{name}'"),
            })?;
            channels.insert(c, patch.clone());
        }
        let thresholds = self.lint.thresholds.unwrap_or_default();
        thresholds.check().map_err(|m| SettingsError {
            file: file.to_owned(),
            line: None,
            message: format!("[lint] {m}"),
        })?;
        Ok(EngineConfig {
            thresholds,
            caps: Caps {
                default: self.lint.category_cap.unwrap_or(Caps::default().default),
                per_category: self.lint.category_caps.clone(),
            },
            select: self.lint.select.clone(),
            ignore: self.lint.ignore.clone(),
            limits: self.lint.limits.unwrap_or_default(),
            channels,
        })
    }

    /// The 1-based line of a value in a settings file's text, for errors found after
    /// parsing (a selector naming no rule, a bad glob). `path` names tables, keys
    /// and array indexes: `["lint", "ignore", "2"]`.
    pub fn line_of(text: &str, path: &[&str]) -> Option<usize> {
        let doc = toml::de::DeTable::parse(text).ok()?;
        let mut span = doc.span();
        let mut table = Some(doc.get_ref());
        let mut value: Option<&toml::de::DeValue<'_>> = None;
        for seg in path {
            let next = match (table, value) {
                (Some(t), _) => t.iter().find(|(k, _)| k.get_ref() == seg).map(|(_, v)| v),
                (None, Some(v)) => seg.parse::<usize>().ok().and_then(|i| v.get(i)).or_else(|| v.get(*seg)),
                (None, None) => None,
            }?;
            span = next.span();
            table = None;
            value = Some(next.get_ref());
        }
        Some(text[..span.start.min(text.len())].matches('\n').count() + 1)
    }

    /// Extra pack directories, resolved against the directory of the settings file.
    pub fn pack_dirs(&self, base: &Path) -> Vec<PathBuf> {
        self.lint.packs.iter().map(|p| if p.is_absolute() { p.clone() } else { base.join(p) }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_the_line() {
        let e = Settings::parse("[lint]\nthresholds = { review = 30, block = 60 }\nignor = [\"bait\"]\n", "u.toml")
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("ignor"), "{e}");
        assert!(e.to_string().starts_with("u.toml:3:"));
    }

    #[test]
    fn values_are_found_by_path() {
        let text = "[lint]\nignore = [\n  \"bait\",\n  \"nope\",\n]\n\n[lint.per_file_ignores]\n\"calendar/**\" = [\"frequency\"]\n";
        assert_eq!(Settings::line_of(text, &["lint", "ignore", "1"]), Some(4));
        assert_eq!(Settings::line_of(text, &["lint", "per_file_ignores", "calendar/**", "0"]), Some(8));
        assert_eq!(Settings::line_of(text, &["lint", "select"]), None);
        let s = Settings::parse(text, "u.toml").unwrap();
        assert_eq!(s.lint.per_file_ignores["calendar/**"], ["frequency"]);
    }

    #[test]
    fn settings_become_engine_config() {
        let s = Settings::parse(
            "[lint]\nselect = [\"broadcast\"]\ncategory_cap = 30\n[lint.category_caps]\nformat = 10\n[channels.linkedin]\ndaily = 2\n[audiences.baristas]\ninterests = [\"espresso\"]\n",
            "u.toml",
        )
        .unwrap();
        let c = s.engine_config("u.toml").unwrap();
        assert_eq!(c.caps.of(Category::Format), 10);
        assert_eq!(c.caps.of(Category::Bait), 30);
        assert_eq!(c.channels[&crate::channel::Channel::Linkedin].daily, Some(2));
        assert_eq!(s.audiences["baristas"].interests, ["espresso"]);
        assert!(Settings::parse("[channels.myspace]\ndaily = 1\n", "u.toml").unwrap().engine_config("u.toml").is_err());
    }
}
