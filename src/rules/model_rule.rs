//! Rules of kind `model`: a pack rule that scores the draft with a learned model
//! of its language (`crate::model`). The pack gives the rule's words and its
//! ceiling in points; the model's probability grades the points between the
//! rule's threshold and certainty, and its strongest cues are the span and the
//! message. The ceiling is kept below the `block` threshold by the packs, so the
//! model alone can send a post to review but never block it.

use super::At;
use super::context::Hit;
use crate::analysis::Analysis;
use crate::lang::{Lang, PackLang};
use crate::model::Model;
use crate::model::features::Featurized;
use crate::pack::{Pack, PackError, RuleSpec};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Placeholders a model rule's message may use besides `{match}`.
pub(super) const PLACEHOLDERS: [&str; 2] = ["probability", "cues"];

/// The `[[model]]` tables of all packs, decoded, by language and name.
pub(super) type Trained = HashMap<(Lang, String), Arc<Model>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Probability at which the rule fires.
    #[serde(default = "default_threshold")]
    threshold: f64,
    /// What `{cues}` says when no n-gram stands out, in the pack's language.
    #[serde(default = "default_no_cues")]
    no_cues: String,
}

fn default_no_cues() -> String {
    "its overall wording".to_owned()
}

fn default_threshold() -> f64 {
    0.5
}

/// One compiled model rule.
#[derive(Debug)]
pub(super) struct ModelRule {
    model: Arc<Model>,
    threshold: f64,
    points: u32,
    lang: Lang,
    no_cues: String,
}

pub(super) fn collect_models(packs: &[Pack]) -> Result<Trained, PackError> {
    let mut out = Trained::new();
    for pack in packs {
        for spanned in &pack.spec.models {
            let spec = spanned.get_ref();
            let line = pack.line(spanned.span().start);
            let err = |m: String| PackError::Invalid {
                file: pack.source.name.clone(),
                line: Some(line),
                rule: None,
                field: Some(format!("model.{}", spec.name)),
                message: m,
            };
            let lang = match pack.spec.pack.language.parse::<PackLang>() {
                Ok(PackLang::Only(l)) => l,
                _ => return Err(err("a model belongs to one language (en, de or ar)".into())),
            };
            let model = spec.decode().map_err(err)?;
            if out.insert((lang, spec.name.clone()), Arc::new(model)).is_some() {
                return Err(err(format!("a model named '{}' already exists for {}", spec.name, lang.code())));
            }
        }
    }
    Ok(out)
}

pub(super) fn build(
    spec: &RuleSpec,
    lang: PackLang,
    trained: &Trained,
    at: &At<'_>,
) -> Result<(Lang, ModelRule), PackError> {
    let PackLang::Only(l) = lang else {
        return Err(at.err("kind", "a model rule belongs to one language's pack"));
    };
    let name = spec.model.as_deref().unwrap_or_default();
    let model = trained
        .get(&(l, name.to_owned()))
        .ok_or_else(|| at.err("model", format!("no [[model]] named '{name}' for {}", l.code())))?;
    let empty = toml::Table::new();
    let p: Params = super::code::params(spec.params.as_ref().unwrap_or(&empty)).map_err(|e| at.err("params", e))?;
    if !(p.threshold > 0.0 && p.threshold < 1.0) {
        return Err(at.err("params", "threshold is a probability between 0 and 1"));
    }
    let rule = ModelRule {
        model: Arc::clone(model),
        threshold: p.threshold,
        points: spec.points,
        lang: l,
        no_cues: p.no_cues,
    };
    Ok((l, rule))
}

impl ModelRule {
    /// The finding for one draft, when the model is sure enough.
    pub(super) fn check(&self, a: &Analysis<'_>) -> Option<Hit> {
        let mut scratch = Featurized::with_capacity(a.norm.text.len());
        let probability = self.model.probability(&a.norm.text, &mut scratch);
        if probability < self.threshold {
            return None;
        }
        let cues = self.model.cues(&scratch);
        let evidence: Vec<_> = cues.iter().map(|(r, _)| a.orig_range(r.clone())).collect();
        let cues: Vec<String> = evidence.iter().map(|r| format!("“{}”", &a.text[r.clone()])).collect();
        let graded = (f64::from(self.points) * (probability - self.threshold) / (1.0 - self.threshold)).round();
        let points = (graded as u32).clamp(1, self.points.max(1));
        Some(
            Hit { span: evidence.first().cloned(), evidence, points: Some(points), ..Hit::default() }
                .arg("probability", format!("{:.0}%", probability * 100.0))
                .arg(
                    "cues",
                    if cues.is_empty() { self.no_cues.clone() } else { cues.join(self.lang.list_separator()) },
                ),
        )
    }
}
