//! The service in process (`actix_web::test`), built by the same `create_app` as
//! `unbroadcast serve`: every endpoint, every error, access, CORS, request ids,
//! metrics, reload, and what the log may contain. Every call also checks the
//! answer against `openapi.yaml` (see `http::call`).

use crate::http::{Answer, call, call_unchecked, get, loaded, post_json, post_raw, state_from, state_with};
use actix_web::test as web_test;
use serde_json::{Value, json};
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use unbroadcast::input::Limits;
use unbroadcast::server::create_app;
use unbroadcast::server::settings::{ByteSize, LogFormat, Secret, ServerSettings};
use unbroadcast::server::state::EngineSpec;

/// A request a scheduler would send: a post with audience and history.
fn typical(id: usize) -> Value {
    json!({
        "id": format!("post-{id}"),
        "post": {
            "text": "We're excited to announce our new autumn blend! Shop now, limited time offer. #coffee #espresso",
            "channel": "linkedin",
            "scheduled_at": "2026-05-04T09:30:00+02:00"
        },
        "audience": { "interests": ["espresso", "latte art"], "locale": "en-GB", "timezone": "Europe/Berlin" },
        "history": [
            { "id": "p1", "text": "How do you dial in a new bag of beans?", "channel": "linkedin", "at": "2026-04-28T10:00:00+02:00" },
            { "id": "p2", "text": "Anna asked about our roast profiles.", "channel": "x", "at": "2026-04-30T10:00:00+02:00" }
        ]
    })
}

fn default_settings() -> ServerSettings {
    ServerSettings::default()
}

