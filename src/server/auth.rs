//! Who may call what. Optional API keys guard the API (`/v1/*`) and `/metrics`;
//! the admin token alone guards `/v1/admin/*`, which is off without one. Health
//! probes, the contract and the editor page stay open so load balancers and
//! browsers need no secret.
//!
//! Default deny: a path is open only if it is listed in [`OPEN`]. Paths are taken
//! as the router sees them (percent-decoded), so `/%761/lint` cannot slip past as
//! an unknown path. Tokens are compared as SHA-256 digests in constant time, so
//! neither a key's content nor its length leaks through timing.

use super::error::{ApiError, Code};
use super::settings::Secret;
use super::state::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError as _, web};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Paths anyone may call: probes, the contract, and the editor page with its
/// assets (the page asks for a key when the API needs one).
pub const OPEN: &[&str] = &["/", "/editor.css", "/editor.js", "/healthz", "/readyz", "/openapi.yaml"];

/// Paths under this need the admin token.
pub const ADMIN_PREFIX: &str = "/v1/admin/";

/// What a path needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Open,
    ApiKey,
    Admin,
}

pub fn access(path: &str) -> Access {
    if OPEN.contains(&path) {
        Access::Open
    } else if path.starts_with(ADMIN_PREFIX) {
        Access::Admin
    } else {
        Access::ApiKey
    }
}

type Digest32 = [u8; 32];

/// The configured credentials, as digests.
#[derive(Clone)]
pub struct Auth {
    keys: Vec<Digest32>,
    admin: Option<Digest32>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth").field("keys", &self.keys.len()).field("admin", &self.admin.is_some()).finish()
    }
}

fn digest(s: &[u8]) -> Digest32 {
    Sha256::digest(s).into()
}

impl Auth {
    pub fn new(keys: &[Secret], admin: Option<&Secret>) -> Auth {
        Auth {
            keys: keys.iter().map(|k| digest(k.expose().as_bytes())).collect(),
            admin: admin.map(|t| digest(t.expose().as_bytes())),
        }
    }

    /// Whether the API needs a key at all.
    pub fn keys_required(&self) -> bool {
        !self.keys.is_empty()
    }

    pub fn admin_enabled(&self) -> bool {
        self.admin.is_some()
    }

    /// Whether `token` is one of the API keys. Every key is compared, so the time
    /// taken does not tell which one (if any) matched.
    pub fn key_ok(&self, token: &[u8]) -> bool {
        let d = digest(token);
        self.keys.iter().fold(0u8, |acc, k| acc | k.ct_eq(&d).unwrap_u8()) == 1
    }

    pub fn admin_ok(&self, token: &[u8]) -> bool {
        self.admin.is_some_and(|a| bool::from(a.ct_eq(&digest(token))))
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(req: &ServiceRequest) -> Option<&[u8]> {
    let v = req.headers().get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, token) = v.split_at_checked(7)?;
    (scheme.eq_ignore_ascii_case(b"bearer ") && !token.is_empty()).then_some(token)
}

/// Middleware: lets a request through or answers 401/404 itself.
pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    let auth = &state.auth;
    let refused = match access(req.match_info().as_str()) {
        Access::Open => None,
        Access::ApiKey if !auth.keys_required() => None,
        Access::ApiKey => match bearer(&req) {
            Some(t) if auth.key_ok(t) => None,
            Some(_) => Some(ApiError::new(Code::Unauthorized, "the API key is not valid")),
            None => Some(ApiError::new(Code::Unauthorized, "send an API key: Authorization: Bearer <key>")),
        },
        Access::Admin if !auth.admin_enabled() => {
            Some(ApiError::new(Code::NotFound, "admin endpoints are off; set server.admin_token to turn them on"))
        }
        Access::Admin => match bearer(&req) {
            Some(t) if auth.admin_ok(t) => None,
            _ => Some(ApiError::new(Code::Unauthorized, "send the admin token: Authorization: Bearer <token>")),
        },
    };
    match refused {
        None => next.call(req).await.map(ServiceResponse::map_into_left_body),
        Some(e) => {
            let res = e.error_response();
            Ok(req.into_response(res).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_only_exactly() {
        let a = Auth::new(&[Secret::new("alpha-key"), Secret::new("beta-key")], Some(&Secret::new("root")));
        assert!(a.key_ok(b"alpha-key") && a.key_ok(b"beta-key"));
        assert!(!a.key_ok(b"alpha-ke") && !a.key_ok(b"alpha-key2") && !a.key_ok(b""));
        assert!(a.admin_ok(b"root") && !a.admin_ok(b"alpha-key"));
        assert!(!Auth::new(&[], None).admin_ok(b""));
    }

    #[test]
    fn default_deny() {
        assert_eq!(access("/healthz"), Access::Open);
        assert_eq!(access("/"), Access::Open);
        assert_eq!(access("/editor.js"), Access::Open);
        assert_eq!(access("/v1/lint"), Access::ApiKey);
        assert_eq!(access("/metrics"), Access::ApiKey);
        assert_eq!(access("/anything-else"), Access::ApiKey);
        assert_eq!(access("/v1/admin/reload"), Access::Admin);
        assert_eq!(access("/healthz/"), Access::ApiKey);
    }
}
