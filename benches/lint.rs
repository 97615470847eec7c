//! Lint throughput with all default packs loaded: a typical 280-character post in
//! each language, a 3,000-character post, and compiling the packs at start.
//! Run: `cargo bench --bench lint`. Figures are recorded in docs/performance.md.

// A benchmark may panic on setup failure: that is its error report.
#![allow(clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use unbroadcast::Engine;
use unbroadcast::input::Draft;
use unbroadcast::lang::Lang;
use unbroadcast::rules::RuleSet;

/// Typical brand posts of about 280 characters, written for this benchmark.
const EN: &str = "We're excited to announce our new autumn menu! Three soups, two stews and fresh bread every morning. \
Shop now at our Main Street store or order online, limited time offer. Tag a friend who needs a warm lunch this week \
#autumn #food #lunch https://example.com/menu";
const DE: &str = "Wir freuen uns, Ihnen unser neues Herbstmenü vorzustellen! Drei Suppen, zwei Eintöpfe und jeden Morgen \
frisches Brot. Jetzt bestellen im Laden in der Hauptstraße oder online, nur für kurze Zeit. Markiere eine Freundin, die \
Hunger hat #herbst #essen https://example.de/menu";
const AR: &str = "يسعدنا أن نعلن عن قائمة الخريف الجديدة! ثلاثة أنواع من الشوربة وطبقان من اليخنة وخبز طازج كل صباح. \
اطلب الآن من فرعنا في الشارع الرئيسي أو عبر الموقع، العرض لفترة محدودة. شارك المنشور مع صديق يحب الغداء الدافئ \
#الخريف #طعام https://example.com/ar/menu";

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
    g.finish();

    let mut g = c.benchmark_group("start");
    g.sample_size(20);
    g.bench_function("compile-packs", |b| b.iter(|| RuleSet::with_builtin(Vec::new()).expect("packs compile")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
