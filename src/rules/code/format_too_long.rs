//! `format.too-long`: the draft is longer than its channel accepts, counted the way
//! that channel counts (X's weighted characters with links as 23, Bluesky's
//! grapheme clusters, …). The span covers the part that does not fit, so an editor
//! can show where the cut would fall.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::channel::overflow_start;
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "format.too-long",
    placeholders: &["length", "limit", "over", "channel"],
    build: |t| Ok(Box::new(params::<TooLong>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TooLong {}

impl CodeRule for TooLong {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let policy = cx.policy();
        let Some(limit) = policy.limit else { return };
        let a = cx.analysis;
        let links: Vec<_> = a.features.links.iter().map(|l| l.range.clone()).collect();
        let length = crate::channel::count_length(a.text, &links, policy.counting, policy.url_length);
        if length <= limit {
            return;
        }
        let start = overflow_start(a.text, &links, policy.counting, policy.url_length, limit).unwrap_or(0);
        out.push(
            Hit::at(start..a.text.len())
                .arg("length", length)
                .arg("limit", limit)
                .arg("over", length - limit)
                .arg("channel", cx.draft.channel.display_name()),
        );
    }
}
