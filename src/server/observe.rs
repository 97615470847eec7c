//! What an operator sees of each request: a request id (the client's
//! `X-Request-Id` if it is sane, else a new UUID) echoed in the response and
//! carried by a `tracing` span, one log line when the request ends, and the
//! request metrics.
//!
//! Drafts are unpublished content, so the log line carries counts, rule ids,
//! verdicts and problem types — never a draft's text, a reply's text, history
//! texts or audience descriptions. What the client chooses and we do log (a
//! pointer naming an unknown key, the method) goes through [`clip`], so a line
//! stays short whatever was sent. Health probes and scrapes log at debug, so a
//! load balancer polling every second does not drown the log.

use super::codec_log::{CodecLog, is_codec};
use super::error::ApiError;
use super::settings::LogFormat;
use super::state::AppState;
use crate::report::{Report, Verdict};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use std::borrow::Cow;
use std::time::Instant;
use tracing::Dispatch;
use tracing::Instrument as _;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Layer as _, SubscriberExt as _};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How much of a client-chosen string a log line keeps, in characters.
pub const LOG_CLIP: usize = 200;

/// `s` for a log line: whole when it is at most `max` characters, else its first
/// `max` characters, an ellipsis and its length (a 4 MB unknown key once made a
/// 4 MB line).
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} bytes)", &s[..cut], s.len())),
    }
}

/// Routes whose requests log at debug.
const QUIET_ROUTES: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// What a handler tells the log about its answer (put in the response's extensions).
#[derive(Debug, Clone)]
pub enum Summary {
    Lint { score: u32, verdict: Verdict, warnings: usize, rules: String },
    Batch { drafts: usize, errors: usize, pass: usize, review: usize, block: usize },
}

impl Summary {
    pub fn lint(r: &Report) -> Summary {
        let mut rules: Vec<&str> = r.warnings.iter().map(|w| w.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        Summary::Lint { score: r.score, verdict: r.verdict, warnings: r.warnings.len(), rules: rules.join(",") }
    }
}

/// The client's request id if it is short and plain, else a new one.
fn request_id(headers: &HeaderMap) -> String {
    let ok =
        |s: &str| (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    match headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()) {
        Some(s) if ok(s) => s.to_owned(),
        _ => new_id(),
    }
}

/// A new request id: a version 4 UUID from a per-thread generator seeded once
/// from the OS. Ids must be unique, not unguessable, and `Uuid::new_v4` would
/// cost a system call on every request.
fn new_id() -> String {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(uuid::Uuid::new_v4().as_u64_pair().0);
    }
    // SplitMix64 (Steele, Lea, Flood 2014): one add and three mixes per word.
    let next = |s: &Cell<u64>| {
        let mut z = s.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        s.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (a, b) = STATE.with(|s| (next(s), next(s)));
    let bytes = (u128::from(a) << 64 | u128::from(b)).to_le_bytes();
    let mut buf = uuid::Uuid::encode_buffer();
    uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().encode_lower(&mut buf).to_owned()
}

/// Middleware: request id, span, log line, metrics. Outermost, so it sees every
/// answer, including refusals by the other middleware.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let start = Instant::now();
    let id = request_id(req.headers());
    let method = req.method().clone();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let span = tracing::info_span!("request", id = %id);
    let res = match next.call(req).instrument(span.clone()).await {
        Ok(r) => r,
        Err(e) => {
            // Handlers turn their errors into responses; only a middleware's error
            // lands here, and actix renders it. Count and log it all the same.
            let status = e.as_response_error().status_code().as_u16();
            if let Some(state) = &state {
                state.metrics.request("unmatched", method.as_str(), status, start.elapsed().as_secs_f64());
            }
            let (method, error) = (clip(method.as_str(), LOG_CLIP), e.to_string());
            tracing::info!(parent: &span, method = &*method, status, error = &*clip(&error, LOG_CLIP), "request");
            return Err(e);
        }
    };
    // Before the request id goes on: a refusal re-made as a problem needs one too.
    let mut res = super::refusal::adopt(res);
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    let status = res.status().as_u16();
    let route = res.request().match_pattern();
    let route = route.as_deref().unwrap_or("unmatched");
    let elapsed = start.elapsed();
    if let Some(state) = &state {
        state.metrics.request(route, method.as_str(), status, elapsed.as_secs_f64());
    }

    let _entered = span.enter();
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    let method = clip(method.as_str(), LOG_CLIP);
    let method = &*method;
    let problem = res.response().error().and_then(|e| e.as_error::<ApiError>());
    if QUIET_ROUTES.contains(&route) {
        tracing::debug!(method, route, status, micros, "request");
    } else if let Some(p) = problem {
        let pointer = p.pointer.as_deref().map(|p| clip(p, LOG_CLIP));
        let pointer = pointer.as_deref();
        tracing::info!(method, route, status, micros, problem = p.code.slug(), pointer, "request");
    } else {
        match res.response().extensions().get::<Summary>() {
            Some(Summary::Lint { score, verdict, warnings, rules }) => {
                tracing::info!(
                    method,
                    route,
                    status,
                    micros,
                    score,
                    verdict = verdict.name(),
                    warnings,
                    rules,
                    "request"
                );
            }
            Some(Summary::Batch { drafts, errors, pass, review, block }) => {
                tracing::info!(method, route, status, micros, drafts, errors, pass, review, block, "request");
            }
            None => tracing::info!(method, route, status, micros, "request"),
        }
    }
    drop(_entered);
    Ok(res)
}

/// The dispatch the service logs through, writing to `writer` (stderr in
/// production, a buffer in tests). actix-http's complaints about connections go
/// through [`CodecLog`] instead of straight to the output.
pub fn subscriber<W>(format: LogFormat, filter: &str, writer: W) -> Result<Dispatch, String>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).map_err(|e| format!("server.log_level: {e}"))?;
    let registry = tracing_subscriber::registry().with(filter);
    let not_codec = filter_fn(|meta| !is_codec(meta));
    // Built per format, not boxed: a box would not pass the dispatch on to
    // CodecLog. CodecLog goes last, so the output layer is done with an event
    // (and its filter's state) before CodecLog logs again.
    Ok(match format {
        LogFormat::Human => {
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let fmt = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(ansi);
            Dispatch::new(registry.with(fmt.with_filter(not_codec)).with(CodecLog::default()))
        }
        LogFormat::Json => {
            let fmt = tracing_subscriber::fmt::layer()
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .with_writer(writer);
            Dispatch::new(registry.with(fmt.with_filter(not_codec)).with(CodecLog::default()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_taken_only_when_plain() {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID, HeaderValue::from_static("abc-123_x.y:z"));
        assert_eq!(request_id(&h), "abc-123_x.y:z");
        h.insert(REQUEST_ID, HeaderValue::from_static("has space"));
        assert_eq!(request_id(&h).len(), 36, "replaced by a UUID");
        h.insert(REQUEST_ID, HeaderValue::from_str(&"a".repeat(200)).unwrap());
        assert_eq!(request_id(&h).len(), 36);
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|i| uuid::Uuid::parse_str(i).is_ok_and(|u| u.get_version_num() == 4)));
    }

    #[test]
    fn clipped_strings_keep_their_start_and_say_their_length() {
        assert_eq!(clip("/post/chanel", 200), "/post/chanel");
        assert_eq!(clip(&"ä".repeat(5), 5), "ä".repeat(5));
        assert_eq!(clip(&"ä".repeat(6), 5), format!("{}… (12 bytes)", "ä".repeat(5)));
    }
}
