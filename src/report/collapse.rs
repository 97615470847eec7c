//! Collapsing repeated findings (issue 12): a pasted text that says "Shop now!"
//! two thousand times is one problem said two thousand times, so it is reported
//! once, with a count and where the first repeats are, not as 2,000 warnings
//! (a 1 MB answer from a 20 KB draft). Every shell (API, CLI, editor) gets the
//! same collapsed list because the engine collapses before it hands a report out.
//!
//! Scoring is not affected: the engine scores the findings before they are
//! collapsed, and a collapsed warning's `points` are the sum of its occurrences'.

use super::Warning;
use std::collections::HashMap;

/// How many further occurrences a collapsed warning lists in `more_spans`; its
/// `count` still counts them all. Ten is enough to show the pattern and keeps a
/// warning a few kilobytes at most.
pub const MORE_SPANS: usize = 10;

/// Merges warnings that share rule, message and replacements into the first of
/// them, keeping report order. The first occurrence keeps its span, excerpt and
/// evidence; the later ones add to its `count` and `points`, and their spans fill
/// `more_spans` (in the order given: the engine's, which is text order) up to
/// [`MORE_SPANS`].
pub fn collapse(warnings: Vec<Warning>) -> Vec<Warning> {
    // Each warning's group, numbered by first appearance, so group `g` is the
    // `g`-th warning of the output.
    let mut groups: HashMap<(&str, &str, &[String]), usize> = HashMap::new();
    let group: Vec<usize> = warnings
        .iter()
        .map(|w| {
            let next = groups.len();
            *groups.entry((w.rule.as_str(), w.message.as_str(), w.replacements.as_slice())).or_insert(next)
        })
        .collect();
    let mut out: Vec<Warning> = Vec::with_capacity(groups.len());
    drop(groups);
    for (w, g) in warnings.into_iter().zip(group) {
        match out.get_mut(g) {
            None => out.push(w),
            Some(first) => {
                first.count += w.count;
                first.points += w.points;
                let room = MORE_SPANS.saturating_sub(first.more_spans.len());
                first.more_spans.extend(w.span.into_iter().chain(w.more_spans).take(room));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::{Category, Severity};
    use crate::text::Span;

    fn at(start: usize) -> Span {
        let end = start + 4;
        Span {
            start,
            end,
            byte_start: start,
            byte_end: end,
            utf16_start: start,
            utf16_end: end,
            line: 1,
            column: start + 1,
            end_line: 1,
            end_column: end + 1,
        }
    }

    fn warning(rule: &str, message: &str, start: Option<usize>, points: u32) -> Warning {
        Warning {
            rule: rule.to_owned(),
            category: Category::Broadcast,
            severity: Severity::Warning,
            points,
            message: message.to_owned(),
            span: start.map(at),
            excerpt: start.map(|_| "Shop".to_owned()),
            count: 1,
            more_spans: Vec::new(),
            suggestion: String::new(),
            replacements: vec!["Look".to_owned()],
            suggested_time: None,
            docs: String::new(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn repeats_become_one_warning_with_a_count_and_the_first_spans() {
        let mut ws: Vec<Warning> =
            (0..25).map(|i| warning("a.b", "m", Some(i * 10), if i < 2 { 12 } else { 0 })).collect();
        ws.insert(1, warning("c.d", "other", Some(5), 3));
        let out = collapse(ws);
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].rule.as_str(), out[0].count, out[0].points), ("a.b", 25, 24));
        assert_eq!(out[0].span, Some(at(0)));
        let starts: Vec<usize> = out[0].more_spans.iter().map(|s| s.start).collect();
        assert_eq!(starts, (1..=MORE_SPANS).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!((out[1].rule.as_str(), out[1].count, out[1].more_spans.len()), ("c.d", 1, 0));
    }

    #[test]
    fn a_different_message_or_rewrite_is_a_different_warning() {
        let mut other_rewrite = warning("a.b", "m", Some(20), 1);
        other_rewrite.replacements = vec!["Browse".to_owned()];
        let ws = vec![warning("a.b", "m", Some(0), 1), warning("a.b", "n", Some(10), 1), other_rewrite];
        let out = collapse(ws.clone());
        assert_eq!(out, ws);
    }

    #[test]
    fn whole_post_repeats_count_without_spans() {
        let out = collapse(vec![warning("a.b", "m", None, 5), warning("a.b", "m", None, 5)]);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].count, out[0].points, out[0].more_spans.len()), (2, 10, 0));
    }
}
