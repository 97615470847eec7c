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
use posts::{AR, DE, EN, draft};

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
    let d = posts::with_history(EN).expect("a valid request");
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
