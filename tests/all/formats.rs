//! Every output format over the sample content repo (`tests/fixtures/content-repo`:
//! posts in en, de and ar, a LinkedIn calendar that over-posts, inline disables,
//! code blocks, links), as reviewed snapshots; the SARIF log validated against the
//! OASIS schema; columns counted as GitHub counts them.

use crate::cli::{dir_with, run};
use std::path::{Path, PathBuf};

/// "Now" for the sample repo: before every scheduled post.
pub const NOW: &str = "2026-05-01T12:00:00Z";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content-repo")
}

/// Runs `unbroadcast lint --now NOW ARGS` in the sample repo; output with the
/// rules version (which changes with every pack edit) and the repo's absolute
/// path replaced.
pub fn lint_repo(args: &[&str]) -> (i32, String) {
    let (code, out) = lint_repo_raw(args);
    (code, redact(&out))
}

fn lint_repo_raw(args: &[&str]) -> (i32, String) {
    let mut all = vec!["lint", "--now", NOW];
    all.extend_from_slice(args);
    let r = run(&repo(), &all, b"");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    (r.code, r.stdout)
}

fn redact(s: &str) -> String {
    let version = unbroadcast::rules::RuleSet::with_builtin(Vec::new()).unwrap().version().to_owned();
    let root = repo().display().to_string();
    s.replace(&version, "[rules-version]").replace(&root, "[repo]")
}

#[test]
fn text() {
    let (code, out) = lint_repo(&[]);
    assert_eq!(code, 1, "posts at review and an unused disable fail the run");
    insta::assert_snapshot!(out);
}

#[test]
fn json() {
    let (code, out) = lint_repo(&["--format", "json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn jsonl() {
    let (_, out) = lint_repo(&["--format", "jsonl"]);
    insta::assert_snapshot!(out);
}

#[test]
fn sarif() {
    let (_, out) = lint_repo(&["--format", "sarif"]);
    insta::assert_snapshot!(out);
}

#[test]
fn github() {
    let (_, out) = lint_repo(&["--format", "github"]);
    insta::assert_snapshot!(out);
}

/// A reviewer reads both in CI logs: they end with the same count, in the same word.
#[test]
fn github_and_text_end_with_the_same_words() {
    let (_, text) = lint_repo(&[]);
    let (_, github) = lint_repo(&["--format", "github"]);
    let last = |s: &str| s.lines().last().unwrap().to_owned();
    assert!(last(&text).starts_with("Linted ") && last(&text).contains(" warnings"), "{}", last(&text));
    assert_eq!(last(&github), format!("unbroadcast: {}", last(&text)));
}

#[test]
fn statistics() {
    let (code, out) = lint_repo(&["--statistics"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
    let (_, json) = lint_repo(&["--statistics", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v.as_array().unwrap().iter().any(|s| s["rule"] == "unbroadcast.unused-disable" && s["count"] == 1));
}

#[test]
fn quiet_prints_findings_only() {
    let (_, out) = lint_repo(&["--quiet", "posts/en/2026-05-04-spring-menu.md"]);
    assert!(out.lines().all(|l| l.starts_with("posts/en/2026-05-04-spring-menu.md")), "{out}");
    assert!(out.contains("unbroadcast.unused-disable"), "{out}");
}

/// The OASIS schema, as vendored (see tests/fixtures/sarif/README.md).
fn schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sarif/sarif-schema-2.1.0.json"))
            .unwrap();
    // The `language` patterns (of `run` and `toolComponent`) have a lone `]`,
    // legal only in ECMAScript's Annex B grammar; the validator checks patterns
    // in Unicode mode and refuses the schema. Escaped, `\]` means the same
    // literal `]`. Nothing else is touched.
    const LONE: &str = "-[a-zA-Z]{2}]?$\"";
    assert_eq!(text.matches(LONE).count(), 2, "the vendored schema changed; review this patch");
    let text = text.replace(LONE, "-[a-zA-Z]{2}\\\\]?$\"");
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

pub fn assert_valid_sarif(log: &serde_json::Value) {
    let errors: Vec<String> = schema().iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not match the 2.1.0 schema:\n{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_and_complete() {
    let (_, out) = lint_repo_raw(&["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(
            !r["help"]["text"].as_str().unwrap().is_empty()
                && !r["shortDescription"]["text"].as_str().unwrap().is_empty()
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        assert_eq!(rules[res["ruleIndex"].as_u64().unwrap() as usize], id);
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1, "{res}");
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1, "{res}");
    }
    assert!(rules.contains(&"unbroadcast.unused-disable"));
    // Every post's score and verdict travel along.
    assert!(run["artifacts"].as_array().unwrap().iter().all(|a| a["properties"]["verdict"].is_string()));
}

#[test]
fn sarif_with_errors_is_valid_too() {
    let d = dir_with(&[("ok.md", b"Anna, does Tuesday work for you?\n"), ("bad.md", b"---\nchanel: x\n---\nHi\n")]);
    let r = run(d.path(), &["lint", "--format", "sarif", "."], b"");
    assert_eq!(r.code, 2);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_valid_sarif(&log);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
}

/// GitHub counts columns in UTF-16 code units: an emoji before a phrase counts 2.
#[test]
fn columns_count_utf16_code_units() {
    let post = "---\nchannel: x\n---\n👋🏽 ä Like and share if you agree!\n";
    let d = dir_with(&[("p.md", post.as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "github", "p.md"], b"");
    let line = r.stdout.lines().find(|l| l.contains("title=bait.share")).unwrap();
    // 👋🏽 is 4 UTF-16 units, then " ä " is 3: "Like" starts after 7 units, column 8.
    assert!(line.contains("line=4,col=8,endLine=4,endColumn=22,"), "{line}");
    let r = run(d.path(), &["lint", "--format", "sarif", "p.md"], b"");
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let res = log["runs"][0]["results"].as_array().unwrap().iter().find(|x| x["ruleId"] == "bait.share").unwrap();
    let region = &res["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startColumn"].as_u64(), region["endColumn"].as_u64()), (Some(8), Some(22)));
    // The text format counts characters (scalar values), like ruff.
    let r = run(d.path(), &["lint", "p.md"], b"");
    assert!(r.stdout.contains("p.md:4:6: bait.share"), "{}", r.stdout);
}

/// Code, inline code, link syntax and HTML are not prose; positions stay true.
#[test]
fn markdown_is_not_prose_but_positions_are_the_files() {
    let post = "---\nchannel: x\n---\nTry `LIKE AND SHARE` in [our guide](https://example.com/like-and-share) <!-- Like and share! -->\n\n```\nLike and share to win!!! #a #b #c #d\n```\n\nLike and share if you agree.\n";
    let d = dir_with(&[("p.md", post.as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "json", "p.md"], b"");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let warnings = v[0]["warnings"].as_array().unwrap();
    let share: Vec<_> = warnings.iter().filter(|w| w["rule"] == "bait.share").collect();
    assert_eq!(share.len(), 1, "only the prose one: {warnings:#?}");
    assert_eq!((share[0]["span"]["line"].as_u64(), share[0]["span"]["column"].as_u64()), (Some(10), Some(1)));
    let b = share[0]["span"]["byte_start"].as_u64().unwrap() as usize;
    assert_eq!(&post[b..b + "Like and share".len()], "Like and share");
    assert!(warnings.iter().all(|w| w["rule"] != "format.hashtag-stuffing" && w["rule"] != "format.shouting"));
    // The link's URL is still a link: counted as one, not linted as prose.
    assert_eq!(v[0]["stats"]["links"], 1);
}
