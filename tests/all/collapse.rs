//! Repeated findings collapse into one warning with a count (issue 12): in the
//! API's answer, in every CLI format, and with the repeats' spans in file
//! positions when the post sits below front matter.

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
    assert_eq!(hard["points"], 26);
    assert!(warnings.iter().all(|w| w["count"].as_u64() >= Some(1)));
    assert!(warnings.iter().filter(|w| w["count"] == 1).all(|w| w.get("more_spans").is_none()));
    assert!(a.body.len() < 20_000, "{} bytes", a.body.len());
    eprintln!("POST /v1/lint, 20 KB of \"Shop now! \": {} bytes, {} warnings", a.body.len(), n);
}

#[test]
fn text_says_how_many_times_and_where_the_others_are() {
    let d = dir_with(&[("p.md", repeated_post().as_bytes())]);
    let r = run(d.path(), &["lint", "p.md"], b"");
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains(": broadcast.hard-sell [")).collect();
    assert_eq!(
        lines,
        ["p.md:4:1: broadcast.hard-sell [warning +26] “Shop now” is a hard-sell call to action. (13 times)"]
    );
    let also: Vec<String> = (1..=10).map(|i| format!("4:{}", i * 10 + 1)).collect();
    assert!(r.stdout.contains(&format!("  = also at: {} and 2 more\n", also.join(", "))), "{}", r.stdout);
    // A single finding says nothing of the kind.
    assert!(r.stdout.lines().filter(|l| l.contains("conversation.no-question")).all(|l| !l.contains("times)")));
}

#[test]
fn github_is_one_annotation_per_collapsed_warning() {
    let d = dir_with(&[("p.md", repeated_post().as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "github", "p.md"], b"");
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains("title=broadcast.hard-sell")).collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(lines[0].starts_with("::warning file=p.md,line=4,col=1,endLine=4,endColumn=9,"), "{}", lines[0]);
    assert!(
        lines[0].contains("::“Shop now” is a hard-sell call to action. (13 times) (+26 points)%0A"),
        "{}",
        lines[0]
    );
}

#[test]
fn sarif_is_one_result_with_occurrence_count_and_related_locations() {
    let d = dir_with(&[("p.md", repeated_post().as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "sarif", "p.md"], b"");
    let log: Value = serde_json::from_str(&r.stdout).unwrap();
    crate::formats::assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let hard: Vec<&Value> = results.iter().filter(|x| x["ruleId"] == "broadcast.hard-sell").collect();
    assert_eq!(hard.len(), 1, "{results:#?}");
    let res = hard[0];
    assert_eq!(res["occurrenceCount"], 13);
    assert_eq!(res["message"]["text"], "“Shop now” is a hard-sell call to action. (13 times)");
    let related = res["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 10);
    for (k, l) in related.iter().enumerate() {
        let region = &l["physicalLocation"]["region"];
        assert_eq!(l["id"], k + 1);
        assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(4), Some(k as u64 * 10 + 11)));
        assert_eq!(l["physicalLocation"]["artifactLocation"]["uri"], "p.md");
    }
    // A single finding is one occurrence and has no related locations.
    let single = results.iter().find(|x| x["ruleId"] == "conversation.no-question").unwrap();
    assert_eq!(single["occurrenceCount"], 1);
    assert!(single.get("relatedLocations").is_none());
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
