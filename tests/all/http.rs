//! In-process HTTP helpers: the app built by the same `create_app` that `main`
//! uses, a call that returns `(status, headers, json)`, and on every call a check
//! of the answer against `openapi.yaml` — so every HTTP test is also a contract test.

use crate::openapi;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::{test, web};
use serde_json::Value;
use std::sync::{Arc, LazyLock};
use unbroadcast::server::settings::ServerSettings;
use unbroadcast::server::state::{AppState, EngineSpec, Loaded};

/// The built-in rules with default settings, compiled once.
pub fn loaded() -> Arc<Loaded> {
    static L: LazyLock<Arc<Loaded>> =
        LazyLock::new(|| unbroadcast::server::load(&EngineSpec::default()).expect("built-in packs load"));
    L.clone()
}

/// State for an app with these server settings and the built-in rules.
pub fn state_with(settings: &ServerSettings) -> web::Data<AppState> {
    web::Data::new(AppState::new(settings, EngineSpec::default(), loaded()).unwrap())
}

/// State that builds its engine from `spec` (extra pack directories, limits).
pub fn state_from(settings: &ServerSettings, spec: EngineSpec) -> web::Data<AppState> {
    let loaded = unbroadcast::server::load(&spec).unwrap();
    web::Data::new(AppState::new(settings, spec, loaded).unwrap())
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body as JSON, or `Null` when it is not JSON.
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }

    /// The problem type's last segment, e.g. `unknown-channel`.
    pub fn problem(&self) -> &str {
        self.json["type"].as_str().and_then(|t| t.rsplit('/').next()).unwrap_or_default()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `req` and checks the answer against the contract.
pub async fn call<S, B>(app: &S, req: actix_http::Request) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (method, path) = (req.method().as_str().to_lowercase(), req.path().to_owned());
    let answer = call_unchecked(app, req).await;
    openapi::check_answer(&method, &path, &answer);
    answer
}

/// Sends `req` without the contract check (for answers the contract does not
/// cover, such as the CORS layer's answer to a preflight it allows).
pub async fn call_unchecked<S, B>(app: &S, req: actix_http::Request) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = test::call_service(app, req).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = test::read_body(res).await.to_vec();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Answer { status, headers, body, json }
}

/// `POST path` with a JSON body.
pub fn post_json(path: &str, body: &Value) -> actix_http::Request {
    test::TestRequest::post()
        .uri(path)
        .insert_header(("content-type", "application/json"))
        .set_payload(serde_json::to_vec(body).unwrap())
        .to_request()
}

/// `POST path` with raw bytes and a content type (or none).
pub fn post_raw(path: &str, content_type: Option<&str>, body: impl Into<actix_web::web::Bytes>) -> actix_http::Request {
    let mut r = test::TestRequest::post().uri(path);
    if let Some(ct) = content_type {
        r = r.insert_header(("content-type", ct));
    }
    r.set_payload(body).to_request()
}

pub fn get(path: &str) -> actix_http::Request {
    test::TestRequest::get().uri(path).to_request()
}
