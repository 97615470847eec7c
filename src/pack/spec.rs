//! The shape of a pack file, as serde reads it. Unknown fields are errors.

use crate::analysis::LexiconSpec;
use crate::input::{AudienceIn, HistoryIn, OptionsIn, ReplyToIn};
use crate::policy::ChannelPolicyPatch;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// A whole pack file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackHeader,
    #[serde(default)]
    pub lexicon: Option<LexiconSpec>,
    /// Channel policies (`[channels.x]`); each channel is described by one pack.
    #[serde(default)]
    pub channels: BTreeMap<String, Spanned<ChannelPolicyPatch>>,
    /// Old rule ids that now live under a new id (`"old.id" = "new.id"`).
    #[serde(default)]
    pub redirects: BTreeMap<String, String>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<Spanned<RuleSpec>>,
    /// Learned models (`[[model]]`, written by `unbroadcast train`) that rules of
    /// kind `model` name.
    #[serde(default, rename = "model")]
    pub models: Vec<Spanned<crate::model::ModelSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// `en`, `de`, `ar` or `any`.
    pub language: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// The seven categories of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Broadcast,
    Bait,
    Personalization,
    Conversation,
    Frequency,
    Repetition,
    Format,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Broadcast,
        Category::Bait,
        Category::Personalization,
        Category::Conversation,
        Category::Frequency,
        Category::Repetition,
        Category::Format,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Broadcast => "broadcast",
            Category::Bait => "bait",
            Category::Personalization => "personalization",
            Category::Conversation => "conversation",
            Category::Frequency => "frequency",
            Category::Repetition => "repetition",
            Category::Format => "format",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Literal phrases on the folded text at word boundaries.
    Phrases,
    /// Regular expressions (on the folded text unless `text = "original"`).
    Pattern,
    /// Thresholds on analysis features.
    Metric,
    /// Implemented in Rust (`src/rules/code/`); parameters from `params`.
    Code,
    /// A learned model of the pack's language (`model = "name"`, a `[[model]]`
    /// table); fires at `params.threshold` probability, points graded up to `points`.
    Model,
}

/// When a declarative rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    #[default]
    Always,
    /// Only drafts that reply to someone (`post.reply_to`).
    Reply,
    /// Only drafts that reply to no one.
    Standalone,
    /// Replies that neither name the person nor take up anything they wrote.
    ReplyUnaddressed,
}

/// Which text a pattern runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatternText {
    /// The folded text (lower case, unified letters): the default.
    #[default]
    Folded,
    /// The text as written (case matters).
    Original,
}

/// Numbers a metric rule can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Words outside links, hashtags and mentions.
    Words,
    Graphemes,
    Hashtags,
    Mentions,
    Links,
    Emoji,
    /// Emoji per grapheme cluster that is not white space (0–1).
    EmojiRatio,
    /// Emoji in the longest run of emoji.
    LongestEmojiRun,
    Questions,
    Exclamations,
    ExclamationRuns,
    CapsWords,
    /// Capitalised words per word with letter case (0–1).
    CapsRatio,
    SecondPerson,
    FirstPersonPlural,
    Invitations,
    /// Words that start with a capital, per word with lower-case letters (0–1):
    /// 1 is Every Word Capitalised. Words in capitals do not count either way.
    CapitalisedRatio,
    /// How often the post's most repeated content word occurs (words of three or
    /// more letters that are not function words of the post's language).
    RepeatedWord,
}

/// One condition of a metric rule: `metric` ≥ `min` and/or ≤ `max`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub metric: Metric,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// Which located items a metric rule highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Highlight {
    Hashtags,
    Mentions,
    Links,
    Emoji,
    EmojiRuns,
    ExclamationRuns,
    CapsWords,
    RepeatedWord,
}

/// One `[[rule]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub category: Category,
    pub kind: Kind,
    pub severity: Severity,
    pub points: u32,
    /// Cap on what repeated findings of this rule add up to (default 2 × points).
    #[serde(default)]
    pub max_points: Option<u32>,
    /// Shown per finding; `{match}` and rule-specific placeholders are filled in.
    pub message: String,
    /// Why it matters: shown in docs and beside the warning.
    pub why: String,
    /// What to do instead.
    pub suggestion: String,
    /// One-click rewrites of the matched text.
    #[serde(default)]
    pub replacements: Vec<String>,
    /// Where the rule's reasoning comes from (platform guidelines, studies).
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub context: Context,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    /// Phrases that, anywhere in the post, stop the rule (a request for help is
    /// not bait: "please share if you have seen our dog").
    #[serde(default)]
    pub unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub text: Option<PatternText>,
    #[serde(default)]
    pub when: Vec<Condition>,
    #[serde(default)]
    pub highlight: Option<Highlight>,
    #[serde(default)]
    pub params: Option<toml::Table>,
    /// For kind `model`: the name of the `[[model]]` table it scores with.
    #[serde(default)]
    pub model: Option<String>,
    pub examples: ExamplesSpec,
}

/// Texts the rule must fire on, and texts it must not fire on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    pub fire: Vec<ExampleSpec>,
    pub pass: Vec<ExampleSpec>,
}

/// An example: a bare text (in the pack's language), or a table with context.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ExampleSpec {
    Text(String),
    Full(Box<ExampleFull>),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleFull {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<ReplyToIn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<AudienceIn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryIn>>,
    /// Request options, e.g. a channel policy override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsIn>,
    /// Why the example is there (shown in docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ExampleSpec {
    pub fn text(&self) -> &str {
        match self {
            ExampleSpec::Text(t) => t,
            ExampleSpec::Full(f) => &f.text,
        }
    }
}