#[actix_web::test]
async fn lint_answers_a_scored_report() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let a = call(&app, post_json("/v1/lint", &typical(1))).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.content_type(), "application/json");
    assert_eq!(a.json["id"], "post-1");
    assert!(["pass", "review", "block"].contains(&a.json["verdict"].as_str().unwrap()));
    let rules: Vec<&str> = a.json["warnings"].as_array().unwrap().iter().map(|w| w["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"broadcast.hard-sell") && rules.contains(&"broadcast.announcement"), "{rules:?}");
    assert_eq!(a.json["rules_version"], loaded().engine.rules().version());
    // Charset parameters are fine.
    let r = post_raw(
        "/v1/lint",
        Some("application/json; charset=UTF-8"),
        r#"{"post":{"text":"Hi Anna, how was the trip?"}}"#,
    );
    assert_eq!(call(&app, r).await.status, 200);
}

/// The README's first command sends examples/request.json: it is a valid request
/// whose report shows what the service is for.
#[actix_web::test]
async fn the_readme_example_request_lints() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let body: Value = serde_json::from_str(&std::fs::read_to_string("examples/request.json").unwrap()).unwrap();
    let a = call(&app, post_json("/v1/lint", &body)).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json["id"], "post-1042");
    assert_ne!(a.json["verdict"], "pass", "{}", a.text());
    let rules: Vec<&str> = a.json["warnings"].as_array().unwrap().iter().map(|w| w["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"broadcast.announcement"), "{rules:?}");
}

/// Every error of issue 3's list, each with its own status, type and pointer.
#[actix_web::test]
async fn every_bad_input_has_its_own_clear_4xx() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let hist = |n: usize| json!({"post": {"text": "hi"}, "history": vec![json!({"at": "2026-01-01T00:00:00Z"}); n]});
    let big_text = json!({"post": {"text": "a".repeat(20_001)}});
    let json_cases: Vec<(&str, Value, u16, &str, Option<&str>)> = vec![
        ("unknown field", json!({"post": {"text": "hi", "chanel": "x"}}), 422, "unknown-field", Some("/post/chanel")),
        (
            "unknown top field",
            json!({"post": {"text": "hi"}, "audiences": {}}),
            422,
            "unknown-field",
            Some("/audiences"),
        ),
        ("missing post.text", json!({"post": {"channel": "x"}}), 422, "missing-field", Some("/post/text")),
        ("missing post", json!({"id": "x"}), 422, "missing-field", Some("/post")),
        ("wrong type", json!({"post": {"text": 5}}), 422, "invalid-value", Some("/post/text")),
        ("not an object", json!([null, {"text": "hi"}]), 422, "invalid-value", Some("")),
        ("empty text", json!({"post": {"text": " \n "}}), 422, "empty-text", Some("/post/text")),
        (
            "unknown channel",
            json!({"post": {"text": "hi", "channel": "myspace"}}),
            422,
            "unknown-channel",
            Some("/post/channel"),
        ),
        (
            "unknown history channel",
            json!({"post": {"text": "hi"}, "history": [{"at": "2026-01-01T00:00:00Z", "channel": "fax"}]}),
            422,
            "unknown-channel",
            Some("/history/0/channel"),
        ),
        (
            "unknown language",
            json!({"post": {"text": "hi", "language": "fr"}}),
            422,
            "unknown-language",
            Some("/post/language"),
        ),
        (
            "bad timestamp",
            json!({"post": {"text": "hi", "scheduled_at": "tomorrow"}}),
            422,
            "bad-timestamp",
            Some("/post/scheduled_at"),
        ),
        (
            "timestamp without offset",
            json!({"post": {"text": "hi", "scheduled_at": "2026-05-04T09:30:00"}}),
            422,
            "bad-timestamp",
            Some("/post/scheduled_at"),
        ),
        (
            "bad history time",
            json!({"post": {"text": "hi"}, "history": [{"at": "2026-13-01T00:00:00Z"}]}),
            422,
            "bad-timestamp",
            Some("/history/0/at"),
        ),
        (
            "bad time zone",
            json!({"post": {"text": "hi"}, "audience": {"timezone": "Mars/Base"}}),
            422,
            "unknown-timezone",
            Some("/audience/timezone"),
        ),
        (
            "bad locale",
            json!({"post": {"text": "hi"}, "audience": {"locale": "1"}}),
            422,
            "bad-locale",
            Some("/audience/locale"),
        ),
        ("too many history items", hist(1001), 422, "too-many-history-items", Some("/history")),
        ("text over the limit", big_text, 422, "text-too-long", Some("/post/text")),
        (
            "unknown rule",
            json!({"post": {"text": "hi"}, "options": {"ignore": ["nope"]}}),
            422,
            "unknown-rule",
            Some("/options/ignore/0"),
        ),
        (
            "bad thresholds",
            json!({"post": {"text": "hi"}, "options": {"thresholds": {"review": 80, "block": 20}}}),
            422,
            "bad-thresholds",
            Some("/options/thresholds"),
        ),
        (
            "unknown channel in options",
            json!({"post": {"text": "hi"}, "options": {"channels": {"fax": {"daily": 1}}}}),
            422,
            "unknown-channel",
            Some("/options/channels/fax"),
        ),
    ];
    for (name, body, status, problem, pointer) in json_cases {
        let a = call(&app, post_json("/v1/lint", &body)).await;
        assert_eq!((a.status, a.problem()), (status, problem), "{name}: {}", a.text());
        assert_eq!(a.content_type(), "application/problem+json", "{name}");
        assert_eq!(a.json["pointer"].as_str(), pointer, "{name}: {}", a.text());
        assert_eq!(a.json["status"], status, "{name}");
        assert!(!a.json["title"].as_str().unwrap().is_empty() && !a.json["detail"].as_str().unwrap().is_empty());
    }
    // History exactly at the limit is fine.
    assert_eq!(call(&app, post_json("/v1/lint", &hist(1000))).await.status, 200);

    // (case, content type, body, status, problem type)
    type Raw<'a> = (&'a str, Option<&'a str>, Vec<u8>, u16, &'a str);
    let raw_cases: Vec<Raw> = vec![
        ("malformed JSON", Some("application/json"), br#"{"post": {"text": "hi",}}"#.to_vec(), 400, "malformed-json"),
        ("empty body", Some("application/json"), Vec::new(), 400, "malformed-json"),
        ("invalid UTF-8", Some("application/json"), b"{\"post\":{\"text\":\"\xff\"}}".to_vec(), 400, "malformed-json"),
        ("lone surrogate", Some("application/json"), br#"{"post":{"text":"\ud800"}}"#.to_vec(), 400, "malformed-json"),
        // Valid JSON, however deep, is read without recursion; it is just not a request.
        (
            "deep nesting",
            Some("application/json"),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            422,
            "invalid-value",
        ),
        (
            "deep nesting in a field",
            Some("application/json"),
            format!(r#"{{"post": {{"text": {}{}}}}}"#, "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            422,
            "invalid-value",
        ),
        ("unclosed deep nesting", Some("application/json"), "[".repeat(10_000).into_bytes(), 400, "malformed-json"),
        ("no content type", None, br#"{"post":{"text":"hi"}}"#.to_vec(), 415, "unsupported-media-type"),
        (
            "form content type",
            Some("application/x-www-form-urlencoded"),
            b"post=hi".to_vec(),
            415,
            "unsupported-media-type",
        ),
        ("text/plain", Some("text/plain"), br#"{"post":{"text":"hi"}}"#.to_vec(), 415, "unsupported-media-type"),
        (
            "latin-1 charset",
            Some("application/json; charset=iso-8859-1"),
            br#"{"post":{"text":"hi"}}"#.to_vec(),
            415,
            "unsupported-media-type",
        ),
    ];
    for (name, ct, body, status, problem) in raw_cases {
        let a = call(&app, post_raw("/v1/lint", ct, body)).await;
        assert_eq!((a.status, a.problem()), (status, problem), "{name}: {}", a.text());
    }
    let a = call(&app, post_raw("/v1/lint", Some("application/json"), "{\n  \"post\": {\"text\": \"hi\"\n}")).await;
    assert_eq!((a.json["line"].as_u64(), a.json["column"].as_u64()), (Some(3), Some(1)), "{}", a.text());
    // A compressed body is refused for its coding, not misread as bad JSON.
    let mut r = post_raw("/v1/lint", Some("application/json"), b"\x1f\x8b\x08\x00".to_vec());
    r.headers_mut().insert("content-encoding".parse().unwrap(), "gzip".parse().unwrap());
    let a = call(&app, r).await;
    assert_eq!((a.status, a.problem()), (415, "unsupported-media-type"), "{}", a.text());
    assert!(a.json["detail"].as_str().unwrap().contains("Content-Encoding 'gzip'"), "{}", a.text());
    let mut r = post_raw("/v1/lint", Some("application/json"), r#"{"post":{"text":"hi"}}"#);
    r.headers_mut().insert("content-encoding".parse().unwrap(), "identity".parse().unwrap());
    assert_eq!(call(&app, r).await.status, 200);
}

#[actix_web::test]
async fn bodies_over_the_limit_are_refused_with_413() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let huge = json!({"post": {"text": "a".repeat(300 * 1024)}});
    // With Content-Length: refused before reading.
    let mut req = post_json("/v1/lint", &huge);
    let len = serde_json::to_vec(&huge).unwrap().len();
    req.headers_mut().insert("content-length".parse().unwrap(), len.to_string().parse().unwrap());
    let a = call(&app, req).await;
    assert_eq!((a.status, a.problem()), (413, "body-too-large"), "{}", a.text());
    // Without it (chunked): refused while reading.
    let a = call(&app, post_json("/v1/lint", &huge)).await;
    assert_eq!((a.status, a.problem()), (413, "body-too-large"));
    // Just under the default 256 KiB the body is read; the text limit answers instead.
    let under = json!({"post": {"text": "a".repeat(250 * 1024)}});
    let a = call(&app, post_json("/v1/lint", &under)).await;
    assert_eq!((a.status, a.problem()), (422, "text-too-long"));
}

#[actix_web::test]
async fn limits_are_configurable() {
    let settings = ServerSettings { max_body: ByteSize(2048), max_batch: 2, ..ServerSettings::default() };
    let mut spec = EngineSpec::default();
    spec.config.limits = Limits { max_text_chars: 10, max_history: 1 };
    let app = web_test::init_service(create_app(state_from(&settings, spec))).await;
    let a = call(&app, post_json("/v1/lint", &json!({"post": {"text": "x".repeat(3000)}}))).await;
    assert_eq!((a.status, a.problem()), (413, "body-too-large"));
    let a = call(&app, post_json("/v1/lint", &json!({"post": {"text": "Hello Anna!"}}))).await;
    assert_eq!((a.status, a.problem()), (422, "text-too-long"));
    assert!(a.json["detail"].as_str().unwrap().contains("the limit is 10"), "{}", a.text());
    let two =
        json!({"post": {"text": "hi"}, "history": [{"at": "2026-01-01T00:00:00Z"}, {"at": "2026-01-02T00:00:00Z"}]});
    assert_eq!(call(&app, post_json("/v1/lint", &two)).await.problem(), "too-many-history-items");
    let batch = json!({"requests": [{"post": {"text": "a"}}, {"post": {"text": "b"}}, {"post": {"text": "c"}}]});
    let a = call(&app, post_json("/v1/lint/batch", &batch)).await;
    assert_eq!((a.status, a.problem(), a.json["pointer"].as_str()), (422, "too-many-drafts", Some("/requests")));
}

/// A client that stops sending gets 408 after the request timeout; a body cut
/// short by a transfer error gets 400.
#[actix_web::test]
async fn slow_or_broken_bodies() {
    use std::time::Duration;
    let settings = ServerSettings {
        request_timeout: unbroadcast::policy::Duration(jiff::SignedDuration::from_millis(200)),
        ..ServerSettings::default()
    };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    let (mut sender, payload) = actix_http::h1::Payload::create(false);
    sender.feed_data(actix_web::web::Bytes::from_static(br#"{"post": {"te"#));
    let (req, _) = post_raw("/v1/lint", Some("application/json"), "").replace_payload(payload.into());
    let started = std::time::Instant::now();
    let a = call(&app, req).await;
    assert_eq!((a.status, a.problem()), (408, "request-timeout"), "{}", a.text());
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(sender);

    let (mut sender, payload) = actix_http::h1::Payload::create(false);
    sender.feed_data(actix_web::web::Bytes::from_static(br#"{"post": {"te"#));
    sender.set_error(actix_http::error::PayloadError::Incomplete(None));
    let (req, _) = post_raw("/v1/lint", Some("application/json"), "").replace_payload(payload.into());
    let a = call(&app, req).await;
    assert_eq!((a.status, a.problem()), (400, "unreadable-body"), "{}", a.text());
}

#[actix_web::test]
async fn batch_lints_every_entry_and_reports_bad_ones_in_place() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let body = json!({"requests": [
        typical(1),
        {"post": {"text": "hi", "channel": "myspace"}},
        5,
        {"post": {"text": "Anna, your order shipped today. Anything else we can help with?"}},
        {"post": {"text": "hi"}, "extra": true}
    ]});
    let a = call(&app, post_json("/v1/lint/batch", &body)).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let r = a.json["results"].as_array().unwrap();
    assert_eq!(r.len(), 5);
    assert_eq!(r[0]["report"]["id"], "post-1");
    assert_eq!(r[1]["error"]["pointer"], "/requests/1/post/channel");
    assert_eq!(r[1]["error"]["status"], 422);
    assert_eq!(r[2]["error"]["pointer"], "/requests/2");
    assert_eq!(r[3]["report"]["verdict"], "pass");
    assert_eq!(r[4]["error"]["pointer"], "/requests/4/extra");
    // The same draft alone and in a batch gives the same report.
    let alone = call(&app, post_json("/v1/lint", &typical(1))).await;
    assert_eq!(alone.json, r[0]["report"]);

    let empty = call(&app, post_json("/v1/lint/batch", &json!({"requests": []}))).await;
    assert_eq!((empty.status, empty.json["results"].as_array().map(Vec::len)), (200, Some(0)));
}

#[actix_web::test]
async fn a_batch_of_100_typical_posts_fits_and_101_does_not() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let hundred: Vec<Value> = (0..100).map(typical).collect();
    let body = json!({ "requests": hundred });
    assert!(serde_json::to_vec(&body).unwrap().len() > 50_000);
    let a = call(&app, post_json("/v1/lint/batch", &body)).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let results = a.json["results"].as_array().unwrap();
    assert_eq!(results.len(), 100);
    assert!(results.iter().enumerate().all(|(i, r)| r["report"]["id"] == format!("post-{i}")), "in order");
    let body = json!({ "requests": (0..101).map(typical).collect::<Vec<_>>() });
    let a = call(&app, post_json("/v1/lint/batch", &body)).await;
    assert_eq!((a.status, a.problem()), (422, "too-many-drafts"));
}

#[actix_web::test]
async fn a_batch_that_is_wrong_as_a_whole_fails_whole() {
    let settings = ServerSettings { max_batch_body: ByteSize(4096), ..ServerSettings::default() };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        (json!([{"post": {"text": "hi"}}]), 422, "invalid-value", Some("")),
        (json!({"request": []}), 422, "unknown-field", Some("/request")),
        (json!({}), 422, "missing-field", Some("/requests")),
        (json!({"requests": {"post": {"text": "hi"}}}), 422, "invalid-value", Some("/requests")),
        (json!({"requests": [{"post": {"text": "x".repeat(5000)}}]}), 413, "body-too-large", None),
    ];
    for (body, status, problem, pointer) in cases {
        let a = call(&app, post_json("/v1/lint/batch", &body)).await;
        assert_eq!((a.status, a.problem(), a.json["pointer"].as_str()), (status, problem, pointer), "{}", a.text());
    }
    let a = call(&app, post_raw("/v1/lint/batch", Some("application/json"), "{")).await;
    assert_eq!((a.status, a.problem()), (400, "malformed-json"));
    let a = call(&app, post_raw("/v1/lint/batch", Some("text/csv"), "a,b")).await;
    assert_eq!((a.status, a.problem()), (415, "unsupported-media-type"));
}

#[actix_web::test]
async fn rules_are_listed_and_explained() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let a = call(&app, get("/v1/rules")).await;
    assert_eq!(a.status, 200);
    let n = loaded().engine.rules().rules().len();
    assert_eq!((a.json["count"].as_u64(), a.json["rules"].as_array().unwrap().len()), (Some(n as u64), n));
    assert_eq!(a.json["rules_version"], loaded().engine.rules().version());

    let a = call(&app, get("/v1/rules/broadcast.hard-sell")).await;
    assert_eq!(a.status, 200);
    for field in ["category", "severity", "points", "languages", "variants"] {
        assert!(!a.json[field].is_null(), "{field}");
    }
    let v = &a.json["variants"][0];
    assert!(v["why"].as_str().is_some() && v["examples"]["fire"].as_array().is_some_and(|e| !e.is_empty()));

    // A warning's docs link leads to its rule.
    let report = call(&app, post_json("/v1/lint", &typical(1))).await;
    let docs = report.json["warnings"][0]["docs"].as_str().unwrap().to_owned();
    assert_eq!(call(&app, get(&docs)).await.status, 200, "{docs}");

    let a = call(&app, get("/v1/rules/broadcast.nope")).await;
    assert_eq!((a.status, a.problem()), (404, "rule-not-found"));
    let a = call(&app, get("/v1/rules/broadcast")).await;
    assert_eq!(a.status, 404, "a category is not a rule id");
}

const EXTRA_PACK: &str = r#"
[pack]
language = "en"

[redirects]
"broadcast.hard-sale" = "broadcast.hard-sell"

[[rule]]
id = "broadcast.synergize"
category = "broadcast"
kind = "phrases"
severity = "info"
points = 3
message = "“{match}” is corporate speak."
why = "Nobody talks like that."
suggestion = "Say what you do."
phrases = ["synergize"]
examples = { fire = ["We synergize."], pass = ["We work together."] }
"#;

#[actix_web::test]
async fn a_renamed_rule_id_redirects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("extra.toml"), EXTRA_PACK).unwrap();
    let spec = EngineSpec { pack_dirs: vec![dir.path().to_owned()], ..EngineSpec::default() };
    let app = web_test::init_service(create_app(state_from(&default_settings(), spec))).await;
    let a = call(&app, get("/v1/rules/broadcast.hard-sale")).await;
    assert_eq!(a.status, 308);
    assert_eq!(a.header("location"), Some("/v1/rules/broadcast.hard-sell"));
    assert_eq!(call(&app, get("/v1/rules/broadcast.synergize")).await.status, 200);
}

#[actix_web::test]
async fn admin_reload_swaps_packs_and_refuses_bad_ones() {
    // Off without a token.
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let a = call(&app, web_test::TestRequest::post().uri("/v1/admin/reload").to_request()).await;
    assert_eq!((a.status, a.problem()), (404, "not-found"));

    let dir = tempfile::tempdir().unwrap();
    let settings = ServerSettings {
        admin_token: Some(Secret::new("admin-secret")),
        api_keys: vec![Secret::new("client-key")],
        ..ServerSettings::default()
    };
    let spec = EngineSpec { pack_dirs: vec![dir.path().to_owned()], ..EngineSpec::default() };
    let app = web_test::init_service(create_app(state_from(&settings, spec))).await;
    let reload = |token: &str| {
        web_test::TestRequest::post()
            .uri("/v1/admin/reload")
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request()
    };
    let lint = |text: &str| {
        let mut r = post_json("/v1/lint", &json!({"post": {"text": text, "language": "en"}}));
        r.headers_mut().insert("authorization".parse().unwrap(), "Bearer client-key".parse().unwrap());
        r
    };
    // An API key is not the admin token.
    assert_eq!(call(&app, reload("client-key")).await.problem(), "unauthorized");
    assert_eq!(call(&app, reload("wrong")).await.status, 401);
    let a = call(&app, reload("admin-secret")).await;
    assert_eq!((a.status, a.json["changed"].as_bool()), (200, Some(false)), "{}", a.text());
    let before = a.json["rules_version"].as_str().unwrap().to_owned();

    // A bad pack is refused, naming file and line, and the old rules keep serving.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[pack]\nlanguage = \"en\"\n\n[[rule]]\nid = \"broadcast.x\"\npoints = \"many\"\n",
    )
    .unwrap();
    let a = call(&app, reload("admin-secret")).await;
    assert_eq!((a.status, a.problem()), (422, "pack-invalid"), "{}", a.text());
    assert!(a.json["detail"].as_str().unwrap().contains("bad.toml:"), "{}", a.text());
    let served = call(&app, lint("We synergize.")).await;
    assert_eq!((served.status, served.json["rules_version"].as_str()), (200, Some(before.as_str())));

    // A good pack is swapped in.
    std::fs::remove_file(dir.path().join("bad.toml")).unwrap();
    std::fs::write(dir.path().join("extra.toml"), EXTRA_PACK).unwrap();
    let a = call(&app, reload("admin-secret")).await;
    assert_eq!((a.status, a.json["changed"].as_bool()), (200, Some(true)), "{}", a.text());
    assert_eq!(a.json["previous_rules_version"], before.as_str());
    let served = call(&app, lint("We synergize.")).await;
    assert!(
        served.json["warnings"].as_array().unwrap().iter().any(|w| w["rule"] == "broadcast.synergize"),
        "{}",
        served.text()
    );
}

#[actix_web::test]
async fn api_keys_guard_the_api_but_not_the_probes() {
    let settings =
        ServerSettings { api_keys: vec![Secret::new("key-a"), Secret::new("key-b")], ..ServerSettings::default() };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    let with = |mut r: actix_http::Request, auth: &str| {
        r.headers_mut().insert("authorization".parse().unwrap(), auth.parse().unwrap());
        r
    };
    let body = json!({"post": {"text": "Hi Anna, how was the trip?"}});
    let a = call(&app, post_json("/v1/lint", &body)).await;
    assert_eq!((a.status, a.problem()), (401, "unauthorized"));
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
    assert_eq!(call(&app, with(post_json("/v1/lint", &body), "Bearer key-c")).await.status, 401);
    assert_eq!(call(&app, with(post_json("/v1/lint", &body), "Basic a2V5LWE=")).await.status, 401);
    assert_eq!(call(&app, with(post_json("/v1/lint", &body), "Bearer key-a")).await.status, 200);
    assert_eq!(call(&app, with(post_json("/v1/lint", &body), "bearer key-b")).await.status, 200);
    assert_eq!(call(&app, get("/v1/rules")).await.status, 401);
    assert_eq!(call(&app, get("/metrics")).await.status, 401);
    assert_eq!(call(&app, with(get("/metrics"), "Bearer key-b")).await.status, 200);
    // Percent-encoding does not turn a guarded path into an open one.
    assert_eq!(call_unchecked(&app, post_json("/%761/lint", &body)).await.status, 401);
    // Unknown paths need a key too: no probing for routes.
    assert_eq!(call(&app, get("/v1/secret")).await.status, 401);
    // The editor page and its assets are open too: the page asks for a key itself.
    for open in ["/healthz", "/readyz", "/openapi.yaml", "/", "/editor.css", "/editor.js"] {
        assert_eq!(call(&app, get(open)).await.status, 200, "{open}");
    }
}

#[actix_web::test]
async fn unknown_paths_and_methods_are_problems() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let a = call(&app, get("/v2/lint")).await;
    assert_eq!((a.status, a.problem(), a.content_type()), (404, "not-found", "application/problem+json"));
    let a = call(&app, get("/v1/lint")).await;
    assert_eq!((a.status, a.problem(), a.header("allow")), (405, "method-not-allowed", Some("POST")));
    let a = call(&app, post_json("/healthz", &json!({}))).await;
    assert_eq!((a.status, a.header("allow")), (405, Some("GET, HEAD")));
    // HEAD wherever GET is; not where it is not.
    for path in ["/healthz", "/readyz", "/v1/rules", "/openapi.yaml", "/"] {
        let a =
            call(&app, web_test::TestRequest::default().method(actix_web::http::Method::HEAD).uri(path).to_request())
                .await;
        assert_eq!(a.status, 200, "HEAD {path}");
    }
    let a =
        call(&app, web_test::TestRequest::default().method(actix_web::http::Method::HEAD).uri("/v1/lint").to_request())
            .await;
    assert_eq!((a.status, a.header("allow")), (405, Some("POST")));
    let a = call(&app, web_test::TestRequest::delete().uri("/v1/rules/broadcast.hard-sell").to_request()).await;
    assert_eq!(a.status, 405);
}

