//! `suggested_time`: the earliest time, at or after the draft's, at which no
//! enabled frequency rule would fire — caps, gap, burst and quiet hours at once.
//!
//! Each frequency rule answers one question for a candidate time `t`: would the
//! draft still break me there, and if so, until when at least (`blocked_until`)?
//! Those answers are lower bounds, so the search jumps straight to the latest of
//! them and asks again; it lands on ends of windows, ends of gaps and ends of
//! quiet hours only, and stops at the first time nobody objects to. A few jumps
//! suffice even with 1,000 history items, because each jump clears a whole window.
//!
//! The search gives up after [`HORIZON`]: a queue so full that nothing fits within
//! two weeks needs a person, not a slot.

use super::code::CodeRule;
use super::context::Ctx;
use super::timeline::Ms;

/// How far ahead a suggestion may lie: two weekly windows. A weekly cap that is
/// full clears within seven days of its oldest post, so anything the defaults can
/// produce is found; only queues over every cap for weeks come back empty.
pub const HORIZON: Ms = 14 * 24 * 3_600_000;

/// A safety net against a rule that does not move time forward.
const MAX_STEPS: usize = 10_000;

/// The earliest time at or after the draft's that `rules` all accept, as RFC 3339
/// in the draft's display zone; `None` when none lies within [`HORIZON`].
pub fn suggest(cx: &Ctx<'_>, rules: &[&dyn CodeRule]) -> Option<String> {
    let tl = cx.timeline();
    let t = earliest(rules, tl.at, tl.at.saturating_add(HORIZON), |r, t| r.blocked_until(cx, t))?;
    tl.rfc3339(t)
}

/// The search itself, apart from the context so it can be tested alone.
fn earliest<R: ?Sized>(rules: &[&R], from: Ms, limit: Ms, blocked: impl Fn(&R, Ms) -> Option<Ms>) -> Option<Ms> {
    let mut t = from;
    for _ in 0..MAX_STEPS {
        let next = rules.iter().filter_map(|r| blocked(r, t)).max();
        match next {
            None => return Some(t),
            Some(n) if n > limit => return None,
            // Every answer is later than `t`; should one not be, step on anyway.
            Some(n) => t = n.max(t + 1),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule given as its blocked intervals.
    struct Blocked(Vec<(Ms, Ms)>);

    fn until(b: &Blocked, t: Ms) -> Option<Ms> {
        b.0.iter().filter(|(s, e)| *s <= t && t < *e).map(|(_, e)| *e).max()
    }

    #[test]
    fn jumps_to_the_first_time_every_rule_accepts() {
        let a = Blocked(vec![(0, 10), (15, 20)]);
        let b = Blocked(vec![(8, 16)]);
        assert_eq!(earliest(&[&a, &b], 0, 100, until), Some(20));
        assert_eq!(earliest(&[&a, &b], 12, 100, until), Some(20));
        assert_eq!(earliest(&[&a, &b], 30, 100, until), Some(30));
        assert_eq!(earliest(&[&a, &b], 0, 15, until), None);
        let never = Blocked(vec![(0, Ms::MAX)]);
        assert_eq!(earliest(&[&never], 0, 100, until), None);
    }
}
