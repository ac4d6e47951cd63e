//! A webhook receiver for tests: a loopback HTTP endpoint that records every delivery it gets
//! (headers and raw bytes), checks its signatures with a secret over those raw bytes, and
//! answers as it is told (a status, after a delay, or by closing the connection).
//!
//! Point a fake's hook at [`Receiver::url`] to see what the fake sends, or use it beside your
//! own receiver to compare.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};

use crate::fake::{verify_signature_1, verify_signature_256};
use crate::headers::{
    DELIVERY_CONTENT_TYPE, X_GITHUB_DELIVERY, X_GITHUB_EVENT, X_HUB_SIGNATURE, X_HUB_SIGNATURE_256,
};
use crate::net::{BodyError, ConnectionLimits};

/// The largest delivery body the receiver reads (GitHub caps payloads at 25 MB).
const MAX_BODY: usize = 25 * 1024 * 1024;

/// How the receiver answers a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiverAnswer {
    /// Answer this status with a short text body.
    Status(u16),
    /// Wait, then answer the status (a wait longer than the fake's delivery timeout makes the
    /// delivery time out).
    Delay(Duration, u16),
    /// Close the connection without answering.
    Close,
    /// Hold the answer until [`Receiver::release`] is called, then answer the status: a
    /// delivery that stays on its way exactly as long as a test wants, with no clock involved.
    Hold(u16),
}

/// One delivery as the receiver got it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedDelivery {
    /// The method (`POST`).
    pub method: String,
    /// The path and query the delivery was sent to.
    pub path: String,
    /// The headers as received.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// With a secret set: whether `X-Hub-Signature-256` is the signature of the raw body
    /// (false when it is missing or wrong); `None` without a secret.
    pub signature_256_valid: Option<bool>,
    /// The same for the SHA-1 `X-Hub-Signature`.
    pub signature_1_valid: Option<bool>,
    /// The address the delivery came from: the sender's end of its connection, shared by the
    /// deliveries sent over one connection (`None` if the socket could not tell).
    pub from: Option<std::net::SocketAddr>,
}

impl ReceivedDelivery {
    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// `X-GitHub-Event`.
    pub fn event(&self) -> Option<&str> {
        self.header(X_GITHUB_EVENT.name)
    }

    /// `X-GitHub-Delivery`, the delivery's GUID.
    pub fn guid(&self) -> Option<&str> {
        self.header(X_GITHUB_DELIVERY.name)
    }

    /// The payload: the JSON body, or the `payload` field of a form body.
    pub fn payload(&self) -> Option<Value> {
        let is_form = self
            .header(DELIVERY_CONTENT_TYPE.name)
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if is_form {
            let (_, json) =
                url::form_urlencoded::parse(&self.body).find(|(key, _)| key == "payload")?;
            serde_json::from_str(&json).ok()
        } else {
            serde_json::from_slice(&self.body).ok()
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    secret: Option<String>,
    answer: Option<ReceiverAnswer>,
    next: VecDeque<ReceiverAnswer>,
    received: Vec<ReceivedDelivery>,
    /// Set by [`Receiver::release`]: held answers go, and later ones are not held.
    released: bool,
}

/// What the receiver's connections tell its handle, and the handle them.
#[derive(Debug, Default)]
struct Signals {
    /// A delivery was recorded.
    arrived: Notify,
    /// [`Receiver::release`] was called.
    release: Notify,
}

/// A loopback webhook receiver that records what it gets; stops when dropped.
///
/// ```
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use hookspec_mock::{FakeGitHub, HookSeed, Receiver, ReceiverAnswer};
///
/// let receiver = Receiver::start().await?;
/// receiver.set_secret("s3cret");
/// receiver.answer_next(ReceiverAnswer::Status(500)); // the first delivery fails, then 200s
///
/// let fake = FakeGitHub::start().await;
/// let hook = fake.state().insert_org_hook("octocat", HookSeed::new(receiver.url()).secret("s3cret"));
/// reqwest::Client::new()
///     .post(format!("{}/orgs/octocat/hooks/{hook}/pings", fake.uri()))
///     .bearer_auth("t")
///     .send()
///     .await?;
/// let got = receiver.wait_for(1, Duration::from_secs(5)).await;
/// assert_eq!(got[0].event(), Some("ping"));
/// assert_eq!(got[0].signature_256_valid, Some(true));
/// fake.state().wait_for_deliveries(Duration::from_secs(5)).await?;
/// assert_eq!(fake.state().deliveries(hook)[0].status, "Invalid HTTP Response: 500");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Receiver {
    address: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    signals: Arc<Signals>,
    _stop: oneshot::Sender<()>,
}

impl Receiver {
    /// Starts a receiver on a free loopback port, answering 200 to everything.
    pub async fn start() -> std::io::Result<Receiver> {
        Receiver::start_with_limits(ConnectionLimits::default()).await
    }

