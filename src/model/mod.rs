//! The learned broadcast voice: per language, a logistic regression over hashed
//! word 1–2-grams and character 3–4-grams. Phrase lists catch what someone thought
//! to write down; spam filters learned long ago that a trained model catches the
//! rest of a genre's voice. Packs still say what the rule is called, what it
//! means and what it is worth; the model only says how much a post sounds like a
//! broadcast and which words made it so.

pub mod artifact;
pub mod features;
pub mod train;

pub use artifact::ModelSpec;
use features::Featurized;
use std::ops::Range;

/// A trained model, ready to score.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Hash buckets are `0..1 << bits`.
    pub bits: u8,
    pub bias: f32,
    /// One weight per bucket.
    pub weights: Vec<f32>,
}

/// What the model says of one text.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Probability that the text is a broadcast (0–1).
    pub probability: f64,
    /// The stretches of the folded text that pushed the score up most, strongest
    /// first (adjacent tokens merged), with their share of the logit.
    pub cues: Vec<(Range<usize>, f32)>,
}

/// How many cues an explanation names.
pub const MAX_CUES: usize = 3;

impl Model {
    pub fn new(bits: u8) -> Model {
        Model { bits, bias: 0.0, weights: vec![0.0; 1 << bits] }
    }

    /// The logit of a featurized text.
    pub fn logit(&self, f: &Featurized) -> f32 {
        let x = f.value();
        self.bias + f.features.iter().map(|ft| self.weights[ft.bucket as usize]).sum::<f32>() * x
    }

    /// Scores a folded text and explains the score. `scratch` is reused between calls.
    pub fn judge(&self, folded: &str, scratch: &mut Featurized) -> Verdict {
        let probability = self.probability(folded, scratch);
        Verdict { probability, cues: self.cues(scratch) }
    }

    /// The probability alone, leaving `scratch` featurized for [`Model::cues`]:
    /// a rule that does not fire need not explain itself.
    pub fn probability(&self, folded: &str, scratch: &mut Featurized) -> f64 {
        scratch.extract(folded, self.bits);
        let z = self.logit(scratch);
        1.0 / (1.0 + (-f64::from(z)).exp())
    }

    /// Each token's share of the logit (a bigram's weight split between its two
    /// words), then the strongest positive tokens, neighbours merged into one span.
    pub fn cues(&self, f: &Featurized) -> Vec<(Range<usize>, f32)> {
        let x = f.value();
        let mut share = vec![0f32; f.tokens.len()];
        for ft in &f.features {
            let c = self.weights[ft.bucket as usize] * x;
            let n = f32::from(ft.last - ft.first + 1);
            for t in ft.first..=ft.last {
                share[t as usize] += c / n;
            }
        }
        let mut order: Vec<usize> = (0..share.len()).filter(|&i| share[i] > 0.0).collect();
        order.sort_by(|&a, &b| share[b].total_cmp(&share[a]).then(a.cmp(&b)));
        order.truncate(MAX_CUES + 2);
        order.sort_unstable();
        // Merge runs of neighbouring strong tokens: "shop now" is one cue.
        let mut runs: Vec<(usize, usize, f32)> = Vec::new();
        for i in order {
            match runs.last_mut() {
                Some((_, last, s)) if *last + 1 == i => {
                    *last = i;
                    *s += share[i];
                }
                _ => runs.push((i, i, share[i])),
            }
        }
        runs.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        runs.truncate(MAX_CUES);
        runs.into_iter().map(|(a, b, s)| (f.tokens[a].range.start..f.tokens[b].range.end, s)).collect()
    }
}
