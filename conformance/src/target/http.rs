//! Sending one request and reading its response within the target's timeout, with a bounded
//! body; every way that can go wrong becomes an [`HttpFailure`] rather than a panic or a hang.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use url::Url;

use crate::error::RequestLine;
use crate::secrets::mask_url;
use crate::show::{BODY_PREVIEW, human};

/// The largest body the runner reads by default (the rest is a failed check, not a crash).
pub const DEFAULT_MAX_BODY: usize = 8 * 1024 * 1024;

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
    /// The request as `METHOD URL`, credential query parameters masked: what every message
    /// and report shows of it.
    pub fn line(&self) -> RequestLine {
        RequestLine {
            method: self.method.clone(),
            url: mask_url(self.url.as_str()),
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

/// The connector: plain TCP for `http://`, rustls (ring) for `https://`.
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// An HTTP client bound to a timeout and a body limit.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: Client<Connector, Full<Bytes>>,
    timeout: Duration,
    max_body: usize,
}

impl HttpClient {
    /// A client whose every exchange ends within `timeout`, reading at most `max_body` bytes.
    pub fn new(timeout: Duration, max_body: usize) -> Result<Self, String> {
        let tls = hookspec_mock::net::client_config(false).map_err(|e| e.to_string())?;
        let connector = hookspec_mock::net::https_connector(tls, Some(timeout));
        let client = Client::builder(TokioExecutor::new()).build(connector);
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
        let method = hyper::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| HttpFailure::Build(format!("method {:?}: {e}", request.method)))?;
        let mut builder = hyper::Request::builder()
            .method(method)
            .uri(request.url.as_str());
        let mut has_user_agent = false;
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| HttpFailure::Build(format!("header name {name:?}: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| HttpFailure::Build(format!("header {name}: {e}")))?;
            has_user_agent |= name == USER_AGENT;
            builder = builder.header(name, value);
        }
        if !has_user_agent {
            builder = builder.header(
                USER_AGENT,
                concat!("hookspec-conformance/", env!("CARGO_PKG_VERSION")),
            );
        }
        let body = Full::new(Bytes::from(request.body.clone().unwrap_or_default()));
        let outgoing = builder
            .body(body)
            .map_err(|e| HttpFailure::Build(error_chain(&e)))?;
        let response = self
            .client
            .request(outgoing)
            .await
            .map_err(|e| classify(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut incoming = response.into_body();
        let mut body = Vec::new();
        while let Some(frame) = incoming.frame().await {
            let chunk = match frame {
                Ok(frame) => match frame.into_data() {
                    Ok(chunk) => chunk,
                    Err(_) => continue,
                },
                Err(error) => {
                    return Err(HttpFailure::BodyBroken {
                        status,
                        received: body,
                        message: error_chain(&error),
                    });
                }
            };
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
        Ok(Response {
            status,
            headers,
            body,
            waited: started.elapsed(),
        })
    }
}

fn classify(error: &hyper_util::client::legacy::Error) -> HttpFailure {
    if error.is_connect() {
        HttpFailure::Connect(error_chain(error))
    } else {
        HttpFailure::Transport(error_chain(error))
    }
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
