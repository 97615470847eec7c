//! The words of a post as the repetition rules compare them: a cheap pass that
//! runs on history texts too (no language detection, no features), so a draft
//! with 1,000 history items stays under a millisecond.
//!
//! Each word is folded the engine's way (lower case, NFKC, ß→ss, Arabic letter
//! forms unified, tashkeel dropped) and hashed. Words are UAX #29 words, which
//! splits English, German and Arabic alike; Arabic words also lose the attached
//! conjunction و and article ال, because "والقهوة" (and the coffee) is the same
//! content word as "القهوة" and an edit that adds "and" should not hide a repost.
//! Stop words are kept: posts are short, dropping them makes each remaining edit
//! weigh more, and the phrasing around them is part of what a reader recognises.
//!
//! Every token also has a kind — word, name (capitalised), number, link, mention
//! or hashtag — for `repetition.template`, which asks whether two posts differ
//! only in their names, numbers or links.

use crate::text::normalize_str;
use std::borrow::Cow;
use std::cell::OnceCell;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// An ordinary word (lower case, or a script without case).
    Word,
    /// A capitalised word: a name, a place, a product — in German any noun.
    Name,
    /// A word with a digit: prices, dates, order numbers, percentages.
    Number,
    Link,
    Mention,
    Hashtag,
}

impl Slot {
    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// What a template's slots are called in messages, plural.
    pub fn plural(self) -> &'static str {
        match self {
            Slot::Word => "words",
            Slot::Name => "names",
            Slot::Number => "numbers",
            Slot::Link => "links",
            Slot::Mention => "mentions",
            Slot::Hashtag => "hashtags",
        }
    }

    const ALL: [Slot; 6] = [Slot::Word, Slot::Name, Slot::Number, Slot::Link, Slot::Mention, Slot::Hashtag];
}

/// A set of slot kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Slots(u8);

impl Slots {
    pub fn kinds(self) -> impl Iterator<Item = Slot> {
        Slot::ALL.into_iter().filter(move |s| self.0 & s.bit() != 0)
    }

    /// "names", "names and numbers", "names, numbers and links".
    pub fn describe(self) -> String {
        let names: Vec<&str> = self.kinds().map(Slot::plural).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Token {
    hash: u64,
    kind: Slot,
}

/// The tokens of one text, with what the rules derive from them kept for the
/// next comparison (the draft is compared with many posts).
#[derive(Debug, Clone, Default)]
pub struct Fingerprint {
    tokens: Vec<Token>,
    shingles: OnceCell<(usize, Vec<u64>)>,
    skeleton: OnceCell<Vec<(Slot, u64)>>,
}

impl Fingerprint {
    pub fn new(text: &str) -> Fingerprint {
        let links = crate::analysis::find_links(text);
        let link = |l: &crate::analysis::Link| Token { hash: fold_ascii(&text[l.range.clone()]), kind: Slot::Link };
        let mut tokens = Vec::with_capacity(text.len() / 6 + links.len());
        // Links are sorted and do not overlap: each goes in where it starts, and
        // the words inside it are skipped.
        let mut emitted = 0;
        for (i, w) in crate::text::words::word_indices(text) {
            while emitted < links.len() && links[emitted].range.start <= i {
                tokens.push(link(&links[emitted]));
                emitted += 1;
            }
            if emitted > 0 && i < links[emitted - 1].range.end {
                continue;
            }
            let kind = match text[..i].chars().next_back() {
                Some('#' | '＃') => Slot::Hashtag,
                Some('@' | '＠') => Slot::Mention,
                _ if w.chars().any(|c| c.is_numeric()) => Slot::Number,
                _ if w.chars().next().is_some_and(char::is_uppercase) => Slot::Name,
                _ => Slot::Word,
            };
            tokens.push(Token { hash: hash_word(w), kind });
        }
        tokens.extend(links[emitted..].iter().map(link));
        Fingerprint { tokens, ..Fingerprint::default() }
    }

    /// Number of tokens (words, links, mentions, hashtags).
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The set of `k`-word shingles (runs of `k` consecutive tokens), hashed and
    /// sorted. A text shorter than `k` tokens is its set of single tokens.
    pub fn shingles(&self, k: usize) -> Cow<'_, [u64]> {
        match self.shingles.get() {
            Some((kk, s)) if *kk == k => Cow::Borrowed(s),
            Some(_) => Cow::Owned(self.compute_shingles(k)),
            None => Cow::Borrowed(&self.shingles.get_or_init(|| (k, self.compute_shingles(k))).1),
        }
    }

    fn compute_shingles(&self, k: usize) -> Vec<u64> {
        let k = k.max(1);
        let mut out: Vec<u64> = if self.tokens.len() < k {
            self.tokens.iter().map(|t| t.hash).collect()
        } else {
            self.tokens
                .windows(k)
                .map(|w| {
                    w.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, t| (h.rotate_left(23) ^ t.hash).wrapping_mul(PRIME))
                })
                .collect()
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Jaccard similarity (0–1) of the two texts' `k`-word shingles.
    pub fn similarity(&self, other: &Fingerprint, k: usize) -> f64 {
        jaccard(&self.shingles(k), &other.shingles(k))
    }

    /// Consecutive name, number, link, mention or hashtag tokens of one kind make
    /// one slot ("Latte Art" is one name), each with the hash of its value.
    fn skeleton(&self) -> &[(Slot, u64)] {
        self.skeleton.get_or_init(|| self.compute_skeleton())
    }

    fn compute_skeleton(&self) -> Vec<(Slot, u64)> {
        let mut out: Vec<(Slot, u64)> = Vec::with_capacity(self.tokens.len());
        for t in &self.tokens {
            match out.last_mut() {
                Some((kind, h)) if *kind == t.kind && t.kind != Slot::Word => {
                    *h = (h.rotate_left(23) ^ t.hash).wrapping_mul(PRIME);
                }
                _ => out.push((t.kind, t.hash)),
            }
        }
        out
    }

    /// When the two texts are the same words in the same order except for slots
    /// (names, numbers, links, mentions, hashtags) whose values differ: the kinds
    /// of the differing slots. At least `min_fixed` ordinary words must be shared,
    /// so "Hi Anna!" and "Hi Ben!" are not a template.
    pub fn template_diff(&self, other: &Fingerprint, min_fixed: usize) -> Option<Slots> {
        let (a, b) = (self.skeleton(), other.skeleton());
        if a.len() != b.len() {
            return None;
        }
        let mut fixed = 0;
        let mut differ = Slots::default();
        for ((ka, va), (kb, vb)) in a.iter().zip(b) {
            if ka != kb {
                return None;
            }
            if *ka == Slot::Word {
                if va != vb {
                    return None;
                }
                fixed += 1;
            } else if va != vb {
                differ.0 |= ka.bit();
            }
        }
        (fixed >= min_fixed && differ != Slots::default()).then_some(differ)
    }
}

/// |a ∩ b| / |a ∪ b| of two sorted, deduplicated lists; 0 when both are empty.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 { 0.0 } else { both as f64 / union as f64 }
}

const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a: tiny, stable across runs and platforms (unlike a seeded hasher).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// FNV-1a of a text with ASCII letters in lower case (links, ASCII words).
fn fold_ascii(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(PRIME))
}

