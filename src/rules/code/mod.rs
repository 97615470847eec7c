//! Rules written in Rust, for checks a phrase list or a threshold cannot express.
//! One rule per file; each file's `//!` comment says what it flags and why. Their
//! user-facing docs, points, examples and parameters live in the packs like every
//! other rule's, so all rules are documented, tested and tuned the same way.

mod format_hashtag_stuffing;
mod format_too_long;
mod format_url_shortener;
mod frequency_burst;
mod frequency_daily_cap;
mod frequency_min_gap;
mod frequency_quiet_hours;
mod frequency_weekly_cap;
mod personalization_interests_ignored;
mod personalization_locale_mismatch;
mod personalization_we_vs_you;
mod repetition_blast;
mod repetition_near_duplicate;
mod repetition_template;
#[cfg(test)]
mod testing;

use super::context::{Ctx, Hit};
use super::timeline::Ms;
use serde::de::DeserializeOwned;

/// A rule implemented in Rust.
pub trait CodeRule: Send + Sync + std::fmt::Debug {
    /// Appends the rule's findings for one draft.
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>);

    /// For rules about *when* a post goes out (category `frequency`): whether the
    /// draft, moved to `at` (milliseconds since the epoch), would still break this
    /// rule. `Some(until)`: it would, and so would every time from `at` to `until`
    /// (later than `at`); `None`: `at` is fine. The engine searches these answers
    /// for the `suggested_time` of frequency findings.
    fn blocked_until(&self, _cx: &Ctx<'_>, _at: Ms) -> Option<Ms> {
        None
    }
}

/// How to build a code rule from its pack entry.
pub struct CodeRuleDef {
    pub id: &'static str,
    /// The placeholders its message may use (checked when packs load).
    pub placeholders: &'static [&'static str],
    pub build: fn(&toml::Table) -> Result<Box<dyn CodeRule>, String>,
}

/// Every code rule, sorted by id (a test checks the order and that each has a pack
/// entry with docs and examples).
pub static REGISTRY: &[CodeRuleDef] = &[
    format_hashtag_stuffing::DEF,
    format_too_long::DEF,
    format_url_shortener::DEF,
    frequency_burst::DEF,
    frequency_daily_cap::DEF,
    frequency_min_gap::DEF,
    frequency_quiet_hours::DEF,
    frequency_weekly_cap::DEF,
    personalization_interests_ignored::DEF,
    personalization_locale_mismatch::DEF,
    personalization_we_vs_you::DEF,
    repetition_blast::DEF,
    repetition_near_duplicate::DEF,
    repetition_template::DEF,
];

pub fn lookup(id: &str) -> Option<&'static CodeRuleDef> {
    REGISTRY.iter().find(|d| d.id == id)
}

/// Reads a rule's `params` table into its parameter struct (unknown keys are errors).
pub(crate) fn params<T: DeserializeOwned>(t: &toml::Table) -> Result<T, String> {
    toml::Value::Table(t.clone()).try_into::<T>().map_err(|e| e.message().trim().to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn registry_is_sorted_and_unique() {
        let ids: Vec<&str> = super::REGISTRY.iter().map(|d| d.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }
}
