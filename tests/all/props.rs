//! Property tests over arbitrary Unicode: spans are always valid (on grapheme
//! boundaries, every unit consistent with the text), linting never panics, scores
//! stay in 0–100, and results are deterministic.

use crate::support::{engine, now};
use proptest::prelude::*;
use unbroadcast::LintRequest;
use unbroadcast::text::{OffsetMap, Span};
use unicode_segmentation::UnicodeSegmentation;

/// Pieces that stress offsets: multi-byte letters, combining marks, RTL text,
/// emoji sequences, CRLF and lone CR, tatweel, zero-width characters.
const ATOMS: &[&str] = &[
    "a",
    "Z",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "é",
    "e\u{301}",
    "ß",
    "Ä",
    "ü",
    "ع",
    "ربية",
    "ـ",
    "\u{64E}",
    "\u{651}",
    "أ",
    "ة",
    "؟",
    "?",
    "!",
    "!!",
    "#",
    "#tag",
    "@anna",
    "https://ex.com/a?b=1",
    "bit.ly/x",
    "👍",
    "👍🏽",
    "👨‍👩‍👧",
    "🇩🇪",
    "1️⃣",
    "❤️",
    "\u{200D}",
    "\u{200B}",
    "\u{FEFF}",
    "日本",
    "𝐁𝐔𝐘",
    "{first_name}",
    "WE",
    "you",
    "Sie",
    "kaufen",
    "buy now",
    "يسعدنا",
    "share this",
    "Tag a friend",
    "!!1",
    "🔥🔥🔥🔥",
    "\u{202E}",
    "x\u{308}\u{301}",
    " ",
    "  ",
    "\u{301}",
    "،",
    "؟",
    "3.5",
    "a_b",
    "it's",
    "...",
    "\t",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![prop::sample::select(ATOMS).prop_map(str::to_owned), any::<char>().prop_map(String::from)],
        0..60,
    )
    .prop_map(|v| v.concat())
}

fn grapheme_bounds(t: &str) -> Vec<usize> {
    let mut b: Vec<usize> = t.grapheme_indices(true).map(|(i, _)| i).collect();
    b.push(t.len());
    b
}

/// Checks every unit of a span against the text it points into.
fn check_span(t: &str, s: &Span) -> Result<(), TestCaseError> {
    let bounds = grapheme_bounds(t);
    prop_assert!(s.byte_start <= s.byte_end && s.byte_end <= t.len());
    prop_assert!(bounds.binary_search(&s.byte_start).is_ok(), "start {} splits a grapheme", s.byte_start);
    prop_assert!(bounds.binary_search(&s.byte_end).is_ok(), "end {} splits a grapheme", s.byte_end);
    prop_assert_eq!(s.start, t[..s.byte_start].chars().count());
    prop_assert_eq!(s.end, t[..s.byte_end].chars().count());
    prop_assert_eq!(s.utf16_start, t[..s.byte_start].encode_utf16().count());
    prop_assert_eq!(s.utf16_end, t[..s.byte_end].encode_utf16().count());
    let (line, col) = line_col(t, s.byte_start);
    prop_assert_eq!((s.line, s.column), (line, col));
    let (line, col) = line_col(t, s.byte_end);
    prop_assert_eq!((s.end_line, s.end_column), (line, col));
    Ok(())
}

