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
