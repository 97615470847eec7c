//! Per-language word lists that the analysis reads: pronouns, stop words,
//! invitations to answer. They come from the `[lexicon]` tables of the packs (so a
//! user can extend them without Rust) and are compiled here once at start into one
//! hash lookup per word and one automaton per language.

use crate::text::normalize_str;
use aho_corasick::{AhoCorasick, MatchKind};
use foldhash::HashMap;
use serde::Deserialize;

/// The raw `[lexicon]` table of a pack.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconSpec {
    /// Words that address the reader ("you", "euch", "لكم").
    #[serde(default)]
    pub second_person: Vec<String>,
    /// Forms that address the reader only when capitalized and not at the start of a
    /// sentence (German formal "Sie", "Ihnen", "Ihr").
    #[serde(default)]
    pub formal_second_person: Vec<String>,
    /// Words in which the author speaks as a group ("we", "unser", "نحن").
    #[serde(default)]
    pub first_person_plural: Vec<String>,
    /// Attached suffixes that mark the second person (Arabic ـكم).
    #[serde(default)]
    pub second_person_suffixes: Vec<String>,
    /// Attached suffixes that mark the first person plural (Arabic ـنا).
    #[serde(default)]
    pub first_person_plural_suffixes: Vec<String>,
    /// Minimum letters before a suffix for it to count.
    #[serde(default)]
    pub suffix_min_stem: Option<usize>,
    /// Words that end in a listed suffix without being a pronoun form.
    #[serde(default)]
    pub suffix_exceptions: Vec<String>,
    /// Very common function words: evidence for language detection.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Phrases that invite an answer ("let us know", "was meint ihr").
    #[serde(default)]
    pub invitations: Vec<String>,
    /// Attached prefixes to strip when a word is not found as written (Arabic
    /// و "and", ف "so": وشاركونا is شاركونا).
    #[serde(default)]
    pub strip_prefixes: Vec<String>,
}

pub(crate) const SECOND: u8 = 1;
pub(crate) const FIRST_PLURAL: u8 = 2;
pub(crate) const STOP: u8 = 4;
pub(crate) const FORMAL: u8 = 8;

/// A language's compiled lexicon.
#[derive(Debug, Default)]
pub struct Lexicon {
    words: HashMap<Box<str>, u8>,
    second_suffixes: Vec<String>,
    first_plural_suffixes: Vec<String>,
    suffix_min_stem: usize,
    suffix_exceptions: HashMap<Box<str>, ()>,
    strip_prefixes: Vec<String>,
    invitations: Option<AhoCorasick>,
    /// Pronoun entries of several words ("يا جماعة"), with their flags.
    multiword: Option<(AhoCorasick, Vec<u8>)>,
}

impl Lexicon {
    /// Merges the lexicon tables of all packs of one language.
    pub fn compile<'a>(specs: impl IntoIterator<Item = &'a LexiconSpec>) -> Result<Lexicon, String> {
        let mut lex = Lexicon { suffix_min_stem: 2, ..Lexicon::default() };
        let mut invitations = Vec::new();
        let mut multi: Vec<(String, u8)> = Vec::new();
        for spec in specs {
            for (list, flag) in
                [(&spec.second_person, SECOND), (&spec.first_person_plural, FIRST_PLURAL), (&spec.stopwords, STOP)]
            {
                for w in list {
                    let f = normalize_str(w);
                    if f.contains([' ', '\n']) {
                        if flag != STOP {
                            multi.push((f, flag));
                        }
                    } else {
                        *lex.words.entry(f.into()).or_default() |= flag;
                    }
                }
            }
            lex.strip_prefixes.extend(spec.strip_prefixes.iter().map(|s| normalize_str(s)).filter(|s| !s.is_empty()));
            for w in &spec.formal_second_person {
                // Looked up by the folded form, then checked against the original case.
                *lex.words.entry(normalize_str(w).into()).or_default() |= FORMAL;
            }
            lex.second_suffixes.extend(spec.second_person_suffixes.iter().map(|s| normalize_str(s)));
            lex.first_plural_suffixes.extend(spec.first_person_plural_suffixes.iter().map(|s| normalize_str(s)));
            if let Some(n) = spec.suffix_min_stem {
                lex.suffix_min_stem = n;
            }
            for w in &spec.suffix_exceptions {
                lex.suffix_exceptions.insert(normalize_str(w).into(), ());
            }
            invitations.extend(spec.invitations.iter().map(|s| normalize_str(s)).filter(|s| !s.is_empty()));
        }
        if !multi.is_empty() {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(multi.iter().map(|(p, _)| p))
                .map_err(|e| format!("pronoun phrases: {e}"))?;
            lex.multiword = Some((ac, multi.into_iter().map(|(_, f)| f).collect()));
        }
        if !invitations.is_empty() {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&invitations)
                .map_err(|e| format!("invitations: {e}"))?;
            lex.invitations = Some(ac);
        }
        Ok(lex)
    }

    /// Flags of a folded word (0 when unknown); an unknown word is looked up again
    /// without an attached prefix.
    pub(crate) fn flags(&self, word: &str) -> u8 {
        let f = self.flags_as_written(word);
        if f & (SECOND | FIRST_PLURAL) != 0 {
            return f;
        }
        for p in &self.strip_prefixes {
            if let Some(rest) = word.strip_prefix(p.as_str()).filter(|r| r.chars().count() >= 2) {
                let g = self.flags_as_written(rest);
                if g & (SECOND | FIRST_PLURAL) != 0 {
                    return f | (g & (SECOND | FIRST_PLURAL));
                }
            }
        }
        f
    }

    fn flags_as_written(&self, word: &str) -> u8 {
        let mut f = self.words.get(word).copied().unwrap_or(0);
        if f & (SECOND | FIRST_PLURAL) == 0 && !self.suffix_exceptions.contains_key(word) {
            if self.has_suffix(word, &self.second_suffixes) {
                f |= SECOND;
            } else if self.has_suffix(word, &self.first_plural_suffixes) {
                f |= FIRST_PLURAL;
            }
        }
        f
    }

    fn has_suffix(&self, word: &str, suffixes: &[String]) -> bool {
        suffixes
            .iter()
            .any(|s| word.strip_suffix(s.as_str()).is_some_and(|stem| stem.chars().count() >= self.suffix_min_stem))
    }

    pub(crate) fn is_stopword(&self, word: &str) -> bool {
        self.words.get(word).is_some_and(|f| f & STOP != 0)
    }

    /// Stop words and pronouns: words that say nothing about a topic.
    pub fn is_function_word(&self, word: &str) -> bool {
        self.words.get(word).is_some_and(|f| f & (STOP | SECOND | FIRST_PLURAL | FORMAL) != 0)
    }

    pub(crate) fn invitations(&self) -> Option<&AhoCorasick> {
        self.invitations.as_ref()
    }

    pub(crate) fn multiword(&self) -> Option<&(AhoCorasick, Vec<u8>)> {
        self.multiword.as_ref()
    }
}
