//! `frequency.daily-cap`: more posts on the draft's channel within a rolling 24 h
//! than the channel policy's `daily` allows (LinkedIn 1, Facebook 2, X 5 by
//! default), counting the draft and queued posts: every 24-hour window that
//! contains the draft is checked, so a post queued for tomorrow morning counts
//! against a draft for tonight. Followers see a feed, not a calendar; several posts
//! from one account in a day crowd it, and networks spread the reach of an
//! account's posts thinner the more often it posts.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::policy::Duration;
use crate::rules::timeline::{Ms, ms};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "frequency.daily-cap",
    placeholders: &["nth", "count", "channel", "max", "window", "others"],
    build: |t| Ok(Box::new(params::<DailyCap>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DailyCap {
    /// The rolling window the policy's `daily` number applies to.
    window: Duration,
}

impl CodeRule for DailyCap {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        // A reply answers a person in a thread; it is not a post to the feed.
        if cx.draft.reply_to.is_some() {
            return;
        }
        let Some(max) = cx.policy().daily else { return };
        let tl = cx.timeline();
        if let Some(crowd) = tl.lane(tl.channel).crowd(tl.at, ms(self.window), max) {
            out.push(crowd.hit(tl, tl.channel.display_name(), max, ms(self.window), false));
        }
    }

    fn blocked_until(&self, cx: &Ctx<'_>, at: Ms) -> Option<Ms> {
        let max = cx.policy().daily?;
        let tl = cx.timeline();
        tl.lane(tl.channel).crowd(at, ms(self.window), max).map(|c| c.until)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, fires, passes};
    use serde_json::json;

    #[test]
    fn says_the_numbers_and_the_times_in_the_audience_zone() {
        let w = fires(
            "frequency.daily-cap",
            json!({
                "post": { "text": "Our spring report is out.", "channel": "linkedin", "scheduled_at": "2026-05-05T16:00:00+02:00" },
                "audience": { "timezone": "Europe/Berlin" },
                "history": at("linkedin", &["2026-05-05T13:10:00Z", "2026-05-05T07:00:00Z", "2026-05-05T09:30:00Z"]),
            }),
        );
        assert_eq!(
            w.message,
            "4th LinkedIn post in 24 h; the policy allows 1; earlier: 09:00, 11:30, 15:10 Europe/Berlin."
        );
        // The last of them is a day behind at 15:10 tomorrow, and 12 h apart from it.
        assert_eq!(w.suggested_time.as_deref(), Some("2026-05-06T15:10:00+02:00"));
        assert!(w.span.is_none());
    }

    #[test]
    fn queued_posts_count_against_the_window_ahead() {
        let w = fires(
            "frequency.daily-cap",
            json!({
                "post": { "text": "Tonight's post.", "channel": "facebook", "scheduled_at": "2026-05-05T20:00:00+02:00" },
                "history": at("facebook", &["2026-05-06T08:00:00+02:00", "2026-05-06T12:00:00+02:00"]),
            }),
        );
        assert!(
            w.message.starts_with(
                "3rd Facebook post in 24 h; the policy allows 2; queued: Wed 6 May 08:00, Wed 6 May 12:00 UTC+02:00"
            ),
            "{}",
            w.message
        );
        // Until a day after the first queued post, every 24 h window with the
        // draft also holds both queued posts.
        assert_eq!(w.suggested_time.as_deref(), Some("2026-05-07T08:00:00+02:00"));
    }

    #[test]
    fn a_cap_of_zero_pauses_the_channel() {
        let w = fires(
            "frequency.daily-cap",
            json!({
                "post": { "text": "Hello", "channel": "linkedin", "scheduled_at": "2026-05-05T10:00:00Z" },
                "options": { "channels": { "linkedin": { "daily": 0 } } },
            }),
        );
        assert_eq!(w.message, "1st LinkedIn post in 24 h; the policy allows 0; no other posts.");
        assert_eq!(w.suggested_time, None);
    }

    #[test]
    fn no_cap_no_finding() {
        passes(
            "frequency.daily-cap",
            json!({
                "post": { "text": "Hello", "scheduled_at": "2026-05-05T10:00:00Z" },
                "history": at("generic", &["2026-05-05T09:00:00Z", "2026-05-05T09:30:00Z"]),
            }),
        );
    }
}
