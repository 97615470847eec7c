//! `frequency.quiet-hours`: the draft goes out during the channel policy's quiet
//! hours (22:00–07:00 by default) on the clock of the people it is for. A promo
//! that lands at 3 a.m. is buried under a night of other posts by breakfast, and
//! the few who see it are the ones it wakes.
//!
//! The clock is the audience's `timezone` (IANA name, so summer time is right on
//! the days it starts and ends). Without one, the offset written in
//! `scheduled_at` stands in when it is not UTC (`+02:00` is somebody's wall
//! clock, usually the team's, and teams mostly post for people near them); UTC
//! is what machines write, says nothing about anyone's night, and is not judged.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::policy::DailyWindow;
use crate::rules::timeline::{Ms, offset_name};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "frequency.quiet-hours",
    placeholders: &["time", "zone", "quiet_hours", "channel"],
    build: |t| Ok(Box::new(params::<QuietHours>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuietHours {
    /// Judge by the offset written in `scheduled_at` when the audience has no time zone.
    use_written_offset: bool,
}

impl QuietHours {
    /// The audience's clock and its name, when known.
    fn clock(&self, cx: &Ctx<'_>) -> Option<(TimeZone, String)> {
        if let Some((name, tz)) = cx.draft.audience.as_ref().and_then(|a| a.timezone.as_ref()) {
            return Some((tz.clone(), name.clone()));
        }
        let offset = cx.draft.scheduled_offset.filter(|o| self.use_written_offset && o.seconds() != 0)?;
        Some((TimeZone::fixed(offset), offset_name(offset)))
    }

    /// The local time of `at` when it falls in the quiet hours.
    fn quiet(&self, cx: &Ctx<'_>, at: Ms) -> Option<(DailyWindow, TimeZone, String, DateTime)> {
        let window = cx.policy().quiet_hours?;
        let (tz, name) = self.clock(cx)?;
        let local = tz.to_datetime(Timestamp::from_millisecond(at).ok()?);
        window.contains(local.time()).then_some((window, tz, name, local))
    }
}

impl CodeRule for QuietHours {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        // A reply answers a person in a thread; it is not a post to the feed.
        if cx.draft.reply_to.is_some() {
            return;
        }
        let Some((window, _, zone, local)) = self.quiet(cx, cx.timeline().at) else { return };
        out.push(
            Hit::whole_post()
                .arg("time", local.strftime("%H:%M"))
                .arg("zone", zone)
                .arg("quiet_hours", window.to_string().replace('-', "–"))
                .arg("channel", cx.draft.channel.display_name()),
        );
    }

    /// Quiet until the window's end on the local clock: today's when the time is
    /// before the end (the early morning), else tomorrow's. An end that falls in
    /// a summer-time gap moves to the first time that exists after it.
    fn blocked_until(&self, cx: &Ctx<'_>, at: Ms) -> Option<Ms> {
        let (window, tz, _, local) = self.quiet(cx, at)?;
        let day = if local.time() < window.end { local.date() } else { local.date().tomorrow().ok()? };
        let end = tz.to_ambiguous_timestamp(day.to_datetime(window.end)).compatible().ok()?;
        Some(end.as_millisecond().max(at + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fires, passes};
    use serde_json::{Value, json};

    fn req(at: &str, zone: Option<&str>) -> Value {
        let mut r = json!({ "post": { "text": "Fresh bread is out.", "channel": "instagram", "scheduled_at": at } });
        if let Some(z) = zone {
            r["audience"] = json!({ "timezone": z });
        }
        r
    }

    #[test]
    fn night_on_the_audience_clock_with_summer_time() {
        // 2026-03-29: Berlin springs forward at 01:00 UTC (02:00 → 03:00).
        let w = fires("frequency.quiet-hours", req("2026-03-29T04:30:00Z", Some("Europe/Berlin")));
        assert_eq!(
            w.message,
            "Goes out at 06:30 Europe/Berlin, inside the quiet hours 22:00–07:00 of the people it is for."
        );
        assert_eq!(w.suggested_time.as_deref(), Some("2026-03-29T07:00:00+02:00"));
        passes("frequency.quiet-hours", req("2026-03-29T05:30:00Z", Some("Europe/Berlin")));
        // 2026-10-25: back to winter time at 01:00 UTC; 06:30 UTC is 07:30 local.
        passes("frequency.quiet-hours", req("2026-10-25T06:30:00Z", Some("Europe/Berlin")));
        let w = fires("frequency.quiet-hours", req("2026-10-25T05:30:00Z", Some("Europe/Berlin")));
        assert_eq!(w.suggested_time.as_deref(), Some("2026-10-25T07:00:00+01:00"));
    }

    #[test]
    fn late_evening_waits_for_tomorrow_morning() {
        let w = fires("frequency.quiet-hours", req("2026-05-05T20:30:00Z", Some("Europe/Berlin")));
        assert_eq!(w.suggested_time.as_deref(), Some("2026-05-06T07:00:00+02:00"));
    }

    #[test]
    fn without_a_zone_the_written_offset_stands_in_but_utc_does_not() {
        let w = fires("frequency.quiet-hours", req("2026-05-05T23:30:00-04:00", None));
        assert!(w.message.contains("23:30 UTC-04:00"), "{}", w.message);
        assert_eq!(w.suggested_time.as_deref(), Some("2026-05-06T07:00:00-04:00"));
        passes("frequency.quiet-hours", req("2026-05-05T02:00:00Z", None));
        passes("frequency.quiet-hours", req("2026-05-05T02:00:00+00:00", None));
    }
}
