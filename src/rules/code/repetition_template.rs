//! `repetition.template`: the draft is a recent post on the same channel (a week
//! either side) with only its names, numbers, links, mentions or hashtags swapped
//! — "Congrats @anna on 5 years!" after "Congrats @ben on 3 years!". Precisely:
//! both texts have the same words in the same order, except for slots whose values
//! differ, a slot being a run of capitalised words (names; in German any noun), a
//! word with a digit, a link, a mention or a hashtag; they share at least
//! `min_fixed_words` ordinary words; and they are less similar than
//! `max_similarity` (above that, `repetition.near-duplicate` speaks). Readers
//! recognise a form letter after the second one, and stop reading the third.
//! Arabic has no capitals, so there only numbers, links, mentions and hashtags
//! are slots.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::policy::Duration;
use crate::rules::fingerprint::jaccard;
use crate::rules::timeline::{and_more, excerpt, ms};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "repetition.template",
    placeholders: &["channel", "when", "slots", "excerpt", "more"],
    build: |t| {
        let p: Template = params(t)?;
        if !(0.0..=1.0).contains(&p.max_similarity) || p.shingle == 0 {
            return Err("`max_similarity` must be within 0–1 and `shingle` at least 1".into());
        }
        Ok(Box::new(p))
    },
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Template {
    /// How far before and after the draft a post counts as recent.
    window: Duration,
    /// Ordinary words both texts must share.
    min_fixed_words: usize,
    /// From this similarity on, the pair is a near-duplicate instead.
    max_similarity: f64,
    /// Words per shingle, as for near-duplicates.
    shingle: usize,
}

impl CodeRule for Template {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let Some((tl, me)) = cx.comparable_draft(self.min_fixed_words) else { return };
        let mine = me.shingles(self.shingle);
        let mut found = Vec::new();
        for p in tl.lane(tl.channel).around(tl.at, ms(self.window)) {
            let Some(theirs) = tl.print(p) else { continue };
            let Some(slots) = me.template_diff(theirs, self.min_fixed_words) else { continue };
            if jaccard(&mine, &theirs.shingles(self.shingle)) < self.max_similarity {
                found.push((p, slots));
            }
        }
        let Some(&(p, slots)) = found.iter().min_by_key(|(p, _)| (tl.posts[*p].at - tl.at).abs()) else { return };
        let text = tl.item(p).text.as_deref().unwrap_or_default();
        let more = and_more(found.len() - 1, ms(self.window));
        out.push(
            Hit::whole_post()
                .arg("channel", tl.channel.display_name())
                .arg("when", tl.when_in_zone(tl.posts[p].at))
                .arg("slots", slots.describe())
                .arg("excerpt", excerpt(text, 60))
                .arg("more", more),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fires, passes};
    use serde_json::{Value, json};

    fn req(draft: &str, other: &str) -> Value {
        json!({
            "post": { "text": draft, "channel": "linkedin", "scheduled_at": "2026-05-05T10:00:00Z" },
            "history": [{ "channel": "linkedin", "at": "2026-05-01T10:00:00Z", "text": other }],
        })
    }

    #[test]
    fn names_the_slots_that_changed() {
        let w = fires(
            "repetition.template",
            req(
                "Congrats @anna on 5 years with the team! Thank you for everything you do.",
                "Congrats @ben on 3 years with the team! Thank you for everything you do.",
            ),
        );
        assert_eq!(
            w.message,
            "Differs from the LinkedIn post of Fri 1 May 10:00 UTC only in its numbers and mentions: “Congrats @ben on 3 years with the team! Thank you for…”."
        );
    }

    #[test]
    fn near_duplicates_and_changed_words_are_not_templates() {
        let long = "Congrats @anna on five wonderful years with the whole support team, thank you for everything you do for our customers every single day.";
        // Only the mention differs in a long text: that is a near-duplicate.
        passes("repetition.template", req(long, &long.replace("@anna", "@ben")));
        passes(
            "repetition.template",
            req("We are open late on Friday for the tasting.", "We are closed early on Friday for the tasting."),
        );
    }
}
