//! Where a typical service request's time goes outside HTTP: parsing the body,
//! validating it, linting, and writing the report. `cargo run --release --example
//! typical_cost` (uses examples/request.json).

use std::time::Instant;
use unbroadcast::Engine;
use unbroadcast::input::from_json_text;

fn main() {
    let Ok(body) = std::fs::read("examples/request.json") else { return };
    let Ok(engine) = Engine::with_defaults() else { return };
    let now = jiff::Timestamp::now();
    let n = 50_000;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(from_json_text(&body).ok());
    }
    let parse = t.elapsed() / n;
    let Ok(req) = from_json_text(&body) else { return };
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(engine.prepare(req.clone(), now).ok());
    }
    let prepare = t.elapsed() / n;
    let Ok(draft) = engine.prepare(req, now) else { return };
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(engine.lint(&draft));
    }
    let lint = t.elapsed() / n;
    let report = engine.lint(&draft);
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(serde_json::to_vec(&report).ok());
    }
    let ser = t.elapsed() / n;
    let size = serde_json::to_vec(&report).map(|v| v.len()).unwrap_or(0);
    println!(
        "parse {parse:?}  prepare {prepare:?}  lint {lint:?}  serialize {ser:?} ({size} bytes, {} warnings)",
        report.warnings.len()
    );
}
