//! `unbroadcast serve`: finds the settings file, layers the environment and flags
//! on top (see [`crate::settings::layers`]), and hands over to [`crate::server`].

use super::{Cli, Exit, discover};
use crate::server::ServerError;
use crate::server::settings::LogFormat;
use crate::server::state::{EngineSpec, LoadError};
use crate::settings::layers::{ENV_PREFIX, Layers, layered};
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on, host:port; port 0 picks a free port [server.bind; default 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Worker threads [server.workers; default: one per CPU core].
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Log format [server.log_format; default human].
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter such as info or debug [server.log_level; default info].
    #[arg(long, value_name = "FILTER")]
    pub log_level: Option<String>,
}

pub fn run(cli: &Cli, args: &ServeArgs) -> Result<Exit> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let file: Option<PathBuf> = if cli.no_config { None } else { cli.config.clone().or_else(|| discover(&cwd)) };
    let text = match &file {
        Some(f) => {
            Some(std::fs::read_to_string(f).with_context(|| format!("cannot read settings file {}", f.display()))?)
        }
        None => None,
    };
    let name = file.as_ref().map_or_else(|| "settings".to_owned(), |f| f.display().to_string());

    let mut env = Vec::new();
    for (k, v) in std::env::vars_os() {
        let Some(k) = k.to_str().filter(|k| k.starts_with(ENV_PREFIX)) else { continue };
        match v.into_string() {
            Ok(v) => env.push((k.to_owned(), v)),
            Err(_) => bail!("environment: {k}: not valid UTF-8"),
        }
    }
    let mut flags: Vec<(&'static str, String)> = Vec::new();
    if let Some(b) = &args.bind {
        flags.push(("server.bind", b.clone()));
    }
    if let Some(w) = args.workers {
        flags.push(("server.workers", w.to_string()));
    }
    if let Some(f) = args.log_format {
        flags.push(("server.log_format", if f == LogFormat::Json { "json" } else { "human" }.to_owned()));
    }
    if let Some(l) = &args.log_level {
        flags.push(("server.log_level", l.clone()));
    }

    let settings = layered(&Layers { file: text.as_deref().map(|t| (t, name.as_str())), env, flags })?;
    let config = settings.engine_config(&name)?;
    let base = file.as_ref().and_then(|f| f.parent()).unwrap_or(Path::new("."));
    let mut pack_dirs = settings.pack_dirs(base);
    pack_dirs.extend(cli.packs.iter().cloned());
    crate::server::run(settings, EngineSpec { config, pack_dirs }).map_err(|e| match e {
        ServerError::Rules(LoadError::Config(_)) => anyhow::anyhow!("{name}: {e}"),
        e => e.into(),
    })?;
    Ok(Exit::Clean)
}
