//! The subcommands of `hookspec-conformance` beyond a run of the cases: `proxy` (check live
//! traffic, optionally record it), `replay` (send recordings again and report differences) and
//! `record-to-case` (turn a recording into a case file).

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use hookspec_conformance::{
    CaseResult, DEFAULT_MAX_BODY, DEFAULT_ORG, ExchangeResult, HttpClient, Proxy, ProxyOptions,
    ReplayOptions, ReportInfo, Secrets, Sequence, Summary, html_report, junit_report,
    markdown_report, parse_header, parse_product, read_recording, replay, sequences, summary_line,
    to_case,
};

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Forward a client's traffic to a server and check every exchange against the spec.
    ///
    /// Point your client at the URL on the first line of output instead of the server's. Each
    /// exchange gets one line (PASS, FAIL with what broke, or ???? for a request that matches no
    /// operation; it is forwarded all the same). Ctrl-C stops it, writes the reports and prints
    /// `N passed, M failed`. URLs on the target in `Link`, `Location` and a hook's `url`,
    /// `ping_url`, `deliveries_url` are rewritten to the proxy's after they are checked.
    Proxy(ProxyArgs),
    /// Send recorded sequences to a server (the embedded fake without --target) and report every
    /// difference in status, headers and body from what was recorded.
    Replay(ReplayArgs),
    /// Print a case file made from a recording (a file or a folder of them).
    RecordToCase(RecordToCaseArgs),
}

/// Arguments of `proxy`.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// The server to forward to: `https://api.github.com`, `https://HOST` (GHES), the fake.
    #[arg(long, value_name = "URL")]
    target: String,
    /// Where to listen.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Read every path as this product's (default: /api/v3 paths are ghes, others dotcom).
    #[arg(long, value_name = "dotcom|ghes")]
    product: Option<String>,
    /// Write each exchange, normalised and without credentials, into this (empty) folder.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Reports written on exit (one testcase per exchange).
    #[command(flatten)]
    reports: ReportPaths,
    /// A header added to every forwarded request (replacing the client's of that name), for a
    /// server behind an access proxy; repeatable; never recorded or reported.
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// Longest a forwarded exchange may take, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    timeout: f64,
    /// Also print notes (fields beyond the schema, bodies where none is documented).
    #[arg(long, short)]
    verbose: bool,
}

/// Arguments of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A folder of recordings, or a folder of such folders (each a sequence).
    dir: PathBuf,
    /// The server's base URL, as the proxy's --target was when recording. Default: the embedded
    /// fake.
    #[arg(long, value_name = "URL")]
    target: Option<String>,
    /// Read the token to send from this environment variable (default HOOKSPEC_TOKEN).
    #[arg(long, value_name = "VAR", default_value = "HOOKSPEC_TOKEN")]
    token_env: String,
    /// What ${org} stands for.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ORG)]
    org: String,
    /// Reports (one testcase per sequence).
    #[command(flatten)]
    reports: ReportPaths,
    /// A header added to every request; repeatable; never reported.
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// Longest a request may take, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
}

/// The reports a command writes (the run, the proxy and replay alike): JUnit, Markdown, HTML.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportPaths {
    /// Write a JUnit XML report here (one testcase per case and product, or per exchange).
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write a Markdown summary here (for CI step summaries: `--markdown $GITHUB_STEP_SUMMARY`).
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write one self-contained HTML page here: the coverage matrix (operations x documented
    /// statuses x products) and every case's requests, responses and diffs.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
}

impl ReportPaths {
    /// Writes every report asked for, with `secrets` masked; says on stderr what could not be
    /// written and returns false then (the others are still written).
    pub fn write(&self, info: &ReportInfo, results: &[CaseResult], secrets: &Secrets) -> bool {
        let mut written = true;
        if let Some(path) = &self.junit {
            let xml = junit_report(results, info.duration).to_string();
            written &= write_report(path, "JUnit", xml.map_err(Into::into), secrets);
        }
        if let Some(path) = &self.markdown {
            let text = markdown_report(info, results);
            written &= write_report(path, "Markdown", Ok(text), secrets);
        }
        if let Some(path) = &self.html {
            let page = html_report(info, results);
            written &= write_report(path, "HTML", Ok(page), secrets);
        }
        written
    }
}

/// Writes `text`, masked, to `path`; says so on stderr and returns false when it cannot.
fn write_report(
    path: &std::path::Path,
    what: &str,
    text: anyhow::Result<String>,
    secrets: &Secrets,
) -> bool {
    let written = text
        .with_context(|| format!("rendering the {what} report"))
        .and_then(|text| {
            std::fs::write(path, secrets.mask(&text))
                .with_context(|| format!("writing {}", path.display()))
        });
    match written {
        Ok(()) => true,
        Err(error) => {
            eprintln!("hookspec-conformance: {error:#}");
            false
        }
    }
}

/// Arguments of `record-to-case`.
#[derive(Debug, Args)]
pub struct RecordToCaseArgs {
    /// A recording file or a folder of recordings.
    path: PathBuf,
    /// Write the case here instead of printing it.
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
}

