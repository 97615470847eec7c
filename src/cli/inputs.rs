//! From command-line paths to lint requests: post files (plain text or Markdown
//! with front matter), `.jsonl` files of API requests, directories, standard input.
//! A file or line that cannot be read becomes an error item; the others go on.

use super::frontmatter::{self, AudienceRef, FrontMatter};
use crate::input::{AudienceIn, LintRequest, OptionsIn, PostIn};
use crate::settings::Settings;
use std::path::Path;

/// Extensions linted when walking a directory.
pub const POST_EXTENSIONS: [&str; 4] = ["md", "markdown", "txt", "text"];

/// One thing to lint: a post file, or one line of a `.jsonl` file.
#[derive(Debug)]
pub struct Item {
    /// As given or found (`posts/a.md`, `-` for standard input).
    pub path: String,
    /// For `.jsonl` lines: the 1-based line number.
    pub line: Option<usize>,
    /// For post files: the whole file and where the post text starts in it, so
    /// positions can be reported in file coordinates.
    pub file: Option<FileText>,
    pub request: Result<LintRequest, ItemError>,
}

#[derive(Debug)]
pub struct FileText {
    pub text: String,
    pub body_start: usize,
}

/// Why an item could not be linted; `line` is a line of the input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    pub line: Option<usize>,
    pub pointer: Option<String>,
    pub message: String,
}

impl ItemError {
    fn at(line: Option<usize>, message: impl Into<String>) -> Self {
        ItemError { line, pointer: None, message: message.into() }
    }
}

/// Defaults for post files whose front matter does not say.
#[derive(Debug, Default, Clone)]
pub struct Defaults {
    pub channel: Option<String>,
    pub language: Option<String>,
    pub audience: Option<String>,
}

/// How standard input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post,
    Jsonl,
}

impl Kind {
    pub fn of(path: &Path) -> Kind {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl")) { Kind::Jsonl } else { Kind::Post }
    }
}

/// The files under `dir` worth linting, sorted (honours `.gitignore`).
pub fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                POST_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()) || e.eq_ignore_ascii_case("jsonl")
            })
        })
        .collect();
    files.sort();
    files
}

/// Turns raw bytes of one input into items.
pub fn items_from_bytes(path: &str, bytes: Vec<u8>, kind: Kind, settings: &Settings, defaults: &Defaults) -> Vec<Item> {
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
                request: Err(ItemError::at(
                    Some(line),
                    format!("not valid UTF-8 (bad byte at line {line}, byte column {col})"),
                )),
            }];
        }
    };
    match kind {
        Kind::Jsonl => jsonl_items(path, &text),
        Kind::Post => vec![post_item(path, text, settings, defaults)],
    }
}

fn post_item(path: &str, text: String, settings: &Settings, defaults: &Defaults) -> Item {
    let request = match frontmatter::split(&text) {
        Err(e) => Err(ItemError::at(Some(e.line), format!("front matter: {}", e.message))),
        Ok(split) => build_request(split.front, split.body, settings, defaults).map(|r| (r, split.body_start)),
    };
    match request {
        Ok((request, body_start)) => {
            Item { path: path.to_owned(), line: None, file: Some(FileText { text, body_start }), request: Ok(request) }
        }
        Err(e) => Item { path: path.to_owned(), line: None, file: None, request: Err(e) },
    }
}

fn build_request(front: FrontMatter, body: &str, settings: &Settings, d: &Defaults) -> Result<LintRequest, ItemError> {
    let audience = match front.audience.or_else(|| d.audience.clone().map(AudienceRef::Name)) {
        None => None,
        Some(AudienceRef::Inline(a)) => Some(a),
        Some(AudienceRef::Name(name)) => Some(named_audience(settings, &name)?),
    };
    let options = front.unbroadcast.map(|o| OptionsIn {
        select: o.select,
        ignore: (!o.ignore.is_empty()).then_some(o.ignore),
        ..OptionsIn::default()
    });
    Ok(LintRequest {
        id: front.id,
        post: PostIn {
            text: body.to_owned(),
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

fn jsonl_items(path: &str, text: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let request = match serde_json::from_str::<serde_json::Value>(line) {
            Err(e) => Err(ItemError::at(Some(n), format!("not JSON: {e}"))),
            Ok(v) if !v.is_object() => Err(ItemError::at(
                Some(n),
                format!("expected a JSON object (a POST /v1/lint body), found {}", json_kind(&v)),
            )),
            Ok(v) => LintRequest::from_json(v).map_err(|e| ItemError {
                line: Some(n),
                pointer: Some(e.pointer),
                message: e.message,
            }),
        };
        out.push(Item { path: path.to_owned(), line: Some(n), file: None, request });
    }
    out
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
