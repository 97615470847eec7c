//! The command line: `unbroadcast lint`, `rules`, `config`, `eval` and `serve`.
//! A thin shell over [`crate::Engine`]: it finds settings and files, turns them into
//! requests, and prints reports. Exit codes follow ripgrep and ruff: 0 clean, 1
//! findings at or above `--fail-on`, 2 usage, configuration or input errors.

mod calendar;
mod config_cmd;
pub mod directives;
pub mod eval;
pub mod frontmatter;
mod inputs;
mod lint;
pub mod markdown;
mod output;
mod project;
mod rules_cmd;
mod serve;
pub mod sourcemap;
pub mod train;
pub mod tune;

use crate::engine::{ConfigError, Engine};
use crate::pack::{PackError, PackSource, read_dir_sources};
use crate::rules::RuleSet;
use crate::settings::{FILE_NAMES, Settings};
use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Lint social media drafts for broadcast phrasing, missing personalization and over-posting.
#[derive(Debug, Parser)]
#[command(name = "unbroadcast", version, about, max_term_width = 100)]
pub struct Cli {
    /// Settings file (default: unbroadcast.toml or .unbroadcast.toml in this or a parent directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore settings files.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    /// Extra rule pack directory (repeatable).
    #[arg(long = "packs", global = true, value_name = "DIR")]
    pub packs: Vec<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint post files, directories, `.jsonl` request files, or standard input (`-`).
    Lint(lint::LintArgs),
    /// List the loaded rules, or explain one.
    Rules(rules_cmd::RulesArgs),
    /// Measure the rules on labelled posts: ROC AUC, recall and false positives, per-rule hit rates.
    Eval(eval::EvalArgs),
    /// Fit the broadcast-voice model of each language on labelled posts; writes rules/<lang>/voice-model.toml.
    Train(train::TrainArgs),
    /// Fit rule points to labelled posts (false positives cost more); --write puts them into the packs.
    Tune(tune::TuneArgs),
    /// Print the settings in effect for a path, as TOML (secrets redacted).
    Config(config_cmd::ConfigArgs),
    /// Run the HTTP service (settings: [server] in unbroadcast.toml, UNBROADCAST_* variables, flags).
    Serve(serve::ServeArgs),
}

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

/// Runs the command line; returns the exit code.
pub fn run(cli: Cli) -> Exit {
    let result = match &cli.command {
        Command::Lint(args) => lint::run(&cli, args),
        Command::Rules(args) => rules_cmd::run(&cli, args),
        Command::Eval(args) => eval::run(&cli, args),
        Command::Train(args) => train::run(args),
        Command::Tune(args) => tune::run(&cli, args),
        Command::Config(args) => config_cmd::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => Exit::Clean,
        Err(e) => {
            eprintln!("error: {e:#}");
            Exit::Error
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind) == Some(BrokenPipe)
    })
}

/// Settings as loaded, with where they came from.
pub struct Loaded {
    pub settings: Settings,
    /// The settings file, if one was used.
    pub file: Option<PathBuf>,
}

/// Finds and parses the settings file.
pub fn load_settings(cli: &Cli) -> Result<Loaded> {
    if cli.no_config {
        return Ok(Loaded { settings: Settings::default(), file: None });
    }
    let file = match &cli.config {
        Some(p) => Some(p.clone()),
        None => discover(&std::env::current_dir().context("cannot read the working directory")?),
    };
    let Some(file) = file else { return Ok(Loaded { settings: Settings::default(), file: None }) };
    let settings = read_settings(&file)?;
    Ok(Loaded { settings, file: Some(file) })
}

/// Reads and parses one settings file.
pub fn read_settings(file: &Path) -> Result<Settings> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read settings file {}", file.display()))?;
    Ok(Settings::parse(&text, &file.display().to_string())?)
}

/// An error about the value at `path` of a settings file (`["lint", "ignore",
/// "2"]`), named `file:line` when the value is found there.
pub fn settings_error(file: &Path, path: &[&str], message: &str) -> anyhow::Error {
    let line = std::fs::read_to_string(file).ok().and_then(|t| Settings::line_of(&t, path));
    match line {
        Some(l) => anyhow::anyhow!("{}:{l}: {message}", file.display()),
        None => anyhow::anyhow!("{}: {message}", file.display()),
    }
}

/// The nearest settings file in `dir` or its parents.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().flat_map(|d| FILE_NAMES.iter().map(move |n| d.join(n))).find(|p| p.is_file())
}

/// The engine for these settings: built-in packs, the settings' pack directories,
/// then `--packs`.
pub fn build_engine(cli: &Cli, loaded: &Loaded) -> Result<Engine> {
    build_engine_with(cli, loaded, |_| {})
}

/// [`build_engine`], with the built-in packs edited first (evaluation swaps in a
/// model trained without the source it scores).
pub fn build_engine_with(cli: &Cli, loaded: &Loaded, edit: impl FnOnce(&mut Vec<PackSource>)) -> Result<Engine> {
    let file_name = loaded.file.as_ref().map_or_else(|| "settings".to_owned(), |f| f.display().to_string());
    let base = loaded.file.as_ref().and_then(|f| f.parent()).unwrap_or(Path::new("."));
    let mut dirs = loaded.settings.pack_dirs(base);
    dirs.extend(cli.packs.iter().cloned());
    let mut extra: Vec<PackSource> = Vec::new();
    for d in dirs {
        extra.extend(read_dir_sources(&d).map_err(|e: PackError| anyhow::anyhow!(e))?);
    }
    let mut sources = crate::pack::builtin_sources();
    edit(&mut sources);
    sources.extend(extra);
    let rules = RuleSet::compile(sources)?;
    let config = loaded.settings.engine_config(&file_name).map_err(|e| match &loaded.file {
        // `[channels.myspace]: unknown channel` → the line of that table.
        Some(f) if e.line.is_none() => {
            let channel = e.message.strip_prefix("[channels.").and_then(|r| r.split_once(']')).map(|(c, _)| c);
            let path = match channel {
                Some(c) => vec!["channels", c],
                None => vec!["lint", "thresholds"],
            };
            settings_error(f, &path, &e.message)
        }
        _ => anyhow::Error::new(e),
    })?;
    Engine::new(rules, config).map_err(|e| selector_error(loaded, &file_name, &e))
}

/// A `[lint]` selector naming no rule, at `file:line` when the settings file wrote
/// it; otherwise it came from `--select` or `--ignore`.
fn selector_error(loaded: &Loaded, file_name: &str, e: &ConfigError) -> anyhow::Error {
    let Some((key, index)) = e.field.strip_suffix(']').and_then(|f| f.split_once('[')) else {
        return anyhow::anyhow!("{file_name}: [lint] {e}");
    };
    let list =
        |s: &Settings| if key == "select" { s.lint.select.clone().unwrap_or_default() } else { s.lint.ignore.clone() };
    let value = index.parse::<usize>().ok().and_then(|i| list(&loaded.settings).get(i).cloned());
    let written = loaded.file.as_ref().filter(|f| {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let i = index.parse::<usize>().unwrap_or(usize::MAX);
        Settings::parse(&text, "").is_ok_and(|s| list(&s).get(i) == value.as_ref())
    });
    match written {
        Some(f) => settings_error(f, &["lint", key, index], &format!("[lint] {e}")),
        None => anyhow::anyhow!("--{key}: {}", e.message),
    }
}
