//! Inline control in post files: each directive form, front matter ignores,
//! unused disables (reported, failing the run), errors with their line, and
//! suppressed findings left out of the score.

use crate::cli::{dir_with, run};
use serde_json::Value;

const HEAD: &str = "---\nchannel: x\nlanguage: en\n---\n";

/// Lints one post; returns the exit code and its JSON entry.
fn lint(body: &str, args: &[&str]) -> (i32, Value) {
    let post = format!("{HEAD}{body}");
    let d = dir_with(&[("p.md", post.as_bytes())]);
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    all.push("p.md");
    let r = run(d.path(), &all, b"");
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    (r.code, v[0].clone())
}

fn rules(entry: &Value) -> Vec<String> {
    entry["warnings"].as_array().unwrap().iter().map(|w| w["rule"].as_str().unwrap().to_owned()).collect()
}

fn diagnostics(entry: &Value) -> Vec<String> {
    entry["diagnostics"]
        .as_array()
        .map_or_else(Vec::new, |d| d.iter().map(|x| x["message"].as_str().unwrap().to_owned()).collect())
}

const BAIT: &str = "Like and share to win a mug!\nShop now, only a few left!\n";

#[test]
fn disable_and_enable() {
    let (_, plain) = lint(BAIT, &[]);
    assert!(rules(&plain).contains(&"bait.share".to_owned()));
    let body = format!("<!-- unbroadcast-disable bait -->\n{BAIT}<!-- unbroadcast-enable -->\nLike and share again!\n");
    let (_, e) = lint(&body, &[]);
    let share: Vec<u64> = e["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rule"] == "bait.share")
        .map(|w| w["span"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(share, [9], "only the one after the enable");
    assert!(diagnostics(&e).is_empty());
}

#[test]
fn suppressed_findings_do_not_count() {
    let (_, plain) = lint(BAIT, &[]);
    let (_, quiet) = lint(&format!("<!-- unbroadcast-disable bait.share -->\n{BAIT}"), &[]);
    assert!(!rules(&quiet).contains(&"bait.share".to_owned()));
    let bait = |e: &Value| e["categories"]["bait"]["counted"].as_u64().unwrap();
    assert_eq!(bait(&quiet), 0);
    assert_eq!(quiet["score"].as_u64().unwrap(), plain["score"].as_u64().unwrap() - bait(&plain));
}

#[test]
fn disable_next_line_and_disable_line() {
    let body = "<!-- unbroadcast-disable-next-line bait.share -->\nLike and share to win!\nShop now! <!-- unbroadcast-disable-line broadcast.hard-sell -->\nLike and share, really.\n";
    let (_, e) = lint(body, &[]);
    let lines: Vec<(String, u64)> = e["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["span"].is_object())
        .map(|w| (w["rule"].as_str().unwrap().to_owned(), w["span"]["line"].as_u64().unwrap()))
        .collect();
    assert!(!lines.contains(&("bait.share".into(), 6)), "{lines:?}");
    assert!(!lines.iter().any(|(r, _)| r == "broadcast.hard-sell"), "{lines:?}");
    assert!(lines.contains(&("bait.share".into(), 8)), "the line after is linted: {lines:?}");
}

#[test]
fn a_category_prefix_and_whole_post_findings() {
    // Above the first line, a disable covers findings about the whole post too.
    let body = "<!-- unbroadcast-disable conversation, personalization.no-reader -->\nOur new mugs are in the shop today, in three colours and two sizes, right by the door.\n";
    let (_, e) = lint(body, &[]);
    assert!(rules(&e).is_empty(), "{:?}", rules(&e));
    assert!(diagnostics(&e).is_empty());
}

#[test]
fn front_matter_ignore() {
    let post = "---\nchannel: x\nunbroadcast:\n  ignore: [bait]\n---\nLike and share to win!\n";
    let d = dir_with(&[("p.md", post.as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "json", "p.md"], b"");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(!rules(&v[0]).iter().any(|r| r.starts_with("bait.")));
    // A selector naming no rule is an error at the front matter line.
    let post = "---\nchannel: x\nunbroadcast:\n  ignore: [bait.nope]\n---\nHi there, how are you?\n";
    let d = dir_with(&[("p.md", post.as_bytes())]);
    let r = run(d.path(), &["lint", "p.md"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("p.md:3: error: /options/ignore/0: no rule matches 'bait.nope'"), "{}", r.stdout);
}

#[test]
fn unused_disables_are_reported_and_fail() {
    let body = "<!-- unbroadcast-disable-next-line bait.vote, bait.share -->\nLike and share to win!\n";
    let (code, e) = lint(body, &[]);
    assert_eq!(code, 1);
    assert_eq!(diagnostics(&e), ["unused `unbroadcast-disable-next-line`: nothing to suppress for `bait.vote`"]);
    let d = &e["diagnostics"][0];
    assert_eq!((d["rule"].as_str(), d["span"]["line"].as_u64()), (Some("unbroadcast.unused-disable"), Some(5)));
    // Not part of the score.
    let (_, plain) = lint("Like and share to win!\n", &[]);
    assert_eq!(e["score"].as_u64().unwrap() + 15, plain["score"].as_u64().unwrap());
    // --fail-on never lets it pass, like a verdict.
    let (code, _) = lint(body, &["--fail-on", "never"]);
    assert_eq!(code, 0);
    // A disable for rules that did not run (here: --select) is not "unused".
    let (_, e) = lint("<!-- unbroadcast-disable-line bait.vote -->\nHi Anna, how are you?\n", &["--select", "format"]);
    assert!(diagnostics(&e).is_empty());
}

#[test]
fn directive_errors_exit_2_with_the_line() {
    let cases = [
        (
            "Hi Anna!\n<!-- unbroadcast-disable bait.shar -->\n",
            "p.md:6: error: `unbroadcast-disable`: no rule matches `bait.shar`; did you mean `bait.share`?",
        ),
        ("<!-- unbroadcast-disabel bait -->\nHi Anna!\n", "p.md:5: error: unknown directive `unbroadcast-disabel`"),
        (
            "<!-- unbroadcast-disable-next-line -->\nHi Anna!\n",
            "p.md:5: error: `unbroadcast-disable-next-line` needs the rules",
        ),
        (
            "Hi Anna!\n\n<!-- unbroadcast-enable bait -->\n",
            "p.md:7: error: `unbroadcast-enable bait`: no `unbroadcast-disable` above",
        ),
    ];
    for (body, expected) in cases {
        let post = format!("{HEAD}{body}");
        let d = dir_with(&[("p.md", post.as_bytes()), ("ok.md", b"Anna, does Tuesday work for you?\n")]);
        let r = run(d.path(), &["lint", "p.md", "ok.md"], b"");
        assert_eq!(r.code, 2, "{body}");
        assert!(r.stdout.contains(expected), "{body}\n{}", r.stdout);
        assert!(r.stdout.contains("ok.md: score"), "the other file is still linted");
    }
}

#[test]
fn directives_in_code_are_examples_not_directives() {
    let body =
        "Our style guide says:\n\n```markdown\n<!-- unbroadcast-disable bait -->\n```\n\nLike and share to win!\n";
    let (_, e) = lint(body, &[]);
    assert!(rules(&e).contains(&"bait.share".to_owned()));
    assert!(diagnostics(&e).is_empty());
}

#[test]
fn plain_text_files_take_directives_too() {
    let d = dir_with(&[(
        "sign.txt",
        b"<!-- unbroadcast-disable-next-line bait.share -->\nLike and share to win!\n".as_slice(),
    )]);
    let r = run(d.path(), &["lint", "--format", "json", "sign.txt"], b"");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(!rules(&v[0]).contains(&"bait.share".to_owned()), "{}", r.stdout);
    assert!(diagnostics(&v[0]).is_empty());
}
