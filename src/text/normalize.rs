//! The matching form of a text: what phrase and pattern rules see.
//!
//! Folding is done per grapheme cluster so that every byte of the folded text maps
//! back to exactly one cluster of the original: a match in the folded text becomes a
//! span in the original that cannot split a cluster. Folding: NFKC (so 𝐁𝐔𝐘 and
//! fullwidth letters read as "buy"), lower case, nonspacing marks and format
//! characters dropped (Arabic tashkeel, zero-width joiners, bidi controls), Arabic
//! tatweel dropped, alef forms unified, ى→ي and ة→ه, Eastern Arabic digits to ASCII,
//! ß→ss, typographic quotes, apostrophes and dashes to ASCII, whitespace runs to one
//! space.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::general_category::{GeneralCategory, UnicodeGeneralCategory};

/// A text folded for matching, with the way back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The folded text.
    pub text: String,
    /// For each byte of `text`, the index of the original grapheme cluster it came from.
    src: Vec<u32>,
}

impl Normalized {
    /// The range of grapheme cluster indices a folded byte range came from
    /// (`start..end`, `end` exclusive). `range` must be non-empty.
    pub fn source_graphemes(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.src[range.start] as usize..self.src[range.end - 1] as usize + 1
    }

    /// Whether a match at `range` of the folded text stands on word boundaries.
    pub fn at_word_boundaries(&self, range: std::ops::Range<usize>) -> bool {
        at_word_boundaries(&self.text, range)
    }
}

/// Whether `text[range]` stands on word boundaries the way `\b` would: an edge
/// that is a word character must not touch another word character. (The `regex`
/// crate's Unicode `\b` is slow on non-ASCII text, so matches are checked here.)
pub fn at_word_boundaries(text: &str, range: std::ops::Range<usize>) -> bool {
    let m = &text[range.clone()];
    let left_ok = !m.chars().next().is_some_and(is_word_char)
        || !text[..range.start].chars().next_back().is_some_and(is_word_char);
    let right_ok =
        !m.chars().next_back().is_some_and(is_word_char) || !text[range.end..].chars().next().is_some_and(is_word_char);
    left_ok && right_ok
}

/// Arabic attaches conjunctions and prepositions to the next word (و "and",
/// ف "so", ب "with", ل "for", ك "like") and the article ال (ل + ال is written
/// لل): a phrase still matches behind them.
const ARABIC_PROCLITICS: [&str; 21] = [
    "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك", "ال", "وال", "فال", "بال", "كال", "لل", "وبال", "ولل",
    "فلل", "فبال",
];

/// Attached pronouns (ـه ـها ـهم ـكم ـنا ـي …): "عرضنا" is "our offer", so a
/// phrase ending in a word still matches with one attached, but only with exactly
/// one of these after it, never inside a longer unrelated word.
const ARABIC_ENCLITICS: [&str; 12] = ["ه", "ها", "هم", "هن", "هما", "كم", "كن", "كما", "نا", "ي", "ك", "ني"];

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

/// Word boundaries, relaxed on the left for Arabic proclitics.
pub fn boundaries_ok(text: &str, range: std::ops::Range<usize>, lang: crate::lang::Lang) -> bool {
    if at_word_boundaries(text, range.clone()) {
        return true;
    }
    if lang != crate::lang::Lang::Ar {
        return false;
    }
    let m = &text[range.clone()];
    let tail = &text[range.end..];
    let word_end = tail.char_indices().find(|&(_, c)| !is_word_char(c)).map_or(tail.len(), |(i, _)| i);
    let suffix = &tail[..word_end];
    let right_ok = !m.chars().next_back().is_some_and(is_word_char)
        || suffix.is_empty()
        || (m.chars().next_back().is_some_and(is_arabic_letter) && ARABIC_ENCLITICS.contains(&suffix));
    if !right_ok {
        return false;
    }
    let head = &text[..range.start];
    let word_start =
        head.char_indices().rev().take_while(|&(_, c)| is_word_char(c)).last().map_or(range.start, |(i, _)| i);
    let prefix = &head[word_start..];
    prefix.is_empty()
        || !m.chars().next().is_some_and(is_word_char)
        || (m.chars().next().is_some_and(is_arabic_letter) && ARABIC_PROCLITICS.contains(&prefix))
}

/// Letters, digits and the underscore (which joins words in hashtags and handles).
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}') || c.is_alphanumeric()
}

/// Builds a [`Normalized`] one grapheme cluster at a time, so the caller's single
/// pass over the clusters can also count, find emoji and record boundaries.
#[derive(Debug, Default)]
pub struct Normalizer {
    out: Normalized,
    /// The last Arabic letter pushed and how often in a row.
    run: (char, usize),
}

impl Normalizer {
    pub fn with_capacity(bytes: usize) -> Self {
        Normalizer {
            out: Normalized { text: String::with_capacity(bytes), src: Vec::with_capacity(bytes) },
            run: ('\0', 0),
        }
    }

