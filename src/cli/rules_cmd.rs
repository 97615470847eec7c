//! `unbroadcast rules [ID]`: what the loaded rules are, and one rule's full docs.
//! A message with placeholders (`{match}`) is shown as it reads on the rule's own
//! first firing example, the template beside it.

use super::{Cli, Exit, build_engine, load_settings};
use crate::Engine;
use crate::pack::ExampleSpec;
use crate::rules::{RuleInfo, RuleSet, Variant};
use anyhow::{Result, bail};
use clap::ValueEnum;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// A rule id (or category, or prefix) to explain; all rules when omitted.
    pub id: Option<String>,
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

pub fn run(cli: &Cli, args: &RulesArgs) -> Result<Exit> {
    let loaded = load_settings(cli)?;
    let engine = build_engine(cli, &loaded)?;
    let set = engine.rules();
    let selected: Vec<&RuleInfo> = match &args.id {
        None => set.rules().iter().collect(),
        Some(id) => {
            let m = set.matching(id);
            if m.is_empty() {
                bail!("no rule matches '{id}'; `unbroadcast rules` lists them");
            }
            m.into_iter().map(|i| &set.rules()[i]).collect()
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match (args.format, &args.id) {
        (RulesFormat::Json, _) => {
            serde_json::to_writer_pretty(&mut out, &selected)?;
            writeln!(out)?;
        }
        (RulesFormat::Text, None) => {
            writeln!(out, "{:<36} {:<16} {:<8} {:>6}  languages", "rule", "category", "severity", "points")?;
            for r in &selected {
                let sev = format!("{:?}", r.severity).to_lowercase();
                writeln!(
                    out,
                    "{:<36} {:<16} {:<8} {:>6}  {}",
                    r.id,
                    r.category.name(),
                    sev,
                    r.points,
                    r.languages.join(", ")
                )?;
            }
            writeln!(
                out,
                "\n{} rules; rules version {}. `unbroadcast rules ID` explains one.",
                selected.len(),
                set.version()
            )?;
        }
        (RulesFormat::Text, Some(_)) => {
            for r in selected {
                explain(&mut out, &engine, r)?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Clean)
}

fn explain(out: &mut dyn Write, engine: &Engine, r: &RuleInfo) -> std::io::Result<()> {
    let sev = format!("{:?}", r.severity).to_lowercase();
    writeln!(out, "{}\n{}", r.id, "=".repeat(r.id.len()))?;
    writeln!(
        out,
        "category: {} · severity: {sev} · points: {} (at most {} per post) · languages: {}\n",
        r.category.name(),
        r.points,
        r.max_points,
        r.languages.join(", ")
    )?;
    let primary = r.primary();
    writeln!(out, "What it flags")?;
    match rendered(engine, r, primary) {
        Some((message, ex)) => {
            writeln!(out, "  {message}\n    on: {}\n    template: {}\n", example_line(ex), primary.message)?;
        }
        None => writeln!(out, "  {}\n", primary.message)?,
    }
    writeln!(out, "Why it matters\n  {}\n", primary.why)?;
    writeln!(out, "What to do instead\n  {}\n", primary.suggestion)?;
    for reference in &primary.references {
        writeln!(out, "See: {reference}")?;
    }
    for v in &r.variants {
        writeln!(out, "Examples ({}, {})", v.language, v.source)?;
        // Each language's own wording where it differs from the one above.
        if !std::ptr::eq(v, primary) {
            for (label, own, shown) in [
                ("flags", &v.message, &primary.message),
                ("why", &v.why, &primary.why),
                ("instead", &v.suggestion, &primary.suggestion),
            ] {
                if own == shown {
                    continue;
                }
                match rendered(engine, r, v).filter(|_| label == "flags") {
                    Some((message, _)) => writeln!(out, "  {label}: {message}\n    template: {own}")?,
                    None => writeln!(out, "  {label}: {own}")?,
                }
            }
        }
        for (mark, list) in [("✗", &v.examples.fire), ("✓", &v.examples.pass)] {
            for ex in list {
                writeln!(out, "  {mark} {}", example_line(ex))?;
                if let ExampleSpec::Full(f) = ex
                    && let Some(note) = &f.note
                {
                    writeln!(out, "      {note}")?;
                }
            }
        }
        if !v.replacements.is_empty() && v.replacements.iter().any(|x| !x.is_empty()) {
            writeln!(out, "  replacements: {}", v.replacements.join(" | "))?;
        }
    }
    writeln!(out)
}

/// A variant's message with its placeholders filled, as the engine words it on
/// the first of the variant's firing examples that fires now, and that example;
/// `None` for a message without placeholders (or no example that fires).
fn rendered<'v>(engine: &Engine, r: &RuleInfo, v: &'v Variant) -> Option<(String, &'v ExampleSpec)> {
    if !v.message.contains('{') {
        return None;
    }
    let now = jiff::Timestamp::now();
    v.examples.fire.iter().find_map(|ex| {
        let report = engine.lint_request(RuleSet::example_request(v, ex), now).ok()?;
        let w = report.warnings.into_iter().find(|w| w.rule == r.id)?;
        Some((w.message, ex))
    })
}

fn example_line(ex: &ExampleSpec) -> String {
    match ex {
        ExampleSpec::Text(t) => t.replace('\n', " "),
        ExampleSpec::Full(f) => {
            let mut ctx = Vec::new();
            if let Some(c) = &f.channel {
                ctx.push(format!("channel {c}"));
            }
            if let Some(l) = &f.language {
                ctx.push(format!("language {l}"));
            }
            if let Some(at) = &f.scheduled_at {
                ctx.push(format!("at {at}"));
            }
            if f.reply_to.is_some() {
                ctx.push("a reply".into());
            }
            match f.audience.as_ref().and_then(|a| a.timezone.as_deref()) {
                Some(tz) => ctx.push(format!("audience in {tz}")),
                None if f.audience.is_some() => ctx.push("with an audience".into()),
                None => {}
            }
            if let Some(h) = &f.history {
                // Frequency examples are about times: show them.
                let times: Vec<String> =
                    h.iter().map(|i| format!("{} {}", i.channel.as_deref().unwrap_or("same channel"), i.at)).collect();
                let shown = if times.len() > 3 {
                    format!("{}, … ({} in all)", times[..3].join(", "), times.len())
                } else {
                    times.join(", ")
                };
                ctx.push(format!("with history: {shown}"));
            }
            if f.options.is_some() {
                ctx.push("with options".into());
            }
            let t: String = f.text.replace('\n', " ");
            let t = if t.chars().count() > 100 { format!("{}…", t.chars().take(100).collect::<String>()) } else { t };
            if ctx.is_empty() { t } else { format!("{t}  ({})", ctx.join(", ")) }
        }
    }
}
