//! `frequency.burst`: more posts across all channels within a short window (an
//! hour by default) than the pack allows, counting the draft and queued posts.
//! Per-channel caps miss an account that fires at every network at once; people
//! who follow it in two or three places see a flood, and a launch that goes
//! everywhere in ten minutes reads as a campaign, not as someone talking.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::policy::Duration;
use crate::rules::timeline::{Ms, ms};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "frequency.burst",
    placeholders: &["nth", "count", "max", "window", "others"],
    build: |t| {
        let p: Burst = params(t)?;
        if p.window.0.is_zero() {
            return Err("`window` must be longer than zero".into());
        }
        Ok(Box::new(p))
    },
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Burst {
    /// The rolling window, across all channels.
    window: Duration,
    /// Posts allowed in it, the draft included.
    max: u32,
}

impl CodeRule for Burst {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        // A reply answers a person in a thread; it is not a post to the feed.
        if cx.draft.reply_to.is_some() {
            return;
        }
        let tl = cx.timeline();
        if let Some(crowd) = tl.all().crowd(tl.at, ms(self.window), self.max) {
            out.push(crowd.hit(tl, "", self.max, ms(self.window), true));
        }
    }

    fn blocked_until(&self, cx: &Ctx<'_>, at: Ms) -> Option<Ms> {
        cx.timeline().all().crowd(at, ms(self.window), self.max).map(|c| c.until)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fires, passes};
    use serde_json::json;

    fn req(draft: &str) -> serde_json::Value {
        json!({
            "post": { "text": "We are live!", "channel": "x", "scheduled_at": draft },
            "history": [
                { "channel": "linkedin", "at": "2026-05-05T10:00:00Z" },
                { "channel": "facebook", "at": "2026-05-05T10:10:00Z" },
                { "channel": "instagram", "at": "2026-05-05T10:20:00Z" },
                { "channel": "threads", "at": "2026-05-05T10:25:00Z" },
            ],
        })
    }

    #[test]
    fn counts_every_channel_in_the_hour() {
        let w = fires("frequency.burst", req("2026-05-05T10:30:00Z"));
        assert_eq!(
            w.message,
            "5th post across all channels in 1 h; more than 4 reads as a flood; earlier: LinkedIn 10:00, Facebook 10:10, Instagram 10:20, Threads 10:25 UTC."
        );
        assert_eq!(w.suggested_time.as_deref(), Some("2026-05-05T11:00:00+00:00"));
        passes("frequency.burst", req("2026-05-05T11:00:00Z"));
        passes("frequency.burst", req("2026-05-05T09:00:00Z"));
    }
}
