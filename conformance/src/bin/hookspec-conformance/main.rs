//! `hookspec-conformance`: runs the contract cases against the embedded fake (the default) or
//! any server, prints one line per case and a summary, writes JUnit XML, Markdown and HTML
//! reports on request, and deletes what it created, on Ctrl-C too. No output holds the token.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hookspec_conformance::{
    CaseResult, Embedded, Entry, ReportInfo, Run, RunOptions, Secrets, Summary, Target, TargetApp,
    collect_from, parse_header, parse_product, planned_count, record_through, run_suite_into,
};

mod commands;

use commands::ReportPaths;

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

    /// Repository (OWNER/NAME) whose webhooks the repository cases use; without it, against a
    /// --target, those cases are skipped (the fake has octocat/hello-world).
    #[arg(long, value_name = "OWNER/NAME", env = "HOOKSPEC_REPO")]
    repo: Option<String>,

    /// The GitHub App whose webhook the App cases read (with --target): its id. A fresh JWT,
    /// signed with --app-key, is sent with each App request. Cases that would change a real
    /// app's webhook (its configuration, a redelivery) are skipped.
    #[arg(long, value_name = "ID", env = "HOOKSPEC_APP_ID")]
    app_id: Option<u64>,

    /// The file of the app's private key (PEM, as GitHub hands it out). Never printed.
    #[arg(long, value_name = "PATH", conflicts_with = "app_key_env")]
    app_key: Option<PathBuf>,

    /// Read the app's private key (PEM text) from this environment variable instead.
    #[arg(long, value_name = "VAR")]
    app_key_env: Option<String>,

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

    /// Record every exchange of the run into this folder (normalised, without credentials),
    /// through a recording proxy in front of each target; `replay DIR` sends them again. With
    /// several products (the embedded fake), one folder per product below DIR.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,

    #[command(flatten)]
    reports: ReportPaths,

    /// Send this header with every request (servers behind an access proxy, other media
    /// types); may be given more than once. It replaces the runner's own header of that name; a
    /// case's own headers still win. Never written to any output or report.
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header)]
    headers: Vec<(String, String)>,

    /// Longest a request may take, connect to last byte, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,

    /// Folder of case files (searched recursively for .yaml) to run instead of the cases built
    /// into the binary; may be given more than once.
    #[arg(long, value_name = "DIR")]
    cases: Vec<PathBuf>,

    /// Folder of case files to run as well as the built-in ones (or those of --cases); a case
    /// with the name of one already there replaces it. May be given more than once.
    #[arg(long = "add-cases", value_name = "DIR")]
    add_cases: Vec<PathBuf>,

    /// Also print notes (fields a server adds beyond the expected body).
    #[arg(long, short)]
    verbose: bool,

    /// Instead of running the cases: proxy, replay or record-to-case (see `help proxy`).
    #[command(subcommand)]
    command: Option<commands::Command>,
}

/// Holds the embedded fake alive for the run.
struct Targets {
    _embedded: Option<Embedded>,
    targets: Vec<Target>,
    description: String,
}

/// The token, from --token, HOOKSPEC_TOKEN or the variable --token-env names.
fn token(cli: &Cli) -> anyhow::Result<Option<String>> {
    Ok(match (&cli.token, &cli.token_env) {
        (Some(token), _) => Some(token.clone()),
        (None, Some(var)) => Some(
            std::env::var(var)
                .with_context(|| format!("--token-env {var}: the variable is not set"))?,
        ),
        (None, None) => None,
    })
}

/// Adds the --header values to `target`.
fn with_headers(cli: &Cli, target: Target) -> Target {
    cli.headers.iter().fold(target, |target, (name, value)| {
        target.with_header(name, value)
    })
}

/// The GitHub App of --app-id with its private key from --app-key or --app-key-env.
fn app(cli: &Cli) -> anyhow::Result<Option<TargetApp>> {
    let Some(id) = cli.app_id else {
        if cli.app_key.is_some() || cli.app_key_env.is_some() {
            bail!("--app-key and --app-key-env go with --app-id");
        }
        return Ok(None);
    };
    let pem = match (&cli.app_key, &cli.app_key_env) {
        (Some(path), _) => std::fs::read_to_string(path)
            .with_context(|| format!("--app-key: cannot read {}", path.display()))?,
        (None, Some(var)) => std::env::var(var)
            .with_context(|| format!("--app-key-env: ${var} is not set (or not UTF-8)"))?,
        (None, None) => bail!("--app-id needs --app-key PATH or --app-key-env VAR"),
    };
    let key = hookspec_mock::AppKey::from_private_key_pem(&pem)
        .context("--app-key: the app's private key")?;
    Ok(Some(TargetApp {
        id,
        key,
        disposable: false,
    }))
}

