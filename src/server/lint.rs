//! `POST /v1/lint` and `POST /v1/lint/batch`: the endpoints schedulers call
//! before publishing.
//!
//! A request goes body → [`LintRequest`] (through [`crate::input::from_json_text`],
//! the reader the CLI uses for `.jsonl` lines too: 400 for text that is not JSON,
//! 422 with a pointer for a wrong, missing or duplicated field) → validated draft
//! (422 per [`crate::input::InputErrorKind`]) → report. A batch keeps each entry
//! as raw text and reads it with the same reader, so an entry is answered as the
//! same text alone would be: one bad draft becomes its own error entry, with the
//! pointer into the batch body, and the others are still linted.

use super::body::read_body;
use super::error::{ApiError, Code, Problem};
use super::observe::Summary;
use super::state::AppState;
use crate::Engine;
use crate::input::{BodyError, LintRequest, from_json_object, from_json_text};
use crate::report::{Report, Verdict};
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
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
    let bytes = read_body(&req, payload, limits.max_batch_body, limits.body_timeout)
        .await
        .inspect_err(|e| state.metrics.rejected(e.code.slug()))?;

    // A full batch is up to a second of CPU (reading 4 MiB of JSON included): do
    // it on the blocking pool so the I/O workers keep answering probes and single
    // lints meanwhile.
    let st = state.clone();
    let outcome = web::block(move || {
        let requests = batch_requests(&bytes, limits.max_batch)?;
        Ok::<_, ApiError>(lint_batch(&st, requests))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the batch task failed");
        ApiError::new(Code::Internal, "the batch could not run")
    })?;
    let (results, counts) = outcome.inspect_err(|e| state.metrics.rejected(e.code.slug()))?;
    let [errors, pass, review, block] = counts;
    let drafts = results.len();
    let mut res = json_response(&BatchResponse { results })?;
    res.extensions_mut().insert(Summary::Batch { drafts, errors, pass, review, block });
    Ok(res)
}

/// Lints every entry of a batch, in order; the counts are errors, pass, review, block.
fn lint_batch(state: &AppState, requests: Vec<Result<LintRequest, ApiError>>) -> (Vec<Entry>, [usize; 4]) {
    let loaded = state.loaded();
    let now = Timestamp::now();
    let mut counts = [0usize; 4];
    let results = requests
        .into_iter()
        .enumerate()
        .map(|(i, r)| match r.and_then(|r| lint_request(&loaded.engine, r, now)) {
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

/// A batch body: unknown fields, a missing, mistyped or repeated `requests` are
/// the batch's errors, as for a request. Entries stay raw text, each read later
/// by the request reader, so that a bad entry fails alone.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchIn<'a> {
    #[serde(borrow, deserialize_with = "entries")]
    requests: Vec<&'a RawValue>,
}

/// The `requests` array (not an object, whatever serde would take for a `Vec`).
fn entries<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<&'de RawValue>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<&'de RawValue>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of lint requests")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(raw) = seq.next_element()? {
                out.push(raw);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V)
}

/// Reads a batch body into its entries, each read as a request. The entries are
/// checked as JSON with the whole body; only a string the raw reading lets through
/// (a lone surrogate escape) is found in an entry, and it fails the whole batch as
/// malformed JSON, like any other, at its place in the body.
fn batch_requests(body: &[u8], max: usize) -> Result<Vec<Result<LintRequest, ApiError>>, ApiError> {
    let batch: BatchIn<'_> = from_json_object(body, "a batch: {\"requests\": [...]}").map_err(body_error)?;
    if batch.requests.len() > max {
        return Err(ApiError::new(
            Code::TooManyDrafts,
            format!("{} drafts in one batch; the limit is {max}", batch.requests.len()),
        )
        .at("/requests"));
    }
    batch
        .requests
        .into_iter()
        .map(|raw| match from_json_text(raw.get().as_bytes()) {
            Ok(r) => Ok(Ok(r)),
            Err(BodyError::Input(e)) => Ok(Err(e.into())),
            Err(BodyError::Syntax(e)) => Err(malformed_in(body, raw.get(), &e)),
        })
        .collect()
}

/// Malformed JSON inside `entry` (a slice of `body`), with the line and column in
/// the body.
fn malformed_in(body: &[u8], entry: &str, e: &serde_json::Error) -> ApiError {
    let start = (entry.as_ptr() as usize).saturating_sub(body.as_ptr() as usize).min(body.len());
    let before = &body[..start];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = start - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let (l, c) = (e.line(), e.column());
    let at = if l == 1 { (line, column + c) } else { (line + l - 1, c) };
    ApiError::malformed_json_at(&crate::input::without_position(e), at)
}

fn body_error(e: BodyError) -> ApiError {
    match e {
        BodyError::Syntax(e) => ApiError::malformed_json(&e),
        BodyError::Input(e) => e.into(),
    }
}

/// A request body, parsed straight into a request (no intermediate `Value`).
fn parse_request(bytes: &[u8]) -> Result<LintRequest, ApiError> {
    from_json_text(bytes).map_err(body_error)
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
