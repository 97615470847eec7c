//! Channel policies: how long a post may be on each network, how many hashtags read
//! as stuffing, and how often an account may post there. Defaults live in the
//! `[channels.*]` tables of `rules/any/channels.toml` with their sources; config
//! files and single requests can override any field.

use crate::channel::{Channel, Counting};
use jiff::SignedDuration;
use jiff::civil::Time;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A span of the day, e.g. 22:00–07:00 (may wrap past midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyWindow {
    pub start: Time,
    pub end: Time,
}

impl DailyWindow {
    pub fn contains(&self, t: Time) -> bool {
        if self.start <= self.end { self.start <= t && t < self.end } else { t >= self.start || t < self.end }
    }
}

impl std::str::FromStr for DailyWindow {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (a, b) =
            s.split_once(['-', '–']).ok_or_else(|| format!("'{s}' is not a time window like \"22:00-07:00\""))?;
        let t = |x: &str| x.trim().parse::<Time>().map_err(|e| format!("'{}' is not a time of day: {e}", x.trim()));
        Ok(DailyWindow { start: t(a)?, end: t(b)? })
    }
}

impl std::fmt::Display for DailyWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.start.strftime("%H:%M"), self.end.strftime("%H:%M"))
    }
}

impl<'de> Deserialize<'de> for DailyWindow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for DailyWindow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A duration written as "30m", "12h", "1h30m" or "7d" (a day is 24 hours here:
/// windows are rolling, not calendar days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub SignedDuration);

impl std::str::FromStr for Duration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |e: jiff::Error| format!("'{s}' is not a duration like \"30m\", \"12h\" or \"7d\": {e}");
        // SignedDuration refuses days (they are calendar units in jiff); a Span takes
        // them and converts with 24-hour days.
        let v: SignedDuration = match s.parse::<SignedDuration>() {
            Ok(v) => v,
            Err(_) => s
                .parse::<jiff::Span>()
                .and_then(|span| span.to_duration(jiff::SpanRelativeTo::days_are_24_hours()))
                .map_err(bad)?,
        };
        if v.is_negative() {
            return Err(format!("'{s}' is negative"));
        }
        Ok(Duration(v))
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:#}", self.0))
    }
}

/// Everything the engine knows about posting on one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelPolicy {
    /// Maximum length as the channel counts it; `None`: no limit worth checking.
    pub limit: Option<usize>,
    pub counting: Counting,
    /// Links count as this many characters (X, Mastodon).
    pub url_length: Option<usize>,
    /// More hashtags than this reads as stuffing.
    pub hashtags: usize,
    /// Posts per rolling 24 hours.
    pub daily: Option<u32>,
    /// Posts per rolling 7 days.
    pub weekly: Option<u32>,
    /// Minimum time between two posts on the channel.
    pub min_gap: Option<Duration>,
    /// Local times when the audience sleeps.
    pub quiet_hours: Option<DailyWindow>,
    /// Where the numbers come from.
    pub source: String,
}

/// A partial policy: the `[channels.NAME]` table of a pack or config file, or the
/// `options.channels.NAME` object of a request. Set fields replace the defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelPolicyPatch {
    #[serde(default, deserialize_with = "crate::input::whole::option", skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counting: Option<Counting>,
    #[serde(default, deserialize_with = "crate::input::whole::option", skip_serializing_if = "Option::is_none")]
    pub url_length: Option<usize>,
    #[serde(default, deserialize_with = "crate::input::whole::option", skip_serializing_if = "Option::is_none")]
    pub hashtags: Option<usize>,
    #[serde(default, deserialize_with = "crate::input::whole::option", skip_serializing_if = "Option::is_none")]
    pub daily: Option<u32>,
    #[serde(default, deserialize_with = "crate::input::whole::option", skip_serializing_if = "Option::is_none")]
    pub weekly: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gap: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<DailyWindow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl ChannelPolicy {
    /// The policy of a channel no pack describes: no limits at all.
    pub fn unlimited() -> Self {
        ChannelPolicy {
            limit: None,
            counting: Counting::Chars,
            url_length: None,
            hashtags: usize::MAX,
            daily: None,
            weekly: None,
            min_gap: None,
            quiet_hours: None,
            source: String::new(),
        }
    }

    pub fn apply(&mut self, p: &ChannelPolicyPatch) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = &p.$f { self.$f = Some(v.clone()); } )* };
        }
        set!(limit, url_length, daily, weekly, min_gap, quiet_hours);
        if let Some(c) = p.counting {
            self.counting = c;
        }
        if let Some(h) = p.hashtags {
            self.hashtags = h;
        }
        if let Some(s) = &p.source {
            self.source.clone_from(s);
        }
    }
}

/// The policies of all channels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policies(pub BTreeMap<Channel, ChannelPolicy>);

impl Policies {
    pub fn get(&self, c: Channel) -> &ChannelPolicy {
        static UNLIMITED: std::sync::LazyLock<ChannelPolicy> = std::sync::LazyLock::new(ChannelPolicy::unlimited);
        self.0.get(&c).unwrap_or(&UNLIMITED)
    }

    /// A copy with `patches` applied on top.
    pub fn patched(&self, patches: &BTreeMap<Channel, ChannelPolicyPatch>) -> Policies {
        let mut out = self.clone();
        for (c, p) in patches {
            out.0.entry(*c).or_insert_with(ChannelPolicy::unlimited).apply(p);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_wrap_past_midnight() {
        let w: DailyWindow = "22:00-07:00".parse().unwrap();
        assert!(w.contains(Time::constant(23, 30, 0, 0)));
        assert!(w.contains(Time::constant(3, 0, 0, 0)));
        assert!(!w.contains(Time::constant(7, 0, 0, 0)));
        assert!(!w.contains(Time::constant(12, 0, 0, 0)));
        assert!("22:00".parse::<DailyWindow>().is_err());
        assert_eq!(w.to_string(), "22:00-07:00");
    }

    #[test]
    fn patches_override_fields() {
        let mut p = ChannelPolicy::unlimited();
        let patch: ChannelPolicyPatch = toml::from_str("daily = 2\nmin_gap = \"3h\"").unwrap();
        p.apply(&patch);
        assert_eq!(p.daily, Some(2));
        assert_eq!(p.min_gap, Some(Duration(SignedDuration::from_hours(3))));
        assert!(toml::from_str::<ChannelPolicyPatch>("dayly = 2").is_err());
    }

    #[test]
    fn durations_take_days_as_24_hours() {
        assert_eq!("7d".parse::<Duration>(), Ok(Duration(SignedDuration::from_hours(168))));
        assert_eq!("1h30m".parse::<Duration>(), Ok(Duration(SignedDuration::from_mins(90))));
        assert!("-2h".parse::<Duration>().is_err());
        assert!("soon".parse::<Duration>().is_err());
    }
}