    /// Folds the grapheme cluster `g`, the `index`-th of the text.
    pub fn push(&mut self, index: usize, g: &str) {
        let before = self.out.text.len();
        let b = g.as_bytes();
        if b.len() == 1 {
            // Fast path: most clusters in most posts are one ASCII byte.
            let c = b[0];
            if c.is_ascii_whitespace() {
                push_space(&mut self.out.text, c == b'\n' || c == b'\r');
            } else {
                self.out.text.push(c.to_ascii_lowercase() as char);
            }
        } else if let Some(c) = single_plain_letter(g) {
            fold_char(c, &mut self.out.text);
        } else if g.chars().all(char::is_whitespace) {
            push_space(&mut self.out.text, g.chars().any(is_line_break));
        } else if unicode_normalization::is_nfkc_quick(g.chars()) == unicode_normalization::IsNormalized::Yes {
            for c in g.chars() {
                fold_char(c, &mut self.out.text);
            }
        } else {
            for c in g.nfkc() {
                fold_char(c, &mut self.out.text);
            }
        }
        // Stretched Arabic words ("شااااهد"): three or more of the same letter in a
        // row fold to one, so the word matches "شاهد". (Two can be real: doubled
        // letters are usually written with shadda, but ممتاز is not.)
        if let Some(c) = self.out.text[before..].chars().next()
            && self.out.text.len() - before == c.len_utf8()
            && ('\u{0621}'..='\u{064A}').contains(&c)
        {
            if self.run.0 == c {
                self.run.1 += 1;
                if self.run.1 >= 3 {
                    self.out.text.truncate(before);
                    if self.run.1 == 3 {
                        // Take back the second copy as well.
                        let second = self.out.text.len() - c.len_utf8();
                        self.out.text.truncate(second);
                        self.out.src.truncate(second);
                    }
                    return;
                }
            } else {
                self.run = (c, 1);
            }
        } else if self.out.text.len() > before {
            self.run = ('\0', 0);
        }
        let added = self.out.text.len() - before;
        let idx = u32::try_from(index).unwrap_or(u32::MAX);
        self.out.src.extend(std::iter::repeat_n(idx, added));
    }

    pub fn finish(self) -> Normalized {
        self.out
    }
}

/// A cluster that is one Arabic or Latin-1 letter: NFKC-stable and not white
/// space, so it can be folded without the table lookups.
fn single_plain_letter(g: &str) -> Option<char> {
    let mut it = g.chars();
    let c = it.next()?;
    let plain = matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{00C0}'..='\u{00FF}');
    (plain && it.next().is_none() && c != '×' && c != '÷').then_some(c)
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Appends white space: a run folds to one space, or to one line break if it
/// holds one (patterns may anchor at line starts; phrases do not run across lines).
fn push_space(out: &mut String, line_break: bool) {
    match out.as_bytes().last() {
        Some(b'\n') => {}
        Some(b' ') if line_break => {
            // Same length, same source cluster: upgrade the space in place.
            out.pop();
            out.push('\n');
        }
        Some(b' ') => {}
        _ => out.push(if line_break { '\n' } else { ' ' }),
    }
}

/// The folded form of a standalone string (phrases in packs, audience interests).
pub fn normalize_str(s: &str) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let mut n = Normalizer::with_capacity(s.len());
    for (i, g) in s.graphemes(true).enumerate() {
        n.push(i, g);
    }
    n.finish().text.trim().to_owned()
}

fn fold_char(c: char, out: &mut String) {
    let mapped = match c {
        // Alef with hamza above/below, madda, wasla → bare alef.
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        'ـ' => return,
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        '،' => ',',
        '؛' => ';',
        '؟' => '?',
        'ß' | 'ẞ' => {
            out.push_str("ss");
            return;
        }
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{00B4}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '«' | '»' | '‹' | '›' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        // Arabic letters and Latin-1/Extended-A letters need no table lookups.
        '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{0671}'..='\u{06D3}' => c,
        _ => {
            if c.is_whitespace() {
                push_space(out, is_line_break(c));
                return;
            }
            if matches!(c.general_category(), GeneralCategory::NonspacingMark | GeneralCategory::Format) {
                return;
            }
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
                return;
            }
            c
        }
    };
    out.push(mapped);
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    fn norm(s: &str) -> Normalized {
        let mut n = Normalizer::default();
        for (i, g) in s.graphemes(true).enumerate() {
            n.push(i, g);
        }
        n.finish()
    }

    #[test]
    fn folds_case_quotes_and_space() {
        assert_eq!(normalize_str("We’re  EXCITED\tto"), "we're excited to");
        assert_eq!(normalize_str("new \r\n\n  Shop now"), "new\nshop now");
        assert_eq!(normalize_str("𝐁𝐔𝐘 ＮＯＷ"), "buy now");
        assert_eq!(normalize_str("Straße"), "strasse");
        assert_eq!(normalize_str("Größe"), "grösse");
    }

    #[test]
    fn folds_arabic() {
        // Tashkeel and tatweel vanish, alef forms and ta marbuta/alef maqsura unify.
        assert_eq!(normalize_str("يَسُرُّنَا أن نُعلـــن"), "يسرنا ان نعلن");
        assert_eq!(normalize_str("إلى القاهرة"), "الي القاهره");
        assert_eq!(normalize_str("٣ طرق؟"), "3 طرق?");
        assert_eq!(normalize_str("شااااهد قبل الحذف"), "شاهد قبل الحذف");
        assert_eq!(normalize_str("ممتاز"), "ممتاز");
    }

    #[test]
    fn every_folded_byte_maps_back() {
        let text = "Ärger 👨‍👩‍👧 مُمتاز!";
        let n = norm(text);
        assert_eq!(n.src.len(), n.text.len());
        let g: Vec<&str> = text.graphemes(true).collect();
        let at = n.text.find("ممتاز").unwrap();
        let r = n.source_graphemes(at..at + "ممتاز".len());
        assert_eq!(g[r].concat(), "مُمتاز");
    }

    #[test]
    fn word_boundaries() {
        let n = norm("react now, act now");
        let first = n.text.find("act now").unwrap();
        assert!(!n.at_word_boundaries(first..first + 7));
        let second = n.text.rfind("act now").unwrap();
        assert!(n.at_word_boundaries(second..second + 7));
    }
}
