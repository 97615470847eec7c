//! `unbroadcast lint`: find the files and their settings, read them, lint them in
//! parallel, print, exit.

use super::directives::{self, UNUSED_DISABLE};
use super::inputs::{self, Defaults, FileText, Item, ItemError, Kind, Source};
use super::output::{self, Context, Diagnostic, Format, Outcome};
use super::project::{Overrides, Project, Projects, absolute};
use super::sourcemap::{file_offsets, file_span};
use super::{Cli, Exit};
use crate::pack::Severity;
use crate::report::Verdict;
use crate::text::{OffsetMap, Span};
use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;
use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Post files (.md, .txt), directories, .jsonl files of API requests, or `-` for
    /// standard input. Default: the working directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Exit with 1 when a post's verdict is at least this (or a disable comment is unused).
    #[arg(long, value_enum, default_value_t = FailOn::Review)]
    pub fail_on: FailOn,
    /// Channel for posts whose front matter names none (x, linkedin, facebook, instagram, threads, mastodon, bluesky, generic).
    #[arg(long)]
    pub channel: Option<String>,
    /// Language for posts whose front matter names none (en, de, ar, auto).
    #[arg(long)]
    pub language: Option<String>,
    /// A named audience from the settings, for posts whose front matter names none.
    #[arg(long)]
    pub audience: Option<String>,
    /// Only these rules: ids, categories or prefixes, comma-separated (replaces the settings' select).
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Skip these rules: ids, categories or prefixes, comma-separated (adds to the settings' ignore).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The time that stands in for "now" (RFC 3339), for reproducible frequency checks.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// How to read standard input: its name's extension decides (.md, .txt or .jsonl).
    #[arg(long, default_value = "stdin.md", value_name = "NAME")]
    pub stdin_name: String,
    /// Print only findings and errors: no source lines, no summaries.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print how often each rule fired instead of the findings (text or json).
    #[arg(long)]
    pub statistics: bool,
    /// Apply the settings' `include` and `exclude` to files named on the command
    /// line too (for pre-commit and editors, which pass every changed file).
    #[arg(long)]
    pub force_exclude: bool,
    /// Judge each post file on its own, not against the other files' `channel` and `scheduled_at` (the calendar).
    #[arg(long)]
    pub no_calendar: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Review,
    Block,
    Never,
}

