//! The declarative rule kinds, compiled for speed: all phrases of a language in one
//! Aho-Corasick automaton, all patterns of a language behind one `RegexSet`
//! prefilter, metric conditions as plain comparisons.
//!
//! Word boundaries are checked on each hit instead of with the regex `\b`, which
//! falls back to a slow engine on non-ASCII text (DESIGN.md, performance notes).

use crate::analysis::Analysis;
use crate::pack::{Condition, Highlight, Metric, PatternText};
use crate::text::boundaries_ok;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexSet};
use std::ops::Range;

/// The phrases of one language (plus language-independent ones).
#[derive(Debug)]
pub(crate) struct PhraseMatcher {
    ac: Option<AhoCorasick>,
    /// For each phrase, the variant it belongs to.
    owners: Vec<u32>,
}

impl PhraseMatcher {
    pub fn new(phrases: &[(String, u32)]) -> Result<Self, String> {
        if phrases.is_empty() {
            return Ok(PhraseMatcher { ac: None, owners: Vec::new() });
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(phrases.iter().map(|(p, _)| p))
            .or_else(|_| AhoCorasick::builder().match_kind(MatchKind::Standard).build(phrases.iter().map(|(p, _)| p)))
            .map_err(|e| e.to_string())?;
        Ok(PhraseMatcher { ac: Some(ac), owners: phrases.iter().map(|(_, o)| *o).collect() })
    }

    /// Hits as (variant, range in the folded text); per variant, overlapping hits
    /// are reduced to the longest.
    pub fn find(&self, a: &Analysis<'_>, out: &mut Vec<(u32, Range<usize>)>) {
        let Some(ac) = &self.ac else { return };
        // Phrases match on the punctuation-blind view, so a comma or a dash between
        // words never defeats them; spans are mapped back to the folded text.
        let blind = a.blind();
        let text = &blind.text;
        let lang = a.language.code;
        let first = out.len();
        for m in ac.find_overlapping_iter(text) {
            if boundaries_ok(text, m.range(), lang) {
                out.push((self.owners[m.pattern().as_usize()], blind.folded_range(m.range())));
            }
        }
        dedupe_overlaps(out, first);
    }

    /// The variants with at least one phrase in the post (for `unless`).
    pub fn owners_present(&self, a: &Analysis<'_>) -> Vec<u32> {
        let mut hits = Vec::new();
        self.find(a, &mut hits);
        let mut owners: Vec<u32> = hits.into_iter().map(|(v, _)| v).collect();
        owners.dedup();
        owners
    }
}

/// Sorts `out[first..]` by variant and position, keeping per variant only
/// non-overlapping hits, longest first.
pub(crate) fn dedupe_overlaps(out: &mut Vec<(u32, Range<usize>)>, first: usize) {
    let tail = &mut out[first..];
    tail.sort_by(|a, b| {
        (a.0, a.1.start, std::cmp::Reverse(a.1.end)).cmp(&(b.0, b.1.start, std::cmp::Reverse(b.1.end)))
    });
    let mut kept: Vec<(u32, Range<usize>)> = Vec::with_capacity(tail.len());
    for (v, r) in tail.iter().cloned() {
        if let Some((pv, pr)) = kept.last()
            && *pv == v
            && r.start < pr.end
        {
            continue;
        }
        kept.push((v, r));
    }
    out.truncate(first);
    out.extend(kept);
}

/// One compiled pattern.
#[derive(Debug)]
struct Pattern {
    /// The pack's pattern followed by `\b{end-half}`, so the regex engine
    /// backtracks to a longer alternative ("friends", not "friend") instead of the
    /// match failing the boundary check afterwards. The assertion disables the fast
    /// DFA on non-ASCII text, which is acceptable here: these run only on posts the
    /// `RegexSet` already found a match in. Compiled on first use: most patterns
    /// match few posts, and compiling Unicode classes is most of start-up.
    re: std::sync::OnceLock<Option<Regex>>,
    src: String,
    owner: u32,
    /// The pattern has a `(?P<hit>…)` group naming the part to report.
    hit_group: bool,
}

impl Pattern {
    fn regex(&self) -> Option<&Regex> {
        self.re
            .get_or_init(|| {
                regex::RegexBuilder::new(&format!("(?:{})\\b{{end-half}}", self.src)).size_limit(1 << 24).build().ok()
            })
            .as_ref()
    }
}

impl PatternMatcher {
    /// Compiles every pattern's span regex now: the service does at load, and a
    /// test proves the built-in packs' patterns all compile.
    pub(crate) fn compile_all(&self) -> Result<(), String> {
        for p in self.folded_patterns.iter().chain(&self.original_patterns) {
            if p.regex().is_none() {
                return Err(format!("pattern does not compile with its boundary guard: {}", p.src));
            }
        }
        Ok(())
    }
}

/// Checks one pattern of a pack without compiling it (parsing is cheap; compiling
/// Unicode classes is not, so each pattern is compiled once, in its set).
pub(crate) fn check_pattern(p: &str) -> Result<(), String> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(p).map_err(|e| e.to_string())?;
    if hir.properties().minimum_len() == Some(0) {
        return Err("the pattern can match the empty text".into());
    }
    if p.contains("(?P<__") || p.contains("(?<__") {
        return Err("group names starting with __ are reserved".into());
    }
    Ok(())
}

