//! Profiling driver: lints one post many times so `perf record` can see where the
//! time goes. `cargo run --release --example profile_lint -- ar 200000`;
//! `history` lints an English post with 1,000 history items (the benchmark's).

#[path = "../benches/common/posts.rs"]
mod posts;

use unbroadcast::Engine;
use unbroadcast::lang::Lang;

fn main() {
    let mut args = std::env::args().skip(1);
    let lang = args.next().unwrap_or_else(|| "en".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let (text, l) = match lang.as_str() {
        "de" => (posts::DE, Lang::De),
        "ar" => (posts::AR, Lang::Ar),
        "compile" => {
            for _ in 0..n {
                std::hint::black_box(
                    unbroadcast::rules::RuleSet::with_builtin(Vec::new()).map(|r| r.rules().len()).ok(),
                );
            }
            return;
        }
        _ => (posts::EN, Lang::En),
    };
    let Ok(engine) = Engine::with_defaults() else { return };
    let d = if lang == "history" {
        let Some(h) = posts::with_history(text) else { return };
        h
    } else {
        posts::draft(text, l)
    };
    let mut total = 0;
    for _ in 0..n {
        total += engine.lint(&d).warnings.len();
    }
    println!("{total}");
}
