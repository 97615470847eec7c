//! Every answer that is not a success, in one shape: an RFC 9457 problem
//! (`application/problem+json`) with a stable `type` URI, a title, the status, a
//! detail for people and, where a field is at fault, a JSON `pointer` to it.
//!
//! One table ([`Code`]) decides status, type and title, so a client can switch on
//! `type` and `openapi.yaml` can list every problem the service can send.

use crate::input::{InputError, InputErrorKind};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};

/// Where problem types live; a type is this plus the code.
pub const PROBLEM_BASE: &str = "https://unbroadcast.dev/problems/";

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Details longer than this are cut: a detail may quote what the client sent.
const MAX_DETAIL: usize = 400;

/// What went wrong, one per problem `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The body is not JSON.
    MalformedJson,
    /// The body could not be read (cut short, or a transfer error).
    UnreadableBody,
    Unauthorized,
    /// A CORS preflight for an origin, method or header the settings do not allow.
    CorsRefused,
    NotFound,
    RuleNotFound,
    MethodNotAllowed,
    RequestTimeout,
    BodyTooLarge,
    UnsupportedMediaType,
    TooManyDrafts,
    /// A reload found a bad pack; the old rules keep serving.
    PackInvalid,
    NotReady,
    Internal,
    /// The request is JSON but a field is wrong.
    Input(InputErrorKind),
}

impl Code {
    /// Every code, for documentation and for the test that `openapi.yaml` knows them all.
    pub const ALL: [Code; 27] = [
        Code::MalformedJson,
        Code::UnreadableBody,
        Code::Unauthorized,
        Code::CorsRefused,
        Code::NotFound,
        Code::RuleNotFound,
        Code::MethodNotAllowed,
        Code::RequestTimeout,
        Code::BodyTooLarge,
        Code::UnsupportedMediaType,
        Code::TooManyDrafts,
        Code::PackInvalid,
        Code::NotReady,
        Code::Internal,
        Code::Input(InputErrorKind::EmptyText),
        Code::Input(InputErrorKind::TextTooLong),
        Code::Input(InputErrorKind::UnknownChannel),
        Code::Input(InputErrorKind::UnknownLanguage),
        Code::Input(InputErrorKind::BadTimestamp),
        Code::Input(InputErrorKind::UnknownTimezone),
        Code::Input(InputErrorKind::BadLocale),
        Code::Input(InputErrorKind::TooManyHistoryItems),
        Code::Input(InputErrorKind::UnknownRule),
        Code::Input(InputErrorKind::BadThresholds),
        Code::Input(InputErrorKind::UnknownField),
        Code::Input(InputErrorKind::MissingField),
        Code::Input(InputErrorKind::InvalidValue),
    ];

    /// The last part of the problem type: `https://unbroadcast.dev/problems/<slug>`.
    pub fn slug(self) -> &'static str {
        match self {
            Code::MalformedJson => "malformed-json",
            Code::UnreadableBody => "unreadable-body",
            Code::Unauthorized => "unauthorized",
            Code::CorsRefused => "cors-refused",
            Code::NotFound => "not-found",
            Code::RuleNotFound => "rule-not-found",
            Code::MethodNotAllowed => "method-not-allowed",
            Code::RequestTimeout => "request-timeout",
            Code::BodyTooLarge => "body-too-large",
            Code::UnsupportedMediaType => "unsupported-media-type",
            Code::TooManyDrafts => "too-many-drafts",
            Code::PackInvalid => "pack-invalid",
            Code::NotReady => "not-ready",
            Code::Internal => "internal",
            Code::Input(k) => k.code(),
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Code::MalformedJson | Code::UnreadableBody => StatusCode::BAD_REQUEST,
            Code::Unauthorized => StatusCode::UNAUTHORIZED,
            // Not 400: the preflight is well-formed and understood; the origin (or
            // method, or header) is refused by policy, RFC 9110 §15.5.4. Browsers
            // fail any preflight that is not 2xx (Fetch, "CORS-preflight fetch"), so
            // they behave the same.
            Code::CorsRefused => StatusCode::FORBIDDEN,
            Code::NotFound | Code::RuleNotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Code::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            // Well-formed JSON whose content is wrong: RFC 9110 §15.5.21.
            Code::TooManyDrafts | Code::PackInvalid | Code::Input(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Code::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn title(self) -> &'static str {
        use InputErrorKind as K;
        match self {
            Code::MalformedJson => "Malformed JSON",
            Code::UnreadableBody => "Unreadable request body",
            Code::Unauthorized => "Missing or invalid credentials",
            Code::CorsRefused => "Cross-origin request refused",
            Code::NotFound => "Not found",
            Code::RuleNotFound => "No such rule",
            Code::MethodNotAllowed => "Method not allowed",
            Code::RequestTimeout => "Request not received in time",
            Code::BodyTooLarge => "Request body too large",
            Code::UnsupportedMediaType => "Unsupported content type",
            Code::TooManyDrafts => "Too many drafts in one batch",
            Code::PackInvalid => "Rule packs refused",
            Code::NotReady => "Not ready",
            Code::Internal => "Internal error",
            Code::Input(k) => match k {
                K::EmptyText => "Empty draft",
                K::TextTooLong => "Draft text too long",
                K::UnknownChannel => "Unknown channel",
                K::UnknownLanguage => "Unknown language",
                K::BadTimestamp => "Invalid timestamp",
                K::UnknownTimezone => "Unknown time zone",
                K::BadLocale => "Invalid locale",
                K::TooManyHistoryItems => "Too many history items",
                K::UnknownRule => "Unknown rule selector",
                K::BadThresholds => "Invalid thresholds",
                K::UnknownField => "Unknown field",
                K::MissingField => "Missing field",
                K::InvalidValue => "Invalid value",
            },
        }
    }

    pub fn type_uri(self) -> String {
        format!("{PROBLEM_BASE}{}", self.slug())
    }
}

/// The RFC 9457 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// RFC 6901 pointer into the request body to the field at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Where malformed JSON stops parsing (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// The error every handler and middleware returns.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {detail}", code.slug())]
pub struct ApiError {
    pub code: Code,
    pub detail: String,
    pub pointer: Option<String>,
    /// Line and column, for malformed JSON.
    pub position: Option<(usize, usize)>,
    /// The `Allow` header of a 405.
    pub allow: Option<String>,
}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> ApiError {
        ApiError { code, detail: detail.into(), pointer: None, position: None, allow: None }
    }

