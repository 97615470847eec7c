//! Whole requests from arbitrary JSON: validation errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use unbroadcast::{Engine, LintRequest};

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::with_defaults().expect("built-in packs load"));

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let Ok(req) = LintRequest::from_json(v) else { return };
    if let Ok(d) = ENGINE.prepare(req, jiff::Timestamp::UNIX_EPOCH) {
        let r = ENGINE.lint(&d);
        assert!(r.score <= 100);
    }
});
