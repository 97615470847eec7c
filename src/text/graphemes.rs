//! Grapheme cluster iteration with a fast path for ASCII.
//!
//! Most posts are mostly ASCII, and UAX #29 puts a boundary before every ASCII
//! character except a LF after CR and anything after a Prepend character. So runs
//! of ASCII are split byte by byte, and only stretches with non-ASCII text go
//! through `unicode-segmentation`, whose `GraphemeCursor` also confirms each
//! hand-over back to ASCII. Arabic letters get the same treatment: a letter
//! followed by another bare letter, or by ASCII, is a cluster of its own (only
//! marks such as tashkeel, ZWJ and spacing marks attach to it). A property
//! test checks the result equals `grapheme_indices(true)` on arbitrary text.

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// Calls `f(start, cluster)` for every extended grapheme cluster of `text`.
pub fn for_each(text: &str, mut f: impl FnMut(usize, &str)) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let c = b[i];
        if c < 0x80 {
            match b.get(i + 1) {
                None => {
                    f(i, &text[i..]);
                    return;
                }
                Some(&nb) if nb < 0x80 => {
                    let len = if c == b'\r' && nb == b'\n' { 2 } else { 1 };
                    f(i, &text[i..i + len]);
                    i += len;
                    continue;
                }
                // Nothing attaches an Arabic letter to what precedes it.
                Some(_) if plain_arabic_letter(b, i + 1).is_some() => {
                    f(i, &text[i..i + 1]);
                    i += 1;
                    continue;
                }
                // An ASCII letter may take combining marks: the slow path decides.
                Some(_) => {}
            }
        }
        if let Some(len) = plain_arabic_letter(b, i)
            && (i + len == n || b[i + len] < 0x80 || plain_arabic_letter(b, i + len).is_some())
        {
            f(i, &text[i..i + len]);
            i += len;
            continue;
        }
        // A stretch from here to the next ASCII byte that starts a cluster.
        let mut end = next_ascii(b, i + 1);
        while end < n && !GraphemeCursor::new(end, n, true).is_boundary(text, 0).unwrap_or(true) {
            end = next_ascii(b, end + 1);
        }
        for (j, g) in text[i..end].grapheme_indices(true) {
            f(i + j, g);
        }
        i = end;
    }
}

/// The length (2) of an Arabic letter U+0621–U+064A at `i` (grapheme class
/// Other: never Prepend, Extend or a spacing mark).
pub(crate) fn plain_arabic_letter(b: &[u8], i: usize) -> Option<usize> {
    match (b.get(i), b.get(i + 1)) {
        (Some(0xD8), Some(0xA1..=0xBA)) | (Some(0xD9), Some(0x81..=0x8A)) => Some(2),
        _ => None,
    }
}

fn next_ascii(b: &[u8], from: usize) -> usize {
    b.get(from..).and_then(|rest| rest.iter().position(|&x| x < 0x80)).map_or(b.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(t: &str) -> Vec<(usize, String)> {
        let mut v = Vec::new();
        for_each(t, |i, g| v.push((i, g.to_owned())));
        v
    }

    fn reference(t: &str) -> Vec<(usize, String)> {
        t.grapheme_indices(true).map(|(i, g)| (i, g.to_owned())).collect()
    }

    #[test]
    fn agrees_with_unicode_segmentation() {
        for t in [
            "",
            "a",
            "abc",
            "e\u{301}x",
            "a\r\nb\r",
            "\r\n",
            "👨‍👩‍👧 hi",
            "مرحبا yes مُمتاز",
            "يسعدنا أن نعلن!",
            "ع\u{64E}ر\u{651}بي\u{200D}ة",
            "ـــ عرض",
            "\u{600}1 prepend",
            "x\u{600}1",
            "🇩🇪🇫🇷a",
            "a\u{200D}b",
            "1️⃣2",
        ] {
            assert_eq!(ours(t), reference(t), "{t:?}");
        }
    }
}
