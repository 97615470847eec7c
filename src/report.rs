//! The report: what the API returns, what `--format json` prints, and what every
//! other output format is rendered from.

mod collapse;

pub use collapse::{MORE_SPANS, collapse};

use crate::analysis::LanguageInfo;
use crate::pack::{Category, Severity};
use crate::text::Span;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Review,
    Block,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

/// One warning about a draft: one finding, or the repeats of one finding
/// collapsed into it (see [`collapse`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    /// What this warning added to the score before the category cap: all its
    /// occurrences together.
    pub points: u32,
    pub message: String,
    /// Absent for findings about the whole post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The text under `span`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// How often the rule found this, with this message and these replacements:
    /// 1, or more when repeats were collapsed into this warning.
    #[serde(default = "one")]
    pub count: u32,
    /// Where the further occurrences are (after `span`), in text order: at most
    /// [`MORE_SPANS`], so `count` can be larger. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_spans: Vec<Span>,
    pub suggestion: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replacements: Vec<String>,
    /// For frequency findings: the earliest time (RFC 3339, in the audience's
    /// zone) that would satisfy every frequency rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_time: Option<String>,
    /// Where the rule's documentation is served.
    pub docs: String,
    /// For the learned model's warnings: the stretches of text that weighed most,
    /// strongest first (the first is `span`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

fn one() -> u32 {
    1
}

/// One stretch of text behind a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub span: Span,
    pub excerpt: String,
}

/// Points of one category: `points` found, `counted` after the category cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CategoryScore {
    pub points: u32,
    pub counted: u32,
    pub cap: u32,
}

/// Counts about the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub graphemes: usize,
    pub words: usize,
    /// Length as the channel counts it.
    pub weighted_length: usize,
    /// The channel's limit, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    pub hashtags: usize,
    pub mentions: usize,
    pub links: usize,
    pub emoji: usize,
    pub questions: usize,
}

/// The result of linting one draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 0–100: how much the draft reads like a broadcast.
    pub score: u32,
    pub verdict: Verdict,
    pub language: LanguageInfo,
    pub warnings: Vec<Warning>,
    /// Every category, with its points before and after the cap.
    pub categories: BTreeMap<Category, CategoryScore>,
    pub stats: Stats,
    pub rules_version: String,
}
