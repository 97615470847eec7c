//! Endpoints for the people and machines that run the service: liveness,
//! readiness, metrics, the contract, and the admin reload.

use super::error::{ApiError, Code};
use super::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, web};
use serde_json::json;

/// The contract, served exactly as it is in the repository.
pub const OPENAPI_YAML: &str = include_str!("../../openapi.yaml");

/// `GET /healthz`: the process is alive and answering.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().insert_header(ContentType::json()).body(r#"{"status":"ok"}"#)
}

/// `GET /readyz`: rules are loaded and the service is not shutting down.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !state.is_ready() {
        return Err(ApiError::new(Code::NotReady, "the service is shutting down"));
    }
    let loaded = state.loaded();
    let set = loaded.engine.rules();
    let body = json!({ "status": "ready", "rules": set.rules().len(), "rules_version": set.version() });
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let text = state.metrics.render().map_err(|e| {
        tracing::error!(error = %e, "cannot render metrics");
        ApiError::new(Code::Internal, "metrics could not be rendered")
    })?;
    Ok(HttpResponse::Ok().insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")).body(text))
}

/// `GET /openapi.yaml`.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CONTENT_TYPE, "application/yaml")).body(OPENAPI_YAML)
}

/// `POST /v1/admin/reload`: read the packs again; a bad pack is refused and the
/// rules in force keep serving.
pub async fn reload(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let st = state.clone();
    let outcome = web::block(move || st.reload()).await.map_err(|e| {
        tracing::error!(error = %e, "the reload task failed");
        ApiError::new(Code::Internal, "the reload could not run")
    })?;
    match outcome {
        Ok(r) => {
            tracing::info!(rules = r.rules, rules_version = %r.rules_version, changed = r.changed, "rules reloaded");
            Ok(HttpResponse::Ok().json(r))
        }
        Err(e) => {
            tracing::warn!(error = %e, "reload refused; the previous rules keep serving");
            Err(ApiError::new(Code::PackInvalid, format!("{e}; the previous rules keep serving")))
        }
    }
}
