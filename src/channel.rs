//! The networks a post can go to, and how each one counts a post's length.
//!
//! Limits and policies are data (the `[channels.*]` tables of the `any` packs); this
//! module only knows the channel names and the counting methods, because those are
//! algorithms, not numbers a user tunes.

use crate::text::emoji::is_emoji_grapheme;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A social network (or `generic` for "not known yet").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    X,
    Linkedin,
    Facebook,
    Instagram,
    Threads,
    Mastodon,
    Bluesky,
    Generic,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::X,
        Channel::Linkedin,
        Channel::Facebook,
        Channel::Instagram,
        Channel::Threads,
        Channel::Mastodon,
        Channel::Bluesky,
        Channel::Generic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Channel::X => "x",
            Channel::Linkedin => "linkedin",
            Channel::Facebook => "facebook",
            Channel::Instagram => "instagram",
            Channel::Threads => "threads",
            Channel::Mastodon => "mastodon",
            Channel::Bluesky => "bluesky",
            Channel::Generic => "generic",
        }
    }

    /// The name people use in messages ("LinkedIn", not "linkedin").
    pub fn display_name(self) -> &'static str {
        match self {
            Channel::X => "X",
            Channel::Linkedin => "LinkedIn",
            Channel::Facebook => "Facebook",
            Channel::Instagram => "Instagram",
            Channel::Threads => "Threads",
            Channel::Mastodon => "Mastodon",
            Channel::Bluesky => "Bluesky",
            Channel::Generic => "generic",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Channel {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Channel::ALL.into_iter().find(|c| c.name() == s).ok_or(())
    }
}

/// How a network counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Counting {
    /// twitter-text v3: code points weighted 1 or 2, emoji 2, URLs a fixed length.
    Twitter,
    /// Extended grapheme clusters (Bluesky).
    Graphemes,
    /// Unicode scalar values, URLs a fixed length when `url_length` is set (Mastodon).
    Chars,
}

/// twitter-text v3 configuration: code points in these ranges weigh 100 (one
/// character), everything else 200 (two); see twitter-text's `config/v3.json`.
const TWITTER_LIGHT_RANGES: [(u32, u32); 4] = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)];

fn twitter_weight(c: char) -> usize {
    let cp = c as u32;
    if TWITTER_LIGHT_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp)) { 1 } else { 2 }
}

/// Length of `text` as the network counts it. `links` are byte ranges of URLs in
/// `text` (sorted, not overlapping); with `url_length` each counts as that many.
pub fn count_length(text: &str, links: &[Range<usize>], counting: Counting, url_length: Option<usize>) -> usize {
    let mut total = 0;
    let mut pos = 0;
    for link in links {
        total += count_plain(&text[pos..link.start], counting);
        total += match url_length {
            Some(n) => n,
            None => count_plain(&text[link.clone()], counting),
        };
        pos = link.end;
    }
    total + count_plain(&text[pos..], counting)
}

fn count_plain(text: &str, counting: Counting) -> usize {
    match counting {
        Counting::Chars => text.chars().count(),
        Counting::Graphemes => text.graphemes(true).count(),
        Counting::Twitter => {
            // twitter-text counts the NFC form, and every emoji sequence as 2.
            let nfc: String = if text.is_ascii() { text.to_owned() } else { text.nfc().collect() };
            nfc.graphemes(true)
                .map(|g| if is_emoji_grapheme(g) { 2 } else { g.chars().map(twitter_weight).sum() })
                .sum()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twitter_counts_latin_arabic_cjk_and_emoji() {
        assert_eq!(count_length("hello", &[], Counting::Twitter, Some(23)), 5);
        // Arabic lies below U+10FF: weight 1 per code point.
        assert_eq!(count_length("مرحبا", &[], Counting::Twitter, Some(23)), 5);
        assert_eq!(count_length("日本", &[], Counting::Twitter, Some(23)), 4);
        // A family emoji (ZWJ sequence) is one emoji: 2.
        assert_eq!(count_length("👨‍👩‍👧", &[], Counting::Twitter, Some(23)), 2);
        assert_eq!(count_length("🇩🇪", &[], Counting::Twitter, Some(23)), 2);
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn urls_count_as_fixed_length() {
        let text = "see https://example.com/a/very/long/path ok";
        let start = text.find("https").unwrap();
        let end = text[start..].find(' ').unwrap() + start;
        assert_eq!(count_length(text, &[start..end], Counting::Twitter, Some(23)), 4 + 23 + 3);
        assert_eq!(count_length(text, &[start..end], Counting::Chars, None), text.chars().count());
    }

    #[test]
    fn graphemes_count_clusters() {
        assert_eq!(count_length("e\u{301}👍🏽", &[], Counting::Graphemes, None), 2);
        assert_eq!(count_length("e\u{301}👍🏽", &[], Counting::Chars, None), 4);
    }

    #[test]
    fn channel_names_round_trip() {
        for c in Channel::ALL {
            assert_eq!(c.name().parse::<Channel>(), Ok(c));
        }
        assert!("myspace".parse::<Channel>().is_err());
    }
}

/// The byte offset where a text stops fitting in `limit`, counted as
/// [`count_length`] counts; `None` when it fits.
pub fn overflow_start(
    text: &str,
    links: &[Range<usize>],
    counting: Counting,
    url_length: Option<usize>,
    limit: usize,
) -> Option<usize> {
    let mut used = 0;
    let mut pos = 0;
    let mut links = links.iter().peekable();
    while pos < text.len() {
        if let Some(link) = links.peek().filter(|l| l.start == pos) {
            let w = url_length.unwrap_or_else(|| count_plain(&text[(*link).clone()], counting));
            if used + w > limit {
                return Some(pos);
            }
            used += w;
            pos = link.end;
            links.next();
            continue;
        }
        let next_link = links.peek().map_or(text.len(), |l| l.start);
        let g = text[pos..next_link].graphemes(true).next().unwrap_or(&text[pos..next_link]);
        let w = count_plain(g, counting);
        if used + w > limit {
            return Some(pos);
        }
        used += w;
        pos += g.len().max(1);
    }
    None
}

#[cfg(test)]
mod overflow_tests {
    use super::*;

    #[test]
    fn finds_the_cut() {
        assert_eq!(overflow_start("abcdef", &[], Counting::Chars, None, 4), Some(4));
        assert_eq!(overflow_start("abcd", &[], Counting::Chars, None, 4), None);
        // "日" weighs 2 on X: the third one does not fit in 5.
        assert_eq!(overflow_start("日日日", &[], Counting::Twitter, None, 5), Some(6));
    }
}
