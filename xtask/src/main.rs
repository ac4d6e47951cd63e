//! `cargo xtask gen [--check]`: regenerates every file that derives from `spec/`.

use std::process::{Command as Process, ExitCode};
use std::time::Instant;

use clap::{Parser, Subcommand};
use xtask::{Mode, generate, repo_root};

mod control_suites;
mod outside;
mod python_clients;

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
    /// Regenerate mock/src/generated/ and conformance/cases/generated/ from spec/openapi.yaml,
    /// the control API's route table and models from spec/control.yaml, and the webhook table
    /// and payload schemas from spec/webhooks/webhooks.json.
    ///
    /// The generator owns both folders wholly: files it no longer produces are removed.
    Gen {
        /// Write nothing; list stale, missing and leftover files and fail if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Run every check CI runs, in order, stopping at the first failure: generated files fresh,
    /// `cargo fmt --check`, `cargo clippy --all-targets -- -D warnings`, `cargo test --workspace`,
    /// then the Python clients (PyGithub and githubkit against the hookspec-mock binary, in a
    /// venv under target/py-clients) when python3 is on PATH, then the control-API suites in
    /// Python and JavaScript (downstream/clients/control/) when python3 and node are.
    /// Installs Debian's chromium (for the HTML report's browser test) and nodejs first when
    /// they are missing and we are root.
    Ci,
    /// Import GitHub's published webhook description into spec/webhooks/webhooks.json.
    ///
    /// Reads `generated/api.github.com.json` of the npm package `@octokit/openapi-webhooks`
    /// (`npm pack @octokit/openapi-webhooks@12.1.0`) and, for the events GHES global hooks
    /// receive, the package's latest `generated/ghes-*.json`; keeps the events and actions our
    /// hook kinds receive and their schemas' structure. Run `cargo xtask gen` afterwards.
    ImportWebhooks {
        /// The package's `generated/api.github.com.json`.
        dotcom: std::path::PathBuf,
        /// The package's `generated/ghes-<version>.json` (GHES global hooks' events).
        #[arg(long)]
        ghes: std::path::PathBuf,
    },
    /// Only the Python clients step of `ci`: PyGithub and githubkit scripts in
    /// downstream/clients/ against the hookspec-mock binary (venv in target/py-clients, created
    /// and filled when missing).
    PythonClients,
    /// Only the control-API suites step of `ci`: the Python unittest and node --test suites in
    /// downstream/clients/control/, each starting the hookspec-mock binary with its seed.
    ControlSuites,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Ci => ci(),
        Command::PythonClients => exit_code(python_clients::run().failed == 0),
        Command::ControlSuites => exit_code(control_suites::run().failed == 0),
        Command::ImportWebhooks { dotcom, ghes } => import_webhooks(&dotcom, &ghes),
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

fn exit_code(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Writes spec/webhooks/webhooks.json from the upstream files.
fn import_webhooks(dotcom: &std::path::Path, ghes: &std::path::Path) -> ExitCode {
    use hookspec_codegen::webhooks::{WEBHOOKS_SPEC, import};
    let name = |path: &std::path::Path| {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("generated/{file}")
    };
    let (dotcom_name, ghes_name) = (name(dotcom), name(ghes));
    let text = import::import(
        &import::Upstream {
            path: dotcom,
            name: &dotcom_name,
        },
        &import::Upstream {
            path: ghes,
            name: &ghes_name,
        },
    );
    let text = match text {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let out = repo_root().join(WEBHOOKS_SPEC);
    let written = out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&out, &text));
    match written {
        Ok(()) => {
            println!(
                "wrote {WEBHOOKS_SPEC} ({} bytes); now run `cargo xtask gen`",
                text.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: writing {}: {error}", out.display());
            ExitCode::FAILURE
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
    // The outside programs some tests use, each with what skips without it.
    ensure_debian_packages(&[
        (
            "chromium",
            std::path::Path::new("/usr/bin/chromium").exists(),
            "the HTML report's browser check",
        ),
        (
            "nodejs",
            outside::found("node"),
            "the JavaScript control-API suite",
        ),
    ]);
    let steps: [&[&str]; 2] = [
        &["fmt", "--all", "--check"],
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ];
    for step in steps {
        if !cargo(step) {
            eprintln!("error: `cargo {}` failed", step.join(" "));
            return ExitCode::FAILURE;
        }
    }
    let (success, totals) = cargo_test(&["test", "--workspace"]);
    // Real clients and test suites in other languages drive the binary, after the cargo tests.
    let outside = python_clients::run().add(control_suites::run());
    // One closing line for the whole run: cargo prints one `test result` per test binary,
    // and the last of them is often a crate without doctests. The other languages count too.
    let all = totals.add(outside);
    println!(
        "total: {} passed, {} failed, {} skipped",
        all.passed, all.failed, all.skipped
    );
    if success && outside.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Installs each Debian package `(package, present, purpose)` that is not `present` when this is
/// a Debian machine where we are root (CI, a fresh dev machine); elsewhere, or when installing
/// fails, the check it is for (`purpose`) says it skipped, and this says why.
fn ensure_debian_packages(wanted: &[(&str, bool, &str)]) {
    let missing: Vec<(&str, &str)> = wanted
        .iter()
        .filter(|(_, present, _)| !present)
        .map(|(package, _, purpose)| (*package, *purpose))
        .collect();
    if missing.is_empty() {
        return;
    }
    let root = Process::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    if !root || !std::path::Path::new("/usr/bin/apt-get").exists() {
        for (package, purpose) in missing {
            println!("==> note: no {package} and no way to install it here; {purpose} will skip");
        }
        return;
    }
    let packages: Vec<&str> = missing.iter().map(|(package, _)| *package).collect();
    let purposes: Vec<&str> = missing.iter().map(|(_, purpose)| *purpose).collect();
    println!(
        "==> apt-get install {} (for {})",
        packages.join(" "),
        purposes.join(", ")
    );
    let installed = Process::new("apt-get")
        .args(["update", "-qq"])
        .status()
        .is_ok_and(|s| s.success())
        && Process::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&packages)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success());
    if !installed {
        println!(
            "==> note: installing {} failed; {} will skip",
            packages.join(" "),
            purposes.join(", ")
        );
    }
}

/// Runs `cargo test ...`, passing its output through, and adds up its `test result:` lines
/// (an ignored test counts as skipped, as the other languages' suites count theirs).
fn cargo_test(args: &[&str]) -> (bool, outside::Outcome) {
    use std::io::{BufRead, BufReader, Write};
    println!("==> cargo {}", args.join(" "));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut totals = outside::Outcome::default();
    let child = Process::new(cargo)
        .args(args)
        .current_dir(repo_root())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            eprintln!("error: cannot run cargo: {error}");
            return (false, totals);
        }
    };
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout().lock();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = writeln!(out, "{line}");
            let Some(rest) = line.strip_prefix("test result: ") else {
                continue;
            };
            for part in rest.split(';') {
                let mut words = part.split_whitespace().rev();
                let (Some(label), Some(count)) = (words.next(), words.next()) else {
                    continue;
                };
                let Ok(count) = count.parse::<u64>() else {
                    continue;
                };
                match label {
                    "passed" => totals.passed += count,
                    "failed" => totals.failed += count,
                    "ignored" => totals.skipped += count,
                    _ => {}
                }
            }
        }
    }
    let success = child.wait().map(|status| status.success()).unwrap_or(false);
    if !success {
        eprintln!("error: `cargo {}` failed", args.join(" "));
    }
    (success, totals)
}
