//! `openapi.yaml` and the server agree: every route of the app is in the file and
//! every path of the file is served; every problem type is documented; every
//! example validates; and [`check_answer`] (run by every in-process HTTP call)
//! validates real answers against the file's schemas with the `jsonschema` crate.

use crate::http::{Answer, call, loaded, post_json, state_with};
use actix_web::test as web_test;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};
use unbroadcast::server::error::Code;
use unbroadcast::server::settings::{Secret, ServerSettings};
use unbroadcast::server::{ENDPOINTS, create_app};

const SPEC_TEXT: &str = include_str!("../../openapi.yaml");

/// The contract as JSON.
pub fn spec() -> &'static Value {
    static S: LazyLock<Value> = LazyLock::new(|| serde_saphyr::from_str(SPEC_TEXT).expect("openapi.yaml parses"));
    &S
}

/// RFC 6901 escaping for building pointers.
fn esc(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Follows a `$ref` to a reusable object (response, parameter) inside the spec.
fn deref(v: &Value) -> (&Value, Option<String>) {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let p = r.trim_start_matches('#');
            (spec().pointer(p).unwrap_or_else(|| panic!("dangling $ref {r}")), Some(p.to_owned()))
        }
        None => (v, None),
    }
}

/// A validator for the schema at `pointer` in the spec; the whole spec is the
/// root document, so `$ref: '#/components/schemas/…'` resolves.
fn validator(pointer: &str) -> Arc<jsonschema::Validator> {
    static CACHE: LazyLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = LazyLock::new(Default::default);
    let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    cache
        .entry(pointer.to_owned())
        .or_insert_with(|| {
            let mut root = spec().clone();
            // A pointer in a URI fragment: braces (from `{id}`) must be percent-encoded.
            let fragment = pointer.replace('%', "%25").replace('{', "%7B").replace('}', "%7D");
            root["$ref"] = Value::String(format!("#{fragment}"));
            Arc::new(jsonschema::draft202012::new(&root).unwrap_or_else(|e| panic!("schema at {pointer}: {e}")))
        })
        .clone()
}

fn validate(pointer: &str, instance: &Value, what: &str) {
    let v = validator(pointer);
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not match {pointer}:\n{}\n{instance:#}", errors.join("\n"));
}

/// The spec's path template for a concrete path (`/v1/rules/x` → `/v1/rules/{id}`).
fn template(path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').collect();
    spec()["paths"].as_object()?.keys().map(String::as_str).find(|t| {
        let ts: Vec<&str> = t.split('/').collect();
        ts.len() == segs.len() && ts.iter().zip(&segs).all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
    })
}

/// Checks an answer against the documented response for its path, method and
/// status: the response (or `default`) exists, its content type is documented,
/// the body validates, and `X-Request-Id` is there.
pub fn check_answer(method: &str, path: &str, a: &Answer) {
    assert!(a.header("x-request-id").is_some(), "{method} {path}: every answer carries X-Request-Id");
    let path = path.split('?').next().unwrap_or(path);
    // HEAD is GET without the body (the server answers it wherever GET is; the
    // test harness keeps the body, so it is checked as GET's).
    let method = if method == "head" { "get" } else { method };
    let (op_ptr, responses) = match template(path).and_then(|t| {
        let p = format!("/paths/{}/{method}", esc(t));
        spec().pointer(&p).map(|op| (p, &op["responses"]))
    }) {
        Some(x) => x,
        // Not a documented operation: the answer is the generic problem.
        None => {
            assert!(
                matches!(a.status, 401 | 403 | 404 | 405),
                "{method} {path}: undocumented and answered {}",
                a.status
            );
            ("/components".to_owned(), &spec()["components"]["responses"]["Problem"])
        }
    };
    let status = a.status.to_string();
    let (response, response_ptr) = if op_ptr == "/components" {
        (responses, "/components/responses/Problem".to_owned())
    } else if let Some(r) = responses.get(&status) {
        let (r, via) = deref(r);
        (r, via.unwrap_or_else(|| format!("{op_ptr}/responses/{status}")))
    } else {
        let d = responses.get("default").unwrap_or_else(|| panic!("{method} {path}: {status} is not documented"));
        let (r, via) = deref(d);
        (r, via.unwrap_or_else(|| format!("{op_ptr}/responses/default")))
    };
    let Some(content) = response.get("content") else {
        assert!(a.body.is_empty(), "{method} {path} {status}: documented without a body");
        return;
    };
    let ct = a.content_type().split(';').next().unwrap_or_default().trim().to_owned();
    assert!(content.get(&ct).is_some(), "{method} {path} {status}: content type {ct:?} is not documented");
    if ct.ends_with("json") {
        validate(&format!("{response_ptr}/content/{}/schema", esc(&ct)), &a.json, &format!("{method} {path} {status}"));
    }
}

#[test]
fn every_route_is_in_the_contract_and_every_path_is_served() {
    let mut in_app: BTreeSet<(String, String)> = BTreeSet::new();
    for e in ENDPOINTS {
        in_app.insert((e.method.as_str().to_lowercase(), e.path.to_owned()));
    }
    let mut in_file = BTreeSet::new();
    for (path, item) in spec()["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(&method.as_str()) {
                in_file.insert((method.clone(), path.clone()));
            }
        }
    }
    let missing_in_file: Vec<_> = in_app.difference(&in_file).collect();
    let missing_in_app: Vec<_> = in_file.difference(&in_app).collect();
    assert!(missing_in_file.is_empty(), "routes not in openapi.yaml: {missing_in_file:?}");
    assert!(missing_in_app.is_empty(), "openapi.yaml paths the app does not serve: {missing_in_app:?}");
}

