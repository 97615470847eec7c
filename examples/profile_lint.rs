//! Profiling driver: lints one post many times so `perf record` can see where the
//! time goes. `cargo run --release --example profile_lint -- ar 200000`;
//! `history` lints an English post with 1,000 history items (the benchmark's).

#[path = "../benches/common/posts.rs"]
mod posts;

use unbroadcast::Engine;
use unbroadcast::input::Draft;
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
    let mut d = Draft::from_text(text, jiff::Timestamp::UNIX_EPOCH);
    d.language = Some(l);
    if lang == "history" {
        let Some(h) = with_history(text) else { return };
        d = h;
    }
    let mut total = 0;
    for _ in 0..n {
        total += engine.lint(&d).warnings.len();
    }
    println!("{total}");
}

/// A LinkedIn draft with 1,000 history items, as in `benches/lint.rs`.
fn with_history(text: &str) -> Option<Draft> {
    let channels = ["x", "linkedin", "facebook", "instagram", "threads", "mastodon", "bluesky"];
    let at = jiff::Timestamp::from_second(1_778_000_000).ok()?;
    let history: Vec<serde_json::Value> = (0..1000i64)
        .map(|i| {
            let t = jiff::Timestamp::from_second(at.as_second() - 14 * 86_400 + i * 1800 + 600).unwrap_or(at);
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
    let req = unbroadcast::LintRequest::from_json(req).ok()?;
    Draft::from_request(req, &unbroadcast::input::Limits::default(), at).ok()
}
