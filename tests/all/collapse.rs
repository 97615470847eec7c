//! Repeated findings collapse into one warning with a count (issue 12): in the
//! API's answer, and with the repeats' spans in file positions when the CLI
//! lints a post below front matter.

use crate::cli::{dir_with, run};
use crate::http::{call, post_json, state_with};
use actix_web::test as web_test;
use serde_json::{Value, json};
use unbroadcast::server::create_app;
use unbroadcast::server::settings::ServerSettings;

/// The post of the CLI cases: "Shop now! " 13 times on line 4, below front matter.
fn repeated_post() -> String {
    format!("---\nchannel: linkedin\n---\n{}\n", "Shop now! ".repeat(13).trim_end())
}

/// Issue 12: 20 KB of "Shop now! " answered ~1 MB (2,002 warnings). Now each
/// rule fires once, counting its occurrences, and the answer is a few KB.
#[actix_web::test]
async fn a_20_kb_repeat_is_one_warning_per_rule_with_its_count() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    let a = call(&app, post_json("/v1/lint", &json!({"post": {"text": "Shop now! ".repeat(2000)}}))).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let warnings = a.json["warnings"].as_array().unwrap();
    let mut rules: Vec<&str> = warnings.iter().map(|w| w["rule"].as_str().unwrap()).collect();
    rules.sort_unstable();
    let n = rules.len();
    rules.dedup();
    assert_eq!(rules.len(), n, "one warning per rule: {rules:?}");
    let hard = warnings.iter().find(|w| w["rule"] == "broadcast.hard-sell").unwrap();
    assert_eq!(hard["count"], 2000);
    assert_eq!(hard["span"]["start"], 0);
    let more: Vec<u64> = hard["more_spans"].as_array().unwrap().iter().map(|s| s["start"].as_u64().unwrap()).collect();
    assert_eq!(more, (1..=10).map(|i| i * 10).collect::<Vec<_>>(), "the next ten, in text order");
    // Two findings' worth of points: the rule's max_points, as before.
    assert_eq!(hard["points"], 24);
    assert!(warnings.iter().all(|w| w["count"].as_u64() >= Some(1)));
    assert!(warnings.iter().filter(|w| w["count"] == 1).all(|w| w.get("more_spans").is_none()));
    assert!(a.body.len() < 20_000, "{} bytes", a.body.len());
    eprintln!("POST /v1/lint, 20 KB of \"Shop now! \": {} bytes, {} warnings", a.body.len(), n);
}

/// A collapsed warning's further occurrences are in file positions, like its
/// span (and its evidence, see the cli tests): each points at "Shop now" on
/// line 4, below the front matter.
#[test]
fn repeats_are_in_file_positions_below_front_matter() {
    let post = repeated_post();
    let d = dir_with(&[("p.md", post.as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "json", "p.md"], b"");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let hard = v[0]["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "broadcast.hard-sell").unwrap();
    let more = hard["more_spans"].as_array().unwrap();
    assert_eq!(more.len(), 10, "{hard}");
    for s in more {
        let (b, e) = (s["byte_start"].as_u64().unwrap() as usize, s["byte_end"].as_u64().unwrap() as usize);
        assert_eq!((s["line"].as_u64(), &post[b..e]), (Some(4), "Shop now"), "{s}");
    }
}