pub fn run(cli: &Cli, args: &LintArgs) -> Result<Exit> {
    if args.statistics && !matches!(args.format, Format::Text | Format::Json) {
        bail!("--statistics prints text or json, not {:?}", args.format);
    }
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let overrides =
        Overrides { select: args.select.clone(), ignore: args.ignore.clone(), audience: args.audience.clone() };
    let mut projects = Projects::new(cli, cwd.clone(), overrides)?;
    let now = match &args.now {
        None => jiff::Timestamp::now(),
        Some(s) => s.parse().with_context(|| format!("--now {s}: not an RFC 3339 time"))?,
    };
    let mut items = collect(args, &cwd, &mut projects)?;
    if !args.no_calendar {
        super::calendar::attach(&mut items);
    }

    let linted: Vec<(Outcome, Arc<Project>)> = items
        .into_par_iter()
        .map(|item| {
            let project = Arc::clone(&item.project);
            (lint_item(item, now), project)
        })
        .collect();
    let mut cx = Context { cwd, quiet: args.quiet, ..Context::default() };
    for (o, project) in &linted {
        for w in o.result.iter().flat_map(|r| &r.warnings) {
            if !cx.rules.contains_key(&w.rule)
                && let Some(info) = project.engine.rules().get(&w.rule)
            {
                cx.rules.insert(w.rule.clone(), info.clone());
            }
        }
    }
    let outcomes: Vec<Outcome> = linted.into_iter().map(|(o, _)| o).collect();

    let mut out: Box<dyn Write> = match &args.output_file {
        Some(f) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(f).with_context(|| format!("cannot write {}", f.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    if args.statistics {
        output::write_statistics(&mut out, &outcomes, args.format)?;
    } else {
        output::write(&mut out, &outcomes, args.format, &cx)?;
    }
    out.flush()?;
    Ok(exit(&outcomes, args.fail_on))
}

/// Every request to lint, each with its project. Walking and settings discovery
/// are sequential (each settings file is loaded once); reading runs in parallel.
fn collect(args: &LintArgs, cwd: &Path, projects: &mut Projects<'_>) -> Result<Vec<Item>> {
    let defaults =
        Defaults { channel: args.channel.clone(), language: args.language.clone(), audience: args.audience.clone() };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let mut sources: Vec<Source> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    for p in &paths {
        if p.as_os_str() == "-" {
            let abs = absolute(cwd, Path::new(&args.stdin_name));
            let project = projects.for_file(&abs)?;
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
            let kind = Kind::of(Path::new(&args.stdin_name));
            let ignores = project.ignores_for(&abs);
            items.extend(inputs::items_from_bytes("-", bytes, kind, &project, ignores, &defaults));
        } else if p.is_dir() {
            sources.extend(inputs::walk(p, projects)?);
        } else {
            let abs = absolute(cwd, p);
            let project = projects.for_file(&abs)?;
            if args.force_exclude && (project.excludes_anywhere(&abs) || !project.includes(&abs)) {
                continue;
            }
            sources.push(Source { display: inputs::display(p), path: p.clone(), abs, project });
        }
    }
    let read: Vec<Vec<Item>> = sources.into_par_iter().map(|s| inputs::read(s, &defaults)).collect();
    items.extend(read.into_iter().flatten());
    Ok(items)
}

/// 2 when an input could not be linted; 1 when a post reached `--fail-on` or a
/// disable comment is unused (unless `--fail-on never`); else 0.
fn exit(outcomes: &[Outcome], fail_on: FailOn) -> Exit {
    let threshold = match fail_on {
        FailOn::Review => Some(Verdict::Review),
        FailOn::Block => Some(Verdict::Block),
        FailOn::Never => None,
    };
    if outcomes.iter().any(|o| o.result.is_err()) {
        return Exit::Error;
    }
    let failing = threshold.is_some_and(|t| {
        outcomes.iter().any(|o| o.result.as_ref().is_ok_and(|r| r.verdict >= t) || !o.diagnostics.is_empty())
    });
    if failing { Exit::Findings } else { Exit::Clean }
}

fn lint_item(item: Item, now: jiff::Timestamp) -> Outcome {
    let Item { path, line, file, project, request } = item;
    let fail = |e: ItemError| Outcome {
        path: path.clone(),
        line,
        source: None,
        anchor: None,
        result: Err(e),
        diagnostics: Vec::new(),
    };
    let request = match request {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let engine = &project.engine;
    let post_text = request.post.text.clone();
    let draft = match engine.prepare(request, now) {
        Ok(d) => d,
        Err(e) => {
            let key = inputs::key_of_pointer(&e.pointer);
            let at = file.as_ref().and_then(|f| f.lines.get(key?).copied());
            return fail(ItemError { line: at, column: None, pointer: Some(e.pointer), message: e.message });
        }
    };
    let Some(f) = file else {
        let report = engine.lint(&draft);
        return Outcome {
            path,
            line,
            source: Some(post_text),
            anchor: None,
            result: Ok(report),
            diagnostics: Vec::new(),
        };
    };
    let FileText { text, map, directives, suppressions, .. } = f;
    // Whole-post findings sit at the post's first character.
    let anchor_at = map.start(0);
    let mut used = vec![0usize; suppressions.len()];
    let mut report = engine.lint_where(&draft, |finding| {
        let at = finding.span.as_ref().map_or(anchor_at, |s| map.start(s.start));
        match suppressions.iter().position(|s| s.covers(finding.rule, at)) {
            Some(i) => {
                used[i] += 1;
                false
            }
            None => true,
        }
    });
    // Positions in the file, not in the post text cut out of it: every span of a
    // warning, its repeats' and its evidence's too.
    let offsets = file_offsets(&text);
    let to_file = |s: &mut Span| *s = file_span(&offsets, &text, map.range(s.byte_start..s.byte_end));
    for w in &mut report.warnings {
        w.span.iter_mut().chain(&mut w.more_spans).chain(w.evidence.iter_mut().map(|e| &mut e.span)).for_each(to_file);
    }
    let enabled = engine.enabled_for(&draft);
    let diagnostics = directives::unused(&directives, &suppressions, &used, &enabled)
        .into_iter()
        .map(|(d, selectors)| unused_diagnostic(&offsets, &text, d, &selectors))
        .collect();
    let anchor = Some(file_span(&offsets, &text, anchor_at..anchor_at));
    Outcome { path, line, source: Some(text), anchor, result: Ok(report), diagnostics }
}

fn unused_diagnostic(offsets: &OffsetMap, text: &str, d: &directives::Directive, selectors: &[&str]) -> Diagnostic {
    let names: Vec<String> = selectors.iter().map(|s| format!("`{s}`")).collect();
    let all = selectors.len() == d.selectors.len();
    Diagnostic {
        rule: UNUSED_DISABLE,
        severity: Severity::Warning,
        message: format!("unused `unbroadcast-{}`: nothing to suppress for {}", d.verb.name(), names.join(", ")),
        span: file_span(offsets, text, d.range.clone()),
        suggestion: if all {
            "Remove the comment: the findings it was for are gone.".to_owned()
        } else {
            format!("Remove {} from the comment.", names.join(", "))
        },
    }
}
