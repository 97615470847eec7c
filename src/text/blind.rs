//! The punctuation-blind view of a folded text that phrase rules match on, with a
//! byte map back, so "Jetzt kaufen, nur für kurze Zeit!" still matches the phrase
//! "jetzt kaufen nur für kurze zeit" and the span stays exact (issue 11).

use super::is_word_char;

/// Punctuation that separates words without changing them: commas, stops,
/// dashes, quotes, brackets, ellipses (Latin and Arabic). Symbols that make a
/// word of their own (`#`, `@`, `%`, `&`, `$`) are not in the list.
fn is_blind(c: char) -> bool {
    matches!(
        c,
        ',' | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | '`'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '-'
            | '*'
            | '…'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '„'
            | '‚'
            | '¡'
            | '¿'
            | '،'
            | '؛'
            | '؟'
            | '۔'
    )
}

/// A folded text with word-separating punctuation turned into single spaces.
#[derive(Debug, Default)]
pub struct Blind {
    pub text: String,
    /// For each byte of `text`, the byte of the folded text it came from.
    map: Vec<u32>,
    /// Byte length of the folded text, for ranges that end at its end.
    len: usize,
}

impl Blind {
    pub fn new(folded: &str) -> Blind {
        let mut text = String::with_capacity(folded.len());
        let mut map = Vec::with_capacity(folded.len());
        let mut pending: Option<usize> = None;
        let mut prev: Option<char> = None;
        let mut it = folded.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let next = it.peek().map(|&(_, n)| n);
            // An apostrophe inside a word ("we're", "geht's") belongs to it.
            let inner_apostrophe = c == '\'' && prev.is_some_and(is_word_char) && next.is_some_and(is_word_char);
            prev = Some(c);
            if c.is_whitespace() || (is_blind(c) && !inner_apostrophe) {
                pending.get_or_insert(i);
                continue;
            }
            if let Some(at) = pending.take()
                && !text.is_empty()
            {
                text.push(' ');
                map.push(at as u32);
            }
            let before = text.len();
            text.push(c);
            map.extend((0..text.len() - before).map(|k| (i + k) as u32));
        }
        Blind { text, map, len: folded.len() }
    }

    /// The folded byte range a non-empty range of the blind text came from.
    pub fn folded_range(&self, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let start = self.map[r.start] as usize;
        let end = self.map.get(r.end).map_or(self.len, |&e| e as usize);
        // Stop before the separator that follows the match.
        let last = self.map[r.end - 1] as usize;
        let last_len = self.text[..r.end].chars().next_back().map_or(1, char::len_utf8);
        start..end.min(last + last_len).max(start + 1)
    }
}

/// A phrase as the blind view reads it.
pub fn blind_str(folded: &str) -> String {
    Blind::new(folded).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_becomes_one_space_and_spans_map_back() {
        let folded = "jetzt kaufen, nur für kurze zeit!";
        let b = Blind::new(folded);
        assert_eq!(b.text, "jetzt kaufen nur für kurze zeit");
        let r = b.folded_range(0..b.text.len());
        assert_eq!(&folded[r], "jetzt kaufen, nur für kurze zeit");
        let at = b.text.find("nur").unwrap();
        assert_eq!(&folded[b.folded_range(at..at + 3)], "nur");
    }

    #[test]
    fn apostrophes_inside_words_stay() {
        assert_eq!(blind_str("we're 'thrilled' - really"), "we're thrilled really");
        assert_eq!(blind_str("#ad 50% off & more"), "#ad 50% off & more");
        assert_eq!(blind_str("حمل التطبيق، الان!"), "حمل التطبيق الان");
    }
}