/// The app really is built from the route table: every endpoint answers with
/// something other than "no such endpoint" or "method not allowed".
#[actix_web::test]
async fn every_endpoint_of_the_table_is_routed() {
    let settings = ServerSettings { admin_token: Some(Secret::new("admin-token-1")), ..ServerSettings::default() };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    for e in ENDPOINTS {
        let uri = e.path.replace("{id}", "broadcast.hard-sell");
        let req = web_test::TestRequest::default()
            .method(e.method.clone())
            .uri(&uri)
            .insert_header(("authorization", "Bearer admin-token-1"))
            .insert_header(("content-type", "application/json"))
            .set_payload(r#"{"post":{"text":"hi"}}"#)
            .to_request();
        let a = call(&app, req).await;
        assert!(!["not-found", "method-not-allowed"].contains(&a.problem()), "{} {uri}: {}", e.method, a.text());
        assert!(a.status < 500, "{} {uri}: {}", e.method, a.text());
    }
}

#[test]
fn every_problem_type_is_documented_and_every_documented_one_exists() {
    let documented: BTreeSet<String> = spec()["components"]["schemas"]["Problem"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let in_code: BTreeSet<String> = Code::ALL.iter().map(|c| c.type_uri()).collect();
    assert_eq!(documented, in_code);
    let table = spec()["components"]["schemas"]["Problem"]["description"].as_str().unwrap();
    for c in Code::ALL {
        let row = format!("| `{}` | {} | {} |", c.slug(), c.status().as_u16(), c.title());
        assert!(table.contains(&row), "the problem table lacks {row}");
    }
}

/// Every example in the file — request bodies and responses — validates against
/// the schema next to it.
#[test]
fn examples_validate_against_their_schemas() {
    let mut checked = 0;
    let mut walk = vec![("".to_owned(), spec())];
    while let Some((ptr, v)) = walk.pop() {
        let Some(obj) = v.as_object() else { continue };
        if let (Some(examples), Some(_)) = (obj.get("examples").and_then(Value::as_object), obj.get("schema")) {
            for (name, ex) in examples {
                validate(&format!("{ptr}/schema"), &ex["value"], &format!("example {ptr}/examples/{name}"));
                checked += 1;
            }
        }
        if let (Some(ex), Some(_)) = (obj.get("example"), obj.get("schema"))
            && obj.get("schema").and_then(|s| s.get("type")).and_then(Value::as_str) != Some("string")
        {
            validate(&format!("{ptr}/schema"), ex, &format!("example {ptr}/example"));
            checked += 1;
        }
        for (k, child) in obj {
            walk.push((format!("{ptr}/{}", esc(k)), child));
        }
    }
    assert!(checked > 30, "only {checked} examples found");
}

/// The checker is not vacuous: it refuses a report without a score and a
/// problem of an unknown type.
#[test]
fn the_contract_check_refuses_wrong_bodies() {
    let report = "/components/schemas/Report";
    let ok = spec().pointer("/paths/~1v1~1lint/post/responses/200/content/application~1json/examples/scheduled/value");
    let mut bad = ok.unwrap().clone();
    assert!(validator(report).is_valid(&bad));
    bad.as_object_mut().unwrap().remove("score");
    assert!(!validator(report).is_valid(&bad));
    let problem =
        json!({"type": "https://unbroadcast.dev/problems/made-up", "title": "x", "status": 400, "detail": "x"});
    assert!(!validator("/components/schemas/Problem").is_valid(&problem));
}

/// The lint example in the file is what the server answers for the example
/// request. If a pack change alters it, paste the printed answer into the file.
#[actix_web::test]
async fn the_lint_example_is_a_real_answer() {
    let app = web_test::init_service(create_app(state_with(&ServerSettings::default()))).await;
    let op = &spec()["paths"]["/v1/lint"]["post"];
    for name in ["scheduled", "minimal", "overposting"] {
        let req = &op["requestBody"]["content"]["application/json"]["examples"][name]["value"];
        let mut expected = op["responses"]["200"]["content"]["application/json"]["examples"][name]["value"].clone();
        let a = call(&app, post_json("/v1/lint", req)).await;
        assert_eq!(a.status, 200);
        let mut got = a.json.clone();
        // The version hash changes with every pack edit; the rest must not drift silently.
        got["rules_version"] = json!("-");
        expected["rules_version"] = json!("-");
        assert!(got == expected, "openapi.yaml example `{name}` is stale; the server now answers:\n{:#}", a.json);
    }
    assert!(!loaded().engine.rules().version().is_empty());
}
