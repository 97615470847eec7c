//! One integration test binary (fewer link steps), one module per area.

// Tests may panic on what they did not expect: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod packs;
mod props;
mod quality;
mod support;