    pub fn at(mut self, pointer: impl Into<String>) -> ApiError {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn malformed_json(e: &serde_json::Error) -> ApiError {
        let mut err = ApiError::new(Code::MalformedJson, format!("the body is not valid JSON: {e}"));
        err.position = Some((e.line(), e.column()));
        err
    }

    /// Malformed JSON at a position the caller computed (an error inside a batch
    /// entry, read on its own, placed in the body); `message` has no position.
    pub fn malformed_json_at(message: &str, (line, column): (usize, usize)) -> ApiError {
        let mut err = ApiError::new(
            Code::MalformedJson,
            format!("the body is not valid JSON: {message} at line {line} column {column}"),
        );
        err.position = Some((line, column));
        err
    }

    pub fn method_not_allowed(allow: &str) -> ApiError {
        let mut err = ApiError::new(Code::MethodNotAllowed, format!("this resource answers {allow}"));
        err.allow = Some(allow.to_owned());
        err
    }

    /// The problem body; `prefix` goes before the pointer (a batch entry's place).
    pub fn problem(&self, prefix: &str) -> Problem {
        let mut detail = self.detail.clone();
        if detail.len() > MAX_DETAIL {
            let cut = (0..=MAX_DETAIL).rev().find(|&i| detail.is_char_boundary(i)).unwrap_or(0);
            detail.truncate(cut);
            detail.push('…');
        }
        Problem {
            type_: self.code.type_uri(),
            title: self.code.title().to_owned(),
            status: self.code.status().as_u16(),
            detail,
            // Pointers are RFC 6901: "" is the whole document, so prefixing works.
            pointer: self.pointer.as_ref().map(|p| format!("{prefix}{p}")),
            line: self.position.map(|(l, _)| l),
            column: self.position.map(|(_, c)| c),
        }
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> ApiError {
        ApiError::new(Code::Input(e.kind), e.message).at(e.pointer)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Some(allow) = self.allow.as_deref().and_then(|a| HeaderValue::from_str(a).ok()) {
            res.insert_header((header::ALLOW, allow));
        }
        if self.code == Code::Unauthorized {
            res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        // A problem is plain data; serializing it cannot fail, but never panic here.
        res.body(serde_json::to_vec(&self.problem("")).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_type() {
        let mut slugs: Vec<&str> = Code::ALL.iter().map(|c| c.slug()).collect();
        slugs.sort_unstable();
        let n = slugs.len();
        slugs.dedup();
        assert_eq!(slugs.len(), n, "problem types are unique");
        assert!(Code::ALL.iter().all(|c| c.status().is_client_error() || c.status().is_server_error()));
    }

    #[test]
    fn long_details_are_cut_on_a_char_boundary() {
        let e = ApiError::new(Code::Input(InputErrorKind::InvalidValue), "ä".repeat(1000));
        let p = e.problem("");
        assert!(p.detail.len() <= MAX_DETAIL + '…'.len_utf8());
        assert!(p.detail.ends_with('…'));
    }

    #[test]
    fn batch_entries_prefix_the_pointer() {
        let e = ApiError::new(Code::Input(InputErrorKind::UnknownChannel), "x").at("/post/channel");
        assert_eq!(e.problem("/requests/3").pointer.as_deref(), Some("/requests/3/post/channel"));
        let e = ApiError::new(Code::Input(InputErrorKind::InvalidValue), "x").at("");
        assert_eq!(e.problem("/requests/3").pointer.as_deref(), Some("/requests/3"));
        assert_eq!(e.problem("").pointer.as_deref(), Some(""), "RFC 6901: the whole document");
    }
}
