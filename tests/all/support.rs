//! Small helpers shared by the integration tests.

use std::sync::LazyLock;
use unbroadcast::Engine;

/// A fixed "now" so time-dependent results are reproducible.
pub fn now() -> jiff::Timestamp {
    "2026-01-15T12:00:00Z".parse().expect("valid timestamp")
}

/// The engine with built-in packs and default settings, built once per test binary.
pub fn engine() -> &'static Engine {
    static E: LazyLock<Engine> = LazyLock::new(|| Engine::with_defaults().expect("built-in packs load"));
    &E
}
