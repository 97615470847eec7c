//! Makes a phrase rule's replacements fit where they land (issue 12): the span
//! grows over the subject before the phrase ("We're", "Wir", "نحن") and the
//! connector after it ("that", "about", "عن"), the replacement takes the case of
//! its place in the sentence, and an empty replacement also takes the separator
//! after it. A replacement that still cannot fit is not offered.

use crate::lang::Lang;
use std::ops::Range;

/// Subjects that an announcement or sales phrase leaves behind, longest first.
fn subjects(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &["we're ", "we are ", "we’re ", "i'm ", "i am ", "i’m ", "we ", "i "],
        Lang::De => &["wir sind ", "wir ", "ich bin ", "ich "],
        Lang::Ar => &["نحن "],
        _ => &[],
    }
}

/// Connectors that tie the phrase to what follows and make no sense without it.
pub(crate) fn connectors(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[" that", " about", " with you"],
        Lang::De => &[" dass", " ihnen", " euch"],
        Lang::Ar => &[" عن", " ب"],
        _ => &[],
    }
}

fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t']);
    before.is_empty() || before.ends_with(['.', '!', '?', '\n', '؟'])
}

/// Bytes either side of a hit that can hold a subject or connector and the
/// character before it.
const WINDOW: usize = 32;

/// The span and replacements to offer for a hit at `r` of `text`.
pub(crate) fn fit(text: &str, mut r: Range<usize>, lang: Lang, replacements: &[String]) -> (Range<usize>, Vec<String>) {
    // Subjects and connectors are a few words long: lower-case a window around
    // the hit, not the whole text once per hit.
    let lower = |s: &str| s.to_lowercase();
    let mut from = r.start.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let head = lower(&text[from..r.start]);
    if let Some(s) = subjects(lang).iter().find(|s| head.ends_with(*s))
        && (head.len() == s.len() || !head[..head.len() - s.len()].ends_with(char::is_alphanumeric))
    {
        r.start -= s.len();
    }
    let mut to = (r.end + WINDOW).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let tail = lower(&text[r.end..to]);
    if let Some(c) = connectors(lang).iter().find(|c| {
        tail.starts_with(*c) && !tail[c.len()..].starts_with(|ch: char| ch.is_alphanumeric() && !c.ends_with('ب'))
    }) {
        r.end += c.len();
    }
    let at_start = sentence_start(text, r.start);
    let mut out = Vec::with_capacity(replacements.len());
    for rep in replacements {
        if rep.is_empty() {
            // Take the separator too: "Dear customers, our …" must not leave ", our".
            let rest = &text[r.end..];
            let sep = rest.len() - rest.trim_start_matches([',', ':', ';', '-', '–', '—', '،', ' ']).len();
            let next = rest[sep..].chars().next();
            if at_start && next.is_some_and(char::is_lowercase) {
                continue;
            }
            out.push((String::new(), sep));
            continue;
        }
        // A replacement that ends in its own separator ("…for you:") takes the
        // one the phrase had: "Big news: our app" must not become "…you:: our app".
        let rest = &text[r.end..];
        let sep = if rep.ends_with([':', ',', ';', '،', '؛']) {
            rest.len() - rest.trim_start_matches([',', ':', ';', '-', '–', '—', '،', '؛']).len()
        } else {
            0
        };
        let mut chars = rep.chars();
        let first = chars.next().unwrap_or(' ');
        let cased = if at_start { first.to_uppercase().collect::<String>() } else { first.to_lowercase().collect() };
        out.push((format!("{cased}{}", chars.as_str()), sep));
    }
    // One span for all replacements: the widest separator any of them took.
    let sep = out.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let list = out.into_iter().filter(|(_, s)| *s == sep).map(|(t, _)| t).collect();
    (r.start..r.end + sep, list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, phrase: &str, lang: Lang, reps: &[&str]) -> Vec<String> {
        let at = text.to_lowercase().find(phrase).unwrap();
        let reps: Vec<String> = reps.iter().map(|s| (*s).to_owned()).collect();
        let (r, list) = fit(text, at..at + phrase.len(), lang, &reps);
        list.iter().map(|rep| format!("{}{rep}{}", &text[..r.start], &text[r.end..])).collect()
    }

    #[test]
    fn subject_and_connector_go_with_the_phrase() {
        assert_eq!(
            apply(
                "We're thrilled to announce our new app!",
                "thrilled to announce",
                Lang::En,
                &["Here's something new for you:"]
            ),
            ["Here's something new for you: our new app!"]
        );
        assert_eq!(
            apply("نحن يسعدنا الاعلان عن فرعنا", "يسعدنا الاعلان", Lang::Ar, &["جديد يهمكم:"]),
            ["جديد يهمكم: فرعنا"]
        );
        assert_eq!(
            apply("Our range is in, Shop now!", "shop now", Lang::En, &["If you like it, look here"]),
            ["Our range is in, if you like it, look here!"]
        );
        assert_eq!(apply("Big news: our app", "big news", Lang::En, &["New for you:"]), ["New for you: our app"]);
    }

    #[test]
    fn an_empty_replacement_takes_its_separator_or_is_not_offered() {
        assert_eq!(
            apply("Dear customers, Our shop opens at 9.", "dear customers", Lang::En, &[""]),
            ["Our shop opens at 9."]
        );
        assert!(apply("Dear customers, our shop opens at 9.", "dear customers", Lang::En, &[""]).is_empty());
    }
}
