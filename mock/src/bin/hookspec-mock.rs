//! `hookspec-mock`: the stateful fake GitHub webhook API as a standalone HTTP server, for
//! clients not written in Rust. Serves api.github.com paths at the root and GHES 3.21 paths
//! under `/api/v3` until Ctrl-C.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use hookspec_mock::{
    ConnectionLimits, Fake, FakeConfig, GitHubApp, RequestLog, StateDocument, StateFormat,
    TokenConfig, parse_state_document, serve_with_limits,
};

/// A stateful fake of GitHub's webhook-management REST API (organization, repository and
/// GitHub App webhooks, and GHES global webhooks).
///
/// api.github.com paths are served at the root (`/orgs/{org}/hooks`, `/repos/{owner}/{repo}/hooks`,
/// `/app/hook/config`), GHES 3.21 paths under `/api/v3` (including `/api/v3/admin/hooks`). The first line printed is
/// `listening on http://HOST:PORT`; then one line per request (method, path, status, time,
/// and for a 4xx the reason in plain words).
/// Without any token flag, any token is an organization owner and a site admin.
///
/// Webhooks are delivered for real: creating a hook sends it a signed `ping`, as do
/// `POST .../pings`; `POST .../deliveries/{id}/attempts` resends a delivery. Each attempt is
/// logged on its own line and listed by the deliveries API with the receiver's real answer.
/// Deliveries go only to loopback addresses unless --allow-external-deliveries is given.
const ENDPOINTS: &str = "\
The fake's own endpoints (outside GitHub's paths; described by GET /_hookspec/openapi.json):
  POST   /_hookspec/reset[?org=L|repo=O/N|app=ID]  back to the start state (flags and --seed),
                                              all of it or one owner's hooks; 204
  GET    /_hookspec/state                     the whole state as one JSON document
  PUT    /_hookspec/state                     replace it (the same document, or a minimal one); 204
  GET    /_hookspec/requests[?operation=ID&status=N&org=O&repo=O/N]   the request journal
  DELETE /_hookspec/requests                  empty the journal
  POST   /_hookspec/faults                    {\"operation\": ID, \"status\": N | \"delay_ms\": N |
                                              \"rate_limit\": true, \"times\": N}; 201
  DELETE /_hookspec/faults                    remove every fault
  GET    /_hookspec/deliveries[?wait_ms=N&hook_id=ID&event=E]   every delivery record, after
                                              waiting up to N ms for those on their way
  POST   /_hookspec/orgs/{org}/events/{event}[?action=A]   emit an event (body: its payload as
                                              JSON, or none for one the fake makes) to the org's
                                              active hooks subscribed to it; 202 with
                                              {\"deliveries\": [ids]}
  POST   /_hookspec/repos/{owner}/{repo}/events/{event}   the same for a repository's hooks
  POST   /_hookspec/apps/{app_id}/events/{event}          the same for a GitHub App's webhook
  POST   /_hookspec/admin/events/{event}      the same for GHES global hooks
  GET    /_hookspec/deliveries/pending        {\"pending\": N}: deliveries not yet recorded
They answer only requests whose Host is loopback (localhost, 127.0.0.1, [::1]) or given with
--allowed-host; others get 403, so that a web page cannot drive them through DNS rebinding.

Example:
  curl -X POST http://127.0.0.1:8080/_hookspec/orgs/octocat/events/push -d '{\"ref\":\"refs/heads/main\"}'";

#[derive(Debug, Parser)]
#[command(name = "hookspec-mock", version, after_help = ENDPOINTS)]
struct Args {
    /// The port to listen on; 0 picks a free port (read it from the first line of output).
    #[arg(long, value_name = "N")]
    port: u16,

    /// The address to listen on.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    host: String,

    /// A token of an organization owner (may use organization webhooks). Repeatable. Once any
    /// token flag is given, only the listed tokens are accepted; others get 401.
    #[arg(long = "token", value_name = "T")]
    tokens: Vec<String>,

    /// A token of a GHES site admin (may use global webhooks under /api/v3/admin/hooks; give
    /// it with --token too to make it an organization owner as well). Repeatable.
    #[arg(long = "site-admin-token", value_name = "T")]
    site_admin_tokens: Vec<String>,

    /// A token of an organization member who is not an owner (gets 404 on organization
    /// webhook endpoints, as on GitHub). Repeatable.
    #[arg(long = "member-token", value_name = "T")]
    member_tokens: Vec<String>,

    /// An organization that exists. Repeatable. Without --org any organization a client
    /// names exists (created on first use); with it, only the listed ones do and others answer
    /// 404, as on GitHub.
    #[arg(long = "org", value_name = "LOGIN")]
    orgs: Vec<String>,

    /// A repository (OWNER/NAME) that exists. Repeatable. Without --repo any repository a
    /// client names exists; with it, only the listed ones do and others answer 404.
    #[arg(long = "repo", value_name = "OWNER/NAME")]
    repos: Vec<String>,

    /// A token of a repository admin (may use repository webhooks). Repeatable.
    #[arg(long = "repo-admin-token", value_name = "T")]
    repo_admin_tokens: Vec<String>,

    /// A token that can only read repositories (gets 404 on repository webhook endpoints, as
    /// on GitHub). Repeatable.
    #[arg(long = "repo-reader-token", value_name = "T")]
    repo_reader_tokens: Vec<String>,

    /// A GitHub App: its id and the file of its RSA public key (PEM). Its JWTs (iss = the id)
    /// are checked against the key on /app/hook endpoints. Repeatable.
    #[arg(long = "app", value_name = "ID=PUBLIC_KEY.pem")]
    apps: Vec<String>,

    /// A GitHub App with a new key pair: the private key (PKCS#1 PEM, as GitHub hands out) is
    /// written to the file, for a test to sign its JWTs with. Repeatable.
    #[arg(long = "generate-app", value_name = "ID=PRIVATE_KEY_OUT.pem")]
    generate_apps: Vec<String>,

    /// Deliver webhooks to any host, not only to loopback addresses.
    #[arg(long)]
    allow_external_deliveries: bool,

    /// Fail a delivery whose receiver has not answered within this many milliseconds
    /// (default: the product's, 10 s on api.github.com paths and 30 s on GHES paths).
    #[arg(long, value_name = "MS")]
    delivery_timeout_ms: Option<u64>,

    /// How many payload bytes of deliveries may be on their way at once; past that a new
    /// delivery is recorded as failed at once, saying so (default: 32 MiB).
    #[arg(long, value_name = "N")]
    max_pending_delivery_bytes: Option<usize>,

    /// How many payload bytes the delivery records may hold in all; past that the hook holding
    /// the most forgets its oldest deliveries first (default: 32 MiB).
    #[arg(long, value_name = "N")]
    max_stored_delivery_bytes: Option<usize>,

    /// Add a member to every JSON payload whose bytes change when a receiver re-serializes the
    /// JSON before checking the signature (\u escapes, escaped slashes, non-ASCII text): only a
    /// receiver that verifies the raw bytes accepts such deliveries.
    #[arg(long)]
    signature_traps: bool,

    /// Let the /_hookspec/ endpoints answer requests whose Host is NAME (or NAME:PORT), not
    /// only loopback ones (e.g. the fake's name in a container network). Repeatable.
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,

    /// How many client connections are open at once; past that, new connections wait to be
    /// accepted until one closes. A connection is closed when its request head takes over
    /// 10 s, its body over 20 s more, or when nothing moves on it for 30 s.
    #[arg(long, value_name = "N", default_value_t = ConnectionLimits::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,

    /// Load the state from FILE at start (JSON or YAML, by extension or content: the document of
    /// GET /_hookspec/state, or a minimal one with orgs, repos, apps, global_hooks, tokens).
    /// POST /_hookspec/reset goes back to it. A bad file stops the fake, naming its line and field.
    #[arg(long, value_name = "FILE")]
    seed: Option<std::path::PathBuf>,

    /// How many requests the journal (GET /_hookspec/requests) keeps, the oldest dropped first;
    /// 0 keeps none.
    #[arg(long, value_name = "N", default_value_t = FakeConfig::DEFAULT_MAX_RECORDED_REQUESTS)]
    journal_limit: usize,

    /// How many bytes the journal's entries may hold together, bodies and headers counted;
    /// past that the oldest are dropped first.
    #[arg(long, value_name = "N", default_value_t = FakeConfig::DEFAULT_MAX_RECORDED_REQUEST_BYTES)]
    journal_max_bytes: usize,

    /// Do not log requests and deliveries.
    #[arg(long)]
    quiet: bool,
}

/// `ID=PATH` of --app and --generate-app.
fn id_and_path(flag: &str, value: &str) -> anyhow::Result<(u64, std::path::PathBuf)> {
    let (id, path) = value
        .split_once('=')
        .with_context(|| format!("{flag} {value:?}: expected ID=PATH"))?;
    let id = id
        .parse()
        .with_context(|| format!("{flag} {value:?}: the app id {id:?} is not a number"))?;
    Ok((id, path.into()))
}

impl Args {
    /// The apps of --app (keys read from their files) and --generate-app (private keys
    /// written to theirs).
    fn apps(&self) -> anyhow::Result<Vec<GitHubApp>> {
        let mut apps = Vec::new();
        for value in &self.apps {
            let (id, path) = id_and_path("--app", value)?;
            let pem = std::fs::read_to_string(&path)
                .with_context(|| format!("--app {value}: cannot read {}", path.display()))?;
            let app = GitHubApp::new(id, GitHubApp::default_client_id(id), pem)
                .with_context(|| format!("--app {value}: {}", path.display()))?;
            apps.push(app);
        }
        for value in &self.generate_apps {
            let (id, path) = id_and_path("--generate-app", value)?;
            let (app, key) = GitHubApp::generated(id)
                .with_context(|| format!("--generate-app {value}: cannot make a key pair"))?;
            std::fs::write(&path, key.private_key_pem()).with_context(|| {
                format!("--generate-app {value}: cannot write {}", path.display())
            })?;
            apps.push(app);
        }
        Ok(apps)
    }

    fn config(&self) -> anyhow::Result<FakeConfig> {
        let tokens = self
            .tokens
            .iter()
            .map(|t| TokenConfig::owner(t.as_str()))
            .chain(
                self.site_admin_tokens
                    .iter()
                    .map(|t| TokenConfig::site_admin(t.as_str())),
            )
            .chain(
                self.member_tokens
                    .iter()
                    .map(|t| TokenConfig::member(t.as_str())),
            )
            .chain(
                self.repo_admin_tokens
                    .iter()
                    .map(|t| TokenConfig::repo_admin(t.as_str())),
            )
            .chain(
                self.repo_reader_tokens
                    .iter()
                    .map(|t| TokenConfig::repo_reader(t.as_str())),
            )
            .collect();
        let orgs = if self.orgs.is_empty() {
            FakeConfig::default()
        } else {
            FakeConfig::default().only_orgs(self.orgs.iter().cloned())
        };
        let orgs = if self.repos.is_empty() {
            orgs
        } else {
            for repo in &self.repos {
                match repo.split_once('/') {
                    Some((owner, name)) if !owner.is_empty() && !name.is_empty() => {}
                    _ => anyhow::bail!("--repo {repo:?}: expected OWNER/NAME"),
                }
            }
            orgs.only_repos(self.repos.iter().cloned())
        };
        Ok(FakeConfig {
            tokens,
            apps: self.apps()?,
            record_requests: self.journal_limit > 0,
            max_recorded_requests: self.journal_limit,
            max_recorded_request_bytes: self.journal_max_bytes,
            allow_external_deliveries: self.allow_external_deliveries,
            delivery_timeout: self.delivery_timeout_ms.map(Duration::from_millis),
            log_deliveries: !self.quiet,
            signature_traps: self.signature_traps,
            max_pending_bytes: self
                .max_pending_delivery_bytes
                .unwrap_or(orgs.max_pending_bytes),
            max_stored_delivery_bytes: self
                .max_stored_delivery_bytes
                .unwrap_or(orgs.max_stored_delivery_bytes),
            allowed_control_hosts: self.allowed_hosts.clone(),
            ..orgs
        })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Before the address is printed: --generate-app's key files must exist by the time a
    // client that waited for that line reads them.
    let config = args.config()?;
    let seed = args.seed.as_deref().map(read_seed).transpose()?;
    let fake = Fake::new(config);
    if let Some((path, document)) = seed {
        fake.state()
            .import_state(&document)
            .map_err(|error| anyhow::anyhow!("--seed {}: {error}", path.display()))?;
        fake.state().keep_as_start_state();
    }
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|error| {
            anyhow::anyhow!("cannot listen on {}:{}: {error}", args.host, args.port)
        })?;
    let address = listener.local_addr()?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{address}")?;
        stdout.flush()?;
    }
    let log = if args.quiet {
        RequestLog::Quiet
    } else {
        RequestLog::Stdout
    };
    let limits = ConnectionLimits {
        max_connections: args.max_connections,
        ..ConnectionLimits::default()
    };
    serve_with_limits(listener, fake, log, limits, shutdown_signal()).await?;
    Ok(())
}

/// The state document in `path`, read as its extension (or content) says.
fn read_seed(path: &std::path::Path) -> anyhow::Result<(std::path::PathBuf, StateDocument)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--seed {}: cannot read the file", path.display()))?;
    let format = StateFormat::guess(&path.to_string_lossy(), &text);
    let document = parse_state_document(&text, format)
        .map_err(|error| anyhow::anyhow!("--seed {}: {error}", path.display()))?;
    Ok((path.to_path_buf(), document))
}

/// Completes on Ctrl-C (and on SIGTERM on Unix).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
