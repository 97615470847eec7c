//! The model as it is shipped: a `[[model]]` table in a pack file, so a model
//! loads, versions and fails like every other part of a pack. Weights are kept
//! sparse (buckets whose weight rounds to zero are dropped), quantized to 16 bits
//! with one scale, delta-coded and base64-encoded. Only bucket numbers and weights
//! are stored: no word or text of the training data.

use super::{Model, features};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// One `[[model]]` table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// How rules of kind `model` name it (`model = "voice"`).
    pub name: String,
    /// The feature extraction it was trained with ([`features::VERSION`]).
    pub features: u32,
    pub bits: u8,
    pub bias: f32,
    /// Weight of one quantization step.
    pub scale: f32,
    /// What it was trained on, in counts (no text).
    #[serde(default)]
    pub trained_on: String,
    /// Base64 of (varint bucket delta, i16 little-endian weight) pairs.
    pub weights: String,
}

/// The pack file `unbroadcast train` writes: a header saying what it is, the
/// `[pack]` table and the model.
pub fn pack_text(lang: crate::lang::Lang, spec: &ModelSpec) -> Result<String, String> {
    #[derive(Serialize)]
    struct Header<'a> {
        language: &'a str,
        description: String,
    }
    #[derive(Serialize)]
    struct File<'a> {
        pack: Header<'a>,
        model: [&'a ModelSpec; 1],
    }
    let file = File {
        pack: Header {
            language: lang.code(),
            description: format!("The learned broadcast voice for {}: hashed n-gram weights, no text.", lang.code()),
        },
        model: [spec],
    };
    let body = toml::to_string(&file).map_err(|e| e.to_string())?;
    Ok(format!(
        "# Written by `unbroadcast train` (docs/quality.md says how); do not edit by hand.\n\
         # Features are hashed: the file holds bucket numbers and weights, no words.\n{body}"
    ))
}

/// Buckets kept at most: the strongest weights carry nearly all of the score.
const MAX_KEPT: usize = 120_000;

impl ModelSpec {
    pub fn encode(name: &str, m: &Model, trained_on: String) -> ModelSpec {
        let max = m.weights.iter().fold(0f32, |a, w| a.max(w.abs()));
        let scale = if max > 0.0 { max / f32::from(i16::MAX) } else { 1.0 };
        let mut kept: Vec<(u32, i16)> = m
            .weights
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                let q = (w / scale).round();
                (q != 0.0).then_some((i as u32, q as i16))
            })
            .collect();
        if kept.len() > MAX_KEPT {
            kept.sort_by_key(|&(i, q)| (std::cmp::Reverse(q.unsigned_abs()), i));
            kept.truncate(MAX_KEPT);
            kept.sort_unstable_by_key(|&(i, _)| i);
        }
        let mut bytes = Vec::with_capacity(kept.len() * 4);
        let mut prev = 0u32;
        for (i, q) in kept {
            let mut d = i - prev;
            prev = i;
            loop {
                let b = (d & 0x7f) as u8;
                d >>= 7;
                if d == 0 {
                    bytes.push(b);
                    break;
                }
                bytes.push(b | 0x80);
            }
            bytes.extend_from_slice(&q.to_le_bytes());
        }
        ModelSpec {
            name: name.to_owned(),
            features: features::VERSION,
            bits: m.bits,
            bias: m.bias,
            scale,
            weights: STANDARD.encode(bytes),
            trained_on,
        }
    }

    /// The model, or what is wrong with the table (the caller adds file and line).
    pub fn decode(&self) -> Result<Model, String> {
        if self.features != features::VERSION {
            return Err(format!(
                "trained with feature version {}, this build reads version {}; retrain with `unbroadcast train`",
                self.features,
                features::VERSION
            ));
        }
        if !(8..=22).contains(&self.bits) {
            return Err(format!("bits must be 8 to 22, not {}", self.bits));
        }
        if !self.scale.is_finite() || self.scale <= 0.0 || !self.bias.is_finite() {
            return Err("scale must be a positive number and bias a finite one".into());
        }
        let bytes = STANDARD.decode(self.weights.trim()).map_err(|e| format!("weights: not base64 ({e})"))?;
        let mut m = Model::new(self.bits);
        m.bias = self.bias;
        let mut at = 0usize;
        let mut i = 0u64;
        let mut first = true;
        while at < bytes.len() {
            let mut d = 0u64;
            let mut shift = 0;
            loop {
                let b = *bytes.get(at).ok_or("weights: cut off inside a bucket number")?;
                at += 1;
                d |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    break;
                }
                shift += 7;
                if shift > 28 {
                    return Err("weights: bucket number too long".into());
                }
            }
            if d == 0 && !first {
                return Err("weights: a bucket is listed twice".into());
            }
            first = false;
            i += d;
            let q = bytes.get(at..at + 2).ok_or("weights: cut off inside a weight")?;
            at += 2;
            let slot = m.weights.get_mut(i as usize).ok_or_else(|| format!("weights: bucket {i} is out of range"))?;
            *slot = f32::from(i16::from_le_bytes([q[0], q[1]])) * self.scale;
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_weights_to_quantization() {
        let mut m = Model::new(10);
        m.bias = -0.25;
        m.weights[0] = 1.5;
        m.weights[3] = -0.75;
        m.weights[1023] = 0.001;
        let spec = ModelSpec::encode("voice", &m, "toy".into());
        let back = spec.decode().unwrap();
        assert_eq!(back.bias, m.bias);
        for (a, b) in m.weights.iter().zip(&back.weights) {
            assert!((a - b).abs() <= spec.scale, "{a} vs {b}");
        }
    }

    #[test]
    fn broken_tables_are_refused_with_a_reason() {
        let m = Model::new(10);
        let mut spec = ModelSpec::encode("voice", &m, String::new());
        spec.features = 99;
        assert!(spec.decode().unwrap_err().contains("feature version"));
        let mut spec = ModelSpec::encode("voice", &m, String::new());
        spec.weights = "!!".into();
        assert!(spec.decode().unwrap_err().contains("base64"));
        let mut spec = ModelSpec::encode("voice", &m, String::new());
        spec.weights = STANDARD.encode([0x80u8]);
        assert!(spec.decode().unwrap_err().contains("cut off"));
        let mut spec = ModelSpec::encode("voice", &m, String::new());
        spec.weights = STANDARD.encode([0xff, 0x7f, 1, 0]);
        assert!(spec.decode().unwrap_err().contains("out of range"));
    }
}
