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
    /// Also report leave-one-source-out figures: each source is scored by a model
    /// trained on every other source (plus `--train-with`), never on itself.
    #[arg(long)]
    pub loso: bool,
    /// Labelled posts that are always in training (e.g. data/seed/*.jsonl), never scored.
    #[arg(long, value_name = "FILE")]
    pub train_with: Vec<PathBuf>,
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
    let loso = if args.loso { Some(leave_one_source_out(cli, &loaded, &rows, args)?) } else { None };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        EvalFormat::Json => {
            #[derive(serde::Serialize)]
            struct Both<'a> {
                #[serde(flatten)]
                in_sample: &'a Evaluation,
                #[serde(skip_serializing_if = "Option::is_none")]
                leave_one_source_out: Option<&'a Evaluation>,
            }
            serde_json::to_writer_pretty(&mut out, &Both { in_sample: &e, leave_one_source_out: loso.as_ref() })?;
            writeln!(out)?;
        }
        EvalFormat::Text => {
            write_text(&mut out, &e, args, skipped, engine.rules().version())?;
            if let Some(l) = &loso {
                write_loso(&mut out, l)?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Clean)
}

/// Scores every source with a model that never saw it: per language and source,
/// the language's model is retrained on the other sources' rows (and the
/// `--train-with` rows) and swapped into the built-in packs for that source alone.
/// Rule points are refitted on the same rows (`unbroadcast tune`). A language
/// left with one label after leaving a source out gets a silent model.
fn leave_one_source_out(cli: &Cli, loaded: &super::Loaded, rows: &[Labelled], args: &EvalArgs) -> Result<Evaluation> {
    use crate::model::artifact::{ModelSpec, pack_text};
    use crate::model::train::{Params, fit_language};
    let mut always: Vec<Labelled> = Vec::new();
    for f in &args.train_with {
        always.extend(read_labelled(f)?);
    }
    always.extend(crate::model::train::pack_examples(&crate::rules::RuleSet::with_builtin(Vec::new())?));
    let mut folds: Vec<(String, String)> = rows.iter().map(|r| (r.lang.clone(), r.source.clone())).collect();
    folds.sort();
    folds.dedup();
    let params = Params::default();
    let mut outcomes = Vec::new();
    for (lang, source) in folds {
        let Ok(l) = lang.parse::<crate::lang::Lang>() else { continue };
        let training: Vec<Labelled> = rows.iter().filter(|r| r.source != source).chain(&always).cloned().collect();
        let (model, trained_on) = fit_language(&training, &lang, None, &params).unwrap_or_else(|| {
            let mut silent = crate::model::Model::new(8);
            silent.bias = -30.0;
            (silent, "nothing: one label only".to_owned())
        });
        let text = pack_text(l, &ModelSpec::encode(super::train::MODEL_NAME, &model, trained_on))
            .map_err(|e| anyhow::anyhow!(e))?;
        let name = format!("builtin:{lang}/{}", super::train::MODEL_FILE);
        let swap = |sources: &mut Vec<crate::pack::PackSource>| {
            for s in sources.iter_mut().filter(|s| s.name == name) {
                s.text.clone_from(&text);
            }
        };
        let engine = super::build_engine_with(cli, loaded, swap)?;
        // Points, too, are fitted without the left-out source.
        let points = super::tune::fit_points(&engine, &training, crate::tune::Options::default().fp_cost);
        let engine = super::build_engine_with(cli, loaded, |sources| {
            swap(sources);
            super::tune::apply_points(sources, &points);
        })?;
        let scored: Vec<Labelled> = rows.iter().filter(|r| r.lang == lang && r.source == source).cloned().collect();
        outcomes.extend(run_outcomes(&engine, &scored, args.declared_language).into_iter().flatten());
    }
    Ok(evaluate(&outcomes, &CONVERSATIONAL_SOURCES))
}

fn write_loso(out: &mut dyn Write, e: &Evaluation) -> std::io::Result<()> {
    writeln!(
        out,
        "\n## Leave one source out\n\nEach source scored by a model trained and points fitted without it.\n\n### By language (left-out sources pooled)\n\n| language {HEAD}|---|---|---|---|---|---|---|---|"
    )?;
    for (l, g) in &e.by_language {
        row(out, l, g)?;
    }
    row(out, "**all**", &e.overall)?;
    writeln!(out, "\n### By source (left out)\n\n| source {HEAD}|---|---|---|---|---|---|---|---|")?;
    for (s, g) in &e.by_source {
        row(out, s, g)?;
    }
    let c = &e.conversational;
    writeln!(
        out,
        "\nConversational posts, left out: false-positive rate {} at review, {} at block.",
        pct(c.fpr_review),
        pct(c.fpr_block)
    )
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
