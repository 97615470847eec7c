//! Inline control in post files, as ESLint and markdownlint users write it:
//!
//! ```markdown
//! <!-- unbroadcast-disable bait, broadcast.hard-sell -->   until the next enable (or the end)
//! <!-- unbroadcast-enable -->                             ends every open disable
//! <!-- unbroadcast-enable bait -->                        ends the disable of `bait` only
//! <!-- unbroadcast-disable-next-line bait.vote -->        the line after the comment
//! Vote now! <!-- unbroadcast-disable-line bait.vote -->   the comment's own line
//! ```
//!
//! Rules are named as everywhere else (an id, a category, or an id prefix ending
//! at `.` or `-`) and checked against the loaded rules: a typo is an error with its
//! line, not a comment that silently does nothing. Rules must be named — a blanket
//! disable would also hide every rule added later.
//!
//! A finding is suppressed when its first character lies in a suppression's region
//! and its rule is named there. Findings about the whole post (no question,
//! frequency) are placed at the post's first character, so a disable above the
//! post's first line covers them. A disable whose rules ran but that suppressed
//! nothing is reported as `unbroadcast.unused-disable`, like ruff's RUF100.

use crate::rules::RuleSet;
use std::ops::Range;

/// The rule id under which unused disables are reported.
pub const UNUSED_DISABLE: &str = "unbroadcast.unused-disable";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Disable,
    Enable,
    DisableNextLine,
    DisableLine,
}

impl Verb {
    const ALL: [(&'static str, Verb); 4] = [
        ("disable", Verb::Disable),
        ("enable", Verb::Enable),
        ("disable-next-line", Verb::DisableNextLine),
        ("disable-line", Verb::DisableLine),
    ];

    pub fn name(self) -> &'static str {
        Verb::ALL.iter().find(|(_, v)| *v == self).map_or("disable", |(n, _)| n)
    }
}

/// One `<!-- unbroadcast-… -->` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub verb: Verb,
    /// The rule selectors as written.
    pub selectors: Vec<String>,
    /// The comment's byte range in the file.
    pub range: Range<usize>,
    /// The comment's 1-based file line.
    pub line: usize,
}

/// A directive that cannot be used: its file line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveError {
    pub line: usize,
    pub message: String,
}

/// One selector of one directive, resolved: which rules, over which file bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Index of its directive.
    pub directive: usize,
    pub selector: String,
    /// Rule indexes in the rule set.
    pub rules: Vec<usize>,
    pub region: Range<usize>,
}

impl Suppression {
    pub fn covers(&self, rule: usize, at: usize) -> bool {
        self.region.contains(&at) && self.rules.contains(&rule)
    }
}

