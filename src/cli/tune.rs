//! `unbroadcast tune FILE.jsonl…`: fits the points of the phrase, pattern and
//! metric rules to labelled posts (`crate::tune`) and, with `--write`, writes them
//! back into the pack files under `rules/`. The learned model's ceiling, error
//! rules and the rules that need history (frequency, repetition) keep the points
//! their packs give them: labelled single posts say nothing about those. The
//! points are fitted without the model's share of the score (it has seen the
//! training posts), so the rules stand on their own and the model adds to them.

use super::eval::read_labelled;
use super::{Cli, Exit, build_engine, load_settings};
use crate::Engine;
use crate::eval::{Label, Labelled};
use crate::input::Draft;
use crate::pack::{Category, Kind, PackSource, Severity, set_points};
use crate::tune::{Example, Options, fit};
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct TuneArgs {
    /// Labelled posts (`eval`'s format).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write the fitted points into the pack files under `--rules-dir`.
    #[arg(long)]
    pub write: bool,
    /// The packs directory the built-in packs come from.
    #[arg(long, default_value = "rules")]
    pub rules_dir: PathBuf,
    /// How much more a false positive costs than a missed broadcast.
    #[arg(long, default_value_t = Options::default().fp_cost)]
    pub fp_cost: f64,
}

/// Whether labelled single posts can tune a rule's points.
fn tunable(engine: &Engine, rule: usize) -> bool {
    let r = &engine.rules().rules()[rule];
    r.severity != Severity::Error
        && !matches!(r.category, Category::Frequency | Category::Repetition)
        && r.variants.iter().all(|v| v.kind != Kind::Model)
}

/// Fits points on `rows` with the engine's rules; returns (rule id, old, new).
pub fn fit_points(engine: &Engine, rows: &[Labelled], fp_cost: f64) -> Vec<(String, u32, u32)> {
    let rules = engine.rules().rules();
    let tuned: Vec<usize> = (0..rules.len()).filter(|&r| tunable(engine, r)).collect();
    let slot: BTreeMap<usize, usize> = tuned.iter().enumerate().map(|(i, &r)| (r, i)).collect();
    let mut groups: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for r in rows {
        *groups.entry((r.source.as_str(), r.label == Label::Broadcast)).or_default() += 1;
    }
    let now = jiff::Timestamp::UNIX_EPOCH;
    let examples: Vec<Example> = rows
        .par_iter()
        .filter(|r| !r.text.trim().is_empty())
        .map(|row| {
            let report = engine.lint(&Draft::from_text(row.text.clone(), now));
            let mut counts: BTreeMap<usize, f64> = BTreeMap::new();
            let mut fixed = 0.0;
            for w in &report.warnings {
                let Some(ri) = engine.rules().index_of(&w.rule) else { continue };
                match slot.get(&ri) {
                    // Repeats count up to the rule's cap, as the score counts them.
                    Some(&s) => {
                        let r = &rules[ri];
                        let most = f64::from(r.max_points) / f64::from(r.points.max(1));
                        let n = counts.entry(s).or_default();
                        *n = (*n + f64::from(w.count)).min(most);
                    }
                    // The learned model is left out: in-sample it knows these very posts,
                    // and points fitted beside it would lean on that knowledge.
                    None if rules[ri].variants.iter().any(|v| v.kind == Kind::Model) => {}
                    None => fixed += f64::from(w.points),
                }
            }
            let broadcast = row.label == Label::Broadcast;
            Example {
                hits: counts.into_iter().collect(),
                fixed,
                broadcast,
                weight: rows.len() as f64 / groups.len() as f64 / groups[&(row.source.as_str(), broadcast)] as f64,
            }
        })
        .collect();
    let start: Vec<f64> = tuned.iter().map(|&r| f64::from(rules[r].points)).collect();
    let o = Options { fp_cost, threshold: f64::from(engine.config().thresholds.review), ..Options::default() };
    let w = fit(&examples, &start, &o);
    tuned.iter().zip(w).map(|(&r, x)| (rules[r].id.clone(), rules[r].points, x.round() as u32)).collect()
}

/// Applies fitted points to pack sources in memory (evaluation of a fold).
pub fn apply_points(sources: &mut [PackSource], points: &[(String, u32, u32)]) {
    for (id, old, new) in points {
        if old == new {
            continue;
        }
        for s in sources.iter_mut() {
            if let Some(t) = set_points(&s.text, id, *new) {
                s.text = t;
            }
        }
    }
}

pub fn run(cli: &Cli, args: &TuneArgs) -> Result<Exit> {
    let loaded = load_settings(cli)?;
    let engine = build_engine(cli, &loaded)?;
    let mut rows = Vec::new();
    for f in &args.files {
        rows.extend(read_labelled(f)?);
    }
    let points = fit_points(&engine, &rows, args.fp_cost);
    println!("| rule | points | fitted |\n|---|---|---|");
    for (id, old, new) in &points {
        println!("| {id} | {old} | {new} |");
    }
    if args.write {
        let mut changed = 0;
        for (id, old, new) in points.iter().filter(|(_, o, n)| o != n) {
            let _ = old;
            let Some(rule) = engine.rules().get(id) else { continue };
            let mut files: Vec<String> = rule
                .variants
                .iter()
                .filter_map(|v| v.source.strip_prefix("builtin:"))
                .map(|s| s.rsplit_once(':').map_or(s, |(f, _)| f).to_owned())
                .collect();
            files.dedup();
            for f in files {
                let path = args.rules_dir.join(&f);
                let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let new_text = set_points(&text, id, *new)
                    .with_context(|| format!("{}: no `points` line for {id}", path.display()))?;
                std::fs::write(&path, new_text).with_context(|| format!("cannot write {}", path.display()))?;
                changed += 1;
            }
        }
        eprintln!("wrote fitted points into {changed} rule entries under {}", args.rules_dir.display());
    }
    Ok(Exit::Clean)
}
