//! One integration test binary (fewer link steps), one module per area.

// Tests may panic on what they did not expect: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod collapse;
mod dropin;
mod editor;
mod engine;
mod examples;
mod formats;
mod frequency;
mod http;
mod inline;
mod openapi;
mod packs;
mod parse;
mod props;
mod quality;
mod repo_config;
mod schemathesis;
mod serve;
mod server;
mod source_map;
mod support;
mod triplets;
