//! From the post text the engine lints back to the file it came from.
//!
//! A post file is more than its post: front matter, code blocks, HTML comments and
//! link syntax are cut out before linting (see [`super::markdown`]), and a link
//! written `[text](url)` reaches the engine as `text url`. The engine reports byte
//! ranges of the text it saw; this map turns them into byte ranges of the file, so
//! every line and column printed points at the original characters.
//!
//! The map is a list of pieces in post order. A *copied* piece is a run of file
//! bytes taken over unchanged, so offsets inside it map one to one. A *written*
//! piece is text that is not in the file at that place (the space standing for
//! `](`): a position inside it maps to the whole file range it stands for.

use crate::text::{OffsetMap, Span};
use std::ops::Range;

/// The offset map of a whole file, for turning file byte ranges into spans.
/// Grapheme bounds come from the ASCII fast path the analysis uses.
pub fn file_offsets(text: &str) -> OffsetMap {
    let mut bounds = Vec::with_capacity(text.len() + 1);
    crate::text::graphemes::for_each(text, |i, _| bounds.push(i));
    OffsetMap::new(text, bounds)
}

/// Bytes of a byte order mark at the start of `text` (0 or 3). Editors hide the
/// mark, so columns on the first line are counted after it; byte and character
/// offsets still count it, being offsets into the file.
pub fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

/// The span of file bytes `range`, with first-line columns counted as an editor
/// shows them (see [`bom_len`]).
pub fn file_span(offsets: &OffsetMap, text: &str, range: Range<usize>) -> Span {
    let mut s = offsets.span(text, range);
    let bom = bom_len(text);
    if bom > 0 {
        if s.line == 1 && s.byte_start >= bom {
            s.column -= 1;
        }
        if s.end_line == 1 && s.byte_end >= bom {
            s.end_column -= 1;
        }
    }
    s
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    /// Start in the post text.
    post: usize,
    /// Length in the post text.
    len: usize,
    /// The file range it comes from (same length for copied pieces).
    file: Range<usize>,
    copied: bool,
}

/// Post text offsets → file offsets. Build with [`Builder`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    pieces: Vec<Piece>,
    /// Where the source text ends in the file: the place of positions past the
    /// last piece when there is none (an empty post).
    end: usize,
}

impl SourceMap {
    /// The file offset where the post byte `at` starts.
    pub fn start(&self, at: usize) -> usize {
        let Some(p) = self.piece(|p| at < p.post + p.len) else { return self.file_end() };
        if p.copied { p.file.start + at.saturating_sub(p.post) } else { p.file.start }
    }

    /// The file offset where a range of the post ending at `at` (exclusive) ends.
    pub fn end(&self, at: usize) -> usize {
        let Some(p) = self.piece(|p| at <= p.post + p.len) else { return self.file_end() };
        if at <= p.post {
            return p.file.start;
        }
        if p.copied { p.file.start + (at - p.post) } else { p.file.end }
    }

    /// A post range as a file range.
    pub fn range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.start(r.start);
        if r.end <= r.start {
            return start..start;
        }
        start..self.end(r.end).max(start)
    }

    /// The first piece for which `past` holds (pieces are sorted, so `past` is
    /// false for a prefix and true for the rest).
    fn piece(&self, past: impl Fn(&Piece) -> bool) -> Option<&Piece> {
        self.pieces.get(self.pieces.partition_point(|p| !past(p)))
    }

    fn file_end(&self) -> usize {
        self.pieces.last().map_or(self.end, |p| p.file.end)
    }
}

/// Assembles a post text and its map from pieces of a source text.
#[derive(Debug, Default)]
pub struct Builder {
    text: String,
    map: SourceMap,
}

impl Builder {
    /// Copies `src[range]`; `offset` is where `src` starts in the file.
    pub fn copy(&mut self, src: &str, range: Range<usize>, offset: usize) {
        if range.is_empty() {
            return;
        }
        let file = offset + range.start..offset + range.end;
        self.push(&src[range], file, true);
    }

    /// Writes `text` that stands for the file range `file`.
    pub fn write(&mut self, text: &str, file: Range<usize>) {
        if !text.is_empty() {
            self.push(text, file, false);
        }
    }

    fn push(&mut self, s: &str, file: Range<usize>, copied: bool) {
        let post = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.map.pieces.last_mut()
            && copied
            && last.copied
            && last.file.end == file.start
        {
            last.len += s.len();
            last.file.end = file.end;
            return;
        }
        self.map.pieces.push(Piece { post, len: s.len(), file, copied });
    }

    /// The text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text without surrounding whitespace, and its map; `end` is where the
    /// source ends in the file.
    pub fn finish(self, end: usize) -> (String, SourceMap) {
        let Builder { text, mut map } = self;
        map.end = end;
        let lead = text.len() - text.trim_start().len();
        let keep = text.trim().len();
        if lead == 0 && keep == text.len() {
            return (text, map);
        }
        let mut pieces = Vec::with_capacity(map.pieces.len());
        for p in map.pieces {
            // Cut [lead, lead + keep) out of each piece, shifting it left by `lead`.
            let (s, e) = (p.post.max(lead), (p.post + p.len).min(lead + keep));
            if s >= e {
                continue;
            }
            let file = if p.copied { p.file.start + (s - p.post)..p.file.start + (e - p.post) } else { p.file };
            pieces.push(Piece { post: s - lead, len: e - s, file, copied: p.copied });
        }
        (text[lead..lead + keep].to_owned(), SourceMap { pieces, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_pieces_map_one_to_one_and_gaps_are_skipped() {
        let src = "keep THIS `code` and that";
        let mut b = Builder::default();
        b.copy(src, 0..10, 100);
        b.copy(src, 16..25, 100);
        let (text, map) = b.finish(100 + src.len());
        assert_eq!(text, "keep THIS  and that");
        let that = text.find("that").unwrap();
        assert_eq!(map.range(that..that + 4), 121..125);
        assert_eq!(&src[21..25], "that");
        // A range across the cut covers the cut text too: it is what lies between.
        let r = map.range(5..14);
        assert_eq!(&src[r.start - 100..r.end - 100], "THIS `code` and");
    }

    #[test]
    fn written_pieces_stand_for_their_whole_range() {
        let src = "[menu](https://ex.com)";
        let mut b = Builder::default();
        b.copy(src, 1..5, 0);
        b.write(" ", 5..7);
        b.copy(src, 7..21, 0);
        let (text, map) = b.finish(src.len());
        assert_eq!(text, "menu https://ex.com");
        assert_eq!(map.range(4..5), 5..7);
        assert_eq!(map.range(5..19), 7..21);
        assert_eq!(map.range(0..19), 1..21);
    }

    #[test]
    fn finish_trims_and_keeps_positions() {
        let src = "\n\n  Hi there.  \n";
        let mut b = Builder::default();
        b.copy(src, 0..src.len(), 3);
        let (text, map) = b.finish(3 + src.len());
        assert_eq!(text, "Hi there.");
        assert_eq!(map.range(0..2), 7..9);
        assert_eq!(map.start(text.len()), map.end(text.len()));
    }
}
