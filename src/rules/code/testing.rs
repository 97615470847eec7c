//! Helpers for the unit tests beside each code rule: lint a request (as JSON) with
//! the built-in packs and assert that a rule fires or passes.

use crate::report::{Report, Warning};
use crate::{Engine, LintRequest};
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::with_defaults().expect("built-in packs load"));

/// Lints a request written as JSON; a missing `scheduled_at` means 2026-05-05T10:00Z.
pub fn lint(req: serde_json::Value) -> Report {
    let req = LintRequest::from_json(req).expect("a valid request");
    let now = "2026-05-05T10:00:00Z".parse().expect("a valid time");
    ENGINE.lint_request(req, now).expect("a valid draft")
}

/// The warning of `rule`; fails when it did not fire.
#[track_caller]
pub fn fires(rule: &str, req: serde_json::Value) -> Warning {
    let report = lint(req);
    let ids: Vec<&str> = report.warnings.iter().map(|w| w.rule.as_str()).collect();
    report.warnings.iter().find(|w| w.rule == rule).cloned().unwrap_or_else(|| panic!("{rule} did not fire: {ids:?}"))
}

/// Fails when `rule` fired.
#[track_caller]
pub fn passes(rule: &str, req: serde_json::Value) {
    if let Some(w) = lint(req).warnings.iter().find(|w| w.rule == rule) {
        panic!("{rule} fired: {}", w.message);
    }
}

/// History items on one channel, without text, at the given RFC 3339 times.
pub fn at(channel: &str, times: &[&str]) -> serde_json::Value {
    times.iter().map(|t| serde_json::json!({ "channel": channel, "at": t })).collect()
}
