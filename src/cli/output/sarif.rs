//! The `sarif` format: a SARIF 2.1.0 log that GitHub code scanning (and any SARIF
//! viewer) accepts, checked against the OASIS schema in the tests.
//!
//! - `tool.driver.rules`: every rule that fired, with its docs from the packs —
//!   `fullDescription` and `help` say why it matters and what to do instead.
//! - `results`: one per warning, with `ruleId`, `level` from the severity (info →
//!   `note`), the message, and a physical location. Findings about the whole post
//!   are placed on the post's first line. Repeats collapsed into one warning are
//!   one result: `occurrenceCount` says how many, `relatedLocations` holds the
//!   further ones the report lists (at most ten), and the message ends `(13 times)`.
//! - Paths are relative to the working directory under `%SRCROOT%` (GitHub reads
//!   them relative to the repository root, so run from there); absolute paths are
//!   `file://` URIs.
//! - Columns are UTF-16 code units (`columnKind: utf16CodeUnits`), as GitHub counts.
//! - Each post's score and verdict are in its artifact's and its results'
//!   `properties`; inputs that could not be linted are `toolExecutionNotifications`
//!   and make `executionSuccessful` false.

use super::{Context, Outcome, Region, region, times};
use crate::cli::directives::UNUSED_DISABLE;
use crate::pack::Severity;
use crate::report::Report;
use crate::rules::RuleInfo;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

pub fn write(out: &mut dyn Write, outcomes: &[Outcome], cx: &Context) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(outcomes, cx))?;
    writeln!(out)
}

fn log(outcomes: &[Outcome], cx: &Context) -> Value {
    let mut rules: Vec<Value> = cx.rules.values().map(rule).collect();
    let mut index: BTreeMap<&str, usize> = cx.rules.keys().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    if outcomes.iter().any(|o| !o.diagnostics.is_empty()) {
        index.insert(UNUSED_DISABLE, rules.len());
        rules.push(unused_disable_rule());
    }
    let mut artifacts: Vec<Value> = Vec::new();
    let mut results: Vec<Value> = Vec::new();
    let mut notifications: Vec<Value> = Vec::new();
    for o in outcomes {
        let artifact = artifacts.len();
        let location = |region: Option<Region>| {
            let mut loc = artifact_location(&o.path);
            loc["index"] = json!(artifact);
            let mut physical = json!({ "artifactLocation": loc });
            if let Some(r) = region {
                physical["region"] = region_json(r);
            }
            json!({ "physicalLocation": physical })
        };
        match &o.result {
            Err(e) => {
                let ptr = e.pointer.as_deref().map(|p| format!("{p}: ")).unwrap_or_default();
                let mut n = json!({
                    "level": "error",
                    "message": { "text": format!("{}: {ptr}{}", o.path, e.message) },
                    "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&o.path) } }],
                });
                if let Some((l, column)) = o.error_position(e) {
                    let mut region = json!({ "startLine": l });
                    if let Some(c) = column {
                        region["startColumn"] = json!(c);
                    }
                    n["locations"][0]["physicalLocation"]["region"] = region;
                }
                notifications.push(n);
            }
            Ok(r) => {
                let mut a = json!({ "location": artifact_location(&o.path), "properties": post_properties(r) });
                if let Some(l) = o.line {
                    a["properties"]["line"] = json!(l);
                }
                artifacts.push(a);
                for w in &r.warnings {
                    let mut props = post_properties(r);
                    props["category"] = json!(w.category.name());
                    props["points"] = json!(w.points);
                    if let Some(e) = &w.excerpt {
                        props["excerpt"] = json!(e);
                    }
                    let mut result = json!({
                        "ruleId": w.rule,
                        "ruleIndex": index.get(w.rule.as_str()).copied().unwrap_or(0),
                        "level": level(w.severity),
                        "message": { "text": format!("{}{}", w.message, times(w.count)) },
                        "locations": [location(region(o, w.span.as_ref()))],
                        "occurrenceCount": w.count,
                        "properties": props,
                    });
                    if !w.more_spans.is_empty() {
                        let related: Vec<Value> = (1..)
                            .zip(&w.more_spans)
                            .map(|(id, s)| {
                                let mut l = location(region(o, Some(s)));
                                l["id"] = json!(id);
                                l["message"] = json!({ "text": format!("occurrence {} of {}", id + 1, w.count) });
                                l
                            })
                            .collect();
                        result["relatedLocations"] = json!(related);
                    }
                    results.push(result);
                }
                for d in &o.diagnostics {
                    results.push(json!({
                        "ruleId": d.rule,
                        "ruleIndex": index.get(d.rule).copied().unwrap_or(0),
                        "level": level(d.severity),
                        "message": { "text": d.message },
                        "locations": [location(region(o, Some(&d.span)))],
                    }));
                }
            }
        }
    }
    let root = format!("file://{}/", uri_path(&cx.cwd.to_string_lossy()).trim_end_matches('/'));
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "unbroadcast",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
                "workingDirectory": { "uri": root },
            }],
            "originalUriBaseIds": { SRCROOT: { "uri": root } },
            "artifacts": artifacts,
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

