//! `unbroadcast train FILE.jsonl…`: fits the broadcast-voice model of each
//! language on labelled posts and writes it as a pack file
//! (`rules/<lang>/voice-model.toml`), which the next build embeds.

use super::Exit;
use super::eval::read_labelled;
use crate::eval::Labelled;
use crate::model::artifact::{ModelSpec, pack_text};
use crate::model::train::{Params, fit_language};
use anyhow::{Context as _, Result};
use std::path::PathBuf;

/// The file a language's model is written to, under the packs directory.
pub const MODEL_FILE: &str = "voice-model.toml";
/// The `[[model]]` name the packs' `broadcast.voice` rules use.
pub const MODEL_NAME: &str = "voice";

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Labelled posts (`eval`'s format); several files are trained on together.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Packs directory to write `<lang>/voice-model.toml` into.
    #[arg(long, default_value = "rules")]
    pub out: PathBuf,
    /// Only these languages (default: en, de, ar).
    #[arg(long = "language", value_name = "LANG")]
    pub languages: Vec<String>,
    /// Leave a source's rows out of training.
    #[arg(long, value_name = "SOURCE")]
    pub leave_out: Option<String>,
}

pub fn run(args: &TrainArgs) -> Result<Exit> {
    let mut rows: Vec<Labelled> = Vec::new();
    for f in &args.files {
        rows.extend(read_labelled(f)?);
    }
    // The built-in packs' own examples are always part of the training data.
    rows.extend(crate::model::train::pack_examples(&crate::rules::RuleSet::with_builtin(Vec::new())?));
    let langs = if args.languages.is_empty() {
        vec!["en".to_owned(), "de".to_owned(), "ar".to_owned()]
    } else {
        args.languages.clone()
    };
    let params = Params::default();
    for lang in &langs {
        let l: crate::lang::Lang = lang.parse().map_err(|()| anyhow::anyhow!("--language {lang}: use en, de or ar"))?;
        let Some((model, trained_on)) = fit_language(&rows, lang, args.leave_out.as_deref(), &params) else {
            eprintln!("{lang}: skipped, the files have no posts of both labels in this language");
            continue;
        };
        let spec = ModelSpec::encode(MODEL_NAME, &model, trained_on);
        let text = pack_text(l, &spec).map_err(|e| anyhow::anyhow!(e))?;
        let dir = args.out.join(lang);
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(MODEL_FILE);
        std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        let kept = model.weights.iter().filter(|w| (*w / spec.scale).round() != 0.0).count();
        println!("{lang}: {} → {} ({} weights, {} KB)", spec.trained_on, path.display(), kept, text.len() / 1024);
    }
    Ok(Exit::Clean)
}
