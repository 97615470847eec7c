//! Reading a JSON body, with every way it can go wrong answered the same way:
//! the content type (415), the size (413, before reading when `Content-Length`
//! says so), the time the client takes to send it (408), a body cut short (400),
//! and JSON that does not parse (400, with line and column, from
//! [`crate::input::from_json_text`]).
//!
//! The body is read as bytes under our own limit, not through `web::Json`, so the
//! limit differs per route and every failure is a problem from [`super::error`].

use super::error::{ApiError, Code};
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use std::time::Duration;

/// Reads the body of a JSON request as bytes, after checking its content headers.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    timeout: Duration,
) -> Result<web::Bytes, ApiError> {
    check_content_headers(req)?;
    if let Some(len) = content_length(req)
        && len > limit
    {
        return Err(too_large(limit));
    }
    let bytes = match actix_web::rt::time::timeout(timeout, payload.to_bytes_limited(limit)).await {
        Err(_) => {
            return Err(ApiError::new(
                Code::RequestTimeout,
                format!("the body did not arrive within {} seconds", timeout.as_secs()),
            ));
        }
        Ok(Err(_)) => return Err(too_large(limit)),
        Ok(Ok(Err(e))) => return Err(ApiError::new(Code::UnreadableBody, format!("the body could not be read: {e}"))),
        Ok(Ok(Ok(b))) => b,
    };
    Ok(bytes)
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(Code::BodyTooLarge, format!("the body is larger than {limit} bytes"))
}

fn content_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// JSON only, only UTF-8 (RFC 8259 §8.1; parameters other than `charset` are
/// ignored), and not compressed.
fn check_content_headers(req: &HttpRequest) -> Result<(), ApiError> {
    let refuse = |got: &str| {
        ApiError::new(Code::UnsupportedMediaType, format!("{got}; send the body as Content-Type: application/json"))
    };
    let Some(v) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(refuse("no Content-Type header"));
    };
    let s = v.to_str().map_err(|_| refuse("the Content-Type header is not ASCII"))?;
    let mut parts = s.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(refuse(&format!("Content-Type is '{}'", truncate(essence, 100))));
    }
    // The body is read as sent: a compressed one would only fail as bad JSON
    // (RFC 9110 §15.5.16 makes an unsupported coding a 415).
    if let Some(enc) = req.headers().get(header::CONTENT_ENCODING) {
        let enc = enc.to_str().unwrap_or("?").trim();
        if !enc.is_empty() && !enc.eq_ignore_ascii_case("identity") {
            return Err(ApiError::new(
                Code::UnsupportedMediaType,
                format!("Content-Encoding '{}' is not accepted; send the JSON uncompressed", truncate(enc, 40)),
            ));
        }
    }
    for p in parts {
        if let Some((k, v)) = p.split_once('=')
            && k.trim().eq_ignore_ascii_case("charset")
        {
            let cs = v.trim().trim_matches('"');
            if !cs.eq_ignore_ascii_case("utf-8") && !cs.eq_ignore_ascii_case("utf8") {
                return Err(refuse(&format!("charset '{}' is not UTF-8", truncate(cs, 40))));
            }
        }
    }
    Ok(())
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