fn post_properties(r: &Report) -> Value {
    json!({ "score": r.score, "verdict": r.verdict.name(), "language": r.language.code.code() })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region_json(r: Region) -> Value {
    if r.column == 0 {
        return json!({ "startLine": r.line });
    }
    json!({ "startLine": r.line, "startColumn": r.column, "endLine": r.end_line, "endColumn": r.end_column.max(r.column) })
}

/// A relative path under `%SRCROOT%`, or an absolute `file://` URI.
fn artifact_location(path: &str) -> Value {
    let p = path.replace('\\', "/");
    if p.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_path(&p)) })
    } else {
        json!({ "uri": uri_path(&p), "uriBaseId": SRCROOT })
    }
}

/// Percent-encodes a path for a URI (RFC 3986: unreserved characters and `/` stay).
fn uri_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule(r: &RuleInfo) -> Value {
    let v = r.primary();
    let name = r.id.split_once('.').map_or(r.id.as_str(), |(_, n)| n);
    let short = format!("{}: {}", r.category.name(), name.replace('-', " "));
    let mut text = format!("{}\n\nWhat to do instead: {}", v.why, v.suggestion);
    let mut markdown = format!("**Why it matters.** {}\n\n**What to do instead.** {}", v.why, v.suggestion);
    if !v.references.is_empty() {
        text.push_str(&format!("\n\nSources: {}", v.references.join("; ")));
        markdown.push_str("\n\n**Sources.**");
        for reference in &v.references {
            markdown.push_str(&format!("\n- {reference}"));
        }
    }
    markdown.push_str(&format!("\n\n`unbroadcast rules {}` shows examples that fire and that pass.", r.id));
    json!({
        "id": r.id,
        "name": r.id,
        "shortDescription": { "text": short },
        "fullDescription": { "text": v.why },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": [r.category.name()],
            "points": r.points,
            "problem.severity": problem_severity(r.severity),
            "docs": format!("/v1/rules/{}", r.id),
        },
    })
}

fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "recommendation",
    }
}

fn unused_disable_rule() -> Value {
    let why = "An unbroadcast-disable comment that suppresses nothing hides the next real finding on that line and tells readers a problem is there when it is not.";
    json!({
        "id": UNUSED_DISABLE,
        "name": UNUSED_DISABLE,
        "shortDescription": { "text": "unbroadcast: unused disable" },
        "fullDescription": { "text": why },
        "help": {
            "text": format!("{why}\n\nWhat to do instead: remove the comment, or the rules in it that no longer fire."),
            "markdown": format!("**Why it matters.** {why}\n\n**What to do instead.** Remove the comment, or the rules in it that no longer fire."),
        },
        "defaultConfiguration": { "level": "warning" },
        "properties": { "tags": ["unbroadcast"], "problem.severity": "warning" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri_path("posts/ar/مرحبا 1.md"), "posts/ar/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7%201.md");
        assert_eq!(artifact_location("/tmp/a b.md")["uri"], "file:///tmp/a%20b.md");
        assert_eq!(artifact_location("posts/a.md")["uriBaseId"], SRCROOT);
    }
}
