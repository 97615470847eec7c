//! What a rule sees while checking one draft: the draft, its analysis, the channel
//! policies in force for this request, and a few derived facts computed on demand
//! (the draft's timeline among its history is built once, on first use).

use crate::analysis::{Analysis, Lexicons};
use crate::input::Draft;
use crate::lang::Lang;
use crate::policy::{ChannelPolicy, Policies};
use crate::rules::fingerprint::Fingerprint;
use crate::rules::timeline::Timeline;
use crate::text::normalize_str;
use std::cell::OnceCell;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// The context of one check.
pub struct Ctx<'a> {
    pub draft: &'a Draft,
    pub analysis: &'a Analysis<'a>,
    pub policies: &'a Policies,
    pub lexicons: &'a Lexicons,
    reply_addressed: OnceCell<bool>,
    timeline: OnceCell<Timeline<'a>>,
}

/// What a code rule reports: a finding of its rule, with the placeholder values
/// for its message.
#[derive(Debug, Clone, Default)]
pub struct Hit {
    /// Byte range in the draft's text; `None` for findings about the whole post.
    pub span: Option<Range<usize>>,
    pub args: Vec<(&'static str, String)>,
    /// For frequency findings: the earliest time that would satisfy the rules.
    pub suggested_time: Option<String>,
    /// Replacements computed for this finding (instead of the pack's).
    pub replacements: Option<Vec<String>>,
    /// Points this finding is worth when the rule grades them (a model's
    /// confidence); `None`: the rule's points.
    pub points: Option<u32>,
    /// Byte ranges of the text behind the finding, strongest first (model rules).
    pub evidence: Vec<Range<usize>>,
}

impl Hit {
    pub fn whole_post() -> Hit {
        Hit::default()
    }

    pub fn at(span: Range<usize>) -> Hit {
        Hit { span: Some(span), ..Hit::default() }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Hit {
        self.args.push((name, value.to_string()));
        self
    }
}

impl<'a> Ctx<'a> {
    pub fn new(draft: &'a Draft, analysis: &'a Analysis<'a>, policies: &'a Policies, lexicons: &'a Lexicons) -> Self {
        Ctx { draft, analysis, policies, lexicons, reply_addressed: OnceCell::new(), timeline: OnceCell::new() }
    }

    /// The draft among its history (sorted, deduplicated), for frequency and
    /// repetition rules; built on first use and shared by all of them.
    pub fn timeline(&self) -> &Timeline<'a> {
        self.timeline.get_or_init(|| Timeline::new(self.draft))
    }

    /// Where every repetition rule starts: the timeline and the draft's words,
    /// when the draft is a post to the feed (a reply answers a person in a
    /// thread), there is history to compare it with, and it has at least
    /// `min_words` words ("Thanks!" may be said twice).
    pub fn comparable_draft(&self, min_words: usize) -> Option<(&Timeline<'a>, &Fingerprint)> {
        if self.draft.reply_to.is_some() {
            return None;
        }
        let tl = self.timeline();
        if tl.posts.is_empty() {
            return None;
        }
        let me = tl.draft_print();
        (me.len() >= min_words).then_some((tl, me))
    }

    /// The policy of the draft's channel.
    pub fn policy(&self) -> &ChannelPolicy {
        self.policies.get(self.draft.channel)
    }

    /// For a reply: whether the draft names the person or takes up something they
    /// wrote. A canned line is fine in a reply that also does one of these.
    pub fn reply_addressed(&self) -> bool {
        *self.reply_addressed.get_or_init(|| {
            let Some(reply) = &self.draft.reply_to else { return true };
            let a = self.analysis;
            let folded: Vec<&str> = a.words.iter().map(|w| a.folded(w)).collect();
            if let Some(author) = &reply.author {
                let handle = normalize_str(author.trim_start_matches('@'));
                let first_name = handle.split([' ', '_', '.']).next().unwrap_or("");
                if !handle.is_empty()
                    && folded.iter().any(|w| *w == handle || (first_name.len() >= 3 && *w == first_name))
                {
                    return true;
                }
            }
            let lang = a.language.code;
            // Arabic addresses a person with the vocative يا ("يا أبو فهد"), often in
            // a spelling no handle matches.
            if lang == Lang::Ar && folded.windows(2).any(|w| w[0] == "يا" && w[1].chars().count() >= 2) {
                return true;
            }
            let Some(text) = &reply.text else { return false };
            let lex = self.lexicons.get(lang);
            let theirs = normalize_str(text);
            let min = if lang == Lang::Ar { 3 } else { 4 };
            theirs.unicode_words().filter(|w| w.chars().count() >= min).any(|w| {
                let content = !lex.is_some_and(|l| l.is_function_word(w));
                content && folded.iter().any(|mine| shares_stem(mine, w, lang))
            })
        })
    }

    /// Range of a folded-text range in the original.
    pub fn orig(&self, norm: Range<usize>) -> Range<usize> {
        self.analysis.orig_range(norm)
    }
}

/// Same word, or the same first five letters (inflection, German compounds); for
/// Arabic, the same light stem (article, conjunctions and attached pronouns off:
/// طلبي and طلبك share طلب, تأخر sits inside متأخر).
fn shares_stem(a: &str, b: &str, lang: Lang) -> bool {
    if a == b {
        return true;
    }
    if lang == Lang::Ar {
        let (x, y) = (arabic_stem(a), arabic_stem(b));
        let n = |s: &str| s.chars().count();
        return n(x) >= 3 && n(y) >= 3 && (x.contains(y) || y.contains(x));
    }
    fn prefix(s: &str) -> Option<&str> {
        s.char_indices().nth(5).map(|(i, _)| &s[..i])
    }
    matches!((prefix(a), prefix(b)), (Some(x), Some(y)) if x == y)
}

/// Strips a leading conjunction/preposition and article and a trailing attached
/// pronoun, keeping at least three letters.
fn arabic_stem(w: &str) -> &str {
    let keep = |s: &str| s.chars().count() >= 3;
    let mut s = w;
    for p in ["وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل"] {
        if let Some(r) = s.strip_prefix(p).filter(|r| keep(r)) {
            s = r;
            break;
        }
    }
    for suf in ["كما", "كم", "كن", "هم", "هن", "ها", "نا", "ك", "ه", "ي", "ت"] {
        if let Some(r) = s.strip_suffix(suf).filter(|r| keep(r)) {
            s = r;
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_stems_meet() {
        assert!(shares_stem("طلبك", "طلبي", Lang::Ar));
        assert!(shares_stem("تاخر", "متاخر", Lang::Ar));
        assert!(!shares_stem("طلبك", "كتاب", Lang::Ar));
        assert!(
            shares_stem("Espressomaschine", "Espresso", Lang::De)
                || shares_stem("espressomaschine", "espresso", Lang::De)
        );
    }
}
