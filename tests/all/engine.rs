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
