//! Front matter of post files: YAML between `---` lines or TOML between `+++`
//! lines. Keys unbroadcast knows are read; other keys belong to the site generator
//! and are left alone — unless one looks like a typo of ours ("chanel"), which is
//! an error with its line, because a silently ignored `chanel: x` lints the post
//! against the wrong network.

use crate::input::{AudienceIn, HistoryIn, ReplyToIn};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a post file's front matter says.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub scheduled_at: Option<String>,
    #[serde(default)]
    pub audience: Option<AudienceRef>,
    #[serde(default)]
    pub reply_to: Option<ReplyToIn>,
    #[serde(default)]
    pub history: Option<Vec<HistoryIn>>,
    /// `unbroadcast: { select: [...], ignore: [...] }`
    #[serde(default)]
    pub unbroadcast: Option<FileOptions>,
}

/// An audience by name (from `[audiences.NAME]`) or written out.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum AudienceRef {
    Name(String),
    Inline(AudienceIn),
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileOptions {
    #[serde(default)]
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
}

const KEYS: [&str; 8] = ["id", "channel", "language", "scheduled_at", "audience", "reply_to", "history", "unbroadcast"];
/// Keys whose scalar values are read as text even when YAML/TOML typed them.
const TEXT_KEYS: [&str; 4] = ["id", "channel", "language", "scheduled_at"];

/// A post file split into front matter and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub front: FrontMatter,
    /// The post text.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_start: usize,
    /// File lines of the keys unbroadcast read (`channel` → 2), so an invalid value
    /// found later is reported at its line.
    pub lines: BTreeMap<String, usize>,
}

/// A front matter problem: 1-based file line (and column when the parser knows
/// it), and a message that carries no position of its own, so the file's
/// position is the only one printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl FrontMatterError {
    fn at(line: usize, message: impl Into<String>) -> Self {
        FrontMatterError { line, column: None, message: message.into() }
    }
}

/// A byte order mark: editors hide it, so it is neither post text nor a column.
const BOM: char = '\u{feff}';

/// Splits `text` into front matter (if any) and body. The body is trimmed of
/// blank lines around it and never starts with a byte order mark; `body_start`
/// keeps positions true to the file.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let (fm, rest_start) = match find_block(text)? {
        None => (None, if text.starts_with(BOM) { BOM.len_utf8() } else { 0 }),
        Some(b) => {
            let end = b.end;
            (Some(b), end)
        }
    };
    let (front, lines) = match fm {
        None => (FrontMatter::default(), BTreeMap::new()),
        Some(b) => parse(&text[b.content.clone()], b.toml, b.first_line)?,
    };
    let rest = &text[rest_start..];
    let leading = rest.len() - rest.trim_start_matches(['\n', '\r', ' ', '\t']).len();
    // Back up to the start of the first non-blank line so columns stay right.
    let lead = rest[..leading].rfind('\n').map_or(0, |i| i + 1);
    let body = rest[lead..].trim_end();
    Ok(Split { front, body, body_start: rest_start + lead, lines })
}

struct Block {
    content: std::ops::Range<usize>,
    end: usize,
    toml: bool,
    /// File line of the first content line.
    first_line: usize,
}

