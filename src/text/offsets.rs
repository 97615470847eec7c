//! Offsets that are never wrong: one map from byte offsets to Unicode scalar,
//! UTF-16 and line/column positions, built once per text.
//!
//! Rust indexes strings by bytes, JavaScript by UTF-16 code units, people by lines
//! and columns; a finding carries all of them so every client can use its own. Every
//! range is first widened to grapheme cluster boundaries, so no highlight ever cuts
//! an emoji sequence or a letter from its combining marks.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A position range in a text, in every unit a client may need. `start`/`end` count
/// Unicode scalar values; `line` and `column` are 1-based, `column` in scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub utf16_start: usize,
    pub utf16_end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Distance between checkpoints: resolving an offset scans at most this many bytes.
const CHECKPOINT_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    byte: usize,
    char: usize,
    utf16: usize,
}

/// Maps byte offsets of one text to the other units. Build with [`OffsetMap::new`].
#[derive(Debug, Clone)]
pub struct OffsetMap {
    len: usize,
    graphemes: Vec<usize>,
    line_starts: Vec<usize>,
    checkpoints: Vec<Checkpoint>,
}

impl OffsetMap {
    /// `grapheme_bounds` are the byte offsets where grapheme clusters start, in order;
    /// the end of the text is added here.
    pub fn new(text: &str, mut grapheme_bounds: Vec<usize>) -> Self {
        if grapheme_bounds.last() != Some(&text.len()) {
            grapheme_bounds.push(text.len());
        }
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // CRLF is one break; a lone CR (old Mac files) is a break too.
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            line_starts.push(i + 1);
        }
        let mut checkpoints = vec![Checkpoint { byte: 0, char: 0, utf16: 0 }];
        let mut last = checkpoints[0];
        let mut next = CHECKPOINT_BYTES;
        while next < text.len() {
            let mut at = next;
            while !text.is_char_boundary(at) {
                at += 1;
            }
            let seg = &text[last.byte..at];
            last = Checkpoint {
                byte: at,
                char: last.char + seg.chars().count(),
                utf16: last.utf16 + seg.chars().map(char::len_utf16).sum::<usize>(),
            };
            checkpoints.push(last);
            next = at + CHECKPOINT_BYTES;
        }
        OffsetMap { len: text.len(), graphemes: grapheme_bounds, line_starts, checkpoints }
    }

    /// Widens a byte range to grapheme cluster boundaries and clamps it to the text.
    pub fn snap(&self, range: Range<usize>) -> Range<usize> {
        let start = range.start.min(self.len);
        let end = range.end.clamp(start, self.len);
        let s = match self.graphemes.binary_search(&start) {
            Ok(i) => self.graphemes[i],
            Err(i) => self.graphemes[i.saturating_sub(1)],
        };
        let e = match self.graphemes.binary_search(&end) {
            Ok(i) => self.graphemes[i],
            Err(i) => self.graphemes[i.min(self.graphemes.len() - 1)],
        };
        s..e
    }

    /// The full span for a byte range of `text` (the text this map was built from).
    pub fn span(&self, text: &str, range: Range<usize>) -> Span {
        debug_assert_eq!(text.len(), self.len);
        let r = self.snap(range);
        let (start, utf16_start) = self.units_at(text, r.start);
        let (end, utf16_end) = self.units_at(text, r.end);
        let (line, column) = self.line_col(text, r.start, start);
        let (end_line, end_column) = self.line_col(text, r.end, end);
        Span {
            start,
            end,
            byte_start: r.start,
            byte_end: r.end,
            utf16_start,
            utf16_end,
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// Scalar-value and UTF-16 offsets of a byte offset on a char boundary.
    fn units_at(&self, text: &str, byte: usize) -> (usize, usize) {
        let i = self.checkpoints.partition_point(|c| c.byte <= byte) - 1;
        let cp = self.checkpoints[i];
        let seg = &text[cp.byte..byte];
        (cp.char + seg.chars().count(), cp.utf16 + seg.chars().map(char::len_utf16).sum::<usize>())
    }

    /// 1-based line and column (in scalar values) of a byte offset whose scalar offset
    /// is `char_offset`.
    fn line_col(&self, text: &str, byte: usize, char_offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= byte);
        let line_start = self.line_starts[line - 1];
        let (line_start_char, _) = self.units_at(text, line_start);
        (line, char_offset - line_start_char + 1)
    }

    /// The byte range of the 1-based line `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.len);
        let mut end = self.line_starts.get(line).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn grapheme_bounds(&self) -> &[usize] {
        &self.graphemes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    fn map(text: &str) -> OffsetMap {
        OffsetMap::new(text, text.grapheme_indices(true).map(|(i, _)| i).collect())
    }

    #[test]
    fn units_for_mixed_text() {
        let text = "Hi 👋🏽\r\nمرحبا يا Anna";
        let m = map(text);
        let b = text.find("يا").unwrap();
        let s = m.span(text, b..b + "يا".len());
        assert_eq!((s.line, s.column), (2, 7));
        assert_eq!(s.start, text[..b].chars().count());
        assert_eq!(s.utf16_start, text[..b].encode_utf16().count());
        assert_eq!(s.end - s.start, 2);
    }

    #[test]
    fn snaps_to_graphemes() {
        let text = "a👨‍👩‍👧b";
        let m = map(text);
        // A range starting inside the ZWJ sequence widens to the whole emoji.
        let s = m.span(text, 5..6);
        assert_eq!(&text[s.byte_start..s.byte_end], "👨‍👩‍👧");
    }

    #[test]
    fn lone_cr_and_crlf_break_lines() {
        let text = "a\rb\r\nc\nd";
        let m = map(text);
        assert_eq!(m.span(text, 2..3).line, 2);
        assert_eq!(m.span(text, 5..6).line, 3);
        assert_eq!(m.span(text, 7..8).line, 4);
        assert_eq!(m.line_range(text, 2), 2..3);
    }

    #[test]
    fn checkpoints_agree_with_a_scan() {
        let text = "ä€😀x".repeat(700);
        let m = map(&text);
        let b = text.len() - 5;
        let s = m.span(&text, b..text.len());
        assert_eq!(s.start, text[..b].chars().count());
        assert_eq!(s.utf16_start, text[..b].encode_utf16().count());
    }
}
