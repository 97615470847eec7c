//! UAX #29 words with a fast path for plain words between spaces.
//!
//! Word segmentation was a sixth of the time of linting an Arabic post. Most of
//! a post is words of ASCII letters and digits or bare Arabic letters, separated
//! by spaces, with a comma or a full stop at the end. Such a stretch is exactly
//! one word by the UAX #29 rules (letters and digits join: WB5, WB8–WB10;
//! punctuation at its edges touches no letter on its far side, so the
//! MidLetter/MidNum rules WB6–WB7 and WB11–WB12 cannot join it), and a space
//! before a character that is neither Extend, Format nor ZWJ is always a
//! boundary (WB4 can only attach those to it). So the text is cut into chunks at
//! such spaces; a chunk of that simple shape is reported directly and any other
//! chunk goes through `unicode-segmentation` on its own, which is exact because
//! its edges are hard boundaries. A property test checks the result equals
//! `unicode_word_indices` on arbitrary text.

use super::graphemes::plain_arabic_letter;
use unicode_segmentation::{UnicodeSegmentation, UnicodeWordIndices};

/// The words of `text` with their byte offsets, as `unicode_word_indices`.
pub fn word_indices(text: &str) -> WordIndices<'_> {
    WordIndices { text, next: 0, slow: None }
}

/// Iterator returned by [`word_indices`].
pub struct WordIndices<'a> {
    text: &'a str,
    next: usize,
    slow: Option<(usize, UnicodeWordIndices<'a>)>,
}

impl<'a> Iterator for WordIndices<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        loop {
            if let Some((base, words)) = &mut self.slow {
                if let Some((i, w)) = words.next() {
                    return Some((*base + i, w));
                }
                self.slow = None;
            }
            let b = self.text.as_bytes();
            let start = self.next;
            if start >= b.len() {
                return None;
            }
            let (end, after) = chunk_end(b, start);
            self.next = after;
            if end == start {
                continue;
            }
            match simple_word(b, start, end) {
                Chunk::Word(s, e) => return Some((s, &self.text[s..e])),
                Chunk::NoWord => {}
                Chunk::Complex => self.slow = Some((start, self.text[start..end].unicode_word_indices())),
            }
        }
    }
}

/// Where the chunk from `start` ends (a space, or the end of the text) and
/// where the next one starts (after the spaces). Spaces followed by a
/// character that could attach to them (WB4) do not end a chunk.
fn chunk_end(b: &[u8], start: usize) -> (usize, usize) {
    let mut from = start;
    loop {
        let Some(p) = memchr::memchr(b' ', &b[from..]) else { return (b.len(), b.len()) };
        let space = from + p;
        let mut after = space + 1;
        while after < b.len() && b[after] == b' ' {
            after += 1;
        }
        if after == b.len() || b[after] < 0x80 || plain_arabic_letter(b, after).is_some() {
            return (space, after);
        }
        from = after;
    }
}

/// What a chunk between spaces holds.
enum Chunk {
    /// One word at this byte range, perhaps with punctuation around it.
    Word(usize, usize),
    /// Only punctuation.
    NoWord,
    /// Anything else: the full rules decide.
    Complex,
}

/// Recognises a chunk of the shape `punctuation* word punctuation*` (ASCII
/// punctuation other than `_`, and Arabic comma, semicolon and question mark
/// at the end) where the word is ASCII letters and digits or bare Arabic letters.
fn simple_word(b: &[u8], start: usize, end: usize) -> Chunk {
    let mut i = start;
    while i < end && b[i].is_ascii_punctuation() && b[i] != b'_' {
        i += 1;
    }
    let word_start = i;
    while i < end {
        if b[i].is_ascii_alphanumeric() {
            i += 1;
        } else if let Some(len) = plain_arabic_letter(b, i) {
            i += len;
        } else {
            break;
        }
    }
    let word_end = i;
    while i < end {
        if b[i].is_ascii_punctuation() && b[i] != b'_' {
            i += 1;
        } else if word_end > word_start && arabic_end_punctuation(b, i) {
            i += 2;
        } else {
            return Chunk::Complex;
        }
    }
    if word_end > word_start { Chunk::Word(word_start, word_end) } else { Chunk::NoWord }
}

/// ، ؛ ؟ (U+060C, U+061B, U+061F): no word rule joins them to a following space.
fn arabic_end_punctuation(b: &[u8], i: usize) -> bool {
    matches!((b.get(i), b.get(i + 1)), (Some(0xD8), Some(0x8C | 0x9B | 0x9F)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(t: &str) -> Vec<(usize, &str)> {
        word_indices(t).collect()
    }

    #[test]
    fn agrees_with_unicode_segmentation() {
        for t in [
            "",
            " ",
            "a",
            "  hello   world  ",
            "We're excited, really. Shop now!!! 3.5 or 3,000 (maybe) #tag @you a_b _x",
            "e\u{301}x y",
            "a \u{301}b",
            "a \u{200D}b c",
            "a\tb\nc\r\nd",
            "يسعدنا أن نعلن، عن العرض؛ هل تريد؟ نعم.",
            "مُمتاز جدًا 12٫5",
            "3، 5 3،5",
            "👨‍👩‍👧 hi 🇩🇪🇫🇷 x",
            "日本語 テキスト",
            "'quoted' \"double\" ...dots... end.",
            ":a a: a:b",
            "1. 2.3 .4",
        ] {
            let reference: Vec<(usize, &str)> = t.unicode_word_indices().collect();
            assert_eq!(ours(t), reference, "{t:?}");
        }
    }
}
