//! Measuring rule quality on labelled posts, the way spam filters are judged:
//! ROC AUC of the score, recall and false-positive rate at the `review` and
//! `block` verdicts, and per rule the hit rates on wanted and unwanted posts with
//! their S/O ratio (SpamAssassin's rule QA). Pure arithmetic over outcomes; the
//! CLI does the reading and linting.

use crate::report::Verdict;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One labelled post (`../shared/corpus/dev.jsonl` shape; extra fields ignored).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Labelled {
    pub id: String,
    pub lang: String,
    #[serde(default)]
    pub source: String,
    pub label: Label,
    #[serde(default)]
    pub kind: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Promotional, clickbait, spam: should score high.
    Broadcast,
    /// Conversational or plain: should pass.
    Not,
}

/// What linting one labelled post gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub lang: String,
    pub source: String,
    pub label: Label,
    pub score: u32,
    pub verdict: Verdict,
    /// Rule ids that fired (each once).
    pub rules: Vec<String>,
}

/// Quality figures for a group of posts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    pub broadcast: usize,
    pub not: usize,
    /// `None` when the group lacks one of the labels.
    pub auc: Option<f64>,
    pub recall_review: Option<f64>,
    pub fpr_review: Option<f64>,
    pub recall_block: Option<f64>,
    pub fpr_block: Option<f64>,
}

/// One rule's hit rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleStats {
    pub rule: String,
    pub hits_broadcast: usize,
    pub hits_not: usize,
    /// broadcast-rate / (broadcast-rate + not-rate); 1.0 fires only on broadcasts.
    pub s_o: Option<f64>,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub overall: GroupStats,
    pub by_language: BTreeMap<String, GroupStats>,
    pub by_source: BTreeMap<String, GroupStats>,
    /// The conversational posts (labelled `not` from the sources given): the
    /// false-positive rates that cost the most trust.
    pub conversational: GroupStats,
    /// Per rule, per language of the posts it fired on, and overall ("all").
    pub rules: BTreeMap<String, Vec<RuleStats>>,
}

/// Sources of conversational posts in the dev corpus: brand support replies,
/// personal SMS, user tweets, ordinary video comments.
pub const CONVERSATIONAL_SOURCES: [&str; 4] = ["twcs", "sms-spam", "germeval-2017", "youtube-spam"];

/// ROC AUC by ranks (Mann–Whitney U), ties counted half.
pub fn roc_auc(pos: &[u32], neg: &[u32]) -> Option<f64> {
    if pos.is_empty() || neg.is_empty() {
        return None;
    }
    let mut all: Vec<(u32, bool)> = pos.iter().map(|&s| (s, true)).chain(neg.iter().map(|&s| (s, false))).collect();
    all.sort_unstable_by_key(|&(s, _)| s);
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j share their average.
        let avg = (i + 1 + j) as f64 / 2.0;
        rank_sum_pos += avg * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (p, n) = (pos.len() as f64, neg.len() as f64);
    Some((rank_sum_pos - p * (p + 1.0) / 2.0) / (p * n))
}

fn rate(hits: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| hits as f64 / of as f64)
}

pub fn group(outcomes: &[&Outcome]) -> GroupStats {
    let pos: Vec<&&Outcome> = outcomes.iter().filter(|o| o.label == Label::Broadcast).collect();
    let neg: Vec<&&Outcome> = outcomes.iter().filter(|o| o.label == Label::Not).collect();
    let at = |v: &[&&Outcome], min: Verdict| v.iter().filter(|o| o.verdict >= min).count();
    GroupStats {
        broadcast: pos.len(),
        not: neg.len(),
        auc: roc_auc(
            &pos.iter().map(|o| o.score).collect::<Vec<_>>(),
            &neg.iter().map(|o| o.score).collect::<Vec<_>>(),
        ),
        recall_review: rate(at(&pos, Verdict::Review), pos.len()),
        fpr_review: rate(at(&neg, Verdict::Review), neg.len()),
        recall_block: rate(at(&pos, Verdict::Block), pos.len()),
        fpr_block: rate(at(&neg, Verdict::Block), neg.len()),
    }
}