#[actix_web::test]
async fn health_readiness_metrics_and_the_contract() {
    let state = state_with(&default_settings());
    let app = web_test::init_service(create_app(state.clone())).await;
    let a = call(&app, get("/healthz")).await;
    assert_eq!((a.status, &a.json), (200, &json!({"status": "ok"})));
    let a = call(&app, get("/readyz")).await;
    assert_eq!((a.status, a.json["status"].as_str()), (200, Some("ready")));
    assert_eq!(a.json["rules"].as_u64(), Some(loaded().engine.rules().rules().len() as u64));

    let a = call(&app, get("/openapi.yaml")).await;
    assert_eq!((a.status, a.content_type()), (200, "application/yaml"));
    assert_eq!(a.text(), include_str!("../../openapi.yaml"), "served as is");

    call(&app, post_json("/v1/lint", &typical(1))).await;
    call(&app, post_json("/v1/lint", &json!({"post": {"text": "hi", "channel": "myspace"}}))).await;
    call(&app, post_json("/v1/lint/batch", &json!({"requests": [typical(2)]}))).await;
    let a = call(&app, get("/metrics")).await;
    assert_eq!(a.status, 200);
    assert!(a.content_type().starts_with("text/plain; version=0.0.4"));
    let m = a.text();
    for line in [
        r#"unbroadcast_http_requests_total{method="POST",route="/v1/lint",status="200"} 1"#,
        r#"unbroadcast_http_requests_total{method="POST",route="/v1/lint",status="422"} 1"#,
        r#"unbroadcast_http_requests_total{method="GET",route="/healthz",status="200"} 1"#,
        r#"unbroadcast_http_request_duration_seconds_count{route="/v1/lint"} 2"#,
        r#"unbroadcast_findings_total{rule="broadcast.hard-sell"} 4"#,
        r#"unbroadcast_rejected_drafts_total{problem="unknown-channel"} 1"#,
        "unbroadcast_rules_loaded ",
    ] {
        assert!(m.contains(line), "metrics lack {line}:\n{m}");
    }
    assert!(m.contains("unbroadcast_verdicts_total{verdict="), "{m}");
    assert!(m.contains(r#"unbroadcast_http_request_duration_seconds_bucket{route="/v1/lint",le="0.005"}"#));

    // Shutting down: not ready any more, still alive.
    state.set_ready(false);
    let a = call(&app, get("/readyz")).await;
    assert_eq!((a.status, a.problem()), (503, "not-ready"));
    assert_eq!(call(&app, get("/healthz")).await.status, 200);
}

#[actix_web::test]
async fn request_ids_are_echoed_when_sane_and_made_otherwise() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let a = call(
        &app,
        web_test::TestRequest::get().uri("/healthz").insert_header(("x-request-id", "sched-42.a:b_c")).to_request(),
    )
    .await;
    assert_eq!(a.header("x-request-id"), Some("sched-42.a:b_c"));
    let a = call(
        &app,
        web_test::TestRequest::get().uri("/healthz").insert_header(("x-request-id", "bad id\"")).to_request(),
    )
    .await;
    let id = a.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    let b = call(&app, get("/healthz")).await;
    assert_ne!(b.header("x-request-id"), Some(id), "ids are fresh");
    // Errors carry one too.
    assert!(call(&app, get("/nope")).await.header("x-request-id").is_some());
}

#[actix_web::test]
async fn cors_is_off_by_default_and_follows_the_settings() {
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let preflight = || {
        web_test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/v1/lint")
            .insert_header(("origin", "https://app.example.com"))
            .insert_header(("access-control-request-method", "POST"))
            .insert_header(("access-control-request-headers", "content-type,authorization"))
            .to_request()
    };
    let a = call(&app, preflight()).await;
    assert_eq!(a.status, 405, "no CORS: OPTIONS is just another method");
    assert!(a.header("access-control-allow-origin").is_none());

    let settings = ServerSettings { cors_origins: vec!["https://app.example.com".into()], ..ServerSettings::default() };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    let a = call_unchecked(&app, preflight()).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("access-control-allow-origin"), Some("https://app.example.com"));
    let mut r = post_json("/v1/lint", &json!({"post": {"text": "Hi Anna!"}}));
    r.headers_mut().insert("origin".parse().unwrap(), "https://app.example.com".parse().unwrap());
    let a = call(&app, r).await;
    assert_eq!((a.status, a.header("access-control-allow-origin")), (200, Some("https://app.example.com")));
    assert!(a.header("access-control-expose-headers").unwrap_or_default().contains("x-request-id"));
    let mut r = post_json("/v1/lint", &json!({"post": {"text": "Hi Anna!"}}));
    r.headers_mut().insert("origin".parse().unwrap(), "https://evil.example".parse().unwrap());
    let a = call_unchecked(&app, r).await;
    assert!(a.header("access-control-allow-origin").is_none());
    assert!(a.status < 500);
}

