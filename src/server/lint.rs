//! `POST /v1/lint` and `POST /v1/lint/batch`: the endpoints schedulers call
//! before publishing.
//!
//! A request goes body → JSON → [`LintRequest`] (422 with a pointer for a wrong
//! field) → validated draft (422 per [`crate::input::InputErrorKind`]) → report.
//! A batch does the same per entry: one bad draft becomes its own error entry,
//! with the pointer into the batch body, and the others are still linted.

use super::body::{read_body, read_json};
use super::error::{ApiError, Code, Problem};
use super::observe::Summary;
use super::state::AppState;
use crate::Engine;
use crate::input::{BodyError, InputError, InputErrorKind, LintRequest};
use crate::report::{Report, Verdict};
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use jiff::Timestamp;
use serde::Serialize;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// `POST /v1/lint`: one draft, one report.
pub async fn one(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let result = async {
        let bytes = read_body(&req, payload, state.limits.max_body, state.limits.body_timeout).await?;
        let request = parse_request(&bytes)?;
        let loaded = state.loaded();
        lint_request(&loaded.engine, request, Timestamp::now())
    }
    .await;
    let report = result.inspect_err(|e| state.metrics.rejected(e.code.slug()))?;
    state.metrics.report(&report);
    let mut res = json_response(&report)?;
    res.extensions_mut().insert(Summary::lint(&report));
    Ok(res)
}

/// One entry of a batch answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Entry {
    Report(Box<Report>),
    Error(Problem),
}

#[derive(Debug, Serialize)]
struct BatchResponse {
    results: Vec<Entry>,
}

/// `POST /v1/lint/batch`: `{"requests": [...]}` → `{"results": [...]}`, in order.
pub async fn batch(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let limits = state.limits;
    let requests = async {
        let value = read_json(&req, payload, limits.max_batch_body, limits.body_timeout).await?;
        batch_requests(value, limits.max_batch)
    }
    .await
    .inspect_err(|e| state.metrics.rejected(e.code.slug()))?;

    // A full batch is up to a second of CPU: lint it on the blocking pool so the
    // I/O workers keep answering probes and single lints meanwhile.
    let st = state.clone();
    let (results, counts) = web::block(move || lint_batch(&st, requests)).await.map_err(|e| {
        tracing::error!(error = %e, "the batch task failed");
        ApiError::new(Code::Internal, "the batch could not run")
    })?;
    let [errors, pass, review, block] = counts;
    let drafts = results.len();
    let mut res = json_response(&BatchResponse { results })?;
    res.extensions_mut().insert(Summary::Batch { drafts, errors, pass, review, block });
    Ok(res)
}

/// Lints every entry of a batch, in order; the counts are errors, pass, review, block.
fn lint_batch(state: &AppState, requests: Vec<serde_json::Value>) -> (Vec<Entry>, [usize; 4]) {
    let loaded = state.loaded();
    let now = Timestamp::now();
    let mut counts = [0usize; 4];
    let results = requests
        .into_iter()
        .enumerate()
        .map(|(i, v)| match lint_value(&loaded.engine, v, now) {
            Ok(r) => {
                state.metrics.report(&r);
                counts[match r.verdict {
                    Verdict::Pass => 1,
                    Verdict::Review => 2,
                    Verdict::Block => 3,
                }] += 1;
                Entry::Report(Box::new(r))
            }
            Err(e) => {
                state.metrics.rejected(e.code.slug());
                counts[0] += 1;
                Entry::Error(e.problem(&format!("/requests/{i}")))
            }
        })
        .collect();
    (results, counts)
}

/// The `requests` array of a batch body, checked like a request is: unknown
/// fields, a missing or mistyped `requests`, and the batch size.
fn batch_requests(value: serde_json::Value, max: usize) -> Result<Vec<serde_json::Value>, ApiError> {
    let input = |kind, pointer: &str, message: String| ApiError::from(InputError::new(kind, pointer, message));
    let serde_json::Value::Object(mut map) = value else {
        return Err(input(InputErrorKind::InvalidValue, "", "a batch is an object: {\"requests\": [...]}".into()));
    };
    if let Some(k) = map.keys().find(|k| *k != "requests") {
        let pointer = format!("/{}", crate::input::escape_pointer(k));
        return Err(input(InputErrorKind::UnknownField, &pointer, format!("unknown field `{k}`, expected `requests`")));
    }
    let Some(requests) = map.remove("requests") else {
        return Err(input(InputErrorKind::MissingField, "/requests", "missing field `requests`".into()));
    };
    let serde_json::Value::Array(list) = requests else {
        return Err(input(InputErrorKind::InvalidValue, "/requests", "`requests` is an array of lint requests".into()));
    };
    if list.len() > max {
        return Err(ApiError::new(
            Code::TooManyDrafts,
            format!("{} drafts in one batch; the limit is {max}", list.len()),
        )
        .at("/requests"));
    }
    Ok(list)
}

/// serde reads a struct from an array too (fields by position); the contract says
/// a request is an object, so `[null, {"text": "hi"}]` is refused.
fn not_an_object() -> ApiError {
    InputError::new(InputErrorKind::InvalidValue, "", "a lint request is a JSON object: {\"post\": {...}}").into()
}

/// A request body, parsed straight into a request (no intermediate `Value`).
fn parse_request(bytes: &[u8]) -> Result<LintRequest, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        // Not an object: malformed JSON (400) or the wrong kind of JSON (422).
        return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Err(e) => ApiError::malformed_json(&e),
            Ok(_) => not_an_object(),
        });
    }
    LintRequest::from_slice(bytes).map_err(|e| match e {
        BodyError::Syntax(e) => ApiError::malformed_json(&e),
        BodyError::Input(e) => e.into(),
    })
}

/// Parses, validates and lints one batch entry.
fn lint_value(engine: &Engine, value: serde_json::Value, now: Timestamp) -> Result<Report, ApiError> {
    if !value.is_object() {
        return Err(not_an_object());
    }
    lint_request(engine, LintRequest::from_json(value)?, now)
}

/// Validates and lints one request.
fn lint_request(engine: &Engine, request: LintRequest, now: Timestamp) -> Result<Report, ApiError> {
    let draft = engine.prepare(request, now)?;
    // The engine is not expected to panic (property tests look for it), but if it
    // does, one request fails with a 500 and the worker lives on.
    catch_unwind(AssertUnwindSafe(|| engine.lint(&draft))).map_err(|_| {
        tracing::error!("the engine panicked on a draft; answered 500");
        ApiError::new(Code::Internal, "the linter failed on this draft; it has been logged")
    })
}

fn json_response<T: Serialize>(body: &T) -> Result<HttpResponse, ApiError> {
    // A typical report is 2–5 KB; start there instead of growing from empty.
    let mut bytes = Vec::with_capacity(4096);
    serde_json::to_writer(&mut bytes, body).map_err(|e| {
        tracing::error!(error = %e, "cannot serialize a response");
        ApiError::new(Code::Internal, "the response could not be written")
    })?;
    Ok(HttpResponse::Ok().insert_header(ContentType::json()).body(bytes))
}