/// Reference line/column: breaks are LF, CRLF and lone CR; columns count chars.
fn line_col(t: &str, byte: usize) -> (usize, usize) {
    let b = t.as_bytes();
    let (mut line, mut line_start) = (1, 0);
    for (i, &c) in b.iter().enumerate().take(byte) {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, t[line_start..byte].chars().count() + 1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_range_resolves_to_a_valid_span(t in text(), a in any::<usize>(), b in any::<usize>()) {
        let map = OffsetMap::new(&t, grapheme_bounds(&t));
        let (lo, hi) = if t.is_empty() { (0, 0) } else { let x = a % (t.len() + 1); let y = b % (t.len() + 1); (x.min(y), x.max(y)) };
        let s = map.span(&t, lo..hi);
        check_span(&t, &s)?;
        prop_assert!(s.byte_start <= lo && s.byte_end >= hi.min(t.len()));
    }

    #[test]
    fn lint_never_panics_and_spans_are_valid(t in text(), channel in prop::sample::select(vec!["x", "bluesky", "mastodon", "generic", "instagram"])) {
        prop_assume!(!t.trim().is_empty());
        let req: LintRequest = serde_json::from_value(serde_json::json!({"post": {"text": t, "channel": channel}})).unwrap();
        let e = engine();
        let r = e.lint_request(req.clone(), now()).unwrap();
        prop_assert!(r.score <= 100);
        for w in &r.warnings {
            if let Some(s) = &w.span {
                check_span(&t, s)?;
                prop_assert_eq!(w.excerpt.as_deref(), Some(&t[s.byte_start..s.byte_end]));
            }
            // A collapsed warning's further occurrences: valid, after the first, in text order.
            prop_assert!(w.more_spans.len() < w.count as usize && w.more_spans.len() <= unbroadcast::report::MORE_SPANS);
            let mut last = w.span.map(|s| s.byte_start);
            for s in &w.more_spans {
                check_span(&t, s)?;
                prop_assert!(last.is_none_or(|l| l <= s.byte_start), "{:?}", w);
                last = Some(s.byte_start);
            }
        }
        // Same input, same output.
        prop_assert_eq!(&r, &e.lint_request(req, now()).unwrap());
    }
}

#[test]
fn reference_line_col_agrees_on_crlf() {
    assert_eq!(line_col("a\r\nb", 3), (2, 1));
    assert_eq!(line_col("a\r\nb", 1), (1, 2));
    assert_eq!(line_col("a\rb", 2), (2, 1));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// The ASCII fast path splits exactly like UAX #29.
    #[test]
    fn fast_graphemes_equal_the_reference(t in text()) {
        let mut ours = Vec::new();
        unbroadcast::text::graphemes::for_each(&t, |i, g| ours.push((i, g.to_owned())));
        let reference: Vec<(usize, String)> = t.grapheme_indices(true).map(|(i, g)| (i, g.to_owned())).collect();
        prop_assert_eq!(ours, reference);
    }

    /// The word fast path splits exactly like UAX #29.
    #[test]
    fn fast_words_equal_the_reference(t in text()) {
        let ours: Vec<(usize, &str)> = unbroadcast::text::words::word_indices(&t).collect();
        let reference: Vec<(usize, &str)> = t.unicode_word_indices().collect();
        prop_assert_eq!(ours, reference);
    }
}

/// History items as a scheduler might send them: any order, some duplicates, some
/// without text, mixed offsets.
fn history() -> impl Strategy<Value = Vec<serde_json::Value>> {
    let texts = prop::sample::select(vec![
        None,
        Some("We're excited to announce our new autumn menu, shop now!"),
        Some("We're excited to announce our new autumn menu, shop now"),
        Some("Anna, your table is ready at seven."),
        Some("Wir freuen uns, Ihnen unser neues Menü vorzustellen!"),
        Some("يسعدنا أن نعلن عن قائمة الخريف الجديدة"),
    ]);
    let item = (
        texts,
        prop::sample::select(vec!["x", "linkedin", "instagram", "mastodon"]),
        0i64..(14 * 24 * 60),
        prop::sample::select(vec!["Z", "+02:00", "-05:00"]),
    )
        .prop_map(|(text, channel, minutes, offset)| {
            let at = jiff::Timestamp::from_second(1_777_000_000 + minutes * 60).unwrap();
            let at = match offset {
                "Z" => at.to_string(),
                o => {
                    let off: jiff::tz::Offset = if o == "+02:00" { jiff::tz::offset(2) } else { jiff::tz::offset(-5) };
                    format!("{}{o}", at.to_zoned(jiff::tz::TimeZone::fixed(off)).datetime())
                }
            };
            let mut v = serde_json::json!({ "channel": channel, "at": at });
            if let Some(t) = text {
                v["text"] = t.into();
            }
            v
        });
    prop::collection::vec(item, 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The order in which history arrives changes nothing in the report.
    #[test]
    fn history_order_does_not_matter(h in history(), seed in any::<u64>(), channel in prop::sample::select(vec!["x", "linkedin"])) {
        let body = |h: &[serde_json::Value]| serde_json::json!({
            "post": { "text": "We're excited to announce our new autumn menu, shop now!", "channel": channel,
                      "scheduled_at": "2026-04-30T09:00:00+02:00" },
            "audience": { "timezone": "Europe/Berlin" },
            "history": h,
        });
        let mut shuffled = h.clone();
        // A deterministic shuffle from the seed (Fisher–Yates with a xorshift).
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let e = engine();
        let a = e.lint_request(LintRequest::from_json(body(&h)).unwrap(), now()).unwrap();
        let b = e.lint_request(LintRequest::from_json(body(&shuffled)).unwrap(), now()).unwrap();
        prop_assert_eq!(a, b);
    }
}
