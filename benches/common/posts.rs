//! The typical drafts the benchmark and the profiling driver both lint, so their
//! figures are about the same work.

use unbroadcast::input::Draft;
use unbroadcast::lang::Lang;

/// Typical brand posts of exactly 280 characters (Unicode scalar values; the
/// Arabic one has a tanween mark), written for this benchmark.
pub const EN: &str = "We're excited to announce our new autumn menu! Three soups, two stews and fresh bread every morning. \
Shop now at our Main Street store or order online, limited time offer. Tag a friend who needs a warm lunch this week, bring \
them too! #autumn #food #lunch https://example.com/menu";
pub const DE: &str = "Wir freuen uns, Ihnen unser neues Herbstmenü vorzustellen! Drei Suppen, zwei Eintöpfe und jeden Morgen \
frisches Brot. Jetzt bestellen im Laden in der Hauptstraße oder online, nur für kurze Zeit. Markiere eine Freundin, die \
mittags Hunger hat #herbst #essen https://example.de/menu";
pub const AR: &str = "يسعدنا أن نعلن عن قائمة الخريف الجديدة! ثلاثة أنواع من الشوربة وطبقان من اليخنة وخبز طازج كل صباح. \
اطلب الآن من فرعنا في الشارع الرئيسي أو عبر الموقع، العرض لفترة محدودة. شارك المنشور مع صديق يحب الغداء الدافئ في ليالي \
الشتاء الباردة جدًا #الخريف #طعام https://example.com/ar/menu";

/// A draft of `text` in a declared language, with no history.
pub fn draft(text: &str, lang: Lang) -> Draft {
    let mut d = Draft::from_text(text, jiff::Timestamp::UNIX_EPOCH);
    d.language = Some(lang);
    d
}

/// The worst case for frequency and repetition: a LinkedIn draft with
/// 1,000 history items with text, one every 30 minutes round seven networks from
/// two weeks before the draft to a week after, so about 95 of them sit on the
/// draft's channel within the 7-day repetition window and must be compared.
pub fn with_history(text: &str) -> Option<Draft> {
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
