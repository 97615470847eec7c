//! `unbroadcast config [PATH]`: the settings in effect for a path, as TOML — the
//! file that applies (nearest `unbroadcast.toml`, `--config`, or none) with every
//! default filled in: thresholds, caps, limits, include globs, and each channel's
//! full policy (packs plus overrides). What it prints is itself a valid settings
//! file. Like `ruff check --show-settings`, it answers "why did this file get that
//! result?".
//!
//! Secrets are never printed: any value under a key that names a key, token,
//! secret or password (an API key of the server's settings, say) is shown as
//! `"<redacted>"`.

use super::project::{DEFAULT_INCLUDE, Overrides, Projects, absolute};
use super::{Cli, Exit};
use crate::policy::{ChannelPolicy, ChannelPolicyPatch};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// A file or directory whose settings to show (default: the working directory).
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
}

pub fn run(cli: &Cli, args: &ConfigArgs) -> Result<Exit> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let mut projects = Projects::new(cli, cwd.clone(), Overrides::default())?;
    let abs = absolute(&cwd, &args.path);
    let project = if abs.is_dir() { projects.for_dir(&abs)? } else { projects.for_file(&abs)? };

    let mut value = toml::Value::try_from(&project.settings).context("cannot show the settings")?;
    let config = project.engine.config();
    let lint = table(&mut value, "lint")?;
    lint.insert("thresholds".into(), toml::Value::try_from(config.thresholds)?);
    lint.insert("category_cap".into(), toml::Value::try_from(config.caps.default)?);
    lint.insert("limits".into(), toml::Value::try_from(config.limits)?);
    if !lint.contains_key("include") {
        lint.insert("include".into(), toml::Value::try_from(DEFAULT_INCLUDE)?);
    }
    let channels = table(&mut value, "channels")?;
    for (channel, policy) in &project.engine.policies().0 {
        channels.insert(channel.name().into(), toml::Value::try_from(patch_of(policy))?);
    }
    redact(&mut value);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    writeln!(out, "# Settings in effect for {}", args.path.display())?;
    match &project.file {
        Some(f) => writeln!(out, "# from {}, with defaults filled in", f.display())?,
        None => writeln!(out, "# no settings file applies: built-in defaults")?,
    }
    writeln!(out, "# rules version {}", project.engine.rules().version())?;
    // `[lint]` first, then channels and audiences, then any other section.
    let mut sections: Vec<(String, toml::Value)> = value.as_table().cloned().unwrap_or_default().into_iter().collect();
    let rank = |k: &str| ["lint", "channels", "audiences"].iter().position(|s| *s == k).unwrap_or(3);
    sections.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
    for (key, section) in sections {
        let one: toml::Table = std::iter::once((key, section)).collect();
        write!(out, "\n{}", toml::to_string_pretty(&one).context("cannot show the settings")?)?;
    }
    out.flush()?;
    Ok(Exit::Clean)
}

/// The table at `key` of the settings table `v`, created if missing.
fn table<'a>(v: &'a mut toml::Value, key: &str) -> Result<&'a mut toml::Table> {
    let root = v.as_table_mut().context("settings are a table")?;
    let entry = root.entry(key).or_insert_with(|| toml::Value::Table(toml::Table::new()));
    entry.as_table_mut().with_context(|| format!("[{key}] is a table"))
}

/// A policy written as settings (an unlimited hashtag count is left out).
fn patch_of(p: &ChannelPolicy) -> ChannelPolicyPatch {
    ChannelPolicyPatch {
        limit: p.limit,
        counting: Some(p.counting),
        url_length: p.url_length,
        hashtags: (p.hashtags != usize::MAX).then_some(p.hashtags),
        daily: p.daily,
        weekly: p.weekly,
        min_gap: p.min_gap,
        quiet_hours: p.quiet_hours,
        source: (!p.source.is_empty()).then(|| p.source.clone()),
    }
}

/// Replaces values under secret-looking keys, at any depth.
fn redact(v: &mut toml::Value) {
    match v {
        toml::Value::Table(t) => {
            for (k, child) in t.iter_mut() {
                if is_secret(k) {
                    *child = toml::Value::String("<redacted>".into());
                } else {
                    redact(child);
                }
            }
        }
        toml::Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["key", "token", "secret", "password", "credential"].iter().any(|s| k.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let mut v: toml::Value =
            toml::from_str("[server]\napi_keys = [\"abc\"]\nbind = \"0.0.0.0:8080\"\n[server.auth]\ntoken = \"t\"\n")
                .unwrap();
        redact(&mut v);
        assert_eq!(v["server"]["api_keys"].as_str(), Some("<redacted>"));
        assert_eq!(v["server"]["auth"]["token"].as_str(), Some("<redacted>"));
        assert_eq!(v["server"]["bind"].as_str(), Some("0.0.0.0:8080"));
    }
}
