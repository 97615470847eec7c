//! Profiling driver: lints one post many times so `perf record` can see where the
//! time goes. `cargo run --release --example profile_lint -- ar 200000`.

use unbroadcast::Engine;
use unbroadcast::input::Draft;
use unbroadcast::lang::Lang;

fn main() {
    let mut args = std::env::args().skip(1);
    let lang = args.next().unwrap_or_else(|| "en".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let (text, l) = match lang.as_str() {
        "de" => (
            "Wir freuen uns, Ihnen unser neues Herbstmenü vorzustellen! Drei Suppen, zwei Eintöpfe und jeden Morgen frisches Brot. Jetzt bestellen im Laden in der Hauptstraße oder online, nur für kurze Zeit. Markiere eine Freundin, die Hunger hat #herbst #essen https://example.de/menu",
            Lang::De,
        ),
        "ar" => (
            "يسعدنا أن نعلن عن قائمة الخريف الجديدة! ثلاثة أنواع من الشوربة وطبقان من اليخنة وخبز طازج كل صباح. اطلب الآن من فرعنا في الشارع الرئيسي أو عبر الموقع، العرض لفترة محدودة. شارك المنشور مع صديق يحب الغداء الدافئ #الخريف #طعام https://example.com/ar/menu",
            Lang::Ar,
        ),
        "compile" => {
            for _ in 0..n {
                std::hint::black_box(
                    unbroadcast::rules::RuleSet::with_builtin(Vec::new()).map(|r| r.rules().len()).ok(),
                );
            }
            return;
        }
        _ => (
            "We're excited to announce our new autumn menu! Three soups, two stews and fresh bread every morning. Shop now at our Main Street store or order online, limited time offer. Tag a friend who needs a warm lunch this week #autumn #food #lunch https://example.com/menu",
            Lang::En,
        ),
    };
    let Ok(engine) = Engine::with_defaults() else { return };
    let mut d = Draft::from_text(text, jiff::Timestamp::UNIX_EPOCH);
    d.language = Some(l);
    let mut total = 0;
    for _ in 0..n {
        total += engine.lint(&d).warnings.len();
    }
    println!("{total}");
}
