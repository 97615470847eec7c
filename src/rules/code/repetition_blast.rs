//! `repetition.blast`: the same text (or nearly: by default the 0.8 shingle
//! similarity of `repetition.near-duplicate`) goes to several channels within a short window,
//! the draft included — by default three channels within 60 minutes. Each network
//! has its own length, tone and audience; one text fired at all of them at once
//! fits none, and people who follow the account in two places get it twice.
//! History items without text count for frequency only, never here.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::channel::Channel;
use crate::policy::Duration;
use crate::rules::fingerprint::jaccard;
use crate::rules::timeline::{Ms, duration, ms};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "repetition.blast",
    placeholders: &["count", "window", "posts"],
    build: |t| {
        let p: Blast = params(t)?;
        if !(0.0..=1.0).contains(&p.threshold) || p.threshold == 0.0 {
            return Err("`threshold` must be above 0 and at most 1".into());
        }
        if p.channels < 2 || p.shingle == 0 || p.window.0.is_zero() {
            return Err("`channels` must be at least 2, `shingle` at least 1, `window` longer than zero".into());
        }
        Ok(Box::new(p))
    },
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Blast {
    /// The window the channels are counted in.
    window: Duration,
    /// Distinct channels, the draft's included, from which it is a blast.
    channels: usize,
    /// Jaccard similarity (0–1) from which two texts are the same text.
    threshold: f64,
    /// Words per shingle.
    shingle: usize,
    /// Texts with fewer words are not compared.
    min_words: usize,
}

/// A post with the draft's text: when, where, and which post (`None`: the draft).
type Sent = (Ms, Channel, Option<usize>);

impl CodeRule for Blast {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let Some((tl, me)) = cx.comparable_draft(self.min_words) else { return };
        let window = ms(self.window);
        let mine = me.shingles(self.shingle);
        // The same text near the draft, on any channel.
        let mut same: Vec<Sent> = tl
            .all()
            .around(tl.at, window)
            .filter(|&p| {
                tl.print(p).is_some_and(|f| {
                    f.len() >= self.min_words && jaccard(&mine, &f.shingles(self.shingle)) >= self.threshold
                })
            })
            .map(|p| (tl.posts[p].at, tl.posts[p].channel, Some(p)))
            .collect();
        if same.is_empty() {
            return;
        }
        same.push((tl.at, tl.channel, None));
        same.sort_by_key(|(at, _, p)| (*at, p.is_some()));
        // Windows that contain the draft start at one of these posts, at or before it.
        let mut best: Option<(usize, &[Sent])> = None;
        for (i, &(start, _, _)) in same.iter().enumerate() {
            if start > tl.at {
                break;
            }
            let end = i + same[i..].partition_point(|(at, _, _)| *at < start.saturating_add(window));
            let members = &same[i..end];
            let mut channels: Vec<Channel> = members.iter().map(|(_, c, _)| *c).collect();
            channels.sort_unstable();
            channels.dedup();
            if best.is_none_or(|(n, _)| channels.len() > n) {
                best = Some((channels.len(), members));
            }
        }
        let Some((n, members)) = best.filter(|(n, _)| *n >= self.channels) else { return };
        let posts: Vec<String> = members
            .iter()
            .map(|(at, c, p)| {
                let this = if p.is_none() { " (this draft)" } else { "" };
                format!("{} {}{this}", c.display_name(), tl.when(*at))
            })
            .collect();
        out.push(
            Hit::whole_post()
                .arg("count", n)
                .arg("window", duration(window))
                .arg("posts", format!("{} {}", posts.join(", "), tl.zone_label())),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fires, passes};
    use serde_json::json;

    const TEXT: &str = "The new app is live: faster checkout, saved baskets and dark mode.";

    #[test]
    fn lists_the_channels_in_the_window() {
        let w = fires(
            "repetition.blast",
            json!({
                "post": { "text": TEXT, "channel": "x", "scheduled_at": "2026-05-05T10:00:00+02:00" },
                "history": [
                    { "channel": "threads", "at": "2026-05-05T08:59:00+02:00", "text": TEXT },
                    { "channel": "linkedin", "at": "2026-05-05T09:30:00+02:00", "text": TEXT },
                    { "channel": "facebook", "at": "2026-05-05T10:20:00+02:00", "text": TEXT },
                ],
            }),
        );
        // Threads at 08:59 is more than an hour before Facebook at 10:20: the
        // fullest window holds LinkedIn, X and Facebook.
        assert_eq!(
            w.message,
            "The same text goes to 3 channels within 1 h: LinkedIn 09:30, X 10:00 (this draft), Facebook 10:20 UTC+02:00."
        );
    }

    #[test]
    fn bad_params_are_refused() {
        let build = |t: &str| (super::DEF.build)(&toml::from_str(t).unwrap()).map(|_| ());
        assert!(build("window = \"60m\"\nchannels = 3\nthreshold = 0.8\nshingle = 2\nmin_words = 4").is_ok());
        assert!(build("window = \"60m\"\nchannels = 1\nthreshold = 0.8\nshingle = 2\nmin_words = 4").is_err());
        assert!(build("window = \"60m\"\nchannels = 3\nthreshold = 1.5\nshingle = 2\nmin_words = 4").is_err());
        assert!(build("window = \"soon\"\nchannels = 3\nthreshold = 0.8\nshingle = 2\nmin_words = 4").is_err());
        assert!(
            build("window = \"60m\"\nchannels = 3\nthreshold = 0.8\nshingle = 2").is_err(),
            "min_words is required"
        );
    }

    #[test]
    fn the_same_channel_twice_is_not_two_channels() {
        passes(
            "repetition.blast",
            json!({
                "post": { "text": TEXT, "channel": "x", "scheduled_at": "2026-05-05T10:00:00Z" },
                "history": [
                    { "channel": "x", "at": "2026-05-05T10:05:00Z", "text": TEXT },
                    { "channel": "linkedin", "at": "2026-05-05T10:10:00Z", "text": TEXT },
                ],
            }),
        );
    }
}
