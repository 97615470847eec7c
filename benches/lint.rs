//! Lint throughput with all default packs loaded: a typical 280-character post in
//! each language, a 3,000-character post, a post with 1,000 history items, and
//! compiling the packs at start.
//! Run: `cargo bench --bench lint`. Figures are recorded in docs/performance.md.

// A benchmark may panic on setup failure: that is its error report.
#![allow(clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use unbroadcast::Engine;
use unbroadcast::input::Draft;
use unbroadcast::lang::Lang;
use unbroadcast::rules::RuleSet;

#[path = "common/posts.rs"]
mod posts;
use posts::{AR, DE, EN};

/// The worst case for frequency and repetition: 1,000 history items with
/// text, one every 30 minutes round seven networks from two weeks before the
/// draft to a week after, so about 95 of them sit on the draft's channel within
/// the 7-day repetition window and must be compared.
fn with_history(text: &str) -> Draft {
    let channels = ["x", "linkedin", "facebook", "instagram", "threads", "mastodon", "bluesky"];
    let at = jiff::Timestamp::from_second(1_778_000_000).expect("valid time");
    let history: Vec<serde_json::Value> = (0..1000i64)
        .map(|i| {
            let t = jiff::Timestamp::from_second(at.as_second() - 14 * 86_400 + i * 1800 + 600).expect("valid time");
            serde_json::json!({
                "id": format!("post-{i}"),
                "channel": channels[(i as usize * 3) % channels.len()],
                "at": t.to_string(),
                "text": format!("Tip {i}: how we roast batch {i} a little lighter this week, and what changed in the cup. Tell us what you taste! https://example.com/notes/{i}"),
            })
        })
        .collect();
    let req = serde_json::json!({
        "post": { "text": text, "channel": "linkedin", "language": "en", "scheduled_at": at.to_string() },
        "audience": { "timezone": "Europe/Berlin" },
        "history": history,
    });
    let req = unbroadcast::LintRequest::from_json(req).expect("a valid request");
    Draft::from_request(req, &unbroadcast::input::Limits::default(), at).expect("a valid draft")
}

fn draft(text: &str, lang: Lang) -> Draft {
    let mut d = Draft::from_text(text, jiff::Timestamp::UNIX_EPOCH);
    d.language = Some(lang);
    d
}

fn bench(c: &mut Criterion) {
    let engine = Engine::with_defaults().expect("built-in packs load");
    let mut g = c.benchmark_group("lint");
    g.throughput(Throughput::Elements(1));
    for (name, text, lang) in [("en-280", EN, Lang::En), ("de-280", DE, Lang::De), ("ar-280", AR, Lang::Ar)] {
        assert_eq!(text.chars().count(), 280, "{name} must be 280 characters");
        let d = draft(text, lang);
        g.bench_with_input(BenchmarkId::from_parameter(name), &d, |b, d| b.iter(|| engine.lint(black_box(d))));
    }
    // Language detection included: the same English post, language "auto".
    let auto = Draft::from_text(EN, jiff::Timestamp::UNIX_EPOCH);
    g.bench_with_input(BenchmarkId::from_parameter("en-280-detect"), &auto, |b, d| {
        b.iter(|| engine.lint(black_box(d)))
    });
    let long: String =
        std::iter::repeat_n(EN, 3000 / EN.len() + 1).collect::<Vec<_>>().join(" ").chars().take(3000).collect();
    let d = draft(&long, Lang::En);
    g.bench_with_input(BenchmarkId::from_parameter("en-3000"), &d, |b, d| b.iter(|| engine.lint(black_box(d))));
    let d = with_history(EN);
    g.bench_with_input(BenchmarkId::from_parameter("en-280-history-1000"), &d, |b, d| {
        b.iter(|| engine.lint(black_box(d)))
    });
    g.finish();

    let mut g = c.benchmark_group("start");
    g.sample_size(20);
    g.bench_function("compile-packs", |b| b.iter(|| RuleSet::with_builtin(Vec::new()).expect("packs compile")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
