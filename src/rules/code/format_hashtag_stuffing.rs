//! `format.hashtag-stuffing`: more hashtags than the channel's norm (X 2, Threads 1,
//! Instagram 5, others 3 by default). The span runs from the first hashtag over the
//! allowance to the last one.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "format.hashtag-stuffing",
    placeholders: &["count", "max", "channel"],
    build: |t| Ok(Box::new(params::<HashtagStuffing>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HashtagStuffing {}

impl CodeRule for HashtagStuffing {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let max = cx.policy().hashtags;
        let tags = &cx.analysis.features.hashtags;
        if tags.len() <= max {
            return;
        }
        let (first, last) = (&tags[max], &tags[tags.len() - 1]);
        out.push(
            Hit::at(first.start..last.end)
                .arg("count", tags.len())
                .arg("max", max)
                .arg("channel", cx.draft.channel.display_name()),
        );
    }
}