/// A preflight the CORS settings refuse (origin, method or header not allowed) is
/// a problem like every other refusal: 403 `cors-refused`, with a request id.
/// Before, actix-cors answered a bare 400 in plain text. A request that is not a
/// preflight is served whatever its origin, only without CORS headers: the
/// browser, not the server, keeps the page from reading it.
#[actix_web::test]
async fn refused_preflights_are_problems() {
    let settings = ServerSettings { cors_origins: vec!["https://app.example.com".into()], ..ServerSettings::default() };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    let preflight = |origin: &str, method: &str, headers: &str| {
        web_test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/v1/lint")
            .insert_header(("origin", origin))
            .insert_header(("access-control-request-method", method))
            .insert_header(("access-control-request-headers", headers))
            .insert_header(("x-request-id", "cors-1"))
            .to_request()
    };
    for (origin, method, headers) in [
        ("https://evil.example", "POST", "content-type"),
        ("https://app.example.com", "DELETE", "content-type"),
        ("https://app.example.com", "POST", "x-made-up"),
    ] {
        let a = call(&app, preflight(origin, method, headers)).await;
        assert_eq!((a.status, a.problem()), (403, "cors-refused"), "{origin} {method} {headers}: {}", a.text());
        assert_eq!(a.content_type(), "application/problem+json");
        assert_eq!(a.header("x-request-id"), Some("cors-1"));
        assert!(a.header("access-control-allow-origin").is_none());
    }
    let mut r = post_json("/v1/lint", &json!({"post": {"text": "Hi Anna!"}}));
    r.headers_mut().insert("origin".parse().unwrap(), "https://evil.example".parse().unwrap());
    let a = call(&app, r).await;
    assert_eq!((a.status, a.header("access-control-allow-origin")), (200, None), "served, without CORS headers");
}

