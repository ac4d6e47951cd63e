//! `cargo xtask gen [--check]`: regenerates every file that derives from `spec/`.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use xtask::{Mode, generate, repo_root};

/// Project automation for hookspec.
#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project automation for hookspec", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate mock/src/generated/ and conformance/cases/generated/ from spec/openapi.yaml.
    ///
    /// The generator owns both folders wholly: files it no longer produces are removed.
    Gen {
        /// Write nothing; list stale, missing and leftover files and fail if there are any.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Gen { check } => {
            let started = Instant::now();
            let mode = if check { Mode::Check } else { Mode::Write };
            let report = match generate(&repo_root(), mode) {
                Ok(report) => report,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    return ExitCode::FAILURE;
                }
            };
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            if check {
                if report.is_fresh() {
                    println!("{} generated files are fresh ({elapsed:.0} ms)", report.total);
                    ExitCode::SUCCESS
                } else {
                    eprintln!("generated files are out of date with spec/openapi.yaml:\n{report}");
                    eprintln!("run `cargo xtask gen` and commit the result");
                    ExitCode::FAILURE
                }
            } else {
                let changed = report.stale.len() + report.missing.len() + report.leftover.len();
                print!("{report}");
                println!("{} files generated, {changed} changed ({elapsed:.0} ms)", report.total);
                ExitCode::SUCCESS
            }
        }
    }
}
