//! Rule packs: the TOML files under `rules/` (built in) and in extra directories.
//!
//! This module only reads and checks packs; `rules::RuleSet::compile` turns the
//! checked specs into matchers. Every error names the file, the line, the rule and
//! the field, so a typo in a pack is found before anything is served.

mod error;
mod spec;

pub use error::PackError;
pub use spec::*;

use std::path::{Path, PathBuf};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));
}

/// A pack file as read from disk or the binary, not yet parsed.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// How errors name the file: `builtin:en/broadcast.toml` or the path given.
    pub name: String,
    pub text: String,
}

/// The packs compiled into the binary, in a fixed order.
pub fn builtin_sources() -> Vec<PackSource> {
    builtin::BUILTIN_PACKS
        .iter()
        .map(|(name, text)| PackSource { name: format!("builtin:{name}"), text: (*text).to_owned() })
        .collect()
}

/// Every `*.toml` file under `dir` (recursively, sorted by path). The caller does
/// the I/O here so the core stays free of it; this helper lives beside the format.
/// Only regular files (or links to them) are read: a FIFO or socket named
/// `*.toml` would block the read forever, so it is skipped. Each directory is
/// walked once, however many links lead to it.
pub fn read_dir_sources(dir: &Path) -> Result<Vec<PackSource>, PackError> {
    let mut files = Vec::new();
    let mut seen = std::collections::HashSet::new();
    collect(dir, &mut files, &mut seen).map_err(|e| PackError::io(dir, &e))?;
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).map_err(|e| PackError::io(&p, &e))?;
            let text = String::from_utf8(bytes).map_err(|e| PackError::Invalid {
                file: p.display().to_string(),
                line: None,
                rule: None,
                field: None,
                message: format!("not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
            })?;
            Ok(PackSource { name: p.display().to_string(), text })
        })
        .collect()
}

/// Walks `dir`; `seen` holds the directories already walked (canonical paths),
/// so a link back to a parent (`loop -> ..`) is read once, not until the path is
/// too long — or, with two such links, for ever.
fn collect(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut std::collections::HashSet<PathBuf>) -> std::io::Result<()> {
    if !seen.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect(&p, out, seen)?;
        } else if p.extension().is_some_and(|x| x == "toml") && p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

/// A parsed pack with its source (kept for line numbers and the version hash).
#[derive(Debug, Clone)]
pub struct Pack {
    pub source: PackSource,
    pub spec: PackFile,
}

impl Pack {
    /// Parses one pack; fails with the file, line and (where it can tell) the rule.
    pub fn parse(source: PackSource) -> Result<Pack, PackError> {
        match toml::from_str::<PackFile>(&source.text) {
            Ok(spec) => Ok(Pack { source, spec }),
            Err(e) => {
                let at = e.span().map(|s| s.start);
                Err(PackError::Invalid {
                    line: at.map(|o| line_of(&source.text, o)),
                    rule: at.and_then(|o| rule_id_around(&source.text, o)),
                    field: None,
                    message: e.message().trim().to_owned(),
                    file: source.name,
                })
            }
        }
    }

    /// The 1-based line of a byte offset in this pack's text.
    pub fn line(&self, offset: usize) -> usize {
        line_of(&self.source.text, offset)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The `id` of the `[[rule]]` table that contains `offset`, read from the text
/// (used when the table did not parse, so no spec exists to ask).
fn rule_id_around(text: &str, offset: usize) -> Option<String> {
    let head = text[..offset.min(text.len())].rfind("[[rule]]")?;
    let table_end = text[head + 8..].find("\n[").map_or(text.len(), |i| head + 8 + i);
    text[head..table_end].lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == "id").then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The pack text with rule `id`'s `points` set (and an explicit `max_points`
/// scaled with it), every other byte as it was: how `unbroadcast tune` writes
/// fitted points back without reformatting a hand-written pack. `None` when the
/// rule or its `points` line is not in this text.
pub fn set_points(text: &str, id: &str, points: u32) -> Option<String> {
    let header = text.match_indices("[[rule]]").map(|(i, _)| i).find(|&start| {
        let end = text[start + 8..].find("[[").map_or(text.len(), |e| start + 8 + e);
        text[start..end]
            .lines()
            .any(|l| l.split_once('=').is_some_and(|(k, v)| k.trim() == "id" && v.trim().trim_matches('"') == id))
    })?;
    let end = text[header + 8..].find("[[").map_or(text.len(), |e| header + 8 + e);
    let table = &text[header..end];
    let number = |key: &str| -> Option<(usize, usize, u32)> {
        let mut at = 0;
        for line in table.split_inclusive('\n') {
            if let Some((k, v)) = line.split_once('=')
                && k.trim() == key
            {
                let v_start = at + k.len() + 1;
                let digits = v.trim_start();
                let lead = v.len() - digits.len();
                let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
                return Some((header + v_start + lead, n.len(), n.parse().ok()?));
            }
            at += line.len();
        }
        None
    };
    let (p_at, p_len, old) = number("points")?;
    let mut edits = vec![(p_at, p_len, points)];
    if let Some((m_at, m_len, m)) = number("max_points") {
        let scaled = if old == 0 { m } else { (f64::from(m) * f64::from(points) / f64::from(old)).round() as u32 };
        edits.push((m_at, m_len, scaled.max(points)));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (at, len, n) in edits {
        out.replace_range(at..at + len, &n.to_string());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn set_points_edits_only_that_rules_numbers() {
        let text = "[pack]\nlanguage = \"en\"\n\n[[rule]]\nid = \"a.one\"\npoints = 10\n\n[[rule]]\nid = \"a.two\"\npoints = 8\nmax_points = 16 # cap\n[rule.examples]\nfire = []\n";
        let out = set_points(text, "a.two", 12).unwrap();
        assert_eq!(out, text.replace("points = 8\nmax_points = 16", "points = 12\nmax_points = 24"));
        assert!(set_points(text, "a.three", 1).is_none());
    }

    use super::*;

    fn src(text: &str) -> PackSource {
        PackSource { name: "test.toml".into(), text: text.into() }
    }

    #[test]
    fn unknown_field_names_line_and_rule() {
        let text = "[pack]\nlanguage = \"en\"\n\n[[rule]]\nid = \"broadcast.x\"\ncategory = \"broadcast\"\nphrasez = [\"a\"]\n";
        let err = Pack::parse(src(text)).unwrap_err().to_string();
        assert!(err.contains("test.toml:7"), "{err}");
        assert!(err.contains("broadcast.x"), "{err}");
        assert!(err.contains("phrasez"), "{err}");
    }

    #[test]
    fn builtin_packs_are_embedded() {
        let b = builtin_sources();
        assert!(b.iter().any(|s| s.name == "builtin:any/channels.toml"));
    }
}