/// A writer the log subscriber appends to, for reading back what was logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Drafts are unpublished content: at info, the log names rules, verdicts,
/// problem types and request ids, never a draft's, a reply's, the history's or
/// the audience's text — in either log format, for good and bad requests.
#[actix_web::test]
async fn logs_never_contain_draft_text() {
    const SECRETS: [&str; 5] =
        ["SECRET-DRAFT-Shop now", "SECRET-REPLY", "SECRET-HISTORY", "SECRET-AUDIENCE", "SECRET-INTEREST"];
    for format in [LogFormat::Human, LogFormat::Json] {
        let captured = Captured::default();
        let subscriber = unbroadcast::server::observe::subscriber(format, "info", captured.clone()).unwrap();
        let _guard = tracing::dispatcher::set_default(&subscriber);
        let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
        let body = json!({
            "post": {"text": "SECRET-DRAFT-Shop now, limited time offer!", "reply_to": {"author": "@anna", "text": "SECRET-REPLY"}},
            "audience": {"description": "SECRET-AUDIENCE", "interests": ["SECRET-INTEREST"]},
            "history": [{"text": "SECRET-HISTORY", "at": "2026-01-01T00:00:00Z"}]
        });
        let ok = call(
            &app,
            web_test::TestRequest::post()
                .uri("/v1/lint")
                .insert_header(("x-request-id", "log-test-1"))
                .insert_header(("content-type", "application/json"))
                .set_payload(body.to_string())
                .to_request(),
        )
        .await;
        assert_eq!(ok.status, 200);
        let mut bad = body.clone();
        bad["post"]["channel"] = json!("SECRET-DRAFT-Shop now");
        call(&app, post_json("/v1/lint", &bad)).await;
        let mut bad = body.clone();
        bad["post"]["reply_to"] = json!("SECRET-REPLY");
        call(&app, post_json("/v1/lint", &bad)).await;
        call(
            &app,
            post_json(
                "/v1/lint/batch",
                &json!({"requests": [body, {"post": {"text": "SECRET-DRAFT-Shop now", "language": "xx"}}]}),
            ),
        )
        .await;
        call(&app, post_raw("/v1/lint", Some("application/json"), "{\"post\":{\"text\":\"SECRET-DRAFT-Shop now\""))
            .await;

        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("log-test-1"), "the request id is logged: {log}");
        assert!(log.contains("broadcast.hard-sell"), "rule ids are logged: {log}");
        assert!(log.contains("unknown-channel") && log.contains("malformed-json"), "problem types are logged: {log}");
        for s in SECRETS {
            assert!(!log.contains(s), "{format:?} log contains {s}:\n{log}");
        }
        std::io::stderr().flush().unwrap();
    }
}

