//! `hookspec-conformance`: runs the contract cases against the embedded fake (the default) or
//! any server, prints one line per case and a summary, writes JUnit XML on request, and deletes
//! what it created, on Ctrl-C too.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hookspec_conformance::embedded::Embedded;
use hookspec_conformance::report::{self, CaseResult, Summary};
use hookspec_conformance::run::{Run, RunOptions};
use hookspec_conformance::suite;
use hookspec_conformance::target::{Target, parse_product};

/// Check a server against the contract cases of GitHub's webhook-management REST API
/// (organization webhooks, GHES global webhooks).
///
/// Without --target the embedded fake is started and every case runs for each product it
/// applies to (dotcom and dotcom-legacy at the fake's root, ghes under /api/v3). Against a real
/// server, everything the run creates carries the marker URL
/// https://hookspec-conformance.invalid/<run id> and is deleted afterwards, after failures and on
/// Ctrl-C too; hooks the run did not create are never changed.
#[derive(Debug, Parser)]
#[command(name = "hookspec-conformance", version)]
struct Cli {
    /// Base URL of the server: https://api.github.com, or https://HOST/api/v3 for GHES.
    /// Without it the embedded fake is started.
    #[arg(long, value_name = "URL")]
    target: Option<String>,

    /// Token sent as `Authorization: Bearer` (an org owner's; a site admin's for global hooks).
    /// Prefer --token-env, which keeps it out of the process list.
    #[arg(
        long,
        value_name = "T",
        env = "HOOKSPEC_TOKEN",
        hide_env_values = true,
        conflicts_with = "token_env"
    )]
    token: Option<String>,

    /// Read the token from this environment variable instead (e.g. GITHUB_TOKEN).
    #[arg(long, value_name = "VAR")]
    token_env: Option<String>,

    /// Organization whose webhooks the cases use (required with --target; the fake has octocat).
    #[arg(long, value_name = "NAME", env = "HOOKSPEC_ORG")]
    org: Option<String>,

    /// Which product the target is: dotcom (api.github.com) or ghes (GitHub Enterprise Server),
    /// or dotcom-legacy (the older api.github.com edition). Cases for other products are
    /// skipped with the reason shown. With the fake, runs only this product.
    #[arg(long, value_name = "dotcom|ghes", env = "HOOKSPEC_PRODUCT")]
    product: Option<String>,

    /// Run only cases whose name (path below the cases folder, without .yaml) contains
    /// PATTERN; may be given more than once.
    #[arg(long, value_name = "PATTERN")]
    filter: Vec<String>,

    /// Run only cases marked read_only: true (they change nothing on the server).
    #[arg(long)]
    read_only: bool,

    /// Skip cases tagged TAG; may be given more than once. `many-hooks` marks the cases that
    /// create many hooks at once (21 for the hooks-per-event limit; all the run's own, deleted
    /// afterwards).
    #[arg(long = "skip-tag", value_name = "TAG")]
    skip_tags: Vec<String>,

    /// Write a JUnit XML report here (one testcase per case and product).
    #[arg(long, value_name = "PATH")]
    junit: Option<PathBuf>,

    /// Longest a request may take, connect to last byte, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,

    /// Folder of case files (searched recursively for .yaml). Default: the crate's cases/.
    #[arg(long, value_name = "DIR")]
    cases: Option<PathBuf>,

    /// Also print notes (fields a server adds beyond the expected body).
    #[arg(long, short)]
    verbose: bool,

    /// Instead of running the cases: proxy, replay or record-to-case (see `help proxy`).
    #[command(subcommand)]
    command: Option<hookspec_conformance::commands::Command>,
}

/// Holds the embedded fake alive for the run.
struct Targets {
    _embedded: Option<Embedded>,
    targets: Vec<Target>,
    description: String,
}

async fn targets(cli: &Cli, timeout: Duration) -> anyhow::Result<Targets> {
    let product = cli.product.as_deref().map(parse_product).transpose()?;
    let token = match (&cli.token, &cli.token_env) {
        (Some(token), _) => Some(token.clone()),
        (None, Some(var)) => Some(
            std::env::var(var)
                .with_context(|| format!("--token-env {var}: the variable is not set"))?,
        ),
        (None, None) => None,
    };
    match &cli.target {
        Some(url) => {
            let Some(org) = &cli.org else {
                bail!("--org is required with --target (the organization whose webhooks to use)");
            };
            let product = product.unwrap_or(hookspec_mock::Product::Dotcom);
            if token.is_none() {
                eprintln!(
                    "hookspec-conformance: no token (--token, --token-env or HOOKSPEC_TOKEN); requests go unauthenticated"
                );
            }
            let mut target = Target::new(url, product)?
                .with_org(org)
                .with_timeout(timeout);
            if let Some(token) = token {
                target = target.with_token(token);
            }
            Ok(Targets {
                description: format!("{} ({}, org {org})", target.base(), product.id()),
                _embedded: None,
                targets: vec![target],
            })
        }
        None => {
            let embedded = Embedded::start().await;
            let mut targets = embedded.targets(timeout)?;
            if let Some(product) = product {
                targets.retain(|t| t.product == product);
            }
            if let Some(org) = &cli.org {
                targets = targets.into_iter().map(|t| t.with_org(org)).collect();
            }
            let products: Vec<&str> = targets.iter().map(|t| t.product.id()).collect();
            Ok(Targets {
                description: format!(
                    "the embedded fake at {} ({})",
                    embedded.fake().uri(),
                    products.join(", ")
                ),
                _embedded: Some(embedded),
                targets,
            })
        }
    }
}

