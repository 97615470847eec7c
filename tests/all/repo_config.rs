//! Repository settings as a CI user meets them: the nearest settings file per
//! file, include/exclude/per-file ignores, `--force-exclude`, errors that exit 2
//! with file and line, and `unbroadcast config`.

use crate::cli::{dir_with, run};

const BAIT: &[u8] = b"---\nchannel: x\n---\nLike and share to win a mug!\n";

#[test]
fn each_file_gets_its_nearest_settings() {
    let d = dir_with(&[
        ("unbroadcast.toml", b"[lint]\nignore = [\"conversation\"]\n"),
        ("brand-a/posts/p.md", BAIT),
        ("brand-b/.unbroadcast.toml", b"[lint]\nignore = [\"bait\"]\n"),
        ("brand-b/posts/p.md", BAIT),
    ]);
    let r = run(d.path(), &["lint", "--quiet"], b"");
    assert!(r.stdout.contains("brand-a/posts/p.md:4:1: bait.share"), "{}", r.stdout);
    assert!(!r.stdout.contains("brand-b/posts/p.md:4:1: bait.share"), "{}", r.stdout);
    assert!(!r.stdout.contains("conversation."), "the root file applies to brand-a: {}", r.stdout);
    // --config: one file for everything; --no-config: none.
    let r = run(d.path(), &["--config", "brand-b/.unbroadcast.toml", "lint", "--quiet"], b"");
    assert!(!r.stdout.contains("bait.share"), "{}", r.stdout);
    let r = run(d.path(), &["--no-config", "lint", "--quiet"], b"");
    assert_eq!(r.stdout.matches("bait.share").count(), 2, "{}", r.stdout);
}

