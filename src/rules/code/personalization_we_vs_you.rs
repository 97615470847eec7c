//! `personalization.we-vs-you`: the draft talks about "we/our" far more than about
//! "you/your". Counted with the pronoun lists of the draft's language (German
//! formal "Sie" only mid-sentence; Arabic attached suffixes such as ـنا and ـكم).

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "personalization.we-vs-you",
    placeholders: &["we", "you"],
    build: |t| {
        let p: WeVsYou = params(t)?;
        if p.ratio <= 0.0 {
            return Err("`ratio` must be above 0".into());
        }
        Ok(Box::new(p))
    },
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeVsYou {
    /// Fewest "we" forms before the rule looks at the balance.
    min_we: usize,
    /// "we" forms per "you" form (or mention) that count as self-centred.
    ratio: f64,
}

/// "never", "once", "twice", "3 times".
fn times(n: usize) -> String {
    match n {
        0 => "never".into(),
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

impl CodeRule for WeVsYou {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let f = &cx.analysis.features;
        let we = f.first_person_plural.len();
        let you = f.second_person.len() + f.mentions.len();
        if we >= self.min_we && we as f64 > self.ratio * you as f64 {
            let first = f.first_person_plural[0].start;
            let last = f.first_person_plural[we - 1].end;
            // Highlight the we-forms only when they sit on one line; else the whole post.
            let hit =
                if cx.analysis.text[first..last].contains('\n') { Hit::whole_post() } else { Hit::at(first..last) };
            out.push(hit.arg("we", times(we)).arg("you", times(you)));
        }
    }
}
