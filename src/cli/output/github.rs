//! The `github` format: GitHub Actions workflow commands, which the runner turns
//! into annotations on the pull request's changed lines.
//!
//! `::warning file=posts/a.md,line=4,col=7,endLine=4,endColumn=26,title=broadcast.hard-sell::…`
//!
//! One annotation per warning: repeats collapsed into one warning are one
//! annotation at the first of them, its message saying `(13 times)`.
//! Levels follow the rule's severity (error → `error`, warning → `warning`, info →
//! `notice`); a post whose verdict is review or block gets one more annotation on
//! its first line with the score, at `warning` or `error`. Columns count UTF-16
//! code units, as GitHub's web page does, and are left out when a finding spans
//! lines (GitHub only places columns within one line). Values are escaped as the
//! Actions toolkit does: `%`, CR and LF everywhere, plus `:` and `,` in properties.

use super::text::{run_summary, score_line};
use super::{Outcome, Region, region, times};
use crate::pack::Severity;
use crate::report::Verdict;
use std::io::{self, Write};

pub fn write(out: &mut dyn Write, outcomes: &[Outcome], quiet: bool) -> io::Result<()> {
    for o in outcomes {
        match &o.result {
            Err(e) => {
                let region = o.error_position(e).map(|(line, column)| match column {
                    Some(column) => Region { line, column, end_line: line, end_column: column },
                    None => Region::line(line),
                });
                let ptr = e.pointer.as_deref().map(|p| format!("{p}: ")).unwrap_or_default();
                let place = Place { file: &o.path, region, title: "unbroadcast: error" };
                command(out, "error", &place, &format!("{ptr}{}", e.message))?;
            }
            Ok(r) => {
                for w in &r.warnings {
                    let place = Place { file: &o.path, region: region(o, w.span.as_ref()), title: &w.rule };
                    // Repeats are one annotation, at the first, saying how many.
                    let message = format!("{}{} (+{} points)\n{}", w.message, times(w.count), w.points, w.suggestion);
                    command(out, level(w.severity), &place, &message)?;
                }
                for d in &o.diagnostics {
                    let place = Place { file: &o.path, region: region(o, Some(&d.span)), title: d.rule };
                    command(out, level(d.severity), &place, &format!("{}\n{}", d.message, d.suggestion))?;
                }
                let summary = match r.verdict {
                    Verdict::Pass => None,
                    Verdict::Review => Some("warning"),
                    Verdict::Block => Some("error"),
                };
                if let Some(level) = summary {
                    let title = format!("unbroadcast: {}", r.verdict.name());
                    let place =
                        Place { file: &o.path, region: region(o, None).map(|r| Region::line(r.line)), title: &title };
                    command(out, level, &place, &score_line(r))?;
                }
            }
        }
    }
    if !quiet {
        // The same words as the text format's last line: warnings, not "findings".
        writeln!(out, "unbroadcast: {}", run_summary(outcomes))?;
    }
    Ok(())
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

struct Place<'a> {
    file: &'a str,
    region: Option<Region>,
    title: &'a str,
}

fn command(out: &mut dyn Write, level: &str, p: &Place<'_>, message: &str) -> io::Result<()> {
    let mut props = vec![format!("file={}", property(p.file))];
    if let Some(r) = p.region {
        props.push(format!("line={}", r.line));
        // Columns only within one line; `0` marks "no column" (a line-wide place).
        if r.end_line == r.line && r.column > 0 {
            props.push(format!("col={}", r.column));
        }
        if r.end_line != r.line {
            props.push(format!("endLine={}", r.end_line));
        } else if r.column > 0 && r.end_column > r.column {
            props.push(format!("endLine={}", r.end_line));
            props.push(format!("endColumn={}", r.end_column));
        }
    }
    props.push(format!("title={}", property(p.title)));
    writeln!(out, "::{level} {}::{}", props.join(","), data(message))
}

/// Escapes a message as `@actions/core` does (`escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (`escapeProperty`): also `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(data("50% off\r\nnow: yes, really"), "50%25 off%0D%0Anow: yes, really");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn columns_only_on_one_line() {
        let mut buf = Vec::new();
        let one = Place {
            file: "p,1.md",
            region: Some(Region { line: 4, column: 7, end_line: 4, end_column: 15 }),
            title: "bait.vote",
        };
        command(&mut buf, "warning", &one, "Vote!").unwrap();
        let two =
            Place { file: "a.md", region: Some(Region { line: 4, column: 7, end_line: 5, end_column: 3 }), title: "x" };
        command(&mut buf, "notice", &two, "m").unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "::warning file=p%2C1.md,line=4,col=7,endLine=4,endColumn=15,title=bait.vote::Vote!\n::notice file=a.md,line=4,endLine=5,title=x::m\n"
        );
    }
}
