//! The `Engine`: one object that the CLI and the server both drive. It owns the
//! compiled rules and the lint settings, validates requests into drafts, and turns
//! a draft into a report. No I/O, no clocks: callers pass `now`.

use crate::analysis::Analysis;
use crate::channel::{Channel, count_length};
use crate::input::{Draft, InputError, InputErrorKind, Limits, LintRequest, Thresholds};
use crate::policy::{ChannelPolicyPatch, Policies};
use crate::report::{Report, Stats, Warning, collapse};
use crate::rules::{Ctx, Finding, RuleSet};
use crate::score::{Caps, score};
use jiff::Timestamp;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Lint settings that are not rules: thresholds, caps, selection, limits, channel
/// overrides. The `[lint]` and `[channels]` parts of `unbroadcast.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineConfig {
    pub thresholds: Thresholds,
    pub caps: Caps,
    /// Only these rules (ids, categories or prefixes); `None`: all.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub limits: Limits,
    pub channels: BTreeMap<Channel, ChannelPolicyPatch>,
}

/// A configuration the rules do not fit (a selector naming no rule).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

/// Compiled rules plus settings.
#[derive(Debug)]
pub struct Engine {
    rules: RuleSet,
    config: EngineConfig,
    enabled: Vec<bool>,
    policies: Policies,
}