/// The front matter block at the start of `text`, if there is one.
///
/// A file whose first line is a fence but which has no closing fence is an
/// error only when the next non-blank line looks like a front matter key
/// (`key:` after `---`, `key =` or `[table]` after `+++`): that is a forgotten
/// closing fence, and linting the keys as post text would hide it. Otherwise the
/// `---` is a Markdown thematic break and the file is all post, as before.
fn find_block(text: &str) -> Result<Option<Block>, FrontMatterError> {
    let start = if text.starts_with(BOM) { BOM.len_utf8() } else { 0 };
    let t = &text[start..];
    let (fence, toml) = if t.starts_with("---") {
        ("---", false)
    } else if t.starts_with("+++") {
        ("+++", true)
    } else {
        return Ok(None);
    };
    let Some(first_nl) = t.find('\n') else { return Ok(None) };
    if t[fence.len()..first_nl].trim() != "" {
        return Ok(None);
    }
    let content_start = start + first_nl + 1;
    let mut pos = content_start;
    for line in text[content_start..].split_inclusive('\n') {
        let l = line.trim_end();
        if l == fence || (!toml && l == "...") {
            return Ok(Some(Block { content: content_start..pos, end: pos + line.len(), toml, first_line: 2 }));
        }
        pos += line.len();
    }
    let first = text[content_start..].lines().map(str::trim).find(|l| !l.is_empty());
    if first.is_some_and(|l| looks_like_key(l, toml)) {
        return Err(FrontMatterError::at(
            1,
            format!(
                "`{fence}` on line 1 opens it, but no `{fence}` line closes it; add one after the keys \
                 (or, if the `{fence}` is a thematic break, start the file with text)"
            ),
        ));
    }
    Ok(None)
}

/// Whether `line` reads as a front matter entry: a bare key followed by `:`
/// (YAML, then a space or nothing) or `=` (TOML), or a TOML `[table]` header.
fn looks_like_key(line: &str, toml: bool) -> bool {
    if toml && line.starts_with('[') && line.ends_with(']') {
        return true;
    }
    let key_end = line.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(line.len());
    let rest = line[key_end..].trim_start();
    key_end > 0
        && if toml {
            rest.starts_with('=')
        } else {
            rest.strip_prefix(':').is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        }
}

fn parse(src: &str, toml: bool, first_line: usize) -> Result<(FrontMatter, BTreeMap<String, usize>), FrontMatterError> {
    let value: Value = if toml {
        let table: toml::Table = toml::from_str(src).map_err(|e| {
            // `src` holds whole file lines, so a column in it is a column in the file.
            let (line, column) = e.span().map_or((0, None), |s| {
                let before = &src[..s.start];
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                (before.matches('\n').count(), Some(before[line_start..].chars().count() + 1))
            });
            FrontMatterError { line: first_line + line, column, message: e.message().trim().to_owned() }
        })?;
        toml_to_json(toml::Value::Table(table))
    } else if src.trim().is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        serde_saphyr::from_str::<Value>(src).map_err(|e| {
            let at = e.location();
            FrontMatterError {
                line: first_line + at.map_or(0, |l| (l.line() as usize).saturating_sub(1)),
                column: at.map(|l| l.column() as usize).filter(|&c| c > 0),
                message: yaml_message(&e),
            }
        })?
    };
    let Value::Object(map) = value else {
        return Err(FrontMatterError::at(first_line, "front matter must be a mapping of keys to values"));
    };
    let line_of = |key: &str| {
        src.lines()
            .position(|l| {
                let l = l.trim_start();
                l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with([':', '=']))
            })
            .map_or(first_line, |i| first_line + i)
    };
    let mut known = serde_json::Map::new();
    for (k, v) in map {
        if KEYS.contains(&k.as_str()) {
            let v = match v {
                Value::Number(n) if TEXT_KEYS.contains(&k.as_str()) => Value::String(n.to_string()),
                other => other,
            };
            known.insert(k, v);
        } else if let Some(near) = KEYS.iter().find(|known| is_typo_of(&k, known)) {
            return Err(FrontMatterError::at(line_of(&k), format!("unknown key `{k}`; did you mean `{near}`?")));
        }
    }
    let lines: BTreeMap<String, usize> = known.keys().map(|k| (k.clone(), line_of(k))).collect();
    let front = serde_json::from_value::<FrontMatter>(Value::Object(known)).map_err(|e| {
        let msg = e.to_string();
        let line = lines.iter().find(|(k, _)| msg.contains(k.as_str())).map_or(first_line, |(_, &l)| l);
        FrontMatterError::at(line, msg)
    })?;
    Ok((front, lines))
}

/// A YAML error's reason without its position: `Display` adds the position in
/// the block ("line 2 column 9"), which is not the file's line.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::MessageFormatter;
    let msg = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet());
    // The formatter leaves control characters in; keep the message on one line.
    let msg: String = msg.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let msg = msg.trim();
    if msg.is_empty() { "invalid YAML".to_owned() } else { msg.to_owned() }
}

