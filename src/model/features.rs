//! What the learned model reads: word 1–2-grams and character 3–4-grams of the
//! folded text, each hashed into a fixed number of buckets. Hashing keeps the
//! model's artifact free of any text it learned from (only bucket numbers and
//! weights are stored), and folding first means "ＢＵＹ", "Buy" and "buy" are one
//! feature. Each feature remembers the tokens it came from, so the model can point
//! at the words that weighed most.

use crate::text::is_word_char;
use std::ops::Range;

/// The version of the feature extraction. A model artifact names the version it was
/// trained with; a different one is refused instead of silently mis-scoring.
pub const VERSION: u32 = 1;

/// Longest word whose character n-grams are taken (longer ones are links or noise).
const MAX_GRAM_WORD: usize = 24;

/// What kind of token a stretch of the folded text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Word,
    Number,
    Url,
    Mention,
    Hashtag,
    /// `!`, `?`, `%` or a currency sign: punctuation that carries tone.
    Mark,
}

/// One token: where it is in the folded text and what it hashes as.
#[derive(Debug, Clone)]
pub struct Token {
    pub range: Range<usize>,
    kind: TokenKind,
}

/// One hashed feature occurrence and the tokens it spans (`first..=last`).
#[derive(Debug, Clone, Copy)]
pub struct Feature {
    pub bucket: u32,
    pub first: u16,
    pub last: u16,
}

/// The features of one text, with its tokens; reused between texts.
#[derive(Debug, Default)]
pub struct Featurized {
    pub tokens: Vec<Token>,
    pub features: Vec<Feature>,
    buf: Vec<u8>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// A stable 64-bit hash folded into `bits` bits (FNV-1a: fixed across platforms
/// and versions, which a model artifact needs).
fn bucket(bytes: &[u8], bits: u8) -> u32 {
    let h = fnv(FNV_OFFSET, bytes);
    ((h ^ (h >> 32)) as u32) & ((1u32 << bits) - 1)
}

impl Featurized {
    /// Room for the features of a text of `len` bytes (about one token per five
    /// bytes, a dozen features per token), so extraction does not regrow.
    pub fn with_capacity(len: usize) -> Self {
        Featurized { tokens: Vec::with_capacity(len / 4 + 1), features: Vec::with_capacity(len * 3), buf: Vec::new() }
    }

    /// Tokenizes and hashes `folded` (a text as [`crate::text::Normalized`] folds it).
    pub fn extract(&mut self, folded: &str, bits: u8) {
        self.tokens.clear();
        self.features.clear();
        tokenize(folded, &mut self.tokens);
        // Features past u16::MAX tokens are not worth their cost: posts are short.
        let n = self.tokens.len().min(u16::MAX as usize);
        for i in 0..n {
            let t = &self.tokens[i];
            let idx = i as u16;
            self.buf.clear();
            self.buf.push(b'w');
            push_token(&mut self.buf, folded, t);
            self.features.push(Feature { bucket: bucket(&self.buf, bits), first: idx, last: idx });
            let prev_len = self.buf.len();
            if i + 1 < n {
                self.buf[0] = b'b';
                self.buf.push(0x1f);
                push_token(&mut self.buf, folded, &self.tokens[i + 1]);
                self.features.push(Feature { bucket: bucket(&self.buf, bits), first: idx, last: idx + 1 });
                self.buf.truncate(prev_len);
            }
            if t.kind == TokenKind::Word {
                let word = &folded[t.range.clone()];
                let chars = word.chars().count();
                if (3..=MAX_GRAM_WORD).contains(&chars) {
                    char_grams(word, bits, idx, &mut self.features);
                }
            }
        }
    }

