//! The phrase grammar of packs: `(a|b)` alternations and `[a|b]` optional slots,
//! expanded when a pack is compiled into plain phrases for the one automaton, so
//! a grammar costs nothing at lint time (issue 11).

/// At most this many phrases from one written phrase: a pack that multiplies out
/// further is almost certainly a mistake, and the automaton's size is shared.
pub(crate) const MAX_EXPANSIONS: usize = 2000;

/// Every phrase a written phrase stands for, spaces collapsed, in order, without
/// duplicates. Errors name what is wrong (unbalanced brackets, too many phrases).
pub(crate) fn expand(phrase: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = phrase.chars().collect();
    let mut pos = 0;
    let out = alternatives(&chars, &mut pos, None)?;
    if pos < chars.len() {
        return Err(format!("unbalanced '{}' in '{phrase}'", chars[pos]));
    }
    let mut seen = std::collections::HashSet::new();
    let mut list = Vec::with_capacity(out.len());
    for p in out {
        let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
        if !p.is_empty() && seen.insert(p.clone()) {
            list.push(p);
        }
    }
    Ok(list)
}

/// `seq ('|' seq)*` up to the closing bracket `close` (or the end at top level).
fn alternatives(chars: &[char], pos: &mut usize, close: Option<char>) -> Result<Vec<String>, String> {
    let mut all = Vec::new();
    loop {
        let seq = sequence(chars, pos)?;
        all.extend(seq);
        if all.len() > MAX_EXPANSIONS {
            return Err(too_many());
        }
        match chars.get(*pos) {
            Some('|') if close.is_some() => *pos += 1,
            Some('|') => return Err("'|' outside brackets: write the choice as (a|b)".into()),
            Some(&c) if Some(c) == close => {
                *pos += 1;
                return Ok(all);
            }
            Some(&c) => return Err(format!("unbalanced '{c}'")),
            None if close.is_some() => {
                return Err(format!("unbalanced brackets: '{}' is never closed", opener(close)));
            }
            None => return Ok(all),
        }
    }
}

/// Text and bracketed groups up to a `|` or a closing bracket.
fn sequence(chars: &[char], pos: &mut usize) -> Result<Vec<String>, String> {
    let mut acc = vec![String::new()];
    while let Some(&c) = chars.get(*pos) {
        let choices = match c {
            '|' | ')' | ']' => break,
            '(' | '[' => {
                *pos += 1;
                let close = if c == '(' { ')' } else { ']' };
                let mut alts = alternatives(chars, pos, Some(close))?;
                if c == '[' {
                    alts.push(String::new());
                }
                alts
            }
            _ => {
                *pos += 1;
                for s in &mut acc {
                    s.push(c);
                }
                continue;
            }
        };
        if acc.len().saturating_mul(choices.len()) > MAX_EXPANSIONS {
            return Err(too_many());
        }
        acc = acc.iter().flat_map(|a| choices.iter().map(move |b| format!("{a}{b}"))).collect();
    }
    Ok(acc)
}

fn opener(close: Option<char>) -> char {
    if close == Some(']') { '[' } else { '(' }
}

fn too_many() -> String {
    format!("expands to more than {MAX_EXPANSIONS} phrases; split it into several")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternations_and_optional_slots_multiply_out() {
        assert_eq!(
            expand("(proud|happy) to announce [our|the] app").unwrap(),
            [
                "proud to announce our app",
                "proud to announce the app",
                "proud to announce app",
                "happy to announce our app",
                "happy to announce the app",
                "happy to announce app",
            ]
        );
        assert_eq!(expand("buy now").unwrap(), ["buy now"]);
        assert_eq!(expand("jetzt (herunter|runter)laden").unwrap(), ["jetzt herunterladen", "jetzt runterladen"]);
        assert_eq!(expand("a ((b|c) d|e)").unwrap(), ["a b d", "a c d", "a e"]);
    }

    #[test]
    fn unbalanced_brackets_and_blowups_are_errors() {
        for bad in ["(a|b", "a|b", "a)", "[a", "(a]", "a]"] {
            assert!(expand(bad).is_err(), "{bad} should be refused");
        }
        let wide = "(a|b|c|d|e|f|g|h|i|j) (a|b|c|d|e|f|g|h|i|j) (a|b|c|d|e|f|g|h|i|j) (x|y|z)";
        assert!(expand(wide).unwrap_err().contains("2000"));
        assert_eq!(expand("(a|b|c|d|e|f|g|h|i|j) (a|b|c|d|e|f|g|h|i|j) (x|y)").unwrap().len(), 200);
    }
}
