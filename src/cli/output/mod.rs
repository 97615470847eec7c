//! Printing lint outcomes. Every format renders the same [`Outcome`]s: `text` for
//! people (rustc/ruff-like, with the source line and carets), `json` and `jsonl`
//! for machines (the API's report shape plus the path), `sarif` for code scanning,
//! `github` for workflow annotations. `--statistics` replaces the listing with
//! counts per rule.

mod github;
mod sarif;
mod text;

use super::inputs::ItemError;
use crate::pack::Severity;
use crate::report::Report;
use crate::rules::RuleInfo;
use crate::text::Span;
use clap::ValueEnum;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: positions, the source line, carets, help.
    Text,
    /// One JSON array of reports (the API's shape plus `path`).
    Json,
    /// One report per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// The result of linting one input.
#[derive(Debug)]
pub struct Outcome {
    pub path: String,
    /// For `.jsonl` inputs: the line of the request.
    pub line: Option<usize>,
    /// The text the report's spans point into (the file, or the post of a request).
    pub source: Option<String>,
    /// Where findings about the whole post are placed: the post's first character
    /// in the file.
    pub anchor: Option<Span>,
    pub result: Result<Report, ItemError>,
    /// unbroadcast's own findings about the file (unused disables). Not part of the
    /// score; they fail the run like a verdict at `--fail-on` would.
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    /// Where an error of this outcome stands in the input file, as (line,
    /// column): a `.jsonl` request's line, else the error's own place (front
    /// matter), with a column when it is known.
    pub fn error_position(&self, e: &ItemError) -> Option<(usize, Option<usize>)> {
        match self.line {
            Some(l) => Some((l, None)),
            None => e.line.map(|l| (l, e.column)),
        }
    }
}

/// A finding of unbroadcast itself rather than of a rule pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub suggestion: String,
}

/// What the formats need besides the outcomes.
#[derive(Debug, Default)]
pub struct Context {
    /// Docs of every rule that fired, by id.
    pub rules: BTreeMap<String, RuleInfo>,
    /// The working directory: relative paths are relative to it.
    pub cwd: PathBuf,
    pub quiet: bool,
}

pub fn write(out: &mut dyn Write, outcomes: &[Outcome], format: Format, cx: &Context) -> io::Result<()> {
    match format {
        Format::Text => text::write(out, outcomes, cx.quiet),
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
        Format::Sarif => sarif::write(out, outcomes, cx),
        Format::Github => github::write(out, outcomes, cx.quiet),
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
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    diagnostics: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorEntry<'a>>,
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
}

impl<'a> From<&'a Outcome> for Entry<'a> {
    fn from(o: &'a Outcome) -> Self {
        let (report, error) = match &o.result {
            Ok(r) => (Some(r), None),
            Err(e) => (
                None,
                Some(ErrorEntry { message: &e.message, line: e.line, column: e.column, pointer: e.pointer.as_deref() }),
            ),
        };
        Entry { path: &o.path, line: o.line, report, diagnostics: &o.diagnostics, error }
    }
}

/// How many findings each rule produced, most first (`--statistics`): repeats
/// collapsed into one warning count as many times as they occur.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RuleCount {
    pub rule: String,
    pub count: usize,
    pub severity: Severity,
}

pub fn statistics(outcomes: &[Outcome]) -> Vec<RuleCount> {
    let mut counts: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
    for o in outcomes {
        let warnings = o.result.as_ref().map(|r| r.warnings.as_slice()).unwrap_or_default();
        // Every occurrence counts, also those collapsed into one warning.
        let found = warnings.iter().map(|w| (w.rule.as_str(), w.severity, w.count as usize));
        for (rule, severity, n) in found.chain(o.diagnostics.iter().map(|d| (d.rule, d.severity, 1))) {
            counts.entry(rule).or_insert((0, severity)).0 += n;
        }
    }
    let mut out: Vec<RuleCount> = counts
        .into_iter()
        .map(|(rule, (count, severity))| RuleCount { rule: rule.to_owned(), count, severity })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    out
}

pub fn write_statistics(out: &mut dyn Write, outcomes: &[Outcome], format: Format) -> io::Result<()> {
    let stats = statistics(outcomes);
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &stats)?;
        return writeln!(out);
    }
    let width = stats.iter().map(|s| s.rule.len()).max().unwrap_or(0);
    for s in &stats {
        writeln!(out, "{:>5}  {:<width$}  {}", s.count, s.rule, severity_name(s.severity))?;
    }
    let errors = outcomes.iter().filter(|o| o.result.is_err()).count();
    if errors > 0 {
        writeln!(out, "{errors:>5}  {:<width$}  (could not be linted)", "error")?;
    }
    Ok(())
}

/// How a warning that stands for repeats says so after its message, in every
/// format for people: ` (13 times)`; nothing for a single finding.
pub fn times(count: u32) -> String {
    if count > 1 { format!(" ({count} times)") } else { String::new() }
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// 1-based column of byte `at` in `text`, counted in UTF-16 code units as GitHub
/// (and SARIF's default `columnKind`) count them.
pub fn utf16_column(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    let line_start = text[..at].rfind(['\n', '\r']).map_or(crate::cli::sourcemap::bom_len(text).min(at), |i| i + 1);
    text[line_start..at].encode_utf16().count() + 1
}

/// A position in UTF-16 columns: start line/column, end line/column (exclusive);
/// column 0 means "the whole line".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    /// A whole line, without columns.
    pub fn line(line: usize) -> Region {
        Region { line, column: 0, end_line: line, end_column: 0 }
    }

    pub fn of(span: &Span, source: Option<&str>) -> Region {
        match source {
            Some(t) => Region {
                line: span.line,
                column: utf16_column(t, span.byte_start),
                end_line: span.end_line,
                end_column: utf16_column(t, span.byte_end),
            },
            None => {
                Region { line: span.line, column: span.column, end_line: span.end_line, end_column: span.end_column }
            }
        }
    }
}

/// Where a finding is shown: its span in the file, the post's first line for
/// whole-post findings, the request's line for `.jsonl` inputs.
pub fn region(o: &Outcome, span: Option<&Span>) -> Option<Region> {
    if let Some(line) = o.line {
        // A request in a .jsonl file: spans point into the post, not the file.
        return Some(Region { line, column: 1, end_line: line, end_column: 1 });
    }
    let src = o.source.as_deref();
    match (span, &o.anchor) {
        (Some(s), _) => Some(Region::of(s, src)),
        (None, Some(a)) => {
            // The whole first line of the post.
            let line_end = src
                .map_or(a.byte_start, |t| t[a.byte_start..].find(['\n', '\r']).map_or(t.len(), |i| a.byte_start + i));
            let end_column = src.map_or(a.column, |t| utf16_column(t, line_end));
            Some(Region { line: a.line, column: Region::of(a, src).column, end_line: a.line, end_column })
        }
        (None, None) => None,
    }
}
