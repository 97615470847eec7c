//! `repetition.near-duplicate`: the draft is nearly the same text as a post on the
//! same channel within a week either side of it (posted or queued). Similarity is
//! the Jaccard index of two-word shingles of the folded words: pairs keep word
//! order ("dogs bite people" is not "people bite dogs") while one changed word in
//! a 25-word post still leaves it 85 % the same. Followers notice a repeat long
//! before an algorithm does, and networks demote repeated text as spam.
//! History items without text count for frequency only, never here.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::policy::Duration;
use crate::rules::fingerprint::jaccard;
use crate::rules::timeline::{and_more, excerpt, ms};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "repetition.near-duplicate",
    placeholders: &["similarity", "channel", "when", "excerpt", "more"],
    build: |t| {
        let p: NearDuplicate = params(t)?;
        if !(0.0..=1.0).contains(&p.threshold) || p.threshold == 0.0 {
            return Err("`threshold` must be above 0 and at most 1".into());
        }
        if p.shingle == 0 {
            return Err("`shingle` must be at least 1".into());
        }
        Ok(Box::new(p))
    },
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NearDuplicate {
    /// How far before and after the draft a post counts as recent.
    window: Duration,
    /// Jaccard similarity (0–1) from which two posts are near-duplicates.
    threshold: f64,
    /// Words per shingle.
    shingle: usize,
    /// Texts with fewer words are not compared ("Thanks!" may be said twice).
    min_words: usize,
}

impl CodeRule for NearDuplicate {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let Some((tl, me)) = cx.comparable_draft(self.min_words) else { return };
        let mine = me.shingles(self.shingle);
        // The most similar post; among equals, the closest in time.
        let mut best: Option<(f64, usize)> = None;
        let mut count = 0;
        for p in tl.lane(tl.channel).around(tl.at, ms(self.window)) {
            let Some(theirs) = tl.print(p).filter(|f| f.len() >= self.min_words) else { continue };
            let s = jaccard(&mine, &theirs.shingles(self.shingle));
            if s < self.threshold {
                continue;
            }
            count += 1;
            let closer = |q: usize| (tl.posts[p].at - tl.at).abs() < (tl.posts[q].at - tl.at).abs();
            if best.is_none_or(|(bs, q)| s > bs || (s == bs && closer(q))) {
                best = Some((s, p));
            }
        }
        let Some((s, p)) = best else { return };
        let text = tl.item(p).text.as_deref().unwrap_or_default();
        let more = and_more(count - 1, ms(self.window));
        out.push(
            Hit::whole_post()
                .arg("similarity", format!("{:.0}%", (s * 100.0).round()))
                .arg("channel", tl.channel.display_name())
                .arg("when", tl.when_in_zone(tl.posts[p].at))
                .arg("excerpt", excerpt(text, 60))
                .arg("more", more),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fires, passes};
    use serde_json::{Value, json};

    const TEXT: &str =
        "Our spring menu is here: wild garlic soup, asparagus with brown butter and rhubarb cake, every day from noon.";

    fn req(history: Value) -> Value {
        json!({ "post": { "text": TEXT, "channel": "linkedin", "scheduled_at": "2026-05-05T10:00:00Z" }, "history": history })
    }

    #[test]
    fn reports_the_closest_match_and_how_many_more() {
        let w = fires(
            "repetition.near-duplicate",
            req(json!([
                { "channel": "linkedin", "at": "2026-05-01T10:00:00Z", "text": TEXT },
                { "channel": "linkedin", "at": "2026-05-08T10:00:00Z", "text": TEXT.replace("cake", "tart") },
                { "channel": "linkedin", "at": "2026-05-04T10:00:00Z", "text": TEXT },
            ])),
        );
        assert_eq!(
            w.message,
            "100% the same as the LinkedIn post of Mon 4 May 10:00 UTC: “Our spring menu is here: wild garlic soup, asparagus with…” (and 2 more within 7 days)."
        );
        assert!(w.suggested_time.is_none(), "moving a repeat in time does not fix it");
    }

    #[test]
    fn text_less_items_and_short_texts_are_not_compared() {
        passes("repetition.near-duplicate", req(json!([{ "channel": "linkedin", "at": "2026-05-04T10:00:00Z" }])));
        passes(
            "repetition.near-duplicate",
            json!({
                "post": { "text": "Thank you!", "channel": "x" },
                "history": [{ "channel": "x", "at": "2026-05-04T10:00:00Z", "text": "Thank you!" }],
            }),
        );
    }
}