    /// [`start`](Self::start) within `limits` on its connections. A delivery whose body does
    /// not arrive in full in time is answered 408 and not recorded: it never fully arrived.
    pub async fn start_with_limits(limits: ConnectionLimits) -> std::io::Result<Receiver> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let inner = Arc::new(Mutex::new(Inner::default()));
        let signals = Arc::new(Signals::default());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(accept(
            listener,
            limits,
            inner.clone(),
            signals.clone(),
            stopped,
        ));
        Ok(Receiver {
            address,
            inner,
            signals,
            _stop: stop,
        })
    }

    /// The URL to give a hook as `config.url`: `http://127.0.0.1:PORT/webhook`.
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.address)
    }

    /// Checks signatures from now on with `secret`, over the raw bytes received.
    pub fn set_secret(&self, secret: &str) {
        self.lock().secret = Some(secret.to_owned());
    }

    /// Answers every delivery this way from now on (after any [`answer_next`](Self::answer_next)).
    pub fn answer(&self, answer: ReceiverAnswer) {
        self.lock().answer = Some(answer);
    }

    /// Answers the next delivery this way, once; queued answers are used in order.
    pub fn answer_next(&self, answer: ReceiverAnswer) {
        self.lock().next.push_back(answer);
    }

    /// Lets every [`ReceiverAnswer::Hold`] answer go, now and from now on.
    pub fn release(&self) {
        self.lock().released = true;
        self.signals.release.notify_waiters();
    }

    /// Every delivery received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedDelivery> {
        self.lock().received.clone()
    }

    /// Waits until at least `count` deliveries have arrived or `timeout` passes, and returns
    /// what has arrived.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedDelivery> {
        let deadline = tokio::time::Instant::now() + timeout;
        // Copied once there are enough, not at each arrival.
        let enough = crate::wait::until(&self.signals.arrived, Some(deadline), || {
            let inner = self.lock();
            (inner.received.len() >= count).then(|| inner.received.clone())
        });
        match enough.await {
            Some(received) => received,
            None => self.received(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        crate::sync::lock(&self.inner)
    }
}

async fn accept(
    listener: TcpListener,
    limits: ConnectionLimits,
    inner: Arc<Mutex<Inner>>,
    signals: Arc<Signals>,
    stopped: oneshot::Receiver<()>,
) {
    let stopped = async move {
        let _ = stopped.await;
    };
    crate::net::serve_bounded(&listener, limits, stopped, move |request, from| {
        let (inner, signals) = (inner.clone(), signals.clone());
        async move { receive(request, from, limits, &inner, &signals).await }
    })
    .await;
}

/// Records one delivery and answers it; `Err` closes the connection without an answer.
async fn receive(
    request: hyper::Request<Incoming>,
    from: Option<std::net::SocketAddr>,
    limits: ConnectionLimits,
    inner: &Mutex<Inner>,
    signals: &Signals,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = match crate::net::read_body(body, MAX_BODY, limits.body_read_timeout).await {
        Ok(body) => body.to_vec(),
        Err(error @ BodyError::TimedOut(_)) => return Ok(plain(408, &error.to_string())),
        // As before: too large, or cut off, is recorded with an empty body.
        Err(BodyError::TooLarge(_) | BodyError::Failed(_)) => Vec::new(),
    };
    let headers: Vec<(String, String)> = crate::fake::header_pairs(&parts.headers);
    let answer = {
        let mut inner = crate::sync::lock(inner);
        let mut delivery = ReceivedDelivery {
            method: parts.method.as_str().to_owned(),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            headers,
            body,
            signature_256_valid: None,
            signature_1_valid: None,
            from,
        };
        if let Some(secret) = &inner.secret {
            delivery.signature_256_valid = Some(
                delivery
                    .header(X_HUB_SIGNATURE_256.name)
                    .is_some_and(|s| verify_signature_256(secret, &delivery.body, s)),
            );
            delivery.signature_1_valid = Some(
                delivery
                    .header(X_HUB_SIGNATURE.name)
                    .is_some_and(|s| verify_signature_1(secret, &delivery.body, s)),
            );
        }
        inner.received.push(delivery);
        inner
            .next
            .pop_front()
            .or_else(|| inner.answer.clone())
            .unwrap_or(ReceiverAnswer::Status(200))
    };
    signals.arrived.notify_waiters();
    let status = match answer {
        ReceiverAnswer::Close => {
            return Err(std::io::Error::other("told to close the connection"));
        }
        ReceiverAnswer::Status(status) => status,
        ReceiverAnswer::Delay(wait, status) => {
            tokio::time::sleep(wait).await;
            status
        }
        ReceiverAnswer::Hold(status) => {
            crate::wait::until(&signals.release, None, || {
                let inner = crate::sync::lock(inner);
                inner.released.then_some(())
            })
            .await;
            status
        }
    };
    Ok(plain(status, &status.to_string()))
}

/// A short text answer; a 408 also closes the connection.
fn plain(status: u16, text: &str) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain");
    if status == 408 {
        // The rest of the body may still be on its way: the connection cannot be reused.
        builder = builder.header("connection", "close");
    }
    builder
        .body(Full::new(Bytes::from(format!("hookspec receiver: {text}"))))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}