impl Engine {
    pub fn new(rules: RuleSet, config: EngineConfig) -> Result<Engine, ConfigError> {
        let sel = |field: &str, list: &[String]| -> Result<Vec<Vec<usize>>, ConfigError> {
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    let m = rules.matching(s);
                    if m.is_empty() {
                        Err(ConfigError { field: format!("{field}[{i}]"), message: format!("no rule matches '{s}'") })
                    } else {
                        Ok(m)
                    }
                })
                .collect()
        };
        let select = config.select.as_deref().map(|s| sel("select", s)).transpose()?;
        let ignore = sel("ignore", &config.ignore)?;
        let enabled = enabled_set(rules.rules().len(), select.as_deref(), &ignore, None);
        let policies = rules.policies().patched(&config.channels);
        Ok(Engine { rules, config, enabled, policies })
    }

    /// Built-in packs and default settings.
    pub fn with_defaults() -> Result<Engine, crate::Error> {
        Ok(Engine::new(RuleSet::with_builtin(Vec::new())?, EngineConfig::default())?)
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Channel policies in force (packs plus configuration).
    pub fn policies(&self) -> &Policies {
        &self.policies
    }

    /// Validates a request into a draft; `now` stands in for a missing time.
    pub fn prepare(&self, req: LintRequest, now: Timestamp) -> Result<Draft, InputError> {
        let draft = Draft::from_request(req, &self.config.limits, now)?;
        self.selection(&draft)?;
        Ok(draft)
    }

    /// Validates and lints in one step.
    pub fn lint_request(&self, req: LintRequest, now: Timestamp) -> Result<Report, InputError> {
        let draft = self.prepare(req, now)?;
        Ok(self.lint(&draft))
    }

    /// Whether each rule (by index in [`RuleSet::rules`]) runs for this draft: the
    /// configuration narrowed by the draft's options. A shell uses it to tell a
    /// suppression that suppressed nothing from one whose rules did not run.
    pub fn enabled_for(&self, draft: &Draft) -> Cow<'_, [bool]> {
        self.selection(draft).unwrap_or(Cow::Borrowed(&self.enabled))
    }

    /// The rules enabled for a draft: configuration, narrowed by its options.
    fn selection(&self, draft: &Draft) -> Result<Cow<'_, [bool]>, InputError> {
        let o = &draft.options;
        if o.select.is_none() && o.ignore.is_empty() {
            return Ok(Cow::Borrowed(&self.enabled));
        }
        let sel = |field: &str, list: &[String]| -> Result<Vec<Vec<usize>>, InputError> {
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    let m = self.rules.matching(s);
                    if m.is_empty() {
                        Err(InputError::new(
                            InputErrorKind::UnknownRule,
                            format!("/options/{field}/{i}"),
                            format!("no rule matches '{s}'"),
                        ))
                    } else {
                        Ok(m)
                    }
                })
                .collect()
        };
        let select = o.select.as_deref().map(|s| sel("select", s)).transpose()?;
        let ignore = sel("ignore", &o.ignore)?;
        Ok(Cow::Owned(enabled_set(self.rules.rules().len(), select.as_deref(), &ignore, Some(&self.enabled))))
    }

    /// Lints a validated draft.
    pub fn lint(&self, draft: &Draft) -> Report {
        self.lint_where(draft, |_| true)
    }

    /// Lints a validated draft, dropping every finding `keep` refuses *before* it is
    /// scored. This is how a shell applies suppressions it knows about (the CLI's
    /// inline `unbroadcast-disable` comments): a suppressed finding neither shows
    /// nor counts. `keep` sees each finding's rule index and its byte range in
    /// `draft.text`.
    ///
    /// Repeats of one finding (same rule, message and replacements) come out as one
    /// warning with a `count` (see [`collapse`]); the score counts every repeat.
    pub fn lint_where(&self, draft: &Draft, keep: impl FnMut(&Finding) -> bool) -> Report {
        let mut report = self.lint_each(draft, keep);
        report.warnings = collapse(std::mem::take(&mut report.warnings));
        report
    }

    /// The report with one warning per finding, before repeats collapse.
    fn lint_each(&self, draft: &Draft, mut keep: impl FnMut(&Finding) -> bool) -> Report {
        let hint = draft.audience.as_ref().and_then(|a| a.language);
        let analysis = Analysis::new(&draft.text, draft.language, hint, self.rules.lexicons());
        let patched;
        let policies = if draft.options.channels.is_empty() {
            &self.policies
        } else {
            patched = self.policies.patched(&draft.options.channels);
            &patched
        };
        // `prepare` already refused unknown selectors, so this cannot fail here;
        // fall back to the configured set rather than panic if a caller skipped it.
        let enabled = self.selection(draft).unwrap_or(Cow::Borrowed(&self.enabled));
        let cx = Ctx::new(draft, &analysis, policies, self.rules.lexicons());
        let mut findings = self.rules.check(&cx, &enabled);
        findings.retain(|f| keep(f));
        sort_findings(&mut findings, &self.rules);
        let thresholds = draft.options.thresholds.unwrap_or(self.config.thresholds);
        let scored = score(&findings, &self.rules, &self.config.caps, thresholds);
        let warnings = findings.iter().zip(&scored.points).map(|(f, &p)| self.warning(&analysis, f, p)).collect();

        let policy = policies.get(draft.channel);
        let links: Vec<_> = analysis.features.links.iter().map(|l| l.range.clone()).collect();
        let f = &analysis.features;
        Report {
            id: draft.id.clone(),
            score: scored.total,
            verdict: scored.verdict,
            language: analysis.language,
            warnings,
            categories: scored.categories,
            stats: Stats {
                graphemes: analysis.graphemes,
                words: analysis.prose_words().count(),
                weighted_length: count_length(&draft.text, &links, policy.counting, policy.url_length),
                limit: policy.limit,
                hashtags: f.hashtags.len(),
                mentions: f.mentions.len(),
                links: f.links.len(),
                emoji: f.emoji.len(),
                questions: f.question_marks.len(),
            },
            rules_version: self.rules.version().to_owned(),
        }
    }

    fn warning(&self, a: &Analysis<'_>, f: &Finding, points: u32) -> Warning {
        let rule = &self.rules.rules()[f.rule];
        let v = &rule.variants[f.variant];
        let span = f.span.clone().map(|r| a.offsets.span(a.text, r));
        let excerpt = span.map(|s| a.text[s.byte_start..s.byte_end].to_owned());
        let message = fill(&v.message, excerpt.as_deref(), &f.args);
        Warning {
            rule: rule.id.clone(),
            category: rule.category,
            severity: rule.severity,
            points,
            message,
            span,
            excerpt,
            count: 1,
            more_spans: Vec::new(),
            suggestion: v.suggestion.clone(),
            replacements: f.replacements.clone().unwrap_or_else(|| v.replacements.clone()),
            suggested_time: f.suggested_time.clone(),
            docs: format!("/v1/rules/{}", rule.id),
            evidence: f
                .evidence
                .iter()
                .map(|r| {
                    let span = a.offsets.span(a.text, r.clone());
                    crate::report::Evidence { excerpt: a.text[span.byte_start..span.byte_end].to_owned(), span }
                })
                .collect(),
        }
    }
}