fn rule_stats(outcomes: &[&Outcome]) -> Vec<RuleStats> {
    let pos = outcomes.iter().filter(|o| o.label == Label::Broadcast).count();
    let neg = outcomes.len() - pos;
    let mut hits: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in outcomes {
        for r in &o.rules {
            let h = hits.entry(r.as_str()).or_default();
            if o.label == Label::Broadcast {
                h.0 += 1;
            } else {
                h.1 += 1;
            }
        }
    }
    hits.into_iter()
        .map(|(rule, (b, n))| {
            let (rb, rn) = (rate(b, pos).unwrap_or(0.0), rate(n, neg).unwrap_or(0.0));
            RuleStats {
                rule: rule.to_owned(),
                hits_broadcast: b,
                hits_not: n,
                s_o: (rb + rn > 0.0).then(|| rb / (rb + rn)),
            }
        })
        .collect()
}

pub fn evaluate(outcomes: &[Outcome], conversational_sources: &[&str]) -> Evaluation {
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let conversational: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.label == Label::Not && conversational_sources.contains(&o.source.as_str()))
        .collect();
    let mut by_language: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
    let mut by_source: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
    for o in outcomes {
        by_language.entry(o.lang.clone()).or_default().push(o);
        by_source.entry(o.source.clone()).or_default().push(o);
    }
    let mut rules = BTreeMap::new();
    rules.insert("all".to_owned(), rule_stats(&all));
    for (l, v) in &by_language {
        rules.insert(l.clone(), rule_stats(v));
    }
    Evaluation {
        overall: group(&all),
        by_language: by_language.iter().map(|(k, v)| (k.clone(), group(v))).collect(),
        by_source: by_source.iter().map(|(k, v)| (k.clone(), group(v))).collect(),
        conversational: group(&conversational),
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_by_ranks() {
        assert_eq!(roc_auc(&[3, 4], &[1, 2]), Some(1.0));
        assert_eq!(roc_auc(&[1, 2], &[3, 4]), Some(0.0));
        assert_eq!(roc_auc(&[5, 5], &[5, 5]), Some(0.5));
        // One positive above both negatives, one tied with one: (1 + 0.5 + 1 + 1) / 4
        assert_eq!(roc_auc(&[2, 9], &[2, 1]), Some(0.875));
        assert_eq!(roc_auc(&[], &[1]), None);
    }

    #[test]
    fn rates_and_s_o() {
        let o = |label, score, verdict, rules: &[&str]| Outcome {
            lang: "en".into(),
            source: "s".into(),
            label,
            score,
            verdict,
            rules: rules.iter().map(|r| (*r).to_owned()).collect(),
        };
        let v = vec![
            o(Label::Broadcast, 70, Verdict::Block, &["a", "b"]),
            o(Label::Broadcast, 40, Verdict::Review, &["a"]),
            o(Label::Not, 0, Verdict::Pass, &[]),
            o(Label::Not, 35, Verdict::Review, &["b"]),
        ];
        let e = evaluate(&v, &["s"]);
        assert_eq!(e.conversational.not, 2);
        assert_eq!(e.conversational.fpr_review, Some(0.5));
        assert_eq!(e.overall.recall_review, Some(1.0));
        assert_eq!(e.overall.fpr_review, Some(0.5));
        assert_eq!(e.overall.recall_block, Some(0.5));
        assert_eq!(e.overall.fpr_block, Some(0.0));
        let a = e.rules["all"].iter().find(|r| r.rule == "a").unwrap();
        assert_eq!((a.hits_broadcast, a.hits_not, a.s_o), (2, 0, Some(1.0)));
        let b = e.rules["all"].iter().find(|r| r.rule == "b").unwrap();
        assert_eq!(b.s_o, Some(0.5));
    }
}