/// Ctrl-C, listened for from the moment this is made. (`tokio::signal::ctrl_c()` only starts
/// listening when first polled, so a signal arriving earlier would kill the run before it could
/// delete what it created.)
struct Interrupts {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupts {
    fn listen() -> std::io::Result<Self> {
        Ok(Interrupts {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?,
        })
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        self.signal.recv().await;
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn print_result(done: usize, total: usize, result: &CaseResult, verbose: bool) {
    let width = total.to_string().len();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "[{done:>width$}/{total}] {}", result.line());
    if let Some(text) = result.failure_text() {
        for line in text.lines() {
            let _ = writeln!(out, "        {line}");
        }
    }
    if verbose {
        for note in &result.notes {
            let _ = writeln!(out, "        note: {note}");
        }
    }
    let _ = out.flush();
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Some(command) = cli.command.take() {
        let Ok(mut interrupts) = Interrupts::listen() else {
            eprintln!("hookspec-conformance: cannot listen for Ctrl-C");
            return ExitCode::from(2);
        };
        return hookspec_conformance::commands::run(
            command,
            async move { interrupts.next().await },
        )
        .await;
    }
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("hookspec-conformance: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if !(cli.timeout.is_finite() && cli.timeout > 0.0) {
        bail!("--timeout must be a positive number of seconds");
    }
    let timeout = Duration::from_secs_f64(cli.timeout);
    let mut interrupts = Interrupts::listen().context("listening for Ctrl-C")?;
    let cases_dir = cli.cases.clone().unwrap_or_else(suite::default_cases_dir);
    let entries = suite::collect(&cases_dir, &cli.filter)?;
    if entries.is_empty() {
        bail!(
            "no case file in {}{}",
            cases_dir.display(),
            if cli.filter.is_empty() {
                String::new()
            } else {
                format!(" matches --filter {}", cli.filter.join(", "))
            }
        );
    }
    let targets = targets(&cli, timeout).await?;
    let options = RunOptions {
        read_only: cli.read_only,
        skip_tags: cli.skip_tags.clone(),
        ..RunOptions::default()
    };
    let run = Run::new(targets.targets.iter().cloned(), options)?;
    let runners = run.runners();
    let Some(first) = runners.first() else {
        bail!("no target to run against (--product matches none of the fake's products)");
    };
    let total = suite::planned_count(&entries, runners);
    println!(
        "hookspec-conformance: {} case file(s), {total} run(s), from {} against {}; run {} (marker {})",
        entries.len(),
        cases_dir.display(),
        targets.description,
        run.run_id(),
        first.marker_url()
    );
    let started = Instant::now();
    let verbose = cli.verbose;
    let mut results: Vec<CaseResult> = Vec::new();
    let interrupted = {
        let suite_run = suite::run_into(&entries, runners, &mut results, |done, total, result| {
            print_result(done, total, result, verbose);
        });
        tokio::select! {
            () = suite_run => false,
            () = interrupts.next() => true,
        }
    };
    if interrupted {
        eprintln!(
            "interrupted: deleting the {} resource(s) this run created (Ctrl-C again to stop now)",
            run.ledger().live_count()
        );
    }
    let cleanup = run.cleanup_all();
    let cleanup_errors = tokio::select! {
        errors = cleanup => errors,
        () = interrupts.next() => {
            eprintln!("stopped during cleanup; look for hooks whose config.url starts with {}", first.marker_url());
            return Ok(ExitCode::from(130));
        }
    };
    for error in &cleanup_errors {
        eprintln!("{error}");
    }
    let mut counts = Summary::of(&results);
    if !cleanup_errors.is_empty() {
        counts.failed += 1;
    }
    let mut junit_failed = false;
    if let Some(path) = &cli.junit {
        let written = report::junit(&results, started.elapsed())
            .to_string()
            .context("rendering the JUnit report")
            .and_then(|xml| {
                std::fs::write(path, xml).with_context(|| format!("writing {}", path.display()))
            });
        if let Err(error) = written {
            eprintln!("hookspec-conformance: {error:#}");
            junit_failed = true;
        }
    }
    println!("{counts}");
    Ok(if interrupted {
        ExitCode::from(130)
    } else if junit_failed {
        ExitCode::from(2)
    } else if counts.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
