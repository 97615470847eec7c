//! From findings to a score and a verdict.
//!
//! Each finding is worth its rule's points; repeats of one rule add up to the
//! rule's `max_points`; each category counts at most its cap (so one noisy
//! category cannot decide alone); the total is capped at 100. The verdict comes
//! from the thresholds, except that a finding of severity `error` (an unfilled
//! placeholder, a post the network would refuse) always blocks.

use crate::input::Thresholds;
use crate::pack::{Category, Severity};
use crate::report::{CategoryScore, Verdict};
use crate::rules::{Finding, RuleSet};
use std::collections::BTreeMap;

/// Category caps: one default, with per-category exceptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caps {
    pub default: u32,
    pub per_category: BTreeMap<Category, u32>,
}

impl Default for Caps {
    fn default() -> Self {
        Caps { default: 40, per_category: BTreeMap::new() }
    }
}

impl Caps {
    pub fn of(&self, c: Category) -> u32 {
        self.per_category.get(&c).copied().unwrap_or(self.default)
    }
}

/// The scored result of a draft's findings (in report order).
#[derive(Debug, Clone)]
pub struct Scored {
    /// Points each finding adds, in the order given.
    pub points: Vec<u32>,
    pub total: u32,
    pub verdict: Verdict,
    pub categories: BTreeMap<Category, CategoryScore>,
}

pub fn score(findings: &[Finding], rules: &RuleSet, caps: &Caps, thresholds: Thresholds) -> Scored {
    let mut per_rule: BTreeMap<usize, u32> = BTreeMap::new();
    let mut categories: BTreeMap<Category, CategoryScore> =
        Category::ALL.iter().map(|&c| (c, CategoryScore { cap: caps.of(c), ..CategoryScore::default() })).collect();
    let mut points = Vec::with_capacity(findings.len());
    let mut forced_block = false;
    for f in findings {
        let r = &rules.rules()[f.rule];
        let used = per_rule.entry(f.rule).or_default();
        let p = f.points.unwrap_or(r.points).min(r.max_points.saturating_sub(*used));
        *used += p;
        points.push(p);
        if let Some(c) = categories.get_mut(&r.category) {
            c.points += p;
        }
        forced_block |= r.severity == Severity::Error;
    }
    let mut total = 0;
    for c in categories.values_mut() {
        c.counted = c.points.min(c.cap);
        total += c.counted;
    }
    let total = total.min(100);
    let verdict = if forced_block || total >= thresholds.block {
        Verdict::Block
    } else if total >= thresholds.review {
        Verdict::Review
    } else {
        Verdict::Pass
    };
    Scored { points, total, verdict, categories }
}
