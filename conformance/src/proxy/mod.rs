//! The validation proxy: forwards any client's traffic to a target (plain HTTP or HTTPS), checks
//! every exchange against the spec with the runner's own checks ([`check`]), optionally records
//! it ([`crate::record::recording`]), and answers the client with the target's answer, the target's base URL
//! rewritten to the proxy's own in `Link`, `Location` and a hook's `url`, `ping_url`,
//! `deliveries_url` and `test_url` so the client keeps talking through it.

mod check;
mod received;
mod record_through;

pub use record_through::record_through;

use std::borrow::Cow;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use url::Url;

use crate::record::recording::{Exchange, RecordError, Recorder};
use crate::secrets::Secrets;
use crate::target::http::{DEFAULT_MAX_BODY, HttpClient, Request, Response};
pub use check::{ExchangeResult, summary_line};

/// Headers that belong to one connection, never forwarded either way.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    // The proxy must read bodies to check them: ask the target for them uncompressed.
    "accept-encoding",
];

/// The JSON fields holding URLs on the target that clients follow.
const URL_FIELDS: &[&str] = &["url", "ping_url", "deliveries_url", "test_url"];

/// Called with each exchange once it is checked (to print its line).
pub type OnExchange = Arc<dyn Fn(&ExchangeResult) + Send + Sync>;

/// How to run a proxy.
#[derive(Clone)]
pub struct ProxyOptions {
    /// The server to forward to: `https://api.github.com`, `https://HOST/api/v3`, the fake.
    pub target: String,
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// Read every path as this product's (otherwise the path prefix decides).
    pub product: Option<hookspec_mock::Product>,
    /// Write each exchange as a recording into this folder.
    pub record: Option<PathBuf>,
    /// Longest a forwarded exchange may take.
    pub timeout: Duration,
    /// Called with each exchange once checked.
    pub on_exchange: Option<OnExchange>,
    /// Headers added to (or replacing those of) every forwarded request (`--header`); never
    /// recorded or reported.
    pub headers: Vec<(String, String)>,
    /// How many client connections are open at once and how long a request's head, its body
    /// and an idle connection may take (the fake's own defaults), so that idle or half-sent
    /// requests cannot hold the proxy.
    pub limits: hookspec_mock::ConnectionLimits,
}

impl ProxyOptions {
    /// Options for a proxy in front of `target` on a free loopback port.
    pub fn new(target: impl Into<String>) -> Self {
        ProxyOptions {
            target: target.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            product: None,
            record: None,
            timeout: crate::target::server::DEFAULT_TIMEOUT,
            on_exchange: None,
            headers: Vec::new(),
            limits: hookspec_mock::ConnectionLimits::default(),
        }
    }
}

/// Why a proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The target URL is not an http(s) URL.
    #[error("invalid target URL {url:?}: {message}")]
    Target {
        /// The URL given.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// The recording folder cannot be used.
    #[error(transparent)]
    Record(#[from] RecordError),
}

struct Shared {
    client: HttpClient,
    target: String,
    public: String,
    product: Option<hookspec_mock::Product>,
    results: Mutex<Vec<ExchangeResult>>,
    recorder: Option<Mutex<Recorder>>,
    on_exchange: Option<OnExchange>,
    headers: Vec<(String, String)>,
    secrets: Mutex<Secrets>,
    limits: hookspec_mock::ConnectionLimits,
}

/// A running proxy; [`Proxy::stop`] ends it and hands back what it saw.
pub struct Proxy {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts listening; requests are served in the background.
    pub async fn start(options: ProxyOptions) -> Result<Proxy, ProxyError> {
        let target_url = Url::parse(&options.target).map_err(|e| ProxyError::Target {
            url: options.target.clone(),
            message: e.to_string(),
        })?;
        if !matches!(target_url.scheme(), "http" | "https") || target_url.host().is_none() {
            return Err(ProxyError::Target {
                url: options.target.clone(),
                message: "expected http://HOST or https://HOST".into(),
            });
        }
        let target = target_url.as_str().trim_end_matches('/').to_string();
        let listener =
            TcpListener::bind(options.listen)
                .await
                .map_err(|source| ProxyError::Listen {
                    addr: options.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| ProxyError::Listen {
            addr: options.listen,
            source,
        })?;
        let public = format!("http://{addr}");
        let recorder = match &options.record {
            Some(dir) => Some(Mutex::new(Recorder::create(
                dir,
                vec![target.clone(), public.clone()],
            )?)),
            None => None,
        };
        let mut secrets = Secrets::new();
        for (_, value) in &options.headers {
            secrets.add_header_value(value);
        }
        let shared = Arc::new(Shared {
            client: HttpClient::new(options.timeout, DEFAULT_MAX_BODY)
                .map_err(ProxyError::Client)?,
            target,
            public,
            product: options.product,
            results: Mutex::new(Vec::new()),
            recorder,
            on_exchange: options.on_exchange,
            headers: options.headers,
            secrets: Mutex::new(secrets),
            limits: options.limits,
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, shared.clone(), stopped));
        Ok(Proxy {
            shared,
            addr,
            stop: Some(stop),
            task,
        })
    }

    /// The URL clients use instead of the target's (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        self.shared.public.clone()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The exchanges seen so far.
    pub fn results(&self) -> Vec<ExchangeResult> {
        lock(&self.shared.results).clone()
    }

    /// The secrets seen so far (credentials, hook secrets, the `--header` values), for
    /// masking what is written from the results.
    pub fn secrets(&self) -> Secrets {
        lock(&self.shared.secrets).clone()
    }

    /// Stops listening and returns every exchange seen.
    pub async fn stop(mut self) -> Vec<ExchangeResult> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        self.results()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stopped: oneshot::Receiver<()>) {
    let stopped = async move {
        let _ = stopped.await;
    };
    let limits = shared.limits;
    hookspec_mock::net::serve_bounded(&listener, limits, stopped, move |request, _peer| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(handle(&shared, request).await) }
    })
    .await;
}