/// Runs `command`; `interrupted` resolves on Ctrl-C.
pub async fn run(command: Command, interrupted: impl Future<Output = ()>) -> ExitCode {
    let outcome = match command {
        Command::Proxy(args) => proxy(args, interrupted).await,
        Command::Replay(args) => replay_command(args).await,
        Command::RecordToCase(args) => record_to_case(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("hookspec-conformance: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn seconds(value: f64) -> anyhow::Result<Duration> {
    if !(value.is_finite() && value > 0.0) {
        bail!("--timeout must be a positive number of seconds");
    }
    Ok(Duration::from_secs_f64(value))
}

fn print_lines(head: &str, body: Option<String>, notes: &[String], verbose: bool) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{head}");
    for line in body.iter().flat_map(|b| b.lines()) {
        let _ = writeln!(out, "        {line}");
    }
    if verbose {
        for note in notes {
            let _ = writeln!(out, "        note: {note}");
        }
    }
    let _ = out.flush();
}

fn print_exchange(result: &ExchangeResult, verbose: bool) {
    let problems: Vec<String> = result.problems.iter().map(|p| format!("- {p}")).collect();
    let body = (!problems.is_empty()).then(|| problems.join("\n"));
    print_lines(&result.line(), body, &result.notes, verbose);
}

async fn proxy(args: ProxyArgs, interrupted: impl Future<Output = ()>) -> anyhow::Result<ExitCode> {
    let verbose = args.verbose;
    let mut options = ProxyOptions::new(args.target.clone());
    options.listen = args.listen;
    options.product = args.product.as_deref().map(parse_product).transpose()?;
    options.record = args.record.clone();
    options.headers = args.headers.clone();
    options.timeout = seconds(args.timeout)?;
    options.on_exchange = Some(Arc::new(move |result: &ExchangeResult| {
        print_exchange(result, verbose)
    }));
    let started = Instant::now();
    let proxy = Proxy::start(options).await?;
    println!("listening on {}", proxy.url());
    println!(
        "hookspec-conformance proxy: forwarding to {}{}; Ctrl-C to stop",
        args.target,
        args.record
            .as_ref()
            .map(|d| format!(", recording into {}", d.display()))
            .unwrap_or_default()
    );
    interrupted.await;
    let secrets = proxy.secrets();
    let results = proxy.stop().await;
    let cases: Vec<CaseResult> = results.iter().map(ExchangeResult::to_case_result).collect();
    let info = ReportInfo {
        title: "hookspec-conformance proxy".into(),
        target: args.target.clone(),
        run_id: None,
        duration: started.elapsed(),
        run_errors: Vec::new(),
    };
    if !args.reports.write(&info, &cases, &secrets) {
        return Ok(ExitCode::from(2));
    }
    println!("{}", summary_line(&results));
    Ok(if results.iter().all(|r| r.passed() || r.unmatched()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn replay_command(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let found = sequences(&args.dir)?;
    let timeout = seconds(args.timeout)?;
    let client = HttpClient::new(timeout, DEFAULT_MAX_BODY).map_err(anyhow::Error::msg)?;
    let embedded;
    let (base, token, app) = match &args.target {
        Some(url) => (url.clone(), std::env::var(&args.token_env).ok(), None),
        None => {
            embedded = hookspec_conformance::Embedded::start().await;
            (
                embedded.fake().uri(),
                Some("hookspec-replay".to_string()),
                embedded.app(),
            )
        }
    };
    println!(
        "hookspec-conformance replay: {} sequence(s) from {} against {base}",
        found.len(),
        args.dir.display()
    );
    let base_description = base.clone();
    let mut options = ReplayOptions::new(base);
    options.token = token;
    options.app = app;
    options.org = args.org.clone();
    options.headers = args.headers.clone();
    let started = Instant::now();
    let mut results = Vec::new();
    for sequence in &found {
        let result = replay(sequence, &options, &client).await;
        print_lines(&result.line(), result.failure_text(), &[], false);
        results.push(result);
    }
    let info = ReportInfo {
        title: "hookspec-conformance replay".into(),
        target: base_description,
        run_id: None,
        duration: started.elapsed(),
        run_errors: Vec::new(),
    };
    let mut secrets = Secrets::new();
    if let Some(token) = &options.token {
        secrets.add(token.clone());
    }
    for (_, value) in &options.headers {
        secrets.add_header_value(value);
    }
    if !args.reports.write(&info, &results, &secrets) {
        return Ok(ExitCode::from(2));
    }
    let summary = Summary::of(&results);
    println!("{summary}");
    Ok(if summary.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn record_to_case(args: &RecordToCaseArgs) -> anyhow::Result<ExitCode> {
    let sequence = if args.path.is_dir() {
        let mut found = sequences(&args.path)?;
        if found.len() != 1 {
            bail!(
                "{}: holds {} sequences; name one of its folders",
                args.path.display(),
                found.len()
            );
        }
        found.remove(0)
    } else {
        Sequence {
            dir: args.path.clone(),
            steps: vec![(args.path.clone(), read_recording(&args.path)?)],
        }
    };
    let name = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("recorded.yaml"));
    let text = to_case(&sequence, &name)?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
