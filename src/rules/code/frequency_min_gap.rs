//! `frequency.min-gap`: another post on the draft's channel, before or after it,
//! closer than the channel policy's `min_gap` (12 h on LinkedIn and Instagram, 3 h
//! on Facebook, 30 min on the fast networks). Two posts close together compete for
//! the same readers' attention and the second one buries the first; a scheduler
//! that spaces posts out gets both seen.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::rules::timeline::{Ms, duration, ms};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "frequency.min-gap",
    placeholders: &["gap", "relation", "channel", "other", "min_gap"],
    build: |t| Ok(Box::new(params::<MinGap>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MinGap {}

impl CodeRule for MinGap {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        // A reply answers a person in a thread; it is not a post to the feed.
        if cx.draft.reply_to.is_some() {
            return;
        }
        let Some(gap) = cx.policy().min_gap.map(ms) else { return };
        let tl = cx.timeline();
        let Some((nearest, _)) = tl.lane(tl.channel).too_close(tl.at, gap) else { return };
        let other = tl.posts[nearest].at;
        let relation = if other <= tl.at { "after" } else { "before" };
        out.push(
            Hit::whole_post()
                .arg("gap", duration((tl.at - other).abs()))
                .arg("relation", relation)
                .arg("channel", tl.channel.display_name())
                .arg("other", tl.when_in_zone(other))
                .arg("min_gap", duration(gap)),
        );
    }

    fn blocked_until(&self, cx: &Ctx<'_>, at: Ms) -> Option<Ms> {
        let gap = cx.policy().min_gap.map(ms)?;
        let tl = cx.timeline();
        tl.lane(tl.channel).too_close(at, gap).map(|(_, until)| until)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, fires, passes};
    use serde_json::json;

    #[test]
    fn names_the_nearest_post_before_or_after() {
        let req = |t: &str| {
            json!({
                "post": { "text": "Room change for the workshop.", "channel": "x", "scheduled_at": t },
                "audience": { "timezone": "Europe/Berlin" },
                "history": at("x", &["2026-05-05T08:00:00Z", "2026-05-05T08:50:00Z"]),
            })
        };
        let w = fires("frequency.min-gap", req("2026-05-05T08:10:00Z"));
        assert_eq!(
            w.message,
            "10 min after the X post at 10:00 Europe/Berlin; the policy wants at least 30 min between X posts."
        );
        // 30 min after the later post, which is itself too close to 08:10.
        assert_eq!(w.suggested_time.as_deref(), Some("2026-05-05T11:20:00+02:00"));
        let w = fires("frequency.min-gap", req("2026-05-05T08:40:00Z"));
        assert!(w.message.starts_with("10 min before the X post at 10:50"), "{}", w.message);
        passes("frequency.min-gap", req("2026-05-05T07:30:00Z"));
    }
}
