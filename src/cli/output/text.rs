//! The `text` format: rustc/ruff-like lines with the source line and carets, a
//! summary per post and one for the run.

use super::{Diagnostic, Outcome, severity_name, times};
use crate::cli::sourcemap::file_offsets;
use crate::pack::Severity;
use crate::report::{Report, Warning};
use crate::text::{OffsetMap, Span};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// A warning or a diagnostic, as printed.
struct Shown<'a> {
    rule: &'a str,
    severity: Severity,
    /// `None` for diagnostics, which are not scored.
    points: Option<u32>,
    message: &'a str,
    span: Option<&'a Span>,
    /// Occurrences: more than 1 for collapsed repeats, whose further places
    /// (the first few) are `more_spans`.
    count: u32,
    more_spans: &'a [Span],
    suggestion: &'a str,
    replacements: &'a [String],
    suggested_time: Option<&'a str>,
}

impl<'a> From<&'a Warning> for Shown<'a> {
    fn from(w: &'a Warning) -> Self {
        Shown {
            rule: &w.rule,
            severity: w.severity,
            points: Some(w.points),
            message: &w.message,
            span: w.span.as_ref(),
            count: w.count,
            more_spans: &w.more_spans,
            suggestion: &w.suggestion,
            replacements: &w.replacements,
            suggested_time: w.suggested_time.as_deref(),
        }
    }
}

impl<'a> From<&'a Diagnostic> for Shown<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Shown {
            rule: d.rule,
            severity: d.severity,
            points: None,
            message: &d.message,
            span: Some(&d.span),
            count: 1,
            more_spans: &[],
            suggestion: &d.suggestion,
            replacements: &[],
            suggested_time: None,
        }
    }
}

pub fn write(out: &mut dyn Write, outcomes: &[Outcome], quiet: bool) -> io::Result<()> {
    for o in outcomes {
        let at = match o.line {
            Some(l) => format!("{}:{l}", o.path),
            None => o.path.clone(),
        };
        match &o.result {
            Err(e) => {
                let at = match o.error_position(e) {
                    Some((l, Some(c))) => format!("{}:{l}:{c}", o.path),
                    Some((l, None)) => format!("{}:{l}", o.path),
                    None => o.path.clone(),
                };
                let ptr = e.pointer.as_deref().map(|p| format!("{p}: ")).unwrap_or_default();
                writeln!(out, "{at}: error: {ptr}{}", e.message)?;
            }
            Ok(r) => {
                let map = o.source.as_deref().map(|s| (s, file_offsets(s)));
                let source = map.as_ref().map(|(s, m)| (*s, m));
                for w in &r.warnings {
                    finding(out, &at, o.line.is_some(), &Shown::from(w), source, quiet)?;
                }
                for d in &o.diagnostics {
                    finding(out, &at, false, &Shown::from(d), source, quiet)?;
                }
                if !quiet {
                    summary(out, &at, r)?;
                }
            }
        }
    }
    if !quiet {
        writeln!(out, "{}", run_summary(outcomes))?;
    }
    Ok(())
}

/// The run's last line, in every format for people and CI logs (`text`,
/// `github`): `Linted 9 posts: 2 pass, 6 review, 1 block; 31 warnings; 1 unused disable.`
pub fn run_summary(outcomes: &[Outcome]) -> String {
    let mut counts = [0usize; 3];
    let (mut warnings, mut errors, mut unused) = (0, 0, 0);
    for o in outcomes {
        match &o.result {
            Err(_) => errors += 1,
            Ok(r) => {
                counts[r.verdict as usize] += 1;
                warnings += r.warnings.len();
                unused += o.diagnostics.len();
            }
        }
    }
    let posts = outcomes.len();
    format!(
        "Linted {posts} post{}: {} pass, {} review, {} block; {warnings} warning{}{}{}.",
        plural(posts),
        counts[0],
        counts[1],
        counts[2],
        plural(warnings),
        if unused > 0 { format!("; {unused} unused disable{}", plural(unused)) } else { String::new() },
        if errors > 0 { format!("; {errors} could not be linted") } else { String::new() }
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn finding(
    out: &mut dyn Write,
    at: &str,
    in_request: bool,
    w: &Shown<'_>,
    source: Option<(&str, &OffsetMap)>,
    quiet: bool,
) -> io::Result<()> {
    let sev = severity_name(w.severity);
    let pos = match (w.span, in_request) {
        (Some(s), false) => format!(":{}:{}", s.line, s.column),
        (Some(s), true) => format!(" › {}:{}", s.line, s.column),
        (None, _) => String::new(),
    };
    let points = w.points.map(|p| format!(" +{p}")).unwrap_or_default();
    writeln!(out, "{at}{pos}: {} [{sev}{points}] {}{}", w.rule, w.message, times(w.count))?;
    if quiet {
        return Ok(());
    }
    if let (Some(s), Some((text, map))) = (w.span, source) {
        let mut line_range = map.line_range(text, s.line);
        if s.line == 1 {
            // Not the byte order mark: it is invisible, and columns skip it.
            line_range.start += crate::cli::sourcemap::bom_len(text).min(line_range.len());
        }
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
    if let Some(also) = also_at(w) {
        writeln!(out, "  = also at: {also}")?;
    }
    writeln!(out, "  = help: {}", w.suggestion)?;
    for r in w.replacements.iter().filter(|r| !r.is_empty()) {
        writeln!(out, "  = try: {r}")?;
    }
    if let Some(t) = w.suggested_time {
        writeln!(out, "  = earliest good time: {t}")?;
    }
    Ok(())
}

/// Where the repeats of a collapsed warning are: `1:11, 1:21 and 1989 more`.
fn also_at(w: &Shown<'_>) -> Option<String> {
    if w.more_spans.is_empty() {
        return None;
    }
    let places: Vec<String> = w.more_spans.iter().map(|s| format!("{}:{}", s.line, s.column)).collect();
    let rest = (w.count as usize).saturating_sub(1 + places.len());
    let more = if rest > 0 { format!(" and {rest} more") } else { String::new() };
    Some(format!("{}{more}", places.join(", ")))
}

fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn summary(out: &mut dyn Write, at: &str, r: &Report) -> io::Result<()> {
    writeln!(out, "{at}: {} [{}]\n", score_line(r), r.language.code)
}

/// `score 78/100 → block · broadcast 40 · bait 15`
pub fn score_line(r: &Report) -> String {
    let cats: Vec<String> =
        r.categories.iter().filter(|(_, c)| c.points > 0).map(|(k, c)| format!("{k} {}", c.counted)).collect();
    let detail = if cats.is_empty() { String::new() } else { format!(" · {}", cats.join(" · ")) };
    format!("score {}/100 → {}{detail}", r.score, r.verdict.name())
}
