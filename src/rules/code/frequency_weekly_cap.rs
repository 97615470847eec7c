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
