//! unbroadcast: a linter for social media drafts that flags broadcast phrasing,
//! missing personalization and over-posting, with scored, explained warnings.
//!
//! The core — [`analysis`], [`rules`], [`score`], [`report`] — knows nothing of
//! HTTP, files or terminals. [`Engine`] is the one entry point; the CLI and the
//! server are thin shells over it.

pub mod analysis;
pub mod channel;
pub mod cli;
pub mod engine;
pub mod eval;
pub mod input;
pub mod lang;
pub mod model;
pub mod pack;
pub mod policy;
pub mod report;
pub mod rules;
pub mod score;
pub mod server;
pub mod settings;
pub mod text;
pub mod tune;

pub use engine::{ConfigError, Engine, EngineConfig};
pub use input::{Draft, InputError, LintRequest};
pub use report::{Report, Verdict, Warning};

/// Errors from building an engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Pack(#[from] pack::PackError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}
