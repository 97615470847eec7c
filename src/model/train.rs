//! Training the broadcast-voice model: logistic regression by AdaGrad over the
//! hashed features, with L2 shrinkage. Deterministic: the samples are put in a
//! fixed order and shuffled with a fixed seed, so the same data gives the same
//! weights, byte for byte, on every run.

use super::Model;
use super::features::Featurized;

/// One training text, already folded.
#[derive(Debug, Clone)]
pub struct Sample {
    pub folded: String,
    pub broadcast: bool,
    /// How much the sample counts (groups are balanced by the caller).
    pub weight: f64,
}

/// Knobs of the fit; the defaults are what the shipped models use.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub bits: u8,
    pub epochs: u32,
    /// AdaGrad's base step.
    pub rate: f64,
    /// L2 shrinkage per step (scaled by the sample's weight).
    pub l2: f64,
}

impl Default for Params {
    fn default() -> Self {
        // Strong shrinkage: posts from sources the model never saw (the ones that
        // matter) score better with smooth weights than with sharp ones
        // (docs/quality.md, leave-one-source-out).
        Params { bits: 18, epochs: 12, rate: 0.5, l2: 1e-2 }
    }
}

/// Training samples for one language from labelled rows: every (source, label)
/// group weighs the same in total, so a big source cannot teach the model its
/// own topic as "broadcast" and a small one still counts.
pub fn samples(rows: &[&crate::eval::Labelled]) -> Vec<Sample> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for r in rows {
        *groups.entry((r.source.as_str(), r.label == crate::eval::Label::Broadcast)).or_default() += 1;
    }
    let per_group = rows.len() as f64 / groups.len().max(1) as f64;
    rows.iter()
        .map(|r| {
            let broadcast = r.label == crate::eval::Label::Broadcast;
            Sample {
                folded: crate::text::normalize_str(&r.text),
                broadcast,
                weight: per_group / groups[&(r.source.as_str(), broadcast)] as f64,
            }
        })
        .collect()
}

/// What a model was trained on, in counts: `"812 posts (400 broadcast, 412 not) from 3 sources"`.
pub fn describe(rows: &[&crate::eval::Labelled]) -> String {
    let b = rows.iter().filter(|r| r.label == crate::eval::Label::Broadcast).count();
    let mut sources: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    format!("{} posts ({b} broadcast, {} not) from {} sources", rows.len(), rows.len() - b, sources.len())
}

/// The packs' own examples as labelled rows (source `pack-examples`), written
/// here in all three languages: what broadcast and bait rules must fire on is a
/// broadcast; what any prose rule must pass is not. The model rules' own examples
/// are left out, so they stay a test of the model rather than its homework.
pub fn pack_examples(rules: &crate::rules::RuleSet) -> Vec<crate::eval::Labelled> {
    use crate::pack::{Category, Kind};
    let mut out = Vec::new();
    for r in rules.rules() {
        let prose = matches!(
            r.category,
            Category::Broadcast | Category::Bait | Category::Conversation | Category::Personalization
        );
        let selling = matches!(r.category, Category::Broadcast | Category::Bait);
        for v in r.variants.iter().filter(|v| v.kind != Kind::Model && prose) {
            let crate::lang::PackLang::Only(l) = v.lang else { continue };
            let lists = [
                (selling, &v.examples.fire, crate::eval::Label::Broadcast),
                (true, &v.examples.pass, crate::eval::Label::Not),
            ];
            for (take, list, label) in lists {
                if !take {
                    continue;
                }
                for ex in list.iter() {
                    out.push(crate::eval::Labelled {
                        id: format!("{}:{}", r.id, out.len()),
                        lang: l.code().to_owned(),
                        source: "pack-examples".to_owned(),
                        label,
                        kind: None,
                        text: ex.text().to_owned(),
                    });
                }
            }
        }
    }
    out
}