/// A message template with `{match}` and the finding's own `{name}`s filled in,
/// in one pass; a placeholder without a value stays as written.
fn fill(template: &str, excerpt: Option<&str>, args: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let v =
                if name == "match" { excerpt } else { args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str()) };
            v.map(|v| (v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whole-post findings first, then by position, then by rule id.
fn sort_findings(findings: &mut [Finding], rules: &RuleSet) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| (f.span.as_ref().map(|s| (s.start, s.end)), f.rule);
        key(a).cmp(&key(b)).then_with(|| rules.rules()[a.rule].id.cmp(&rules.rules()[b.rule].id))
    });
}

fn enabled_set(n: usize, select: Option<&[Vec<usize>]>, ignore: &[Vec<usize>], base: Option<&[bool]>) -> Vec<bool> {
    let mut on = match select {
        Some(groups) => {
            let mut v = vec![false; n];
            for i in groups.iter().flatten() {
                v[*i] = true;
            }
            v
        }
        None => base.map_or_else(|| vec![true; n], <[bool]>::to_vec),
    };
    if let (Some(_), Some(base)) = (select, base) {
        // A request can narrow the configured set, never widen it.
        for (o, b) in on.iter_mut().zip(base) {
            *o &= *b;
        }
    }
    for i in ignore.iter().flatten() {
        on[*i] = false;
    }
    on
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_in_one_pass() {
        let args = [("n", "3".to_owned()), ("cues", "“{n}”".to_owned())];
        assert_eq!(fill("{match} ×{n}: {cues} {x} {", Some("Shop {n}"), &args), "Shop {n} ×3: “{n}” {x} {");
        assert_eq!(fill("no {match}", None, &[]), "no {match}");
    }

    #[test]
    fn findings_refused_by_keep_neither_show_nor_count() {
        let e = Engine::with_defaults().unwrap();
        let now: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        let d = Draft::from_text("Shop now, only a few left! Like and share to win!", now);
        let all = e.lint(&d);
        let share = e.rules().index_of("bait.share").unwrap();
        let kept = e.lint_where(&d, |f| f.rule != share);
        assert!(all.warnings.iter().any(|w| w.rule == "bait.share"));
        assert!(kept.warnings.iter().all(|w| w.rule != "bait.share"));
        assert_eq!(kept.score, all.score - all.categories[&crate::pack::Category::Bait].counted);
        assert!(e.enabled_for(&d)[share]);
    }

    /// Issue 12: 20 KB of "Shop now! " is 2,000 findings of one rule. Collapsed
    /// into one warning they score exactly as the 2,000 did.
    #[test]
    fn collapsing_repeats_leaves_score_and_verdict_alone() {
        let e = Engine::with_defaults().unwrap();
        let now: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        let d = Draft::from_text("Shop now! ".repeat(2000), now);
        let each = e.lint_each(&d, |_| true);
        let collapsed = e.lint(&d);
        assert!(each.warnings.len() >= 2000, "{}", each.warnings.len());
        assert!(collapsed.warnings.len() < 10, "{:#?}", collapsed.warnings);
        assert_eq!((collapsed.score, collapsed.verdict), (each.score, each.verdict));
        assert_eq!(collapsed.categories, each.categories);
        // Nothing is lost on the way: every finding and every point is in a count.
        let total = |r: &Report| r.warnings.iter().map(|w| w.count as usize).sum::<usize>();
        assert_eq!(total(&collapsed), each.warnings.len());
        for (c, s) in &collapsed.categories {
            let points: u32 = collapsed.warnings.iter().filter(|w| w.category == *c).map(|w| w.points).sum();
            assert_eq!(points, s.points, "{c:?}");
        }
        assert_eq!(collapse(each.warnings), collapsed.warnings);
    }
}
