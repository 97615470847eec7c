//! `unbroadcast eval FILE.jsonl`: lint labelled posts and print how well the score
//! separates broadcasts from conversation, per language, per source and per rule.

use super::{Cli, Exit, build_engine, load_settings};
use crate::eval::{CONVERSATIONAL_SOURCES, Evaluation, GroupStats, Labelled, Outcome, evaluate};
use crate::input::Draft;
use anyhow::{Context as _, Result};
use clap::ValueEnum;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Labelled posts, one JSON object per line: {"id","lang","source","label":"broadcast"|"not","text"}.
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// Declare each post's language from its `lang` field instead of detecting it.
    #[arg(long)]
    pub declared_language: bool,
    /// In the rule table, only rules that fired at least this often.
    #[arg(long, default_value_t = 1)]
    pub min_hits: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    Text,
    Json,
}

/// Lints every labelled post; returns the outcomes and the lines it could not use.
pub fn run_outcomes(engine: &crate::Engine, rows: &[Labelled], declared: bool) -> Vec<Option<Outcome>> {
    let now = jiff::Timestamp::UNIX_EPOCH;
    rows.par_iter()
        .map(|row| {
            let mut d = Draft::from_text(row.text.clone(), now);
            if declared {
                d.language = row.lang.parse().ok().filter(|l| *l != crate::lang::Lang::Other);
            }
            if row.text.trim().is_empty() {
                return None;
            }
            let r = engine.lint(&d);
            let mut rules: Vec<String> = r.warnings.iter().map(|w| w.rule.clone()).collect();
            rules.dedup();
            rules.sort();
            rules.dedup();
            Some(Outcome {
                lang: row.lang.clone(),
                source: row.source.clone(),
                label: row.label,
                score: r.score,
                verdict: r.verdict,
                rules,
            })
        })
        .collect()
}

/// Reads a labelled `.jsonl` file; a bad line is an error naming its number.
pub fn read_labelled(path: &std::path::Path) -> Result<Vec<Labelled>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{}:{}: not a labelled post", path.display(), i + 1))
        })
        .collect()
}

pub fn run(cli: &Cli, args: &EvalArgs) -> Result<Exit> {
    let loaded = load_settings(cli)?;
    let engine = build_engine(cli, &loaded)?;
    let rows = read_labelled(&args.file)?;
    let outcomes: Vec<Outcome> = run_outcomes(&engine, &rows, args.declared_language).into_iter().flatten().collect();
    let skipped = rows.len() - outcomes.len();
    let e = evaluate(&outcomes, &CONVERSATIONAL_SOURCES);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        EvalFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &e)?;
            writeln!(out)?;
        }
        EvalFormat::Text => write_text(&mut out, &e, args, skipped, engine.rules().version())?,
    }
    out.flush()?;
    Ok(Exit::Clean)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{:.1}%", v * 100.0))
}

fn auc(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:.3}"))
}

fn row(out: &mut dyn Write, name: &str, g: &GroupStats) -> std::io::Result<()> {
    writeln!(
        out,
        "| {name} | {} | {} | {} | {} | {} | {} | {} |",
        g.broadcast,
        g.not,
        auc(g.auc),
        pct(g.recall_review),
        pct(g.fpr_review),
        pct(g.recall_block),
        pct(g.fpr_block)
    )
}

const HEAD: &str = "| broadcast | not | ROC AUC | recall @review | FPR @review | recall @block | FPR @block |\n";

/// Markdown tables, so the output can be pasted into docs/quality.md as is.
pub fn write_text(
    out: &mut dyn Write,
    e: &Evaluation,
    args: &EvalArgs,
    skipped: usize,
    version: &str,
) -> std::io::Result<()> {
    let mode = if args.declared_language { "declared from the file" } else { "detected" };
    writeln!(out, "Rules version {version}; language {mode}; {skipped} empty rows skipped.\n")?;
    writeln!(out, "### By language\n\n| language {HEAD}|---|---|---|---|---|---|---|---|")?;
    for (l, g) in &e.by_language {
        row(out, l, g)?;
    }
    row(out, "**all**", &e.overall)?;
    writeln!(out, "\n### By source\n\n| source {HEAD}|---|---|---|---|---|---|---|---|")?;
    for (s, g) in &e.by_source {
        row(out, s, g)?;
    }
    let c = &e.conversational;
    writeln!(
        out,
        "\n### Conversational posts\n\n{} posts labelled `not` from {}: false-positive rate {} at review, {} at block.",
        c.not,
        CONVERSATIONAL_SOURCES.join(", "),
        pct(c.fpr_review),
        pct(c.fpr_block)
    )?;
    for (scope, rules) in &e.rules {
        writeln!(out, "\n### Rules ({scope})\n\n| rule | hits on broadcast | hits on not | S/O |\n|---|---|---|---|")?;
        let mut rules: Vec<_> = rules.iter().filter(|r| r.hits_broadcast + r.hits_not >= args.min_hits).collect();
        rules.sort_by(|a, b| {
            (b.hits_broadcast + b.hits_not).cmp(&(a.hits_broadcast + a.hits_not)).then(a.rule.cmp(&b.rule))
        });
        for r in rules {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.rule,
                r.hits_broadcast,
                r.hits_not,
                r.s_o.map_or("–".into(), |s| format!("{s:.2}"))
            )?;
        }
    }
    Ok(())
}