/// Fits the model of one language on the rows in that language, leaving out one
/// source when asked (leave-one-source-out evaluation). `None` when the rows lack
/// one of the two labels: nothing can be learned then.
pub fn fit_language(
    rows: &[crate::eval::Labelled],
    lang: &str,
    leave_out: Option<&str>,
    p: &Params,
) -> Option<(Model, String)> {
    let mine: Vec<&crate::eval::Labelled> =
        rows.iter().filter(|r| r.lang == lang && Some(r.source.as_str()) != leave_out).collect();
    let b = mine.iter().filter(|r| r.label == crate::eval::Label::Broadcast).count();
    if b == 0 || b == mine.len() {
        return None;
    }
    Some((train(&samples(&mine), p), describe(&mine)))
}

/// SplitMix64: a fixed, tiny generator for the shuffle (no seed from the clock).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Fits a model. `samples` order does not matter: they are sorted first.
pub fn train(samples: &[Sample], p: &Params) -> Model {
    let mut order: Vec<usize> = (0..samples.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&samples[a], &samples[b]);
        (x.folded.as_str(), x.broadcast).cmp(&(y.folded.as_str(), y.broadcast)).then(x.weight.total_cmp(&y.weight))
    });
    // Feature buckets once per sample, kept as (bucket, value) lists.
    let mut f = Featurized::default();
    let rows: Vec<(Vec<u32>, f32)> = order
        .iter()
        .map(|&i| {
            f.extract(&samples[i].folded, p.bits);
            (f.features.iter().map(|x| x.bucket).collect(), f.value())
        })
        .collect();
    let n = 1usize << p.bits;
    let mut w = vec![0f64; n];
    let mut g2 = vec![1e-6f64; n];
    let (mut bias, mut bias_g2) = (0f64, 1e-6f64);
    let mut rng = SplitMix(0x5eed_b40a_dca5_7000);
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    for _ in 0..p.epochs {
        // Fisher–Yates with the fixed generator.
        for i in (1..idx.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            idx.swap(i, j);
        }
        for &r in &idx {
            let (buckets, x) = &rows[r];
            let s = &samples[order[r]];
            let x = f64::from(*x);
            let z = bias + buckets.iter().map(|&b| w[b as usize]).sum::<f64>() * x;
            let prob = 1.0 / (1.0 + (-z).exp());
            let err = (prob - if s.broadcast { 1.0 } else { 0.0 }) * s.weight;
            for &b in buckets {
                let b = b as usize;
                let g = err * x + p.l2 * s.weight * w[b];
                g2[b] += g * g;
                w[b] -= p.rate * g / g2[b].sqrt();
            }
            bias_g2 += err * err;
            bias -= p.rate * err / bias_g2.sqrt();
        }
    }
    Model { bits: p.bits, bias: bias as f32, weights: w.into_iter().map(|v| v as f32).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str, b: bool) -> Sample {
        Sample { folded: t.to_owned(), broadcast: b, weight: 1.0 }
    }

    fn toy() -> Vec<Sample> {
        vec![
            s("shop now and save big today", true),
            s("order now, limited stock, free shipping", true),
            s("sign up now for our webinar", true),
            s("thanks anna, we fixed your order", false),
            s("sorry about the delay, can you dm us", false),
            s("did the new cable work for you", false),
        ]
    }

    #[test]
    fn learns_the_toy_split_and_is_deterministic() {
        let p = Params { bits: 12, epochs: 30, ..Params::default() };
        let mut data = toy();
        let a = train(&data, &p);
        data.reverse();
        let b = train(&data, &p);
        assert_eq!(a, b, "order of samples changed the weights");
        let mut f = Featurized::default();
        let yes = a.judge("buy now, limited offer", &mut f).probability;
        let no = a.judge("thanks, can you dm us your order", &mut f).probability;
        assert!(yes > 0.5 && no < 0.5, "yes {yes}, no {no}");
    }

    #[test]
    fn cues_point_at_the_selling_words() {
        let p = Params { bits: 12, epochs: 30, ..Params::default() };
        let m = train(&toy(), &p);
        let text = "hello there, shop now";
        let v = m.judge(text, &mut Featurized::default());
        let first = &text[v.cues[0].0.clone()];
        assert!(first.contains("shop") || first.contains("now"), "{first}");
    }
}
