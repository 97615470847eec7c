//! Whole requests from arbitrary bytes, through the reader the service and the
//! CLI use (`input::from_json_text`): validation errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use unbroadcast::Engine;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::with_defaults().expect("built-in packs load"));

fuzz_target!(|data: &[u8]| {
    let Ok(req) = unbroadcast::input::from_json_text(data) else { return };
    if let Ok(d) = ENGINE.prepare(req, jiff::Timestamp::UNIX_EPOCH) {
        let r = ENGINE.lint(&d);
        assert!(r.score <= 100);
    }
});
