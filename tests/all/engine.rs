//! Engine behaviour that spans rules: how findings are grouped and worded.

use crate::support::{engine, now};
use unbroadcast::LintRequest;

fn lint(text: &str, lang: &str) -> unbroadcast::Report {
    let req = LintRequest::from_json(serde_json::json!({"post": {"text": text, "language": lang}})).unwrap();
    engine().lint_request(req, now()).unwrap()
}

#[test]
fn a_shouted_line_is_one_warning() {
    let r = lint("HUGE SALE TODAY AT THE KIOSK ON PLATFORM TWO, come by. Also NEW MUGS.", "en");
    let shouts: Vec<&str> =
        r.warnings.iter().filter(|w| w.rule == "format.shouting").filter_map(|w| w.excerpt.as_deref()).collect();
    assert_eq!(shouts, ["HUGE SALE TODAY AT THE KIOSK ON PLATFORM TWO", "NEW MUGS"]);
}

#[test]
fn counts_read_as_words() {
    let r = lint("Wir sind stolz auf unser Team und unser Büro. Wir haben für Ihre Zukunft gearbeitet.", "de");
    let w = r.warnings.iter().find(|w| w.rule == "personalization.we-vs-you").expect("we-vs-you fires");
    assert!(w.message.ends_with("addresses the reader once."), "{}", w.message);
}

/// The learned rule's cues are listed with the language's own comma: an Arabic
/// message does not switch to a Latin comma between its quotes.
#[test]
fn model_cues_are_joined_with_the_languages_comma() {
    let cues = |text: &str, lang: &str| {
        let r = lint(text, lang);
        let w = r.warnings.iter().find(|w| w.rule == "broadcast.voice").expect("the model fires").clone();
        assert!(w.evidence.len() >= 2, "two cues or more: {}", w.message);
        w.message
    };
    let ar = cues("يسعدنا أن نعلن عن افتتاح فرعنا الجديد!!! شارك المنشور مع أصدقائك 🎉🎉🎉 #قهوة", "ar");
    assert!(ar.contains("”، “") && !ar.contains("”, “"), "{ar}");
    let en = cues("WIN a brand new phone! Text WIN to 80808 now to claim your prize. Shop today!", "en");
    assert!(en.contains("”, “"), "{en}");
}
