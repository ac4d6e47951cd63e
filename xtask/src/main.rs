//! `cargo xtask gen [--check]`: regenerates every file that derives from `spec/`.

use std::process::{Command as Process, ExitCode};
use std::time::Instant;

use clap::{Parser, Subcommand};
use xtask::{Mode, generate, repo_root};

/// Project automation for hookspec.
#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for hookspec",
    version
)]
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
    /// Run every check CI runs, in order, stopping at the first failure: generated files fresh,
    /// `cargo fmt --check`, `cargo clippy --all-targets -- -D warnings`, `cargo test --workspace`.
    Ci,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Ci => ci(),
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
                    println!(
                        "{} generated files are fresh ({elapsed:.0} ms)",
                        report.total
                    );
                    ExitCode::SUCCESS
                } else {
                    eprintln!("generated files are out of date with spec/openapi.yaml:\n{report}");
                    eprintln!("run `cargo xtask gen` and commit the result");
                    ExitCode::FAILURE
                }
            } else {
                let changed = report.stale.len() + report.missing.len() + report.leftover.len();
                print!("{report}");
                println!(
                    "{} files generated, {changed} changed ({elapsed:.0} ms)",
                    report.total
                );
                ExitCode::SUCCESS
            }
        }
    }
}

/// Runs one cargo command from the repository root, echoing it first.
fn cargo(args: &[&str]) -> bool {
    println!("==> cargo {}", args.join(" "));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    match Process::new(cargo)
        .args(args)
        .current_dir(repo_root())
        .status()
    {
        Ok(status) => status.success(),
        Err(error) => {
            eprintln!("error: cannot run cargo: {error}");
            false
        }
    }
}

fn ci() -> ExitCode {
    println!("==> cargo xtask gen --check");
    match generate(&repo_root(), Mode::Check) {
        Ok(report) if report.is_fresh() => println!("{} generated files are fresh", report.total),
        Ok(report) => {
            eprintln!(
                "generated files are out of date with spec/openapi.yaml:\n{report}run `cargo xtask gen` and commit the result"
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    }
    let steps: [&[&str]; 3] = [
        &["fmt", "--all", "--check"],
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &["test", "--workspace"],
    ];
    for step in steps {
        if !cargo(step) {
            eprintln!("error: `cargo {}` failed", step.join(" "));
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
