//! `frequency.weekly-cap`: more posts on the draft's channel within a rolling 7
//! days than the channel policy's `weekly` allows (LinkedIn 5, Instagram 7,
//! Facebook 10 by default; none for the fast networks), counting the draft and
//! queued posts in every 7-day window that contains the draft. A daily cap alone
//! lets an account post at its daily maximum every day of the week; on the slower
//! networks that is already too much for the people who follow it.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::policy::Duration;
use crate::rules::timeline::{Ms, ms};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "frequency.weekly-cap",
    placeholders: &["nth", "count", "channel", "max", "window", "others"],
    build: |t| Ok(Box::new(params::<WeeklyCap>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeeklyCap {
    /// The rolling window the policy's `weekly` number applies to.
    window: Duration,
}

impl CodeRule for WeeklyCap {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        // A reply answers a person in a thread; it is not a post to the feed.
        if cx.draft.reply_to.is_some() {
            return;
        }
        let Some(max) = cx.policy().weekly else { return };
        let tl = cx.timeline();
        if let Some(crowd) = tl.lane(tl.channel).crowd(tl.at, ms(self.window), max) {
            out.push(crowd.hit(tl, tl.channel.display_name(), max, ms(self.window), false));
        }
    }

    fn blocked_until(&self, cx: &Ctx<'_>, at: Ms) -> Option<Ms> {
        let max = cx.policy().weekly?;
        let tl = cx.timeline();
        tl.lane(tl.channel).crowd(at, ms(self.window), max).map(|c| c.until)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, fires, passes};
    use serde_json::json;

    #[test]
    fn counts_the_fullest_week_around_the_draft() {
        let days = [
            "2026-04-29T10:00:00Z",
            "2026-04-30T10:00:00Z",
            "2026-05-01T10:00:00Z",
            "2026-05-02T10:00:00Z",
            "2026-05-03T10:00:00Z",
        ];
        let mut history = at("linkedin", &days);
        // Queued for Thursday: it keeps the week from 30 April full after the one
        // from 29 April has passed.
        history.as_array_mut().unwrap().extend(at("linkedin", &["2026-05-07T09:00:00Z"]).as_array().unwrap().clone());
        let w = fires(
            "frequency.weekly-cap",
            json!({ "post": { "text": "Weekly notes.", "channel": "linkedin", "scheduled_at": "2026-05-05T10:00:00Z" }, "history": history }),
        );
        assert_eq!(
            w.message,
            "6th LinkedIn post in 7 days; the policy allows 5; earlier: Wed 29 Apr 10:00, Thu 30 Apr 10:00, Fri 1 May 10:00, Sat 2 May 10:00, Sun 3 May 10:00 UTC."
        );
        // The week from 30 April is full until 7 May 10:00; then the daily cap
        // waits a day after the queued 09:00 post.
        assert_eq!(w.suggested_time.as_deref(), Some("2026-05-08T09:00:00+00:00"));
    }

    #[test]
    fn channels_without_a_weekly_cap_pass() {
        let days = ["2026-04-29T10:00:00Z", "2026-04-30T10:00:00Z", "2026-05-01T10:00:00Z", "2026-05-02T10:00:00Z"];
        passes(
            "frequency.weekly-cap",
            json!({ "post": { "text": "Hi", "channel": "x", "scheduled_at": "2026-05-05T10:00:00Z" }, "history": at("x", &days) }),
        );
    }
}