    /// Weight of one feature occurrence: every text's feature vector has length 1,
    /// so a long post does not outvote a short one by its length alone.
    pub fn value(&self) -> f32 {
        if self.features.is_empty() { 0.0 } else { 1.0 / (self.features.len() as f32).sqrt() }
    }
}

fn push_token(buf: &mut Vec<u8>, folded: &str, t: &Token) {
    match t.kind {
        TokenKind::Word | TokenKind::Mark => buf.extend_from_slice(folded[t.range.clone()].as_bytes()),
        TokenKind::Number => buf.extend_from_slice(b"<num>"),
        TokenKind::Url => buf.extend_from_slice(b"<url>"),
        TokenKind::Mention => buf.extend_from_slice(b"<@>"),
        TokenKind::Hashtag => buf.extend_from_slice(b"<#>"),
    }
}

/// Character 3- and 4-grams of `^word$`.
fn char_grams(word: &str, bits: u8, idx: u16, out: &mut Vec<Feature>) {
    let mut padded = [0u8; 4 * MAX_GRAM_WORD + 2];
    let mut bounds = [0usize; MAX_GRAM_WORD + 3];
    padded[0] = b'^';
    let mut len = 1;
    let mut nb = 1;
    for c in word.chars() {
        bounds[nb] = len;
        nb += 1;
        len += c.encode_utf8(&mut padded[len..]).len();
    }
    bounds[nb] = len;
    nb += 1;
    padded[len] = b'$';
    len += 1;
    bounds[nb] = len;
    // bounds[0..=nb] are the starts of the padded string's chars, and its end.
    for n in [3usize, 4] {
        let mut key = [0u8; 4 * 4 + 1];
        key[0] = b'0' + n as u8;
        for s in 0..nb.saturating_sub(n - 1) {
            let (a, b) = (bounds[s], bounds[s + n]);
            let k = b - a;
            key[1..=k].copy_from_slice(&padded[a..b]);
            out.push(Feature { bucket: bucket(&key[..=k], bits), first: idx, last: idx });
        }
    }
}

fn tokenize(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else { break };
        let start = i;
        if text[i..].starts_with("http://") || text[i..].starts_with("https://") || text[i..].starts_with("www.") {
            let end = text[i..].find(char::is_whitespace).map_or(text.len(), |e| i + e);
            out.push(Token { range: start..end, kind: TokenKind::Url });
            i = end;
            continue;
        }
        if (c == '@' || c == '#') && text[i + 1..].chars().next().is_some_and(is_word_char) {
            let end = word_end(text, i + 1);
            let kind = if c == '@' { TokenKind::Mention } else { TokenKind::Hashtag };
            out.push(Token { range: start..end, kind });
            if kind == TokenKind::Hashtag {
                // The words of a hashtag still say something (#sale, #ad).
                out.push(Token { range: start + 1..end, kind: TokenKind::Word });
            }
            i = end;
            continue;
        }
        if is_word_char(c) {
            let end = word_end(text, i);
            let all_digits = bytes[start..end].iter().all(u8::is_ascii_digit);
            out.push(Token { range: start..end, kind: if all_digits { TokenKind::Number } else { TokenKind::Word } });
            i = end;
            continue;
        }
        if matches!(c, '!' | '?' | '%' | '$' | '€' | '£' | '؟') {
            out.push(Token { range: start..start + c.len_utf8(), kind: TokenKind::Mark });
        }
        i += c.len_utf8();
    }
}

/// End of the run of word characters (with inner apostrophes: "don't") from `i`.
fn word_end(text: &str, i: usize) -> usize {
    let mut end = i;
    let mut chars = text[i..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if is_word_char(c) {
            end = i + off + c.len_utf8();
        } else if c == '\'' && chars.peek().is_some_and(|&(_, n)| is_word_char(n)) && end == i + off {
            continue;
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(String, TokenKind)> {
        let mut v = Vec::new();
        tokenize(t, &mut v);
        v.into_iter().map(|k| (t[k.range].to_owned(), k.kind)).collect()
    }

    #[test]
    fn tokens_know_links_tags_numbers_and_marks() {
        let k = kinds("don't miss 50% off! see https://x.example/a?b #sale @anna 2026");
        let names: Vec<&str> = k.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            names,
            ["don't", "miss", "50", "%", "off", "!", "see", "https://x.example/a?b", "#sale", "sale", "@anna", "2026"]
        );
        assert_eq!(k[2].1, TokenKind::Number);
        assert_eq!(k[7].1, TokenKind::Url);
        assert_eq!(k[8].1, TokenKind::Hashtag);
        assert_eq!(k[10].1, TokenKind::Mention);
    }

    #[test]
    fn features_are_stable_and_in_range() {
        let mut f = Featurized::default();
        f.extract("اشتر الآن وبسعر خاص", 12);
        let a: Vec<u32> = f.features.iter().map(|x| x.bucket).collect();
        assert!(a.iter().all(|&b| b < 4096));
        f.extract("اشتر الآن وبسعر خاص", 12);
        let b: Vec<u32> = f.features.iter().map(|x| x.bucket).collect();
        assert_eq!(a, b);
        // 4 words: 4 unigrams + 3 bigrams + char grams of the 3 long-enough words.
        assert!(a.len() > 7, "{}", a.len());
    }

    #[test]
    fn the_hash_is_fnv1a() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        assert_eq!(fnv(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