/// What a client chooses — an unknown key (so the pointer), the method — is cut to
/// 200 characters in the log, with its length. Before, a 200 KB key made a 200 KB
/// log line (and a 4 MB one in a batch).
#[actix_web::test]
async fn client_chosen_strings_are_cut_in_the_log() {
    let captured = Captured::default();
    let subscriber = unbroadcast::server::observe::subscriber(LogFormat::Json, "info", captured.clone()).unwrap();
    let _guard = tracing::dispatcher::set_default(&subscriber);
    let app = web_test::init_service(create_app(state_with(&default_settings()))).await;
    let key = "k".repeat(200_000);
    let body = format!(r#"{{"post":{{"text":"hi","{key}":1}}}}"#);
    let a = call(&app, post_raw("/v1/lint", Some("application/json"), body)).await;
    assert_eq!((a.status, a.problem()), (422, "unknown-field"));
    assert_eq!(a.json["pointer"].as_str().map(str::len), Some(200_006), "the answer keeps the whole pointer");
    let method = actix_web::http::Method::from_bytes("M".repeat(5000).as_bytes()).unwrap();
    let a = call_unchecked(&app, web_test::TestRequest::default().method(method).uri("/v1/lint").to_request()).await;
    assert_eq!(a.status, 405);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(log.lines().count(), 2, "{log}");
    for line in log.lines() {
        assert!(line.len() < 1000, "a {} byte log line: {}…", line.len(), &line[..300]);
    }
    assert!(log.contains("kkk… (200006 bytes)"), "{log}");
    assert!(log.contains("MMM… (5000 bytes)"), "{log}");
}

/// Requests the HTTP/1 codec refuses — a broken header, a head over the size
/// limit — never reach the app; actix-http answers them itself (400, 431, with
/// an empty body: no user code runs there). Each one used to write an ERROR line,
/// so any client could fill the log with errors. Now they are warnings, at most
/// ten a minute; the rest go to debug, counted.
#[test]
fn codec_refusals_warn_at_a_bounded_rate() {
    use std::io::{Read as _, Write as _};
    let dir = tempfile::tempdir().unwrap();
    let server = crate::serve::start(
        dir.path(),
        &["--no-config", "--bind", "127.0.0.1:0", "--log-level", "info,unbroadcast=debug"],
        &[],
    );
    let exchange = |raw: &[u8]| {
        let mut s = std::net::TcpStream::connect(&server.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        let _ = s.write_all(raw);
        let mut got = Vec::new();
        // A refused head can be answered before it is read whole; the connection
        // may then be reset after the answer.
        let _ = s.read_to_end(&mut got);
        let got = String::from_utf8_lossy(&got).into_owned();
        got.split(' ').nth(1).and_then(|c| c.parse::<u16>().ok()).unwrap_or(0)
    };
    for _ in 0..30 {
        assert_eq!(exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nBroken Header\r\n\r\n"), 400);
    }
    let big = format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(200_000));
    assert_eq!(exchange(big.as_bytes()), 431);
    assert_eq!(exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 200);

    let mut child = server.child;
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    child.wait().unwrap();
    let log = server.stderr.join().unwrap();
    assert!(!log.lines().any(|l| l.contains(" ERROR ")), "no client makes an ERROR line:\n{log}");
    let refusals: Vec<&str> = log.lines().filter(|l| l.contains("refused by the HTTP layer")).collect();
    let warns = refusals.iter().filter(|l| l.contains(" WARN ")).count();
    let debugs = refusals.iter().filter(|l| l.contains(" DEBUG ")).count();
    assert_eq!((warns, debugs), (10, 21), "{log}");
    assert!(refusals.iter().any(|l| l.contains("suppressed=21")), "the count of lines kept from warn: {log}");
    assert!(refusals.iter().any(|l| l.contains("message head is too large")), "{log}");
}

/// Whatever a client sends, the answer is below 500 and the server lives on.
#[test]
fn no_input_makes_a_5xx() {
    use proptest::prelude::*;
    let system = actix_web::rt::System::new();
    let app = system.block_on(web_test::init_service(create_app(state_with(&default_settings()))));
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
        prop::sample::select(vec![
            "x",
            "linkedin",
            "de",
            "ar",
            "auto",
            "2026-05-04T09:30:00+02:00",
            "Europe/Berlin",
            "de-DE",
            "bait",
            "📣",
            "\u{202e}"
        ])
        .prop_map(Value::from),
    ];
    let json_value = leaf.prop_recursive(4, 40, 6, |inner| {
        let keys = prop::sample::select(vec![
            "post",
            "text",
            "channel",
            "language",
            "scheduled_at",
            "reply_to",
            "author",
            "audience",
            "description",
            "interests",
            "locale",
            "timezone",
            "handles",
            "size",
            "history",
            "at",
            "id",
            "options",
            "select",
            "ignore",
            "thresholds",
            "review",
            "block",
            "channels",
            "daily",
            "min_gap",
            "quiet_hours",
            "requests",
            "zzz",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    });
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 400, ..ProptestConfig::default() });
    runner
        .run(&(json_value, prop::collection::vec(any::<u8>(), 0..64), 0..4usize), |(v, bytes, which)| {
            let (path, body) = match which {
                0 => ("/v1/lint", serde_json::to_vec(&json!({"post": v})).unwrap()),
                1 => ("/v1/lint", serde_json::to_vec(&v).unwrap()),
                2 => ("/v1/lint/batch", serde_json::to_vec(&json!({"requests": [v]})).unwrap()),
                _ => ("/v1/lint", bytes),
            };
            let a: Answer = system.block_on(call(&app, post_raw(path, Some("application/json"), body)));
            prop_assert!(a.status < 500, "{path}: {} {}", a.status, a.text());
            Ok(())
        })
        .unwrap();
    // Texts that stress the engine, posted whole.
    for text in ["\u{0}", "\r\r\r", "#", "@", "http://", "{first_name}", "ـــ", "e\u{301}\u{301}\u{301}", "👩‍👩‍👧‍👦"]
    {
        let a = system.block_on(call(&app, post_json("/v1/lint", &json!({"post": {"text": text, "channel": "x"}}))));
        assert!(a.status < 500, "{text:?}: {}", a.text());
    }
}

/// Two reloads in flight: the one started last wins, even when the earlier one
/// finishes after it (before, the last to *finish* won and could bring back
/// packs no longer on disk).
#[test]
fn overlapping_reloads_keep_the_one_started_last() {
    let dir = tempfile::tempdir().unwrap();
    let spec = EngineSpec { pack_dirs: vec![dir.path().to_owned()], ..EngineSpec::default() };
    let state = state_from(&default_settings(), spec.clone());
    let old_packs = spec.build().unwrap();
    let old_version = old_packs.engine.rules().version().to_owned();
    std::fs::write(dir.path().join("extra.toml"), EXTRA_PACK).unwrap();

    let early = state.reload_ticket();
    let late = state.reload_ticket();
    // The later reload reads the new packs and finishes first.
    let a = state.reload_with(late, || spec.build()).unwrap();
    assert!(!a.superseded && a.changed, "{a:?}");
    let new_version = a.rules_version.clone();
    assert_ne!(new_version, old_version);
    // The earlier one, slow, finishes with what it read before the change.
    let b = state.reload_with(early, || Ok(old_packs)).unwrap();
    assert!(b.superseded && !b.changed, "{b:?}");
    assert_eq!(b.rules_version, new_version);
    assert_eq!(state.loaded().engine.rules().version(), new_version);
    // A reload started after both still installs.
    assert!(!state.reload().unwrap().superseded);
}

/// A FIFO named `*.toml` in a packs directory used to hang the reload (and the
/// CLI's `--packs`) on its read; it is not a regular file and is skipped.
#[cfg(unix)]
#[test]
fn a_fifo_in_the_packs_dir_does_not_hang_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("extra.toml"), EXTRA_PACK).unwrap();
    let fifo = dir.path().join("stuck.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let spec = EngineSpec { pack_dirs: vec![dir.path().to_owned()], ..EngineSpec::default() };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(spec.build().map(|l| l.engine.rules().rules().iter().any(|r| r.id == "broadcast.synergize")));
    });
    let got = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the pack build returned");
    assert!(got.unwrap(), "the regular pack beside the FIFO is read");
}

/// Two links back to the packs directory (`a -> .`, `b -> .`) made the walk
/// branch at every level until paths grew too long: a reload that never ended.
/// Each directory is now read once, and a pack reached by a link is read once.
#[cfg(unix)]
#[test]
fn links_back_to_the_packs_dir_do_not_loop_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("extra.toml"), EXTRA_PACK).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("b")).unwrap();
    let spec = EngineSpec { pack_dirs: vec![dir.path().to_owned()], ..EngineSpec::default() };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(
            spec.build().map(|l| l.engine.rules().rules().iter().filter(|r| r.id == "broadcast.synergize").count()),
        );
    });
    let got = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the pack build returned");
    assert_eq!(got.unwrap(), 1, "the pack is read once");
}