/// The patterns of one pack language, behind a `RegexSet` so that a post that
/// matches none (most posts) costs one scan.
#[derive(Debug, Default)]
pub(crate) struct PatternMatcher {
    folded: Option<RegexSet>,
    original: Option<RegexSet>,
    folded_patterns: Vec<Pattern>,
    original_patterns: Vec<Pattern>,
}

/// The lazy DFA's cache per set: large enough that Arabic text with Unicode
/// classes does not thrash it into the slow fallback engine.
const DFA_CACHE: usize = 1 << 23;

impl PatternMatcher {
    pub fn new(patterns: Vec<(String, u32, PatternText)>) -> Result<Self, String> {
        let (folded, original): (Vec<_>, Vec<_>) = patterns.into_iter().partition(|p| p.2 == PatternText::Folded);
        let build = |ps: Vec<(String, u32, PatternText)>| -> Result<(Option<RegexSet>, Vec<Pattern>), String> {
            if ps.is_empty() {
                return Ok((None, Vec::new()));
            }
            let set = regex::RegexSetBuilder::new(ps.iter().map(|p| p.0.as_str()))
                .size_limit(1 << 24)
                .dfa_size_limit(DFA_CACHE)
                .build()
                .map_err(|e| e.to_string())?;
            let mut out = Vec::with_capacity(ps.len());
            for (src, owner, _) in ps {
                let hit_group = src.contains("(?P<hit>") || src.contains("(?<hit>");
                out.push(Pattern { re: std::sync::OnceLock::new(), src, owner, hit_group });
            }
            Ok((Some(set), out))
        };
        let (folded, folded_patterns) = build(folded)?;
        let (original, original_patterns) = build(original)?;
        Ok(PatternMatcher { folded, original, folded_patterns, original_patterns })
    }

    /// Hits as (variant, range, whether the range is in the folded text).
    pub fn find(&self, a: &Analysis<'_>, out: &mut Vec<(u32, Range<usize>, bool)>) {
        let lang = a.language.code;
        for (set, pats, text, folded) in [
            (&self.folded, &self.folded_patterns, a.norm.text.as_str(), true),
            (&self.original, &self.original_patterns, a.text, false),
        ] {
            let Some(set) = set else { continue };
            for i in set.matches(text).iter() {
                let p = &pats[i];
                // The set compiled this pattern already, so this cannot fail but on
                // the size limit; a pattern that did would report nothing.
                let Some(re) = p.regex() else { continue };
                if p.hit_group {
                    for c in re.captures_iter(text) {
                        if let Some(m) = c.name("hit").filter(|m| !m.is_empty() && boundaries_ok(text, m.range(), lang))
                        {
                            out.push((p.owner, m.range(), folded));
                        }
                    }
                } else {
                    for m in re.find_iter(text) {
                        if boundaries_ok(text, m.range(), lang) {
                            out.push((p.owner, m.range(), folded));
                        }
                    }
                }
            }
        }
    }
}

/// The value of a metric for an analysed post.
pub(crate) fn metric_value(m: Metric, a: &Analysis<'_>) -> f64 {
    let f = &a.features;
    let n = |x: usize| x as f64;
    match m {
        Metric::Words => n(a.prose_words().count()),
        Metric::Graphemes => n(a.graphemes),
        Metric::Hashtags => n(f.hashtags.len()),
        Metric::Mentions => n(f.mentions.len()),
        Metric::Links => n(f.links.len()),
        Metric::Emoji => n(f.emoji.len()),
        Metric::EmojiRatio => {
            let visible =
                a.offsets.grapheme_bounds().windows(2).filter(|w| !a.text[w[0]..w[1]].trim().is_empty()).count();
            if visible == 0 { 0.0 } else { n(f.emoji.len()) / n(visible) }
        }
        Metric::LongestEmojiRun => {
            let longest = f
                .emoji_runs
                .iter()
                .map(|r| f.emoji.iter().filter(|e| r.start <= e.start && e.end <= r.end).count())
                .max()
                .unwrap_or(usize::from(!f.emoji.is_empty()));
            n(longest)
        }
        Metric::Questions => n(f.question_marks.len()),
        Metric::Exclamations => n(f.exclamations),
        Metric::ExclamationRuns => n(f.exclamation_runs.len()),
        Metric::CapsWords => n(f.caps_words.len()),
        Metric::CapsRatio => {
            if f.cased_words == 0 {
                0.0
            } else {
                n(f.caps_words.len()) / n(f.cased_words)
            }
        }
        Metric::SecondPerson => n(f.second_person.len()),
        Metric::FirstPersonPlural => n(f.first_person_plural.len()),
        Metric::Invitations => n(f.invitations.len()),
        Metric::CapitalisedRatio => {
            if f.lower_words == 0 {
                0.0
            } else {
                n(f.capitalised_words) / n(f.lower_words)
            }
        }
        Metric::RepeatedWord => n(f.repeated_word.len()),
    }
}