#[test]
fn include_exclude_and_per_file_ignores() {
    let d = dir_with(&[
        (
            "unbroadcast.toml",
            b"[lint]\ninclude = [\"posts/**/*.md\"]\nexclude = [\"drafts\"]\n[lint.per_file_ignores]\n\"posts/giveaways/*\" = [\"bait.share\"]\n",
        ),
        ("README.md", BAIT),
        ("posts/a.md", BAIT),
        ("posts/notes.txt", BAIT),
        ("posts/drafts/b.md", BAIT),
        ("posts/giveaways/c.md", BAIT),
    ]);
    let r = run(d.path(), &["lint", "--format", "json"], b"");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let files: Vec<&str> = v.as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(files, ["posts/a.md", "posts/giveaways/c.md"]);
    let rules = |i: usize| {
        v[i]["warnings"].as_array().unwrap().iter().map(|w| w["rule"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert!(rules(0).contains(&"bait.share".to_owned()));
    assert!(!rules(1).contains(&"bait.share".to_owned()), "per-file ignore");
    // Named on the command line, a file is linted anyway — unless --force-exclude.
    let r = run(d.path(), &["lint", "--quiet", "README.md", "posts/drafts/b.md"], b"");
    assert!(r.stdout.contains("README.md:4:1") && r.stdout.contains("posts/drafts/b.md:4:1"), "{}", r.stdout);
    let r = run(d.path(), &["lint", "--force-exclude", "README.md", "posts/drafts/b.md", "posts/a.md"], b"");
    assert!(r.stdout.contains("Linted 1 post"), "{}", r.stdout);
}

#[test]
fn settings_errors_exit_2_with_file_and_line() {
    let cases: [(&[u8], &str); 5] = [
        (b"[lint]\nselect = [\"broadcast\"]\nignroe = [\"bait\"]\n", "unbroadcast.toml:3"),
        (
            b"[lint]\nignore = [\n  \"bait\",\n  \"bait.nope\",\n]\n",
            "unbroadcast.toml:4: [lint] ignore[1]: no rule matches 'bait.nope'",
        ),
        (b"[lint]\nexclude = [\"ok\", \"a[\"]\n", "unbroadcast.toml:2: [lint] exclude: bad glob \"a[\""),
        (
            b"[lint.per_file_ignores]\n\"calendar/**\" = [\"frequenzy\"]\n",
            "unbroadcast.toml:2: [lint.per_file_ignores] \"calendar/**\": no rule matches 'frequenzy'",
        ),
        (b"[lint]\nthresholds = { review = 30, block = \"high\" }\n", "unbroadcast.toml:2"),
    ];
    for (settings, expected) in cases {
        let d = dir_with(&[("unbroadcast.toml", settings), ("posts/a.md", BAIT)]);
        let r = run(d.path(), &["lint", "posts"], b"");
        assert_eq!(r.code, 2, "{expected}");
        assert!(r.stderr.contains(expected), "expected {expected:?} in {:?}", r.stderr);
    }
    // A broken settings file deeper in the tree is found and reported as well.
    let d = dir_with(&[("posts/unbroadcast.toml", b"[lint]\nnope = 1\n"), ("posts/a.md", BAIT)]);
    let r = run(d.path(), &["lint"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("posts/unbroadcast.toml:2"), "{}", r.stderr);
    // A selector from the command line names no file.
    let d = dir_with(&[("unbroadcast.toml", b"[lint]\nignore = [\"bait\"]\n"), ("a.md", BAIT)]);
    let r = run(d.path(), &["lint", "--ignore", "nonsense", "a.md"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error: --ignore: no rule matches 'nonsense'"), "{}", r.stderr);
}

#[test]
fn front_matter_values_are_errors_at_their_line() {
    let d = dir_with(&[("a.md", b"---\ntitle: x\nchannel: myspace\n---\nHi there, how are you?\n")]);
    let r = run(d.path(), &["lint", "a.md"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("a.md:3: error: /post/channel: unknown channel 'myspace'"), "{}", r.stdout);
    let d = dir_with(&[("a.md", b"---\naudience: nobody\n---\nHi there, how are you?\n")]);
    let r = run(d.path(), &["lint", "a.md"], b"");
    assert!(r.stdout.contains("a.md:2: error: unknown audience 'nobody'"), "{}", r.stdout);
}

#[test]
fn config_prints_the_effective_settings() {
    let d = dir_with(&[
        (
            "unbroadcast.toml",
            b"[lint]\nignore = [\"format.emoji-wall\"]\n[channels.linkedin]\ndaily = 2\n[audiences.baristas]\ninterests = [\"espresso\"]\n",
        ),
        ("posts/a.md", BAIT),
    ]);
    let r = run(d.path(), &["config", "posts/a.md"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("unbroadcast.toml, with defaults filled in"), "{}", r.stdout);
    let toml_text: String = r.stdout.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    let v: toml::Table = toml::from_str(&toml_text).unwrap();
    assert_eq!(v["lint"]["thresholds"]["review"].as_integer(), Some(15), "defaults are filled in");
    assert_eq!(v["lint"]["ignore"][0].as_str(), Some("format.emoji-wall"));
    assert_eq!(v["channels"]["linkedin"]["daily"].as_integer(), Some(2), "the override");
    assert_eq!(v["channels"]["linkedin"]["limit"].as_integer(), Some(3000), "the pack's value");
    assert_eq!(v["audiences"]["baristas"]["interests"][0].as_str(), Some("espresso"));
    // What it prints is a settings file unbroadcast accepts.
    unbroadcast::settings::Settings::parse(&toml_text, "printed").unwrap();
    let r = run(d.path(), &["--no-config", "config"], b"");
    assert!(r.stdout.contains("no settings file applies"), "{}", r.stdout);
}

#[test]
fn named_directories_and_policy_errors() {
    let d = dir_with(&[
        ("unbroadcast.toml", b"[lint]\nexclude = [\"archive\"]\n"),
        ("archive/old.md", BAIT),
        ("a.md", BAIT),
    ]);
    // Walking from the top skips the archive; naming it lints it, as in ruff.
    let r = run(d.path(), &["lint", "--quiet"], b"");
    assert!(!r.stdout.contains("archive/old.md"), "{}", r.stdout);
    let r = run(d.path(), &["lint", "--quiet", "archive"], b"");
    assert!(r.stdout.contains("archive/old.md:4:1: bait.share"), "{}", r.stdout);
    let r = run(d.path(), &["lint", "--force-exclude", "archive/old.md"], b"");
    assert!(r.stdout.contains("Linted 0 posts"), "{}", r.stdout);
    for (settings, expected) in [
        (
            &b"[lint]\nignore = []\n\n[channels.myspace]\ndaily = 1\n"[..],
            "unbroadcast.toml:4: [channels.myspace]: unknown channel",
        ),
        (b"[lint.thresholds]\nreview = 70\nblock = 60\n", "unbroadcast.toml:1: [lint] thresholds must satisfy"),
    ] {
        let d = dir_with(&[("unbroadcast.toml", settings), ("a.md", BAIT)]);
        let r = run(d.path(), &["lint", "a.md"], b"");
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains(expected), "{expected:?} in {}", r.stderr);
    }
}
