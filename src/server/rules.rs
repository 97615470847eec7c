//! `GET /v1/rules` and `GET /v1/rules/{id}`: the loaded rules with their docs,
//! examples, severity, points and languages — what a warning's `docs` link points
//! to. Documents are rendered once per rule set (see [`super::state::Loaded`]).

use super::error::{ApiError, Code};
use super::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};

/// `GET /v1/rules`.
pub async fn list(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().insert_header(ContentType::json()).body(state.loaded().rules_json())
}

/// `GET /v1/rules/{id}`: the rule; a renamed id redirects (308) to its new id.
pub async fn one(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let id = req.match_info().query("id");
    let loaded = state.loaded();
    if let Some(doc) = loaded.rule_json(id) {
        return Ok(HttpResponse::Ok().insert_header(ContentType::json()).body(doc));
    }
    if let Some(new) = loaded.engine.rules().redirect(id).filter(|new| loaded.rule_json(new).is_some()) {
        return Ok(HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, format!("/v1/rules/{new}")))
            .finish());
    }
    Err(ApiError::new(Code::RuleNotFound, format!("no rule has the id '{id}'; GET /v1/rules lists them")))
}