fn line_of(file: &str, at: usize) -> usize {
    file.as_bytes()[..at.min(file.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Reads the directives among a file's HTML comments (other comments are notes
/// and are skipped).
pub fn parse(file: &str, comments: &[Range<usize>]) -> Result<Vec<Directive>, DirectiveError> {
    let mut out = Vec::new();
    for r in comments {
        let inner = file[r.clone()].trim_start_matches("<!--").trim_end_matches("-->").trim();
        let Some(rest) = inner.strip_prefix("unbroadcast-") else { continue };
        let line = line_of(file, r.start);
        let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let Some(&(_, verb)) = Verb::ALL.iter().find(|(n, _)| *n == word) else {
            let known: Vec<String> = Verb::ALL.iter().map(|(n, _)| format!("unbroadcast-{n}")).collect();
            return Err(DirectiveError {
                line,
                message: format!("unknown directive `unbroadcast-{word}`; expected one of {}", known.join(", ")),
            });
        };
        let selectors: Vec<String> =
            args.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        if selectors.is_empty() && verb != Verb::Enable {
            return Err(DirectiveError {
                line,
                message: format!(
                    "`unbroadcast-{}` needs the rules to disable: ids or categories, such as `bait, broadcast.hard-sell`",
                    verb.name()
                ),
            });
        }
        out.push(Directive { verb, selectors, range: r.clone(), line });
    }
    Ok(out)
}

/// Resolves directives into suppressions over `file`, checking every selector
/// against `rules`.
pub fn resolve(file: &str, directives: &[Directive], rules: &RuleSet) -> Result<Vec<Suppression>, DirectiveError> {
    let mut out: Vec<Suppression> = Vec::new();
    // Indexes into `out` of disables still open.
    let mut open: Vec<usize> = Vec::new();
    for (i, d) in directives.iter().enumerate() {
        let mut resolved = Vec::with_capacity(d.selectors.len());
        for s in &d.selectors {
            let m = rules.matching(s);
            if m.is_empty() {
                return Err(DirectiveError { line: d.line, message: unknown_selector(d.verb, s, rules) });
            }
            resolved.push((s.clone(), m));
        }
        let line = |at: usize| {
            let start = file[..at].rfind('\n').map_or(0, |n| n + 1);
            let end = file[at..].find('\n').map_or(file.len(), |n| at + n);
            start..end
        };
        let region = match d.verb {
            Verb::Enable => {
                close(&mut out, &mut open, d, d.range.start)?;
                continue;
            }
            Verb::Disable => d.range.start..file.len(),
            Verb::DisableLine => line(d.range.start).start..line(d.range.end.saturating_sub(1)).end,
            Verb::DisableNextLine => {
                let this = line(d.range.end.saturating_sub(1));
                if this.end >= file.len() { file.len()..file.len() } else { line(this.end + 1) }
            }
        };
        for (selector, rules) in resolved {
            if d.verb == Verb::Disable {
                open.push(out.len());
            }
            out.push(Suppression { directive: i, selector, rules, region: region.clone() });
        }
    }
    Ok(out)
}

/// Ends open disables at `at`: all of them, or those naming the enable's selectors.
fn close(out: &mut [Suppression], open: &mut Vec<usize>, d: &Directive, at: usize) -> Result<(), DirectiveError> {
    if d.selectors.is_empty() {
        for i in open.drain(..) {
            out[i].region.end = at;
        }
        return Ok(());
    }
    for s in &d.selectors {
        let before = open.len();
        open.retain(|&i| {
            let hit = out[i].selector == *s;
            if hit {
                out[i].region.end = at;
            }
            !hit
        });
        if open.len() == before {
            return Err(DirectiveError {
                line: d.line,
                message: format!("`unbroadcast-enable {s}`: no `unbroadcast-disable` above names `{s}`"),
            });
        }
    }
    Ok(())
}

fn unknown_selector(verb: Verb, s: &str, rules: &RuleSet) -> String {
    let near = rules
        .rules()
        .iter()
        .flat_map(|r| [r.id.as_str(), r.category.name()])
        .map(|id| (strsim::damerau_levenshtein(s, id), id))
        .filter(|(d, _)| *d <= 2)
        .min();
    let hint = near.map(|(_, id)| format!("; did you mean `{id}`?")).unwrap_or_default();
    format!("`unbroadcast-{}`: no rule matches `{s}`{hint}", verb.name())
}

/// For each directive, the selectors that suppressed nothing although at least
/// one of their rules ran. `used[i]` counts what suppression `i` suppressed;
/// `enabled[rule]` says whether the rule ran for this post.
pub fn unused<'a>(
    directives: &'a [Directive],
    suppressions: &'a [Suppression],
    used: &[usize],
    enabled: &[bool],
) -> Vec<(&'a Directive, Vec<&'a str>)> {
    let mut out: Vec<(&Directive, Vec<&str>)> = Vec::new();
    for (s, &n) in suppressions.iter().zip(used) {
        let ran = s.rules.iter().any(|&r| enabled.get(r).copied().unwrap_or(false));
        if n > 0 || !ran {
            continue;
        }
        let d = &directives[s.directive];
        match out.last_mut() {
            Some((last, list)) if std::ptr::eq(*last, d) => list.push(&s.selector),
            _ => out.push((d, vec![&s.selector])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::with_builtin(Vec::new()).unwrap());

    fn comments(file: &str) -> Vec<Range<usize>> {
        file.match_indices("<!--").map(|(i, _)| i..i + file[i..].find("-->").unwrap() + 3).collect()
    }

    fn suppressions(file: &str) -> Vec<Suppression> {
        let d = parse(file, &comments(file)).unwrap();
        resolve(file, &d, &RULES).unwrap()
    }

    fn covered(file: &str, needle: &str) -> Vec<String> {
        let at = file.find(needle).unwrap();
        suppressions(file).into_iter().filter(|s| s.region.contains(&at)).map(|s| s.selector).collect()
    }

    #[test]
    fn disable_until_enable() {
        let f = "alpha\n<!-- unbroadcast-disable bait, broadcast.hard-sell -->\nbravo\n<!-- unbroadcast-enable bait -->\ncharlie\n<!-- unbroadcast-enable -->\ndelta\n";
        assert!(covered(f, "alpha").is_empty());
        assert_eq!(covered(f, "bravo"), ["bait", "broadcast.hard-sell"]);
        assert_eq!(covered(f, "charlie"), ["broadcast.hard-sell"]);
        assert!(covered(f, "delta").is_empty());
    }

    #[test]
    fn next_line_and_same_line() {
        let f = "<!-- unbroadcast-disable-next-line bait.vote -->\nVote now!\nVote again!\nShop now <!-- unbroadcast-disable-line broadcast -->\nthe end";
        assert_eq!(covered(f, "Vote now"), ["bait.vote"]);
        assert!(covered(f, "Vote again").is_empty());
        assert_eq!(covered(f, "Shop"), ["broadcast"]);
        assert!(covered(f, "the end").is_empty());
        // At the very end of the file there is no next line to cover.
        let s = suppressions("x <!-- unbroadcast-disable-next-line bait -->");
        assert!(s[0].region.is_empty());
    }

    #[test]
    fn errors_name_the_line() {
        let f = "ok\n<!-- unbroadcast-disable bait.vot -->\n";
        let d = parse(f, &comments(f)).unwrap();
        let e = resolve(f, &d, &RULES).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("did you mean `bait.vote`"), "{}", e.message);
        let f = "<!-- unbroadcast-disabel bait -->";
        let e = parse(f, &comments(f)).unwrap_err();
        assert!(e.message.contains("unknown directive `unbroadcast-disabel`"), "{}", e.message);
        let f = "<!-- unbroadcast-disable -->";
        assert!(parse(f, &comments(f)).unwrap_err().message.contains("needs the rules"));
        let f = "<!-- unbroadcast-enable bait -->";
        let d = parse(f, &comments(f)).unwrap();
        assert!(resolve(f, &d, &RULES).unwrap_err().message.contains("no `unbroadcast-disable` above"));
        // Other comments are notes.
        let f = "<!-- unbroadcast is our linter -->";
        assert!(parse(f, &comments(f)).unwrap().is_empty());
    }

    #[test]
    fn unused_lists_selectors_whose_rules_ran() {
        let f = "<!-- unbroadcast-disable bait, format -->\nx\n";
        let d = parse(f, &comments(f)).unwrap();
        let s = resolve(f, &d, &RULES).unwrap();
        let mut enabled = vec![true; RULES.rules().len()];
        let u = unused(&d, &s, &[0, 0], &enabled);
        assert_eq!(u[0].1, ["bait", "format"]);
        assert!(unused(&d, &s, &[1, 1], &enabled).is_empty());
        // Rules switched off for the post (per-file ignores, --select) are not "unused".
        for r in RULES.matching("bait") {
            enabled[r] = false;
        }
        assert_eq!(unused(&d, &s, &[0, 0], &enabled)[0].1, ["format"]);
    }
}
