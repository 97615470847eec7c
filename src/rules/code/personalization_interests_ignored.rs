//! `personalization.interests-ignored`: an audience with stated interests (or a
//! description) was given, and the draft touches none of them. Matching is loose on
//! purpose, because the rule fires on absence: a word counts when it appears inside
//! a longer word (German compounds: "Espresso" in "Espressomaschine"), and Arabic
//! words are compared without the article ال and the final ة/ه.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::lang::Lang;
use crate::text::normalize_str;
use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "personalization.interests-ignored",
    placeholders: &["interests"],
    build: |t| Ok(Box::new(params::<InterestsIgnored>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InterestsIgnored {
    /// Drafts with fewer prose words are too short to judge.
    min_words: usize,
    /// Description words shorter than this are not topics.
    min_topic_letters: usize,
}

/// The comparable core of a folded word.
fn stem(w: &str, lang: Lang) -> &str {
    if lang == Lang::Ar {
        let w = w.strip_prefix("ال").filter(|r| r.chars().count() >= 2).unwrap_or(w);
        return w.strip_suffix('ه').filter(|r| r.chars().count() >= 2).unwrap_or(w);
    }
    w
}

fn mentioned(words: &[&str], topic: &str, lang: Lang) -> bool {
    let t = stem(topic, lang);
    let n = t.chars().count();
    words.iter().any(|w| if n >= 4 || lang == Lang::Ar && n >= 3 { w.contains(t) } else { *w == t })
}

impl CodeRule for InterestsIgnored {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let Some(aud) = &cx.draft.audience else { return };
        if aud.interests.is_empty() && aud.description.is_none() {
            return;
        }
        let a = cx.analysis;
        if a.prose_words().count() < self.min_words {
            return;
        }
        let lang = a.language.code;
        let words: Vec<&str> = a.words.iter().map(|w| a.folded(w)).collect();
        let lex = cx.lexicons.get(lang);
        // An interest is met when all its words are; a description when any of its
        // topic words is.
        let interest_met = aud.interests.iter().any(|i| {
            let f = normalize_str(i);
            let parts: Vec<&str> = f.unicode_words().filter(|w| !lex.is_some_and(|l| l.is_function_word(w))).collect();
            !parts.is_empty() && parts.iter().all(|p| mentioned(&words, p, lang))
        });
        let description_met = aud.description.as_deref().is_some_and(|d| {
            normalize_str(d)
                .unicode_words()
                .filter(|w| w.chars().count() >= self.min_topic_letters && !lex.is_some_and(|l| l.is_function_word(w)))
                .any(|w| mentioned(&words, w, lang))
        });
        if !interest_met && !description_met {
            let shown = if aud.interests.is_empty() {
                aud.description.clone().unwrap_or_default()
            } else {
                aud.interests.join(", ")
            };
            out.push(Hit::whole_post().arg("interests", shown));
        }
    }
}