/// The hash of a folded word; ASCII words skip the Unicode folding.
fn hash_word(w: &str) -> u64 {
    if w.is_ascii() {
        return fold_ascii(w);
    }
    let folded = normalize_str(w);
    fnv(strip_arabic_clitics(&folded).as_bytes())
}

/// Drops a leading conjunction و and article ال from an Arabic word, keeping at
/// least two letters (so short words such as "ولد" stay whole).
fn strip_arabic_clitics(w: &str) -> &str {
    if !w.starts_with(|c: char| ('\u{0621}'..='\u{064A}').contains(&c)) {
        return w;
    }
    let letters = |s: &str| s.chars().count();
    let w = w.strip_prefix('و').filter(|r| letters(r) >= 3).unwrap_or(w);
    w.strip_prefix("ال").filter(|r| letters(r) >= 2).unwrap_or(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> f64 {
        Fingerprint::new(a).similarity(&Fingerprint::new(b), 2)
    }

    #[test]
    fn one_word_changed_in_a_long_post_is_near() {
        let a = "Our spring menu is here: wild garlic soup, asparagus with brown butter and rhubarb cake, every day from noon until we run out. Come early!";
        let b = "Our spring menu is here: wild garlic soup, asparagus with brown butter and rhubarb tart, every day from noon until we run out. Come early!";
        assert!(sim(a, b) >= 0.8, "{}", sim(a, b));
        assert!((sim(a, a) - 1.0).abs() < f64::EPSILON);
        assert!(sim(a, "Rain all day, the terrace is closed. Soup is on inside.") < 0.2);
    }

    #[test]
    fn folding_and_arabic_clitics() {
        assert!((sim("STRASSE ist gesperrt heute", "Straße ist gesperrt heute") - 1.0).abs() < f64::EPSILON);
        assert!((sim("القهوة طازجة اليوم", "والقهوة طازجة اليوم") - 1.0).abs() < f64::EPSILON);
        assert_eq!(strip_arabic_clitics("ولد"), "ولد");
    }

    #[test]
    fn order_matters_with_pairs() {
        assert!(sim("dogs bite people", "people bite dogs") < 0.5);
    }

    #[test]
    fn templates_differ_only_in_slots() {
        let a = Fingerprint::new("Congrats @anna on 5 years with the team! Thank you for everything https://ex.com/a");
        let b = Fingerprint::new("Congrats @ben on 3 years with the team! Thank you for everything https://ex.com/b");
        let d = a.template_diff(&b, 4).unwrap();
        assert_eq!(d.describe(), "numbers, links and mentions");
        let c = Fingerprint::new("Join us Friday at Mitte for Latte Art basics, bring a friend");
        let e = Fingerprint::new("Join us Saturday at Kreuzberg for Espresso basics, bring a friend");
        assert_eq!(c.template_diff(&e, 4).map(Slots::describe).as_deref(), Some("names"));
        // A changed ordinary word is not a template; identical texts are not either.
        let f = Fingerprint::new("Join us Friday at Mitte for Latte Art classes, bring a friend");
        assert!(c.template_diff(&f, 4).is_none());
        assert!(c.template_diff(&c, 4).is_none());
        assert!(Fingerprint::new("Hi Anna!").template_diff(&Fingerprint::new("Hi Ben!"), 4).is_none());
    }
}
