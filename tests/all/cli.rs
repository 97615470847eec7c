//! The `unbroadcast` binary, run as a user runs it: files in a temporary
//! directory, exit codes, and what it prints for good and bad input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary in `dir` with `args`, feeding `stdin`.
pub fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unbroadcast"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

pub fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    d
}

const BROADCAST: &[u8] =
    b"---\nchannel: x\n---\nWe're excited to announce our new range. Shop now, limited time offer! Like and share to win!\n";
const FRIENDLY: &[u8] = b"Anna, the blue mug you asked about is back on Friday. Should we keep one for you?\n";

#[test]
fn lints_a_post_file_with_file_positions() {
    let d = dir_with(&[("posts/launch.md", BROADCAST)]);
    let r = run(d.path(), &["lint", "posts/launch.md"], b"");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // Line 4 of the file (after three front matter lines), column of the phrase
    // (the announcement span starts at its subject, "We're").
    assert!(r.stdout.contains("posts/launch.md:4:1: broadcast.announcement"), "{}", r.stdout);
    assert!(r.stdout.contains("posts/launch.md:4:52: broadcast.hard-sell"), "{}", r.stdout);
    assert!(r.stdout.contains("^^^^^^^^"), "{}", r.stdout);
}

/// The learned model's evidence points at its words in the file, like the
/// warning's span: not at positions in the post text cut out below the front
/// matter (which put them on line 1, inside the front matter).
#[test]
fn evidence_is_in_file_positions_below_front_matter() {
    let d = dir_with(&[("launch.md", BROADCAST)]);
    let r = run(d.path(), &["lint", "--format", "json", "launch.md"], b"");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let file = std::str::from_utf8(BROADCAST).unwrap();
    let warnings = v[0]["warnings"].as_array().unwrap();
    let voice = warnings.iter().find(|w| w["rule"] == "broadcast.voice").expect("the model fires on BROADCAST");
    let evidence = voice["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty(), "{voice}");
    for e in evidence {
        let s = &e["span"];
        let (start, end) = (s["byte_start"].as_u64().unwrap() as usize, s["byte_end"].as_u64().unwrap() as usize);
        assert_eq!((s["line"].as_u64(), &file[start..end]), (Some(4), e["excerpt"].as_str().unwrap()), "{e}");
    }
}

#[test]
fn clean_post_exits_zero_and_fail_on_block_lets_review_pass() {
    let d = dir_with(&[("a.txt", FRIENDLY), ("b.md", BROADCAST)]);
    assert_eq!(run(d.path(), &["lint", "a.txt"], b"").code, 0);
    let r = run(d.path(), &["lint", "--fail-on", "never", "b.md"], b"");
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn directories_are_walked_and_stdin_is_read() {
    let d = dir_with(&[("posts/a.md", BROADCAST), ("posts/b.txt", FRIENDLY), ("posts/skip.png", b"\x89PNG")]);
    let r = run(d.path(), &["lint", "posts"], b"");
    assert!(r.stdout.contains("Linted 2 posts"), "{}", r.stdout);
    let r = run(d.path(), &["lint", "-"], b"Like and share to win! Limited time offer, shop now!");
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("-:1:1: bait.share"), "{}", r.stdout);
}

#[test]
fn json_and_jsonl_are_the_report_shape() {
    let d = dir_with(&[("a.md", BROADCAST)]);
    let r = run(d.path(), &["lint", "--format", "json", "a.md"], b"");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["path"], "a.md");
    assert!(v[0]["score"].as_u64().unwrap() > 0);
    let hard_sell = v[0]["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "broadcast.hard-sell").unwrap();
    assert_eq!(hard_sell["span"]["line"], 4);
    assert_eq!(hard_sell["excerpt"], "Shop now");
    let r = run(d.path(), &["lint", "--format", "jsonl", "a.md"], b"");
    assert_eq!(r.stdout.lines().count(), 1);
}

#[test]
fn empty_text_is_a_clear_error() {
    let d = dir_with(&[("empty.md", b"---\nchannel: x\n---\n\n"), ("ok.txt", FRIENDLY)]);
    let r = run(d.path(), &["lint", "empty.md", "ok.txt"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("empty.md: error: /post/text: the draft is empty"), "{}", r.stdout);
    assert!(r.stdout.contains("ok.txt: score"), "the other file is still linted: {}", r.stdout);
}

#[test]
fn a_megabyte_of_text_is_refused_by_the_limit_or_linted_when_allowed() {
    let big = "Shop now, limited time offer! Like and share to win! ".repeat(1 << 20 >> 5);
    assert!(big.len() >= 1 << 20);
    let d = dir_with(&[("big.txt", big.as_bytes())]);
    let r = run(d.path(), &["lint", "big.txt"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("the limit is 20000"), "{}", r.stdout);
    std::fs::write(d.path().join("unbroadcast.toml"), "[lint.limits]\nmax_text_chars = 2000000\nmax_history = 1000\n")
        .unwrap();
    let r = run(d.path(), &["lint", "--quiet", "big.txt"], b"");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("broadcast.hard-sell"));
}

#[test]
fn invalid_utf8_is_reported_with_its_line_and_others_go_on() {
    let d = dir_with(&[("bad.txt", b"fine line\nbroken \xff byte\n"), ("ok.txt", FRIENDLY)]);
    let r = run(d.path(), &["lint", "bad.txt", "ok.txt"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("bad.txt:2: error: not valid UTF-8"), "{}", r.stdout);
    assert!(r.stdout.contains("ok.txt: score"), "{}", r.stdout);
}

#[test]
fn front_matter_typo_names_the_line() {
    let d = dir_with(&[("typo.md", b"---\ntitle: Hello\nchanel: x\n---\nHi there, how are you?\n")]);
    let r = run(d.path(), &["lint", "typo.md"], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("typo.md:3: error: front matter: unknown key `chanel`; did you mean `channel`?"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_bad_jsonl_line_does_not_sink_the_others() {
    let jsonl = concat!(
        "{\"id\":\"a\",\"post\":{\"text\":\"Buy now, limited time offer!\"}}\n",
        "[1, 2, 3]\n",
        "{\"id\":\"c\",\"post\":{\"text\":\"hi\",\"channel\":\"myspace\"}}\n",
        "not json\n",
        "\n",
        "{\"id\":\"e\",\"post\":{\"text\":\"Anna, is Tuesday good for you?\"}}\n",
    );
    let d = dir_with(&[("req.jsonl", jsonl.as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "jsonl", "req.jsonl"], b"");
    assert_eq!(r.code, 2);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!((lines[0]["id"].as_str(), lines[0]["line"].as_u64()), (Some("a"), Some(1)));
    assert!(lines[1]["error"]["message"].as_str().unwrap().contains("expected a JSON object"));
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["error"]["pointer"], "/post/channel");
    assert_eq!(lines[3]["line"], 4);
    assert_eq!(lines[4]["id"], "e");
    let r = run(d.path(), &["lint", "req.jsonl"], b"");
    assert!(r.stdout.contains("req.jsonl:2: error: expected a JSON object"), "{}", r.stdout);
}

#[test]
fn a_jsonl_line_that_is_not_utf8_is_that_lines_error() {
    let jsonl: &[u8] = b"{\"id\":\"a\",\"post\":{\"text\":\"Shop now, limited time offer!\"}}\n\
        {\"id\":\"b\",\"post\":{\"text\":\"caf\xe9\"}}\n\
        {\"id\":\"c\",\"post\":{\"text\":\"Anna, is Tuesday good for you?\"}}\n";
    let d = dir_with(&[("req.jsonl", jsonl)]);
    let r = run(d.path(), &["lint", "--format", "jsonl", "req.jsonl"], b"");
    assert_eq!(r.code, 2, "an input error exits 2: {}{}", r.stdout, r.stderr);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!((lines[0]["id"].as_str(), lines[0]["line"].as_u64()), (Some("a"), Some(1)));
    assert!(lines[0]["score"].as_u64().unwrap() > 0, "line 1 is linted: {}", lines[0]);
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"]["message"].as_str().unwrap().starts_with("not valid UTF-8"), "{}", lines[1]);
    assert_eq!((lines[2]["id"].as_str(), lines[2]["line"].as_u64()), (Some("c"), Some(3)));
    let r = run(d.path(), &["lint", "req.jsonl"], b"");
    assert!(r.stdout.contains("req.jsonl:2: error: not valid UTF-8"), "{}", r.stdout);
    assert!(r.stdout.contains("req.jsonl:1 › 1:1: broadcast.hard-sell"), "{}", r.stdout);
}

#[test]
fn a_byte_order_mark_is_skipped_in_jsonl_and_posts() {
    let jsonl = "\u{feff}{\"id\":\"a\",\"post\":{\"text\":\"Shop now!\"}}\r\n{\"id\":\"b\",\"post\":{\"text\":\"Hi Anna.\"}}\r\n";
    let post = "\u{feff}Shop now, or later.\n";
    let d = dir_with(&[("req.jsonl", jsonl.as_bytes()), ("post.md", post.as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "jsonl", "--fail-on", "never", "req.jsonl"], b"");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<_> = lines.iter().map(|l| (l["id"].as_str().unwrap(), l["line"].as_u64().unwrap())).collect();
    assert_eq!(ids, [("a", 1), ("b", 2)], "{}", r.stdout);
    // In a post file the mark is neither post text nor a column, but byte offsets
    // stay offsets into the file.
    let r = run(d.path(), &["lint", "--format", "json", "post.md"], b"");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let span = &v[0]["warnings"][0]["span"];
    assert_eq!((span["line"].as_u64(), span["column"].as_u64()), (Some(1), Some(1)), "{span}");
    assert_eq!((span["byte_start"].as_u64(), span["byte_end"].as_u64()), (Some(3), Some(11)), "{span}");
    let r = run(d.path(), &["lint", "post.md"], b"");
    assert!(r.stdout.contains("post.md:1:1: broadcast.hard-sell"), "{}", r.stdout);
}

#[test]
fn unclosed_front_matter_is_an_error_at_line_1() {
    let d = dir_with(&[
        ("open.md", b"---\nchannel: x\ntitle: Launch\n\nShop now, limited time offer!\n"),
        ("open.toml.md", b"+++\nchannel = \"x\"\nShop now!\n"),
        ("rule.md", b"---\n\nA post after a thematic break, which is not front matter.\n"),
    ]);
    let r = run(d.path(), &["lint", "open.md", "open.toml.md", "rule.md"], b"");
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("open.md:1: error: front matter: `---` on line 1 opens it, but no `---` line closes it"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("open.toml.md:1: error: front matter: `+++` on line 1 opens it"), "{}", r.stdout);
    assert!(!r.stdout.contains("broadcast.hard-sell"), "the keys were linted as post text: {}", r.stdout);
    assert!(r.stdout.contains("rule.md: score"), "{}", r.stdout);
}

#[test]
fn front_matter_parse_errors_show_one_file_position() {
    let d = dir_with(&[
        ("fm2.md", b"---\nchannel: x\ntitle: Hello\nlang: de: at\n---\nHi there, how are you?\n"),
        ("fm3.md", b"+++\nchannel = \"x\"\ntitle = Hello\n+++\nHi there, how are you?\n"),
    ]);
    let r = run(d.path(), &["lint", "fm2.md", "fm3.md"], b"");
    assert_eq!(r.code, 2);
    // File line 4 is line 3 of the block; the block's own count must not show.
    let yaml = r.stdout.lines().find(|l| l.starts_with("fm2.md")).unwrap();
    assert!(yaml.starts_with("fm2.md:4:9: error: front matter: "), "{yaml}");
    assert!(!yaml.contains("line 3") && !yaml.contains("column"), "{yaml}");
    let toml = r.stdout.lines().find(|l| l.starts_with("fm3.md")).unwrap();
    assert!(toml.starts_with("fm3.md:3:9: error: front matter: "), "{toml}");
    assert!(!toml.contains("line 2"), "{toml}");
    let r = run(d.path(), &["lint", "--format", "json", "fm2.md"], b"");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!((v[0]["error"]["line"].as_u64(), v[0]["error"]["column"].as_u64()), (Some(4), Some(9)));
}

#[test]
fn settings_errors_exit_2_with_file_and_line() {
    let d = dir_with(&[
        ("unbroadcast.toml", b"[lint]\nselect = [\"broadcast\"]\nignroe = [\"bait\"]\n"),
        ("a.txt", FRIENDLY),
    ]);
    let r = run(d.path(), &["lint", "a.txt"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unbroadcast.toml:3"), "{}", r.stderr);
    assert!(r.stderr.contains("ignroe"), "{}", r.stderr);
    let r = run(d.path(), &["--no-config", "lint", "--select", "nonsense", "a.txt"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no rule matches 'nonsense'"), "{}", r.stderr);
}

#[test]
fn rules_lists_and_explains() {
    let d = dir_with(&[]);
    let r = run(d.path(), &["rules"], b"");
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("broadcast.hard-sell"));
    let r = run(d.path(), &["rules", "bait.tag"], b"");
    assert!(r.stdout.contains("Why it matters") && r.stdout.contains("✗ Tag a friend"), "{}", r.stdout);
    // The rule is explained in English first; each language's own wording follows
    // its examples.
    let (head, rest) = r.stdout.split_once("Examples (").unwrap();
    assert!(!head.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "{head}");
    assert!(rest.starts_with("ar,") && rest.contains("Examples (de,") && rest.contains("  why: "), "{rest}");
    let r = run(d.path(), &["rules", "--format", "json", "format"], b"");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|r| r["category"] == "format"));
    assert!(v[0]["languages"].is_array() && v[0]["severity"].is_string() && v[0]["points"].is_u64());
    assert_eq!(run(d.path(), &["rules", "nope.nothing"], b"").code, 2);
}

#[test]
fn rules_show_messages_filled_in_on_an_example() {
    let d = dir_with(&[]);
    let r = run(d.path(), &["rules", "bait.tag"], b"");
    let flags = r.stdout.split_once("What it flags\n").unwrap().1;
    let lines: Vec<&str> = flags.lines().take(3).collect();
    assert_eq!(lines[0], "  “Tag a friend who” asks people to tag others (tag baiting).", "{}", r.stdout);
    assert!(lines[1].starts_with("    on: Tag a friend"), "{}", r.stdout);
    assert_eq!(lines[2], "    template: “{match}” asks people to tag others (tag baiting).");
    // Every rule's message reads filled in; only a template line (or an example
    // that itself holds a placeholder) shows braces.
    let placeholder = regex::Regex::new(r"\{[a-z_]+\}").unwrap();
    for cat in ["broadcast", "bait", "personalization", "conversation", "frequency", "repetition", "format"] {
        let r = run(d.path(), &["rules", cat], b"");
        assert_eq!(r.code, 0, "{}", r.stderr);
        for block in r.stdout.split("What it flags\n").skip(1) {
            let mut lines = block.lines();
            let (message, on) = (lines.next().unwrap(), lines.next().unwrap());
            let shown: Vec<&str> = placeholder.find_iter(message).map(|m| m.as_str()).collect();
            assert!(shown.iter().all(|p| on.contains(p)), "{cat}: unfilled {shown:?} in {message:?}");
        }
        for line in r.stdout.lines().filter(|l| l.starts_with("  flags: ")) {
            assert!(!placeholder.is_match(line), "{cat}: {line}");
        }
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unbroadcast"))
        .args(["rules", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn eval_prints_auc_and_rule_tables() {
    let rows = concat!(
        "{\"id\":\"1\",\"lang\":\"en\",\"source\":\"t\",\"label\":\"broadcast\",\"text\":\"Shop now, limited time offer! Like and share to win!\"}\n",
        "{\"id\":\"2\",\"lang\":\"en\",\"source\":\"t\",\"label\":\"broadcast\",\"text\":\"Dear valued customers, buy now while supplies last!!!\"}\n",
        "{\"id\":\"3\",\"lang\":\"en\",\"source\":\"t\",\"label\":\"not\",\"text\":\"Anna, is Tuesday good for you?\"}\n",
        "{\"id\":\"4\",\"lang\":\"en\",\"source\":\"t\",\"label\":\"not\",\"text\":\"See you at the station at six?\"}\n",
    );
    let d = dir_with(&[("l.jsonl", rows.as_bytes())]);
    let r = run(d.path(), &["eval", "--format", "json", "l.jsonl"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["overall"]["auc"], 1.0);
    assert_eq!(v["by_language"]["en"]["broadcast"], 2);
    assert!(
        v["rules"]["all"].as_array().unwrap().iter().any(|r| r["rule"] == "broadcast.hard-sell" && r["s_o"] == 1.0)
    );
    let r = run(d.path(), &["eval", "l.jsonl"], b"");
    assert!(r.stdout.contains("| en | 2 | 2 | 1.000 |"), "{}", r.stdout);
    let d = dir_with(&[("bad.jsonl", b"{\"id\":1}\n")]);
    let r = run(d.path(), &["eval", "bad.jsonl"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.jsonl:1"), "{}", r.stderr);
}
