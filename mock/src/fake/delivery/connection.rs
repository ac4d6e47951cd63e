//! One attempt to deliver, over a connection its lane's worker keeps: HTTP/1.1 with hyper's
//! connection-level client, so that the worker sends one delivery after another on its own
//! connection with no pool to look it up in. A connection is made only after its host is
//! resolved once and every address checked, and goes only to those addresses; one left over
//! when a worker ends waits, a bounded while, for the receiver's next worker.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::HeaderValue;
use hyper_util::client::legacy::connect::HttpConnector;

use super::Outgoing;
use super::address::*;
use super::lanes::receiver_key;
use super::send::Outcome;
use crate::fake::delivery_headers::Value;
use crate::headers::delivery_http_name;

/// The most of a receiver's answer that is kept in the record.
const MAX_RESPONSE_BODY: usize = 64 * 1024;
/// How many connections wait for their receiver's next worker, all receivers together.
const MAX_IDLE: usize = 64;
/// How long a waiting connection is kept (hyper-util's pooled client keeps one as long).
const IDLE_FOR: Duration = Duration::from_secs(90);

/// Where a hook's deliveries go, worked out once per URL: the URL, its receiver's lane, and
/// the request target and `Host` header every delivery to it carries.
#[derive(Debug)]
pub(crate) struct Destination {
    pub url: url::Url,
    /// The receiver (scheme, host and port): the lane's key, shared with the lane.
    pub lane: Arc<str>,
    /// The URL's path and query.
    path: hyper::Uri,
    /// The URL's host, and port unless it is the scheme's.
    host: HeaderValue,
    /// Scheme, host and port, for the connector.
    origin: hyper::Uri,
}

impl Destination {
    pub(super) fn new(url: url::Url) -> Result<Destination, String> {
        let cannot =
            |error: &dyn std::fmt::Display| format!("hookspec: cannot deliver to {url}: {error}");
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        Ok(Destination {
            lane: receiver_key(&url).into(),
            path: path.parse().map_err(|e| cannot(&e))?,
            host: HeaderValue::from_str(&authority).map_err(|e| cannot(&e))?,
            origin: format!("{}://{authority}", url.scheme())
                .parse()
                .map_err(|e| cannot(&e))?,
            url,
        })
    }
}

type Connector = hyper_rustls::HttpsConnector<HttpConnector<CheckedAddresses>>;

/// An open connection to a receiver, and whether its certificate was verified (an HTTPS
/// connection made for a hook with `insecure_ssl` was not, and serves only such hooks).
pub(super) struct Connection {
    sender: SendRequest<Full<Bytes>>,
    verified: bool,
}

impl Connection {
    fn serves(&self, insecure_ssl: bool) -> bool {
        (self.verified || insecure_ssl) && !self.sender.is_closed()
    }
}

/// What makes connections: a connector verifying certificates and one for hooks with
/// `insecure_ssl: "1"`, the addresses both may connect to, and the connections waiting.
pub(super) struct Connectors {
    verified: Option<Connector>,
    insecure: Option<Connector>,
    checked: CheckedAddresses,
    idle: Mutex<Idle>,
}

impl Connectors {
    pub(super) fn new() -> Connectors {
        let checked = CheckedAddresses::default();
        let connector = |insecure| {
            crate::net::client_config(insecure).ok().map(|config| {
                crate::net::https_connector_with_resolver(config, None, checked.clone())
            })
        };
        Connectors {
            verified: connector(false),
            insecure: connector(true),
            checked: checked.clone(),
            idle: Mutex::default(),
        }
    }

    /// Keeps a worker's connection for the receiver's next worker, within the bounds.
    pub(super) fn keep(&self, lane: Arc<str>, connection: Connection) {
        if !connection.sender.is_closed() {
            self.idle().keep(lane, connection, Instant::now());
        }
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Idle> {
        crate::sync::lock(&self.idle)
    }
}

/// Connections waiting for their receiver's next worker, each since when.
#[derive(Default)]
struct Idle {
    by_lane: HashMap<Arc<str>, Vec<(Connection, Instant)>>,
}

impl Idle {
    /// Drops the connections that waited too long or were closed by their receiver.
    fn sweep(&mut self, now: Instant) {
        let fresh = |(connection, since): &(Connection, Instant)| {
            now.duration_since(*since) < IDLE_FOR && !connection.sender.is_closed()
        };
        self.by_lane.retain(|_, waiting| {
            waiting.retain(fresh);
            !waiting.is_empty()
        });
    }

    /// How many connections wait (at most [`MAX_IDLE`], so counting them is cheap).
    fn count(&self) -> usize {
        self.by_lane.values().map(Vec::len).sum()
    }

    fn keep(&mut self, lane: Arc<str>, connection: Connection, now: Instant) {
        if self.count() >= MAX_IDLE {
            self.sweep(now);
            if self.count() >= MAX_IDLE {
                return;
            }
        }
        self.by_lane
            .entry(lane)
            .or_default()
            .push((connection, now));
    }

