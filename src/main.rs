//! The `unbroadcast` binary: parses arguments and hands over to the library's CLI.

use clap::Parser;

/// mimalloc instead of the system allocator: a lint allocates many small strings,
/// and under load glibc's malloc/free took 13% of the service's CPU
/// (docs/performance.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = unbroadcast::cli::Cli::parse();
    std::process::ExitCode::from(unbroadcast::cli::run(cli) as u8)
}