async fn targets(cli: &Cli, timeout: Duration) -> anyhow::Result<Targets> {
    let product = cli.product.as_deref().map(parse_product).transpose()?;
    let token = token(cli)?;
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
            if let Some(repo) = &cli.repo {
                target = target.with_repo(repo)?;
            }
            if let Some(app) = app(cli)? {
                target = target.with_app(app);
            }
            if let Some(token) = token {
                target = target.with_token(token);
            }
            let target = with_headers(cli, target);
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
            if let Some(repo) = &cli.repo {
                targets = targets
                    .into_iter()
                    .map(|t| t.with_repo(repo))
                    .collect::<Result<_, _>>()?;
            }
            if let Some(org) = &cli.org {
                targets = targets.into_iter().map(|t| t.with_org(org)).collect();
            }
            let targets: Vec<Target> = targets.into_iter().map(|t| with_headers(cli, t)).collect();
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

fn print_result(done: usize, total: usize, result: &CaseResult, verbose: bool, secrets: &Secrets) {
    let width = total.to_string().len();
    let mut text = format!("[{done:>width$}/{total}] {}\n", result.line());
    if let Some(failure) = result.failure_text() {
        for line in failure.lines() {
            text.push_str(&format!("        {line}\n"));
        }
    }
    if verbose {
        for note in &result.notes {
            text.push_str(&format!("        note: {note}\n"));
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(secrets.mask(&text).as_bytes());
    let _ = out.flush();
}

/// The secrets no output may show: the token and credential-carrying --header values.
fn secrets(cli: &Cli) -> Secrets {
    let mut secrets = Secrets::new();
    if let Ok(Some(token)) = token(cli) {
        secrets.add(token);
    }
    for (_, value) in &cli.headers {
        secrets.add_header_value(value);
    }
    secrets
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Some(command) = cli.command.take() {
        let Ok(mut interrupts) = Interrupts::listen() else {
            eprintln!("hookspec-conformance: cannot listen for Ctrl-C");
            return ExitCode::from(2);
        };
        return commands::run(command, async move { interrupts.next().await }).await;
    }
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("hookspec-conformance: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// The case files the run takes (the built-in ones unless `--cases` names folders, plus
/// `--add-cases`, narrowed by `--filter`), and where they come from, in words.
fn chosen_cases(cli: &Cli) -> anyhow::Result<(Vec<Entry>, String)> {
    let embedded = cli.cases.is_empty();
    let folders: Vec<PathBuf> = cli.cases.iter().chain(&cli.add_cases).cloned().collect();
    let entries = collect_from(embedded, &folders, &cli.filter)?;
    let mut sources: Vec<String> = folders.iter().map(|f| f.display().to_string()).collect();
    if embedded {
        sources.insert(0, "the built-in cases".into());
    }
    let sources = sources.join(" and ");
    if entries.is_empty() {
        bail!(
            "no case file in {sources}{}",
            if cli.filter.is_empty() {
                String::new()
            } else {
                format!(" matches --filter {}", cli.filter.join(", "))
            }
        );
    }
    Ok((entries, sources))
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if !(cli.timeout.is_finite() && cli.timeout > 0.0) {
        bail!("--timeout must be a positive number of seconds");
    }
    let timeout = Duration::from_secs_f64(cli.timeout);
    let mut interrupts = Interrupts::listen().context("listening for Ctrl-C")?;
    let (entries, sources) = chosen_cases(&cli)?;
    let mut targets = targets(&cli, timeout).await?;
    let mut recorders = Vec::new();
    if let Some(dir) = &cli.record {
        let (proxies, routed) = record_through(targets.targets.clone(), dir).await?;
        recorders = proxies;
        targets.targets = routed;
    }
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
    let total = planned_count(&entries, runners);
    println!(
        "hookspec-conformance: {} case file(s), {total} run(s), from {} against {}; run {} (marker {})",
        entries.len(),
        sources,
        targets.description,
        run.run_id(),
        first.marker_url()
    );
    let started = Instant::now();
    let verbose = cli.verbose;
    let secrets = secrets(&cli);
    let mut results: Vec<CaseResult> = Vec::new();
    let interrupted = {
        let suite_run = run_suite_into(&entries, runners, &mut results, |done, total, result| {
            print_result(done, total, result, verbose, &secrets);
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
        eprintln!("{}", secrets.mask(&error.to_string()));
    }
    let mut counts = Summary::of(&results);
    if !cleanup_errors.is_empty() {
        counts.failed += 1;
    }
    let info = ReportInfo {
        title: "hookspec-conformance".into(),
        target: targets.description.clone(),
        run_id: Some(run.run_id().to_string()),
        duration: started.elapsed(),
        run_errors: cleanup_errors.iter().map(|e| e.to_string()).collect(),
    };
    let written = cli.reports.write(&info, &results, &secrets);
    for recorder in recorders {
        recorder.stop().await;
    }
    if let Some(dir) = &cli.record {
        println!("recorded into {}", dir.display());
    }
    println!("{counts}");
    Ok(if interrupted {
        ExitCode::from(130)
    } else if !written {
        ExitCode::from(2)
    } else if counts.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