    fn take(&mut self, lane: &str, insecure_ssl: bool, now: Instant) -> Option<Connection> {
        let waiting = self.by_lane.get_mut(lane)?;
        let mut found = None;
        while let Some((connection, since)) = waiting.pop() {
            if now.duration_since(since) < IDLE_FOR && connection.serves(insecure_ssl) {
                found = Some(connection);
                break;
            }
        }
        if waiting.is_empty() {
            self.by_lane.remove(lane);
        }
        found
    }
}

/// Why an exchange got no answer.
enum Failed {
    /// Refused before anything was sent: the host's addresses are not allowed.
    Refused(String),
    /// No connection could be made, in GitHub's words.
    Connect(&'static str),
    /// The fake could not make one (no TLS); GitHub has no code for it.
    Setup(&'static str),
    /// The connection broke before the answer came.
    Reset,
}

impl Failed {
    /// The record's outcome, for an attempt started at `started`.
    fn outcome(self, started: Instant) -> Outcome {
        let (status, status_code) = match self {
            Failed::Refused(why) => return Outcome::refused(why),
            Failed::Connect(wording) => (wording, 502),
            Failed::Setup(why) => (why, 0),
            Failed::Reset => ("connection reset by peer", 502),
        };
        Outcome::failed(status.to_owned(), status_code, started.elapsed())
    }
}

/// One POST of `outgoing` to `destination` and the receiver's answer, within the hook's
/// timeout, over `connection` when it serves (else a waiting one or a new one, left in
/// `connection` for the next delivery; a connection that failed or timed out is dropped).
pub(super) async fn attempt(
    connectors: &Connectors,
    connection: &mut Option<Connection>,
    outgoing: &Outgoing,
    destination: &Destination,
    allow_external: bool,
) -> Outcome {
    let started = Instant::now();
    let request = match request(outgoing, destination) {
        Ok(request) => request,
        Err(why) => return Outcome::failed(why, 0, started.elapsed()),
    };
    let exchange = async {
        let (parts, body) = exchange(
            connectors,
            connection,
            outgoing.insecure_ssl,
            destination,
            allow_external,
            request,
        )
        .await?;
        // The body within the same deadline: a receiver that stalls it has not answered.
        Ok::<_, Failed>((parts, read_body(body).await))
    };
    // One timer for the head and the body together.
    let answered = tokio::time::timeout(outgoing.timeout, exchange).await;
    let (parts, body) = match answered {
        Ok(Ok(answer)) => answer,
        // GitHub words it "timed out"; the 504 is our choice (spec/README.md).
        Err(_) => {
            *connection = None;
            return Outcome::failed("timed out".to_owned(), 504, started.elapsed());
        }
        Ok(Err(failed)) => {
            *connection = None;
            return failed.outcome(started);
        }
    };
    let body = match body {
        Some(kept) => String::from_utf8(kept)
            .unwrap_or_else(|not_utf8| String::from_utf8_lossy(not_utf8.as_bytes()).into_owned()),
        None => {
            // The rest of the answer is still on the connection: it cannot carry another.
            *connection = None;
            String::new()
        }
    };
    let status_code = parts.status.as_u16();
    Outcome {
        status: super::status_text(status_code),
        status_code,
        headers: crate::fake::DeliveryHeaders::from_http(&parts.headers),
        body,
        duration: started.elapsed(),
    }
}

/// The answer's body, read into one buffer as it comes; `None` when it broke off or passed
/// [`MAX_RESPONSE_BODY`].
async fn read_body(mut body: hyper::body::Incoming) -> Option<Vec<u8>> {
    let mut kept = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.ok()?.into_data() {
            if kept.len() + data.len() > MAX_RESPONSE_BODY {
                return None;
            }
            kept.extend_from_slice(&data);
        }
    }
    Some(kept)
}

/// The delivery as a request to `destination`: its target, `Host`, the delivery's headers
/// and body.
fn request(
    outgoing: &Outgoing,
    destination: &Destination,
) -> Result<hyper::Request<Full<Bytes>>, String> {
    let mut request = hyper::Request::new(Full::new(outgoing.body.clone()));
    *request.method_mut() = hyper::Method::POST;
    *request.uri_mut() = destination.path.clone();
    let headers = request.headers_mut();
    headers.reserve(outgoing.request_headers.len() + 1);
    headers.insert(hyper::header::HOST, destination.host.clone());
    let cannot =
        |error: &dyn std::fmt::Display| format!("hookspec: cannot build the request: {error}");
    // The written values go as slices of the record's own joined text: shared, not copied.
    let joined = outgoing
        .request_headers
        .joined()
        .map(|joined| Bytes::from_owner(JoinedText(joined.clone())));
    for (name, value) in outgoing.request_headers.entries() {
        let name = delivery_http_name(name).map_err(|e| cannot(&e))?;
        let value = match (value, &joined) {
            // A fixed text is checked, not copied.
            (Value::Text(Cow::Borrowed(fixed)), _) => {
                HeaderValue::from_maybe_shared(Bytes::from_static(fixed.as_bytes()))
            }
            (Value::Joined(span), Some(joined)) if span.end <= joined.len() => {
                HeaderValue::from_maybe_shared(joined.slice(span.clone()))
            }
            _ => HeaderValue::from_str(outgoing.request_headers.text(value)),
        };
        headers.append(name, value.map_err(|e| cannot(&e))?);
    }
    Ok(request)
}

/// A record's joined header text, as the bytes its request's header values are slices of.
struct JoinedText(Arc<String>);

impl AsRef<[u8]> for JoinedText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Sends `request` and waits for the answer's head. A connection that had been kept and
/// turns out closed before the request went is replaced once, as a pooled client would.
async fn exchange(
    connectors: &Connectors,
    connection: &mut Option<Connection>,
    insecure_ssl: bool,
    destination: &Destination,
    allow_external: bool,
    mut request: hyper::Request<Full<Bytes>>,
) -> Result<(hyper::http::response::Parts, hyper::body::Incoming), Failed> {
    let mut kept = true;
    loop {
        if !connection
            .as_ref()
            .is_some_and(|open| open.serves(insecure_ssl))
        {
            let waiting = connectors
                .idle()
                .take(&destination.lane, insecure_ssl, Instant::now());
            *connection = match waiting {
                Some(waiting) => Some(waiting),
                None => {
                    kept = false;
                    Some(connect(connectors, destination, insecure_ssl, allow_external).await?)
                }
            };
        }
        let Some(open) = connection.as_mut() else {
            return Err(Failed::Reset);
        };
        if open.sender.ready().await.is_err() {
            *connection = None;
            if kept {
                kept = false;
                continue;
            }
            return Err(Failed::Reset);
        }
        match open.sender.try_send_request(request).await {
            Ok(response) => return Ok(response.into_parts()),
            Err(mut error) => {
                *connection = None;
                match error.take_message() {
                    // Never written: it may go on a new connection.
                    Some(unsent) if kept => {
                        kept = false;
                        request = unsent;
                    }
                    _ => return Err(Failed::Reset),
                }
            }
        }
    }
}

/// A new connection to `destination`: its host resolved once, refused unless every address
/// is allowed, and connected to one of those addresses.
async fn connect(
    connectors: &Connectors,
    destination: &Destination,
    insecure_ssl: bool,
    allow_external: bool,
) -> Result<Connection, Failed> {
    let url = &destination.url;
    // GitHub's wording for a name that does not resolve.
    let (host, addresses) = resolve(url)
        .await
        .map_err(|_| Failed::Connect("failed to connect to host"))?;
    if let Err(why) = allowed(&addresses, allow_external) {
        return Err(Failed::Refused(refusal(
            url.host_str().unwrap_or_default(),
            &why,
        )));
    }
    if let Some(host) = host {
        connectors.checked.remember(host, &addresses);
    }
    let connector = if insecure_ssl {
        &connectors.insecure
    } else {
        &connectors.verified
    };
    let Some(mut connector) = connector.clone() else {
        return Err(Failed::Setup("hookspec: cannot set up TLS"));
    };
    let io = async {
        std::future::poll_fn(|context| tower_service::Service::poll_ready(&mut connector, context))
            .await?;
        tower_service::Service::call(&mut connector, destination.origin.clone()).await
    };
    let io = io
        .await
        .map_err(|error| Failed::Connect(connect_failure(&*error)))?;
    let (sender, driver) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|_| Failed::Connect("failed to connect to host"))?;
    // The connection's reading and writing; it ends when the sender is dropped.
    tokio::spawn(driver);
    Ok(Connection {
        sender,
        verified: !insecure_ssl,
    })
}

/// GitHub's wording for a connection that could not be made, as its troubleshooting docs
/// word them: `failed to connect to network` when the receiver refused the connection, `Peer
/// certificate cannot be authenticated with given CA certificates` when its certificate was
/// not accepted, `failed to connect to host` when the host could not be reached otherwise (the
/// network does not let the connection through, or the TLS handshake fails). 502 is the code
/// GitHub's REST examples show with them; the code and text for a dropped connection are our
/// choice (spec/README.md).
fn connect_failure(error: &(dyn std::error::Error + 'static)) -> &'static str {
    let mut next = Some(error);
    while let Some(cause) = next {
        let io = cause.downcast_ref::<std::io::Error>();
        if io.is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused) {
            return "failed to connect to network";
        }
        if let Some(rustls::Error::InvalidCertificate(_)) = cause.downcast_ref::<rustls::Error>() {
            return "Peer certificate cannot be authenticated with given CA certificates";
        }
        // An I/O error holds the error it wraps (TLS's) as its inner error, not its source.
        next = match io.and_then(std::io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    "failed to connect to host"
}
