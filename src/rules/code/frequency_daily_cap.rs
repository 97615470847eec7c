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
