//! `personalization.locale-mismatch`: the draft is not in the language of the
//! audience's locale (an English post for `de-DE`). Only when the language was
//! declared or detected with confidence, because short posts fool detectors.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use crate::analysis::LangSource;
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "personalization.locale-mismatch",
    placeholders: &["language", "locale"],
    build: |t| Ok(Box::new(params::<LocaleMismatch>(t)?)),
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LocaleMismatch {
    /// Detection confidence (0–1) needed before the rule speaks.
    min_confidence: f64,
}

impl CodeRule for LocaleMismatch {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        let Some(aud) = &cx.draft.audience else { return };
        let (Some(want), Some(locale)) = (aud.language, &aud.locale) else { return };
        let got = cx.analysis.language;
        let sure = got.source == LangSource::Declared || got.confidence >= self.min_confidence;
        if sure && got.code != want {
            out.push(Hit::whole_post().arg("language", got.code).arg("locale", locale));
        }
    }
}
