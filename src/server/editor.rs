//! The editor page (`GET /`): where editors paste a draft and see, as they type,
//! the score, the verdict and each warning over the words it is about. One HTML
//! page with its stylesheet and script, written by hand (no framework, no build
//! step) and embedded in the binary, so the page works wherever the service runs,
//! offline and behind a firewall, and never loads anything from elsewhere.
//!
//! The page only calls this server's API (`POST /v1/lint`, `GET /v1/rules`), so
//! it is as open or as closed as the API: with `server.api_keys` set it asks for
//! a key. Every asset carries a strict `Content-Security-Policy` (same origin
//! only, no inline script) and an `ETag` from its content, so a browser
//! revalidates cheaply and never keeps a page from an older build.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

/// One embedded file.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
    /// A strong validator from the content, fixed at compile time.
    etag: u64,
}

const fn asset(path: &'static str, content_type: &'static str, body: &'static str) -> Asset {
    Asset { path, content_type, body, etag: fnv1a(body.as_bytes()) }
}

/// The page, its stylesheet and its script.
pub static PAGE: Asset = asset("/", "text/html; charset=utf-8", include_str!("editor/index.html"));
pub static STYLE: Asset = asset("/editor.css", "text/css; charset=utf-8", include_str!("editor/editor.css"));
pub static SCRIPT: Asset = asset("/editor.js", "text/javascript; charset=utf-8", include_str!("editor/editor.js"));

/// What the page may do: load its own script, style and icon, call its own
/// server, and nothing else — no inline script, no other origin, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// FNV-1a, 64 bits: a content hash the compiler can compute. It only tells
/// versions apart; nothing trusts it for more.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

impl Asset {
    /// The quoted entity tag: the crate version and the content hash.
    pub fn etag(&self) -> String {
        format!("\"{}-{:016x}\"", env!("CARGO_PKG_VERSION"), self.etag)
    }

    /// The asset, or 304 when the browser already has this version.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let etag = self.etag();
        let fresh = req
            .headers()
            .get_all(header::IF_NONE_MATCH)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*");
        let mut res = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
        res.insert_header((header::ETAG, etag))
            // Always revalidate: a new build must never be hidden behind a cached page.
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
            .insert_header((header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
            .insert_header((header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
            .insert_header((header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
            .insert_header(("cross-origin-opener-policy", HeaderValue::from_static("same-origin")))
            .insert_header(("cross-origin-resource-policy", HeaderValue::from_static("same-origin")));
        if fresh {
            res.finish()
        } else {
            res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(self.content_type))).body(self.body)
        }
    }
}

/// `GET /`: the editor page.
pub async fn page(req: HttpRequest) -> HttpResponse {
    PAGE.respond(&req)
}

/// `GET /editor.css`.
pub async fn style(req: HttpRequest) -> HttpResponse {
    STYLE.respond(&req)
}

/// `GET /editor.js`.
pub async fn script(req: HttpRequest) -> HttpResponse {
    SCRIPT.respond(&req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_follow_the_content() {
        assert_ne!(PAGE.etag(), STYLE.etag());
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_page_loads_nothing_from_elsewhere() {
        for a in [&PAGE, &STYLE, &SCRIPT] {
            for (n, line) in a.body.lines().enumerate() {
                // The SVG namespace in the icon is a name, not something fetched.
                let line = line.replace("http://www.w3.org/2000/svg", "");
                for bad in ["http:", "https:", "//cdn", "@import", "<script>", " style=\"", " onclick=", "eval("] {
                    assert!(!line.contains(bad), "{}:{}: {bad:?} in {line}", a.path, n + 1);
                }
            }
        }
        assert!(PAGE.body.contains(r#"<script type="module" src="editor.js">"#));
        assert!(PAGE.body.contains(r#"href="editor.css""#));
    }
}
