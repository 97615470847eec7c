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

/// A test whose tool is missing: under CI (`CI` set) that is a failure; elsewhere
/// it says `SKIPPED: …` on the terminal and returns, so the caller can pass.
///
/// Written to stderr directly, not with `eprintln!`: libtest captures that and
/// shows nothing of a passing test, so the skip would be silent.
#[track_caller]
pub fn skip_unless_ci(what: &str, why: &str) {
    assert!(std::env::var_os("CI").is_none(), "{what} must run in CI, but {why}");
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {what}: {why}");
}
