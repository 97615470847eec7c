//! Text primitives shared by analysis, rules and output: offsets, the folded
//! matching form, and emoji recognition.

pub mod blind;
pub mod emoji;
pub mod graphemes;
pub mod normalize;
pub mod offsets;
pub mod words;

pub use normalize::{Normalized, at_word_boundaries, boundaries_ok, is_word_char, normalize_str};
pub use offsets::{OffsetMap, Span};
