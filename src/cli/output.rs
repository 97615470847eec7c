//! Printing lint outcomes: `text` for people (rustc/ruff-like, with the source line
//! and carets), `json` and `jsonl` for machines (the API's report shape plus the
//! path). Other formats render from the same outcomes.

use super::inputs::ItemError;
use crate::report::{Report, Verdict, Warning};
use crate::text::OffsetMap;
use clap::ValueEnum;
use serde::Serialize;
use std::io::{self, Write};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
}

/// The result of linting one input.
#[derive(Debug)]
pub struct Outcome {
    pub path: String,
    /// For `.jsonl` inputs: the line of the request.
    pub line: Option<usize>,
    /// The text the report's spans point into (the file, or the post of a request).
    pub source: Option<String>,
    pub result: Result<Report, ItemError>,
}

pub fn write(out: &mut dyn Write, outcomes: &[Outcome], format: Format, quiet: bool) -> io::Result<()> {
    match format {
        Format::Text => text(out, outcomes, quiet),
        Format::Json => {
            let entries: Vec<Entry<'_>> = outcomes.iter().map(Entry::from).collect();
            serde_json::to_writer_pretty(&mut *out, &entries)?;
            writeln!(out)
        }
        Format::Jsonl => {
            for o in outcomes {
                serde_json::to_writer(&mut *out, &Entry::from(o))?;
                writeln!(out)?;
            }
            Ok(())
        }
    }
}

/// One machine-readable line: the report (or error) with where it came from.
#[derive(Serialize)]
struct Entry<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    report: Option<&'a Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorEntry<'a>>,
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
}

impl<'a> From<&'a Outcome> for Entry<'a> {
    fn from(o: &'a Outcome) -> Self {
        match &o.result {
            Ok(r) => Entry { path: &o.path, line: o.line, report: Some(r), error: None },
            Err(e) => Entry {
                path: &o.path,
                line: o.line,
                report: None,
                error: Some(ErrorEntry { message: &e.message, line: e.line, pointer: e.pointer.as_deref() }),
            },
        }
    }
}

fn text(out: &mut dyn Write, outcomes: &[Outcome], quiet: bool) -> io::Result<()> {
    let mut counts = [0usize; 3];
    let (mut warnings, mut errors) = (0, 0);
    for o in outcomes {
        let at = match o.line {
            Some(l) => format!("{}:{l}", o.path),
            None => o.path.clone(),
        };
        match &o.result {
            Err(e) => {
                errors += 1;
                let line = e.line.filter(|_| o.line.is_none()).map(|l| format!(":{l}")).unwrap_or_default();
                let ptr = e.pointer.as_deref().map(|p| format!("{p}: ")).unwrap_or_default();
                writeln!(out, "{at}{line}: error: {ptr}{}", e.message)?;
            }
            Ok(r) => {
                counts[r.verdict as usize] += 1;
                warnings += r.warnings.len();
                let map = o
                    .source
                    .as_deref()
                    .map(|s| (s, OffsetMap::new(s, s.grapheme_indices(true).map(|(i, _)| i).collect())));
                for w in &r.warnings {
                    warning(out, &at, o.line.is_some(), w, map.as_ref().map(|(s, m)| (*s, m)), quiet)?;
                }
                if !quiet {
                    summary(out, &at, r)?;
                }
            }
        }
    }
    if !quiet {
        let posts = counts.iter().sum::<usize>() + errors;
        writeln!(
            out,
            "Linted {posts} post{}: {} pass, {} review, {} block; {warnings} warning{}{}.",
            plural(posts),
            counts[0],
            counts[1],
            counts[2],
            plural(warnings),
            if errors > 0 { format!("; {errors} could not be linted") } else { String::new() }
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn warning(
    out: &mut dyn Write,
    at: &str,
    in_request: bool,
    w: &Warning,
    source: Option<(&str, &OffsetMap)>,
    quiet: bool,
) -> io::Result<()> {
    let sev = format!("{:?}", w.severity).to_lowercase();
    let pos = match (&w.span, in_request) {
        (Some(s), false) => format!(":{}:{}", s.line, s.column),
        (Some(s), true) => format!(" › {}:{}", s.line, s.column),
        (None, _) => String::new(),
    };
    writeln!(out, "{at}{pos}: {} [{sev} +{}] {}", w.rule, w.points, w.message)?;
    if quiet {
        return Ok(());
    }
    if let (Some(s), Some((text, map))) = (&w.span, source) {
        let line_range = map.line_range(text, s.line);
        let line = &text[line_range.clone()];
        let num = s.line.to_string();
        let pad = " ".repeat(num.len());
        let start = s.byte_start.clamp(line_range.start, line_range.end) - line_range.start;
        let end = if s.end_line == s.line { s.byte_end - line_range.start } else { line.len() };
        let shown = line.replace('\t', " ");
        let before = line[..start].replace('\t', " ");
        let marked = &line[start..end.max(start)];
        let carets = "^".repeat(UnicodeWidthStr::width(marked).max(1));
        writeln!(out, "{pad} |")?;
        writeln!(out, "{num} | {shown}")?;
        // Right-to-left lines are displayed reordered by the terminal, so carets
        // cannot point reliably; name the marked text as well.
        let rtl = line.chars().any(is_rtl);
        let label = if rtl { format!(" «{marked}»") } else { String::new() };
        writeln!(out, "{pad} | {}{carets}{label}", " ".repeat(UnicodeWidthStr::width(before.as_str())))?;
    }
    writeln!(out, "  = help: {}", w.suggestion)?;
    for r in w.replacements.iter().filter(|r| !r.is_empty()) {
        writeln!(out, "  = try: {r}")?;
    }
    if let Some(t) = &w.suggested_time {
        writeln!(out, "  = earliest good time: {t}")?;
    }
    Ok(())
}

fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn summary(out: &mut dyn Write, at: &str, r: &Report) -> io::Result<()> {
    let verdict = match r.verdict {
        Verdict::Pass => "pass",
        Verdict::Review => "review",
        Verdict::Block => "block",
    };
    let cats: Vec<String> =
        r.categories.iter().filter(|(_, c)| c.points > 0).map(|(k, c)| format!("{k} {}", c.counted)).collect();
    let detail = if cats.is_empty() { String::new() } else { format!(" · {}", cats.join(" · ")) };
    writeln!(out, "{at}: score {}/100 → {verdict}{detail} [{}]\n", r.score, r.language.code)
}
