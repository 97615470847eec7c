//! Fitting rule points to labelled posts, the way SpamAssassin's perceptron fits
//! its scores: each post's score is the sum of the points of the rules that hit
//! it, a false positive costs more than a miss, and points stay near the ones a
//! person chose (L2 pull toward them), so a rule that fires on a handful of posts
//! keeps its hand-set weight instead of swinging on noise. Pure arithmetic; the
//! CLI lints the posts and writes the points back to the packs.

/// One labelled post as the fit sees it.
#[derive(Debug, Clone)]
pub struct Example {
    /// (tuned rule index, how many times its points count).
    pub hits: Vec<(usize, f64)>,
    /// Points from rules that are not tuned (the learned model, errors).
    pub fixed: f64,
    pub broadcast: bool,
    /// Sample weight (groups balanced by the caller).
    pub weight: f64,
}

/// Knobs of the fit.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The score at which a post counts as flagged (the `review` threshold).
    pub threshold: f64,
    /// Points over which the logistic loss goes from unsure to sure.
    pub softness: f64,
    /// How much more a false positive costs than a missed broadcast.
    pub fp_cost: f64,
    /// Pull toward the starting points, per point squared.
    pub prior: f64,
    pub min_points: f64,
    pub max_points: f64,
    pub iterations: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: 20.0,
            softness: 6.0,
            fp_cost: 3.0,
            prior: 0.002,
            min_points: 1.0,
            max_points: 30.0,
            iterations: 3000,
        }
    }
}

/// Fits points by projected gradient descent from `start` (deterministic: full
/// batch, fixed step). Returns the points, not yet rounded.
pub fn fit(examples: &[Example], start: &[f64], o: &Options) -> Vec<f64> {
    let mut w = start.to_vec();
    let total: f64 = examples.iter().map(|e| e.weight).sum::<f64>().max(1e-9);
    let step = 4.0;
    for _ in 0..o.iterations {
        let mut grad: Vec<f64> = w.iter().zip(start).map(|(x, s)| 2.0 * o.prior * (x - s)).collect();
        for e in examples {
            let score = e.fixed + e.hits.iter().map(|&(r, n)| w[r] * n).sum::<f64>();
            let z = (score - o.threshold) / o.softness;
            let p = 1.0 / (1.0 + (-z).exp());
            // d/dscore of the weighted log loss.
            let g = if e.broadcast { p - 1.0 } else { o.fp_cost * p } * e.weight / total / o.softness;
            for &(r, n) in &e.hits {
                grad[r] += g * n;
            }
        }
        for (x, g) in w.iter_mut().zip(&grad) {
            *x = (*x - step * g * o.softness * o.softness).clamp(o.min_points, o.max_points);
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(hits: &[usize], broadcast: bool) -> Example {
        Example { hits: hits.iter().map(|&r| (r, 1.0)).collect(), fixed: 0.0, broadcast, weight: 1.0 }
    }

    #[test]
    fn a_rule_that_hits_only_broadcasts_gains_and_one_that_hits_conversation_loses() {
        // Rule 0 fires on broadcasts only, rule 1 on both alike.
        let mut data = Vec::new();
        for _ in 0..50 {
            data.push(ex(&[0, 1], true));
            data.push(ex(&[1], false));
        }
        let w = fit(&data, &[10.0, 10.0], &Options::default());
        assert!(w[0] > 12.0, "{w:?}");
        assert!(w[1] < 9.0 && w[1] < w[0] - 5.0, "{w:?}");
    }

    #[test]
    fn a_rare_rule_stays_near_its_hand_set_points() {
        let mut data = vec![ex(&[1], true)];
        for _ in 0..200 {
            data.push(ex(&[0], true));
            data.push(ex(&[], false));
        }
        let w = fit(&data, &[10.0, 10.0], &Options::default());
        assert!((w[1] - 10.0).abs() < 4.0, "{w:?}");
    }
}