fn is_typo_of(key: &str, known: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    k == known || (known.len() >= 4 && strsim::damerau_levenshtein(&k, known) <= 2)
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let text = "---\ntitle: Launch\nchannel: linkedin\nscheduled_at: 2026-05-04T09:30:00+02:00\naudience: baristas\n---\n\nHello there.\n";
        let s = split(text).unwrap();
        assert_eq!(s.front.channel.as_deref(), Some("linkedin"));
        assert_eq!(s.front.scheduled_at.as_deref(), Some("2026-05-04T09:30:00+02:00"));
        assert_eq!(s.front.audience, Some(AudienceRef::Name("baristas".into())));
        assert_eq!(s.body, "Hello there.");
        assert_eq!(&text[s.body_start..s.body_start + 5], "Hello");
    }

    #[test]
    fn toml_front_matter_with_datetime() {
        let text = "+++\nchannel = \"x\"\nscheduled_at = 2026-05-04T09:30:00+02:00\n[audience]\ninterests = [\"espresso\"]\n+++\nHi";
        let s = split(text).unwrap();
        assert_eq!(s.front.scheduled_at.as_deref(), Some("2026-05-04T09:30:00+02:00"));
        assert!(matches!(s.front.audience, Some(AudienceRef::Inline(ref a)) if a.interests == ["espresso"]));
    }

    #[test]
    fn typos_are_errors_with_lines() {
        let e = split("---\ntitle: x\nchanel: x\n---\nHi").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("did you mean `channel`"), "{}", e.message);
        let e = split("---\nchannel: [x\n---\nHi").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let e = split("+++\nchannel = \n+++\nHi").unwrap_err();
        assert_eq!(e.line, 2);
        let e = split("---\nreply_to: { author: '@a', txt: 'b' }\n---\nHi").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("txt"));
    }

    #[test]
    fn parser_errors_carry_the_file_position_once() {
        // Line 4 of the file is line 3 of the block; the message must not repeat it.
        let e = split("---\nchannel: x\ntitle: a\nlang: b: c\n---\nHi").unwrap_err();
        assert_eq!((e.line, e.column), (4, Some(8)), "{e:?}");
        assert!(!e.message.contains("line"), "{}", e.message);
        let e = split("+++\nchannel = \"x\"\ntitle = oops\n+++\nHi").unwrap_err();
        assert_eq!((e.line, e.column), (3, Some(9)), "{e:?}");
        assert!(!e.message.contains("line"), "{}", e.message);
    }

    #[test]
    fn an_unclosed_fence_before_keys_is_an_error() {
        let e = split("---\ntitle: Hello\nchannel: x\n\nHi there.\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("`---` on line 1 opens it, but no `---` line closes it"), "{}", e.message);
        let e = split("\u{feff}+++\n\n[audience]\nHi").unwrap_err();
        assert!(e.message.contains("`+++`"), "{}", e.message);
        // A thematic break before prose is not front matter.
        let s = split("---\nHi there: a post after a rule.\n").unwrap();
        assert_eq!((s.body, s.body_start), ("---\nHi there: a post after a rule.", 0));
        assert_eq!(split("---\n\nJust prose.").unwrap().body, "---\n\nJust prose.");
    }

    #[test]
    fn a_byte_order_mark_is_not_post_text() {
        let s = split("\u{feff}Hello.\n").unwrap();
        assert_eq!((s.body, s.body_start), ("Hello.", 3));
        let s = split("\u{feff}---\nchannel: x\n---\nHello.").unwrap();
        assert_eq!((s.front.channel.as_deref(), s.body), (Some("x"), "Hello."));
    }

    #[test]
    fn no_front_matter() {
        let s = split("Just a post.\n").unwrap();
        assert_eq!((s.body, s.body_start), ("Just a post.", 0));
        // A thematic break later in the file is not front matter.
        assert_eq!(split("Hi\n---\nthere").unwrap().body, "Hi\n---\nthere");
    }
}