impl Metric {
    /// The placeholder name of the metric in messages (`{caps_ratio}`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Words => "words",
            Metric::Graphemes => "graphemes",
            Metric::Hashtags => "hashtags",
            Metric::Mentions => "mentions",
            Metric::Links => "links",
            Metric::Emoji => "emoji",
            Metric::EmojiRatio => "emoji_ratio",
            Metric::LongestEmojiRun => "longest_emoji_run",
            Metric::Questions => "questions",
            Metric::Exclamations => "exclamations",
            Metric::ExclamationRuns => "exclamation_runs",
            Metric::CapsWords => "caps_words",
            Metric::CapsRatio => "caps_ratio",
            Metric::SecondPerson => "second_person",
            Metric::FirstPersonPlural => "first_person_plural",
            Metric::Invitations => "invitations",
            Metric::CapitalisedRatio => "capitalised_ratio",
            Metric::RepeatedWord => "repeated_word",
        }
    }

    /// The placeholder for the count in words (`{repeated_word_times}`: "once",
    /// "twice", "3 times"), so messages need not say "1 times".
    pub fn times_name(self) -> &'static str {
        match self {
            Metric::Words => "words_times",
            Metric::Graphemes => "graphemes_times",
            Metric::Hashtags => "hashtags_times",
            Metric::Mentions => "mentions_times",
            Metric::Links => "links_times",
            Metric::Emoji => "emoji_times",
            Metric::EmojiRatio => "emoji_ratio_times",
            Metric::LongestEmojiRun => "longest_emoji_run_times",
            Metric::Questions => "questions_times",
            Metric::Exclamations => "exclamations_times",
            Metric::ExclamationRuns => "exclamation_runs_times",
            Metric::CapsWords => "caps_words_times",
            Metric::CapsRatio => "caps_ratio_times",
            Metric::SecondPerson => "second_person_times",
            Metric::FirstPersonPlural => "first_person_plural_times",
            Metric::Invitations => "invitations_times",
            Metric::CapitalisedRatio => "capitalised_ratio_times",
            Metric::RepeatedWord => "repeated_word_times",
        }
    }

    pub fn is_ratio(self) -> bool {
        matches!(self, Metric::EmojiRatio | Metric::CapsRatio | Metric::CapitalisedRatio)
    }

    /// A count in words: "never", "once", "twice", "3 times".
    pub fn times(v: f64) -> String {
        match v.round() as i64 {
            0 => "never".into(),
            1 => "once".into(),
            2 => "twice".into(),
            n => format!("{n} times"),
        }
    }

    pub fn format(self, v: f64) -> String {
        if self.is_ratio() { format!("{:.0}%", v * 100.0) } else { format!("{v:.0}") }
    }
}

/// A metric rule variant: fires when every condition holds.
#[derive(Debug)]
pub(crate) struct MetricRule {
    pub owner: u32,
    pub when: Vec<Condition>,
    pub highlight: Option<Highlight>,
}

impl MetricRule {
    /// The metric values when the rule fires.
    pub fn eval(&self, a: &Analysis<'_>) -> Option<Vec<(Metric, f64)>> {
        let mut values = Vec::with_capacity(self.when.len());
        for c in &self.when {
            let v = metric_value(c.metric, a);
            if c.min.is_some_and(|m| v < m) || c.max.is_some_and(|m| v > m) {
                return None;
            }
            values.push((c.metric, v));
        }
        Some(values)
    }

    /// The located items to report; neighbours on one line with nothing between
    /// them but spaces, punctuation, digits and capitals ("HUGE SALE TODAY AT THE
    /// KIOSK", "#a #b #c") become one span, so a shouted line is one warning, not
    /// one per word.
    pub fn items(&self, a: &Analysis<'_>) -> Vec<Range<usize>> {
        let f = &a.features;
        let raw: Vec<Range<usize>> = match self.highlight {
            None => return Vec::new(),
            Some(Highlight::Hashtags) => f.hashtags.clone(),
            Some(Highlight::Mentions) => f.mentions.clone(),
            Some(Highlight::Links) => f.links.iter().map(|l| l.range.clone()).collect(),
            Some(Highlight::Emoji) => f.emoji.clone(),
            Some(Highlight::EmojiRuns) => f.emoji_runs.clone(),
            Some(Highlight::ExclamationRuns) => f.exclamation_runs.clone(),
            Some(Highlight::CapsWords) => f.caps_words.clone(),
            Some(Highlight::RepeatedWord) => f.repeated_word.clone(),
        };
        let mut out: Vec<Range<usize>> = Vec::with_capacity(raw.len());
        for r in raw {
            match out.last_mut() {
                Some(prev)
                    if prev.end <= r.start
                        && a.text[prev.end..r.start]
                            .chars()
                            .all(|c| c != '\n' && (!c.is_alphabetic() || c.is_uppercase())) =>
                {
                    prev.end = r.end;
                }
                _ => out.push(r),
            }
        }
        out
    }
}
