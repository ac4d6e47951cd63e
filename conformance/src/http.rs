//! Sending one request and reading its response within the target's timeout, with a bounded
//! body; every way that can go wrong becomes an [`HttpFailure`] rather than a panic or a hang.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::error::RequestLine;

/// The largest body the runner reads by default (the rest is a failed check, not a crash).
pub const DEFAULT_MAX_BODY: usize = 8 * 1024 * 1024;

/// How many bytes of a body are shown when it cannot be used.
pub const BODY_PREVIEW: usize = 300;

/// A request to send.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The full URL.
    pub url: Url,
    /// Headers (already including `Authorization` when wanted).
    pub headers: Vec<(String, String)>,
    /// The body bytes and whether they are JSON.
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// The request as `METHOD URL`.
    pub fn line(&self) -> RequestLine {
        RequestLine {
            method: self.method.clone(),
            url: self.url.to_string(),
        }
    }
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
    /// Time from sending to the last byte (time spent waiting on the server).
    pub waited: Duration,
}

impl Response {
    /// The value of header `name`, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Why no complete response was read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpFailure {
    /// The connection could not be made (refused, unreachable, DNS); nothing was sent.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// No complete response within the timeout.
    #[error("no complete response within {}", human(*.0))]
    Timeout(Duration),
    /// The exchange failed otherwise (reset, protocol error).
    #[error("the request failed: {0}")]
    Transport(String),
    /// The response started but its body broke off.
    #[error("status {status}, but reading the body failed after {} bytes: {message}", received.len())]
    BodyBroken {
        /// The status that was received.
        status: u16,
        /// The bytes that arrived.
        received: Vec<u8>,
        /// What went wrong.
        message: String,
    },
    /// The body is larger than the runner reads.
    #[error("status {status}, but the body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The status that was received.
        status: u16,
        /// The limit.
        limit: usize,
        /// The first bytes.
        start: Vec<u8>,
    },
    /// The request could not be built (a header that is not valid HTTP).
    #[error("the request cannot be built: {0}")]
    Build(String),
}

impl HttpFailure {
    /// Whether the server may have received and acted on the request.
    pub fn maybe_received(&self) -> bool {
        !matches!(self, HttpFailure::Connect(_) | HttpFailure::Build(_))
    }

    /// The first bytes of the body, where some arrived.
    pub fn body_start(&self) -> Option<&[u8]> {
        match self {
            HttpFailure::BodyBroken { received, .. } => Some(received),
            HttpFailure::BodyTooLarge { start, .. } => Some(start),
            _ => None,
        }
    }

    /// The status, where one arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpFailure::BodyBroken { status, .. } | HttpFailure::BodyTooLarge { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }
}

/// A duration as people write it (`250 ms`, `5 s`, `1.5 s`).
pub fn human(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// The start of a body, as text people can read: lossy UTF-8, control characters escaped, cut at
/// [`BODY_PREVIEW`] bytes.
pub fn preview(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty)".to_string();
    }
    let cut = &body[..body.len().min(BODY_PREVIEW)];
    let text = String::from_utf8_lossy(cut);
    let mut shown: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect();
    if body.len() > BODY_PREVIEW {
        shown.push_str(&format!("… ({} bytes in all)", body.len()));
    }
    shown
}

/// An HTTP client bound to a timeout and a body limit.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    timeout: Duration,
    max_body: usize,
}

impl HttpClient {
    /// A client whose every exchange ends within `timeout`, reading at most `max_body` bytes.
    /// Installs rustls's `ring` provider as the process default if none is installed yet.
    pub fn new(timeout: Duration, max_body: usize) -> Result<Self, String> {
        let tls = tls_config()?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("hookspec-conformance/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| error_chain(&e))?;
        Ok(HttpClient {
            client,
            timeout,
            max_body,
        })
    }

    /// The timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `request` and reads the whole response, or says why not. Never takes much longer
    /// than the timeout.
    pub async fn send(&self, request: &Request) -> Result<Response, HttpFailure> {
        let started = Instant::now();
        let outcome = tokio::time::timeout(self.timeout, self.exchange(request, started)).await;
        match outcome {
            Ok(result) => result,
            Err(_) => Err(HttpFailure::Timeout(self.timeout)),
        }
    }

    async fn exchange(&self, request: &Request, started: Instant) -> Result<Response, HttpFailure> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| HttpFailure::Build(format!("method {:?}: {e}", request.method)))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| HttpFailure::Build(format!("header name {name:?}: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| HttpFailure::Build(format!("header {name}: {e}")))?;
            headers.insert(name, value);
        }
        let mut builder = self
            .client
            .request(method, request.url.clone())
            .headers(headers);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| self.classify(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_body {
                        let room = self.max_body.saturating_sub(body.len());
                        body.extend_from_slice(&chunk[..room.min(chunk.len())]);
                        body.truncate(BODY_PREVIEW);
                        return Err(HttpFailure::BodyTooLarge {
                            status,
                            limit: self.max_body,
                            start: body,
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) if error.is_timeout() => return Err(HttpFailure::Timeout(self.timeout)),
                Err(error) => {
                    return Err(HttpFailure::BodyBroken {
                        status,
                        received: body,
                        message: error_chain(&error),
                    });
                }
            }
        }
        Ok(Response {
            status,
            headers,
            body,
            waited: started.elapsed(),
        })
    }

    fn classify(&self, error: &reqwest::Error) -> HttpFailure {
        if error.is_timeout() {
            HttpFailure::Timeout(self.timeout)
        } else if error.is_connect() {
            HttpFailure::Connect(error_chain(error))
        } else {
            HttpFailure::Transport(error_chain(error))
        }
    }
}

/// The TLS configuration of every client: rustls with the `ring` provider (installed as the
/// process default unless one is already) and the platform's certificate verifier, as reqwest
/// would build it, but built once: building the verifier costs tens of milliseconds.
fn tls_config() -> Result<rustls::ClientConfig, String> {
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, String>> =
        std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| {
            // Another part of the process may have installed one already; that one is fine too.
            let _ = rustls::crypto::ring::default_provider().install_default();
            use rustls_platform_verifier::ConfigVerifierExt;
            rustls::ClientConfig::with_platform_verifier()
                .map_err(|e| format!("cannot set up TLS: {e}"))
        })
        .clone()
}

/// An error and its causes on one line (`a: b: c`), without repeats.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}
