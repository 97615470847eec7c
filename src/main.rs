//! The `unbroadcast` binary: parses arguments and hands over to the library's CLI.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = unbroadcast::cli::Cli::parse();
    std::process::ExitCode::from(unbroadcast::cli::run(cli) as u8)
}
