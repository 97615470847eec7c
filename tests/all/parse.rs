//! The same text, the same answer (issue 12, item 6): the body of `POST /v1/lint`,
//! each entry of a batch and each line of a `.jsonl` file are read by one reader,
//! `input::from_json_text`. Duplicate keys and deep nesting used to be answered
//! differently on each path: a batch took the last of two duplicate keys where a
//! single lint refused them, and refused deep nesting as malformed (400) where a
//! single lint said 422. Offsets beyond ±23:59 were taken everywhere, and a zone
//! spelled `europe/berlin` was shown so.

use crate::cli::{dir_with, run};
use crate::http::{Answer, call, post_raw, state_with};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test as web_test;
use serde_json::Value;
use unbroadcast::server::create_app;
use unbroadcast::server::settings::{ByteSize, ServerSettings};

/// A draft that lints cleanly, for the batch entries around the one under test.
const GOOD: &str = r#"{"post":{"text":"Anna, is Tuesday good for you?"}}"#;

/// What `body` gets alone, and the entry it gets in the middle of a batch between
/// two good drafts, which are linted all the same.
async fn alone_and_in_a_batch<S, B>(app: &S, body: &str) -> (Answer, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let alone = call(app, post_raw("/v1/lint", Some("application/json"), body.to_owned())).await;
    let batch = format!(r#"{{"requests":[{GOOD},{body},{GOOD}]}}"#);
    let b = call(app, post_raw("/v1/lint/batch", Some("application/json"), batch)).await;
    assert_eq!(b.status, 200, "a bad entry does not fail the batch: {}", b.text());
    let results = b.json["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[0]["report"].is_object() && results[2]["report"].is_object(), "{}", b.text());
    (alone, results[1].clone())
}

/// Sends `body` alone and in a batch and checks both give the same problem: the
/// same type, status, title and detail, the batch's pointer under `/requests/1`.
async fn same_problem<S, B>(app: &S, name: &str, body: &str, problem: &str, pointer: &str)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (alone, entry) = alone_and_in_a_batch(app, body).await;
    assert_eq!((alone.status, alone.problem()), (422, problem), "{name}: {}", alone.text());
    assert_eq!(alone.json["pointer"].as_str(), Some(pointer), "{name}: {}", alone.text());
    let mut in_batch = entry["error"].clone();
    assert!(in_batch.is_object(), "{name}: the entry is an error: {entry}");
    assert_eq!(in_batch["pointer"].as_str(), Some(format!("/requests/1{pointer}").as_str()), "{name}: {entry}");
    in_batch["pointer"] = alone.json["pointer"].clone();
    assert_eq!(in_batch, alone.json, "{name}: the same problem alone and in a batch");
}

#[actix_web::test]
async fn duplicate_keys_are_refused_alone_and_in_a_batch() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    let cases = [
        ("top level", r#"{"post":{"text":"a"},"post":{"text":"b"}}"#, "/post"),
        ("in post", r#"{"post":{"text":"Shop now!","text":"Hi Anna"}}"#, "/post/text"),
        (
            "in a history item",
            r#"{"post":{"text":"a"},"history":[{"at":"2026-01-01T00:00:00Z","at":"2026-01-02T00:00:00Z"}]}"#,
            "/history/0/at",
        ),
        ("in reply_to", r#"{"post":{"text":"a","reply_to":{"author":"@a","author":"@b"}}}"#, "/post/reply_to/author"),
        (
            "a channel named twice",
            r#"{"post":{"text":"a"},"options":{"channels":{"x":{"daily":1},"x":{"daily":9}}}}"#,
            "/options/channels/x",
        ),
        (
            "in a channel's policy",
            r#"{"post":{"text":"a"},"options":{"channels":{"x":{"daily":1,"daily":9}}}}"#,
            "/options/channels/x/daily",
        ),
        (
            "in thresholds",
            r#"{"post":{"text":"a"},"options":{"thresholds":{"review":20,"review":90}}}"#,
            "/options/thresholds/review",
        ),
        // RFC 6901: `~` is written `~0` and `/` is written `~1`.
        (
            "a key with ~ and /",
            r#"{"post":{"text":"a"},"options":{"channels":{"a/b~c":{},"a/b~c":{}}}}"#,
            "/options/channels/a~1b~0c",
        ),
    ];
    for (name, body, pointer) in cases {
        same_problem(&app, name, body, "invalid-value", pointer).await;
    }
    let (alone, _) = alone_and_in_a_batch(&app, cases[1].1).await;
    assert!(alone.json["detail"].as_str().unwrap().contains("duplicate field `text`"), "{}", alone.text());
}

/// A duplicated key of 1 MB is named by its first 64 characters and an ellipsis:
/// the answer (and the log line) stay small.
#[actix_web::test]
async fn a_long_duplicate_key_is_cut_in_the_pointer() {
    let settings =
        ServerSettings { max_body: ByteSize(4 << 20), max_batch_body: ByteSize(8 << 20), ..ServerSettings::default() };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    let key = "k".repeat(1 << 20);
    let body = format!(r#"{{"post":{{"text":"a"}},"options":{{"channels":{{"{key}":{{}},"{key}":{{}}}}}}}}"#);
    let pointer = format!("/options/channels/{}…", "k".repeat(64));
    same_problem(&app, "a 1 MB key", &body, "invalid-value", &pointer).await;
    let (alone, entry) = alone_and_in_a_batch(&app, &body).await;
    assert!(alone.body.len() < 2000, "a {} byte answer", alone.body.len());
    assert!(entry.to_string().len() < 2000, "a {} byte entry", entry.to_string().len());
}

#[actix_web::test]
async fn a_batch_naming_requests_twice_fails_whole() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    let body = format!(r#"{{"requests":[{GOOD}],"requests":[{GOOD},{GOOD}]}}"#);
    let a = call(&app, post_raw("/v1/lint/batch", Some("application/json"), body)).await;
    assert_eq!(
        (a.status, a.problem(), a.json["pointer"].as_str()),
        (422, "invalid-value", Some("/requests")),
        "{}",
        a.text()
    );
}

/// JSON of any depth is read without recursion, so nesting is never "malformed"
/// on one path and a field error on the other: it is the value's shape that is
/// wrong, at the same pointer.
#[actix_web::test]
async fn deep_nesting_is_the_same_422_alone_and_in_a_batch() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let objects = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
    for n in [100, 127, 128, 129, 5_000] {
        let cases = [
            (format!("the whole request, {n} deep"), deep(n), ""),
            (format!("post.text, {n} deep"), format!(r#"{{"post":{{"text":{}}}}}"#, deep(n)), "/post/text"),
            (
                format!("a history item, {n} deep"),
                format!(r#"{{"post":{{"text":"a"}},"history":[{}]}}"#, deep(n)),
                "/history/0",
            ),
            (
                format!("a channel's daily cap, {n} objects deep"),
                format!(r#"{{"post":{{"text":"a"}},"options":{{"channels":{{"x":{{"daily":{}}}}}}}}}"#, objects(n)),
                "/options/channels/x/daily",
            ),
        ];
        for (name, body, pointer) in cases {
            same_problem(&app, &name, &body, "invalid-value", pointer).await;
        }
    }
}

/// RFC 3339 offsets run from -23:59 to +23:59; jiff reads up to ±25:59, and the
/// service used to take `+25:00` as a real time.
#[actix_web::test]
async fn offsets_beyond_23_59_are_bad_timestamps_alone_and_in_a_batch() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    for offset in ["+25:00", "-24:00", "+24:00", "-25:59", "+24:00:01"] {
        let at = format!("2026-05-04T09:30:00{offset}");
        let body = format!(r#"{{"post":{{"text":"a","scheduled_at":"{at}"}}}}"#);
        same_problem(&app, &at, &body, "bad-timestamp", "/post/scheduled_at").await;
        let body = format!(r#"{{"post":{{"text":"a"}},"history":[{{"at":"2026-01-01T00:00:00Z"}},{{"at":"{at}"}}]}}"#);
        same_problem(&app, &at, &body, "bad-timestamp", "/history/1/at").await;
    }
    let (alone, _) =
        alone_and_in_a_batch(&app, r#"{"post":{"text":"a","scheduled_at":"2026-05-04T09:30:00+25:00"}}"#).await;
    assert!(alone.json["detail"].as_str().unwrap().contains("-23:59 to +23:59"), "{}", alone.text());
    // The largest offsets RFC 3339 allows are fine.
    for offset in ["+23:59", "-23:59", "+14:00", "-00:00"] {
        let body = format!(r#"{{"post":{{"text":"a","scheduled_at":"2026-05-04T09:30:00{offset}"}}}}"#);
        let (alone, entry) = alone_and_in_a_batch(&app, &body).await;
        assert_eq!(alone.status, 200, "{offset}: {}", alone.text());
        assert!(entry["report"].is_object(), "{offset}: {entry}");
    }
}

/// The CLI refuses the same offsets in a `.jsonl` line.
#[test]
fn jsonl_offsets_beyond_23_59_are_refused() {
    let line = r#"{"post":{"text":"a","scheduled_at":"2026-05-04T09:30:00+25:00"}}"#;
    let d = dir_with(&[("req.jsonl", line.as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "jsonl", "req.jsonl"], b"");
    assert_eq!(r.code, 2, "{}", r.stdout);
    let out: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(out["error"]["pointer"], "/post/scheduled_at", "{}", r.stdout);
}

/// Quiet hours at 03:30 in Berlin, with the zone spelled `zone`.
fn night_in(zone: &str) -> String {
    draft_at("2026-05-05T01:30:00Z", zone)
}

fn draft_at(at: &str, zone: &str) -> String {
    format!(
        r#"{{"post":{{"text":"Fresh bread is out.","channel":"instagram","scheduled_at":"{at}"}},"audience":{{"timezone":"{zone}"}}}}"#
    )
}

fn quiet_hours_message(report: &Value) -> String {
    let w = report["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "frequency.quiet-hours");
    w.unwrap_or_else(|| panic!("quiet hours fired: {report}"))["message"].as_str().unwrap().to_owned()
}

/// jiff finds `europe/berlin` as well as `Europe/Berlin`; the name the report
/// shows is the database's, however the client spelled it.
#[actix_web::test]
async fn time_zone_names_are_shown_as_iana_spells_them_alone_and_in_a_batch() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    let (canonical, _) = alone_and_in_a_batch(&app, &night_in("Europe/Berlin")).await;
    assert_eq!(canonical.status, 200, "{}", canonical.text());
    assert!(quiet_hours_message(&canonical.json).contains("03:30 Europe/Berlin"), "{}", canonical.text());
    for zone in ["europe/berlin", "EUROPE/BERLIN", "eUrOpE/bErLiN"] {
        let (alone, entry) = alone_and_in_a_batch(&app, &night_in(zone)).await;
        assert_eq!(alone.status, 200, "{zone}: {}", alone.text());
        assert_eq!(alone.json, canonical.json, "{zone}: the same report as for Europe/Berlin");
        assert_eq!(entry["report"], canonical.json, "{zone}: in a batch too");
    }
    // 03:30 in New York.
    let (alone, entry) = alone_and_in_a_batch(&app, &draft_at("2026-05-05T07:30:00Z", "america/new_york")).await;
    assert!(quiet_hours_message(&alone.json).contains("America/New_York"), "{}", alone.text());
    assert!(quiet_hours_message(&entry["report"]).contains("America/New_York"), "{entry}");
}

/// A string that is not JSON inside one entry (a lone surrogate: the batch reads
/// entries as raw text first) makes the whole batch malformed, as before, with
/// the line and column in the batch body.
#[actix_web::test]
async fn malformed_json_inside_an_entry_fails_the_batch_with_its_position() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    let entry = r#"{"post":{"text":"\ud800"}}"#;
    let alone = call(&app, post_raw("/v1/lint", Some("application/json"), entry)).await;
    assert_eq!((alone.status, alone.problem()), (400, "malformed-json"), "{}", alone.text());
    let col = alone.json["column"].as_u64().unwrap();
    let prefix = format!("{{\"requests\": [{GOOD},\n  {GOOD}, ");
    let body = format!("{prefix}{entry}]}}");
    let a = call(&app, post_raw("/v1/lint/batch", Some("application/json"), body)).await;
    assert_eq!((a.status, a.problem()), (400, "malformed-json"), "{}", a.text());
    let start_col = prefix.rsplit('\n').next().unwrap().len() as u64;
    assert_eq!((a.json["line"].as_u64(), a.json["column"].as_u64()), (Some(2), Some(start_col + col)), "{}", a.text());
    assert!(
        a.json["detail"].as_str().unwrap().ends_with(&format!("at line 2 column {}", start_col + col)),
        "{}",
        a.text()
    );
}

/// `.jsonl` lines go through the same reader: the same pointers.
#[test]
fn jsonl_lines_are_read_like_requests() {
    let deep = format!(r#"{{"post":{{"text":"a"}},"history":[{}{}]}}"#, "[".repeat(1000), "]".repeat(1000));
    let lines = [
        r#"{"post":{"text":"Shop now!","text":"Hi Anna"}}"#.to_owned(),
        r#"{"post":{"text":"a"},"options":{"channels":{"x":{"daily":1},"x":{"daily":9}}}}"#.to_owned(),
        deep,
        GOOD.to_owned(),
    ];
    let d = dir_with(&[("req.jsonl", lines.join("\n").as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "jsonl", "req.jsonl"], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let out: Vec<Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(out.len(), 4, "{}", r.stdout);
    let pointers: Vec<Option<&str>> = out[..3].iter().map(|l| l["error"]["pointer"].as_str()).collect();
    assert_eq!(pointers, [Some("/post/text"), Some("/options/channels/x"), Some("/history/0")], "{}", r.stdout);
    assert!(out[0]["error"]["message"].as_str().unwrap().contains("duplicate field `text`"), "{}", r.stdout);
    assert_eq!(out[3]["verdict"], "pass", "the good line is linted: {}", r.stdout);
}

/// The CLI, and an audience in the settings file, show the zone with its IANA
/// spelling too (in `unbroadcast config` and in messages).
#[test]
fn the_cli_and_settings_use_the_iana_spelling() {
    let d = dir_with(&[("req.jsonl", night_in("europe/berlin").as_bytes())]);
    let r = run(d.path(), &["lint", "--format", "jsonl", "req.jsonl"], b"");
    let report: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert!(quiet_hours_message(&report).contains("03:30 Europe/Berlin"), "{}", r.stdout);

    let post =
        "---\nchannel: instagram\nscheduled_at: 2026-05-05T01:30:00Z\naudience: bakers\n---\n\nFresh bread is out.\n";
    let d = dir_with(&[
        ("unbroadcast.toml", b"[audiences.bakers]\ntimezone = \"europe/berlin\"\n"),
        ("post.md", post.as_bytes()),
    ]);
    let r = run(d.path(), &["config", "post.md"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("timezone = \"Europe/Berlin\""), "{}", r.stdout);
    let r = run(d.path(), &["lint", "--format", "jsonl", "post.md"], b"");
    let report: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert!(quiet_hours_message(&report).contains("03:30 Europe/Berlin"), "{}", r.stdout);
}
