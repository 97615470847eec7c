//! `unbroadcast lint`: read inputs, lint them in parallel, print, exit.

use super::inputs::{self, Defaults, Item, ItemError, Kind};
use super::output::{self, Format, Outcome};
use super::{Cli, Exit, build_engine, load_settings};
use crate::report::Verdict;
use crate::text::OffsetMap;
use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;
use rayon::prelude::*;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Post files (.md, .txt), directories, .jsonl files of API requests, or `-` for standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with 1 when a post's verdict is at least this.
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
    /// Print only warnings and errors, no source lines or summaries.
    #[arg(short, long)]
    pub quiet: bool,
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
    let mut loaded = load_settings(cli)?;
    if let Some(sel) = &args.select {
        loaded.settings.lint.select = Some(sel.clone());
    }
    loaded.settings.lint.ignore.extend(args.ignore.iter().cloned());
    let engine = build_engine(cli, &loaded)?;
    let now = match &args.now {
        None => jiff::Timestamp::now(),
        Some(s) => s.parse().with_context(|| format!("--now {s}: not an RFC 3339 time"))?,
    };
    if let Some(a) = &args.audience {
        inputs::named_audience(&loaded.settings, a).map_err(|e| anyhow::anyhow!("--audience: {}", e.message))?;
    }
    let defaults =
        Defaults { channel: args.channel.clone(), language: args.language.clone(), audience: args.audience.clone() };

    let mut items: Vec<Item> = Vec::new();
    let paths = if args.paths.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!("no input: give files or directories to lint, or pipe a post into `unbroadcast lint -`");
        }
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let settings = &loaded.settings;
    for p in &paths {
        if p.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
            let kind = Kind::of(std::path::Path::new(&args.stdin_name));
            items.extend(inputs::items_from_bytes("-", bytes, kind, settings, &defaults));
        } else if p.is_dir() {
            let found = inputs::walk(p);
            let read: Vec<Vec<Item>> = found.par_iter().map(|f| read_file(f, settings, &defaults)).collect();
            items.extend(read.into_iter().flatten());
        } else {
            items.extend(read_file(p, settings, &defaults));
        }
    }

    if !args.no_calendar {
        super::calendar::attach(&mut items, engine.config().limits.max_history);
    }
    let outcomes: Vec<Outcome> = items.into_par_iter().map(|item| lint_item(&engine, item, now)).collect();

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    output::write(&mut out, &outcomes, args.format, args.quiet)?;
    out.flush()?;

    let errors = outcomes.iter().any(|o| o.result.is_err());
    let threshold = match args.fail_on {
        FailOn::Review => Some(Verdict::Review),
        FailOn::Block => Some(Verdict::Block),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| outcomes.iter().any(|o| o.result.as_ref().is_ok_and(|r| r.verdict >= t)));
    Ok(if errors {
        Exit::Error
    } else if failing {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

fn read_file(path: &std::path::Path, settings: &crate::settings::Settings, defaults: &Defaults) -> Vec<Item> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => inputs::items_from_bytes(&name, bytes, Kind::of(path), settings, defaults),
        Err(e) => vec![Item {
            path: name,
            line: None,
            file: None,
            request: Err(ItemError { line: None, pointer: None, message: format!("cannot read: {e}") }),
        }],
    }
}

fn lint_item(engine: &crate::Engine, item: Item, now: jiff::Timestamp) -> Outcome {
    let Item { path, line, file, request } = item;
    let request = match request {
        Ok(r) => r,
        Err(e) => return Outcome { path, line, source: None, result: Err(e) },
    };
    let post_text = request.post.text.clone();
    let report = engine.prepare(request, now).map(|d| engine.lint(&d));
    match (report, file) {
        (Err(e), _) => Outcome {
            path,
            line,
            source: None,
            result: Err(ItemError { line, pointer: Some(e.pointer), message: e.message }),
        },
        (Ok(r), None) => Outcome { path, line, source: Some(post_text), result: Ok(r) },
        (Ok(mut r), Some(f)) => {
            // Positions in the file, not in the post text cut out of it.
            let map = OffsetMap::new(&f.text, f.text.grapheme_indices(true).map(|(i, _)| i).collect());
            for w in &mut r.warnings {
                if let Some(s) = &mut w.span {
                    *s = map.span(&f.text, f.body_start + s.byte_start..f.body_start + s.byte_end);
                }
            }
            Outcome { path, line, source: Some(f.text), result: Ok(r) }
        }
    }
}