use received::{Received, receive};

async fn handle(
    shared: &Shared,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let received = match receive(shared, request).await {
        Ok(received) => received,
        Err(refusal) => return refusal,
    };
    let answer = shared
        .client
        .send(&with_headers(&received.outgoing, &shared.headers))
        .await;
    learn_secrets(shared, &received);
    let matched =
        hookspec_mock::table::route(&received.method, received.url.path(), shared.product);
    let mut result = check::check_exchange(&received, matched.as_ref(), &answer);
    let reply = match &answer {
        Ok(response) => rewrite(shared, response),
        Err(failure) => plain(502, format!("hookspec-conformance proxy: {failure}")),
    };
    if let (Some(recorder), Ok(response)) = (&shared.recorder, &answer) {
        let exchange = Exchange {
            operation: matched.as_ref().map(|m| m.operation.id),
            product: matched.as_ref().map(|m| m.product),
            method: &received.method,
            path: received
                .path_and_query
                .split('?')
                .next()
                .unwrap_or_default(),
            query: &received.query,
            request_headers: &received.outgoing.headers,
            request_body: &received.body,
            response,
        };
        if let Err(error) = lock(recorder).write(&exchange) {
            result.notes.push(format!("not recorded: {error}"));
        }
    }
    result.duration = started.elapsed();
    result.mask(&lock(&shared.secrets));
    {
        let mut results = lock(&shared.results);
        result.number = results.len() + 1;
        results.push(result.clone());
    }
    if let Some(callback) = &shared.on_exchange {
        callback(&result);
    }
    reply
}

/// Adds the request's credentials and secret fields to what the proxy masks, and returns all
/// it knows so far.
fn learn_secrets(shared: &Shared, received: &Received) {
    let mut secrets = lock(&shared.secrets);
    secrets.learn_request(
        received
            .outgoing
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str())),
        received.query.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        &received.body,
    );
}

/// `request` with `extra` headers added, each replacing a header of its name; what is checked,
/// recorded and reported stays the client's own request.
fn with_headers<'a>(request: &'a Request, extra: &[(String, String)]) -> Cow<'a, Request> {
    if extra.is_empty() {
        // The usual case: the request as the client sent it, body and all, not copied.
        return Cow::Borrowed(request);
    }
    let mut sent = request.clone();
    for (name, value) in extra {
        sent.headers
            .retain(|(have, _)| !have.eq_ignore_ascii_case(name));
        sent.headers.push((name.clone(), value.clone()));
    }
    Cow::Owned(sent)
}

fn plain(status: u16, text: String) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
    response
}

/// The target's answer for the client: its base URL replaced by the proxy's in `Link`,
/// `Location` and the URL fields of a JSON body; nothing else changes.
fn rewrite(shared: &Shared, response: &Response) -> hyper::Response<Full<Bytes>> {
    let mut body = response.body.clone();
    if let Ok(mut json) = serde_json::from_slice::<Value>(&body) {
        let mut changed = false;
        match &mut json {
            Value::Array(items) => items
                .iter_mut()
                .for_each(|item| changed |= rewrite_fields(shared, item)),
            item => changed |= rewrite_fields(shared, item),
        }
        if changed && let Ok(bytes) = serde_json::to_vec(&json) {
            body = bytes;
        }
    }
    let mut out = hyper::Response::new(Full::new(Bytes::from(body)));
    *out.status_mut() =
        hyper::StatusCode::from_u16(response.status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
    for (name, value) in &response.headers {
        if HOP_BY_HOP.contains(&name.as_str()) {
            continue;
        }
        let value = if name == "link" || name == "location" {
            match value.to_str() {
                Ok(text) => hyper::header::HeaderValue::from_str(
                    &text.replace(&shared.target, &shared.public),
                )
                .unwrap_or_else(|_| value.clone()),
                Err(_) => value.clone(),
            }
        } else {
            value.clone()
        };
        out.headers_mut().append(name.clone(), value);
    }
    out
}

fn rewrite_fields(shared: &Shared, item: &mut Value) -> bool {
    let Value::Object(fields) = item else {
        return false;
    };
    let mut changed = false;
    for key in URL_FIELDS {
        if let Some(Value::String(text)) = fields.get_mut(*key)
            && let Some(rest) = text.strip_prefix(&shared.target)
        {
            *text = format!("{}{rest}", shared.public);
            changed = true;
        }
    }
    changed
}
