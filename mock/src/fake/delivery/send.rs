//! Sending deliveries in the background and recording what really happened. Each [`Outbox`]
//! owns one thread with its own small tokio runtime, started on the first delivery, so the API
//! call that triggers a delivery answers at once whatever runtime (or none) the caller uses.
//! Attempts run concurrently up to a bound, reuse connections per receiver, end at the
//! product's timeout, and go only to loopback addresses unless external delivery is allowed.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::header::HeaderValue;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use time::OffsetDateTime;
use tokio::sync::{Notify, Semaphore, mpsc};

use super::Outgoing;
use crate::headers::delivery_http_name;

/// How many attempts run at once.
const MAX_IN_FLIGHT: usize = 64;
/// The most of a receiver's answer that is kept in the record.
const MAX_RESPONSE_BODY: usize = 64 * 1024;

/// What the receiver did with one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// `OK`, `Invalid HTTP Response: 500`, or why nothing was answered.
    pub status: String,
    /// The receiver's status code; 0 when it answered none.
    pub status_code: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub duration: Duration,
}

impl Outcome {
    /// An attempt that got no answer: `status_code` is what GitHub records for it (0 when the
    /// fake itself refused to send).
    fn failed(status: String, status_code: u16, duration: Duration) -> Outcome {
        Outcome {
            status,
            status_code,
            headers: BTreeMap::new(),
            body: String::new(),
            duration,
        }
    }
}

/// Where a finished attempt's record goes (the fake's state, which this module does not know).
pub(crate) type Record = Arc<dyn Fn(super::Delivery) + Send + Sync>;

/// How deliveries go out: the policy and the bounds.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    /// Whether hosts other than loopback addresses may receive deliveries.
    pub allow_external: bool,
    /// Whether each attempt is logged on standard output.
    pub log: bool,
    /// How many deliveries may be on their way at once; past that a new one is recorded as
    /// failed at once instead of queued, so a receiver that cannot keep up never makes the
    /// fake's memory grow without bound.
    pub max_pending: usize,
}

/// Deliveries on their way: the queue to the sending thread and the count of those not yet
/// recorded, which tests wait on.
pub(crate) struct Outbox {
    record: Record,
    policy: Policy,
    queue: OnceLock<mpsc::UnboundedSender<Outgoing>>,
    pending: Arc<Pending>,
}

/// The count of deliveries sent but not yet recorded.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    count: AtomicUsize,
    changed: Notify,
}

impl Pending {
    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// One delivery recorded. Waiters only wait for none to be left, so only the last one
    /// wakes them: a wake-up per delivery cost the delivery thread a context switch each.
    fn done(&self) {
        if self.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.changed.notify_waiters();
        }
    }

    /// Waits until no delivery is pending, or `timeout`; the count still pending.
    pub(crate) async fn settle(&self, timeout: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let left = self.count();
            if left == 0 {
                return 0;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.count();
            }
        }
    }
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("policy", &self.policy)
            .field("pending", &self.pending.count())
            .finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox that hands each finished attempt's record to `record`.
    pub(crate) fn new(record: Record, policy: Policy) -> Outbox {
        Outbox {
            record,
            policy,
            queue: OnceLock::new(),
            pending: Arc::new(Pending::default()),
        }
    }

    pub(crate) fn pending(&self) -> Arc<Pending> {
        self.pending.clone()
    }

    /// Sends `outgoing` in the background; `Err` with the record of a refused attempt, to be
    /// stored now, when policy forbids it or its URL cannot be used.
    pub(crate) fn send(&self, outgoing: Outgoing) -> Result<(), Box<super::Delivery>> {
        if let Err(why) = check_url(&outgoing.url, self.policy.allow_external) {
            if self.policy.log {
                log_line(&outgoing, &why);
            }
            // 502, as GitHub records a receiver it cannot reach.
            let outcome = Outcome::failed(why, 502, Duration::ZERO);
            return Err(Box::new(
                outgoing.record(outcome, OffsetDateTime::now_utc()),
            ));
        }
        let pending = self.pending.count();
        if pending >= self.policy.max_pending {
            let why = format!(
                "hookspec: {pending} deliveries are already on their way (FakeConfig::max_pending_deliveries); this one was not sent"
            );
            if self.policy.log {
                log_line(&outgoing, &why);
            }
            let outcome = Outcome::failed(why, 502, Duration::ZERO);
            return Err(Box::new(
                outgoing.record(outcome, OffsetDateTime::now_utc()),
            ));
        }
        let queue = self.queue.get_or_init(|| {
            start_thread(
                self.record.clone(),
                self.pending.clone(),
                self.policy.clone(),
            )
        });
        self.pending.count.fetch_add(1, Ordering::SeqCst);
        if let Err(unsent) = queue.send(outgoing) {
            self.pending.done();
            let outcome = Outcome::failed(
                "hookspec: the delivery thread has stopped".to_owned(),
                0,
                Duration::ZERO,
            );
            return Err(Box::new(
                unsent.0.record(outcome, OffsetDateTime::now_utc()),
            ));
        }
        Ok(())
    }
}

/// Whether deliveries may go to `url`: an absolute http(s) URL, on a loopback address unless
/// external delivery is allowed.
fn check_url(url: &str, allow_external: bool) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("hookspec: invalid URL {url:?}: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "hookspec: cannot deliver to a {} URL",
            parsed.scheme()
        ));
    }
    if allow_external {
        return Ok(());
    }
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "hookspec: delivery to {} refused: the fake delivers only to loopback addresses unless external delivery is allowed (FakeConfig::allow_external_deliveries, --allow-external-deliveries)",
            parsed.host_str().unwrap_or_default()
        ))
    }
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The two clients of the sending thread: one verifying certificates, one for hooks with
/// `insecure_ssl: "1"`.
struct Clients {
    verified: Option<HttpsClient>,
    insecure: Option<HttpsClient>,
}

fn start_thread(
    record: Record,
    pending: Arc<Pending>,
    policy: Policy,
) -> mpsc::UnboundedSender<Outgoing> {
    let (sender, mut receiver) = mpsc::unbounded_channel::<Outgoing>();
    let spawned = std::thread::Builder::new()
        .name("hookspec-deliveries".to_owned())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                // Without a runtime nothing can be sent: record every attempt as failed.
                while let Some(outgoing) = receiver.blocking_recv() {
                    let outcome = Outcome::failed(
                        "hookspec: cannot start the delivery runtime".to_owned(),
                        0,
                        Duration::ZERO,
                    );
                    record(outgoing.record(outcome, OffsetDateTime::now_utc()));
                    pending.done();
                }
                return;
            };
            runtime.block_on(async move {
                let clients = Arc::new(Clients {
                    verified: crate::net::client(false).ok(),
                    insecure: crate::net::client(true).ok(),
                });
                let bound = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
                while let Some(outgoing) = receiver.recv().await {
                    let Ok(permit) = bound.clone().acquire_owned().await else {
                        break;
                    };
                    let (record, pending, clients, policy) = (
                        record.clone(),
                        pending.clone(),
                        clients.clone(),
                        policy.clone(),
                    );
                    tokio::spawn(async move {
                        let mut outgoing = outgoing;
                        outgoing.finish();
                        let delivered_at = OffsetDateTime::now_utc();
                        let outcome = attempt(&clients, &outgoing).await;
                        if policy.log {
                            log_line(&outgoing, &outcome_text(&outcome));
                        }
                        record(outgoing.record(outcome, delivered_at));
                        pending.done();
                        drop(permit);
                    });
                }
            });
        });
    if spawned.is_err() {
        // No thread: the receiver is dropped with the closure and every send fails, so each
        // attempt is recorded as failed by `Outbox::send`.
    }
    sender
}

fn outcome_text(outcome: &Outcome) -> String {
    if outcome.status_code == 0 {
        outcome.status.clone()
    } else {
        format!("{} {}", outcome.status_code, outcome.status)
    }
}

fn log_line(outgoing: &Outgoing, outcome: &str) {
    use crate::log::escape;
    // The event names and URL come from requests and the outcome from a receiver: escaped,
    // so that each delivery stays one line.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "delivery {} {} hook {} -> {}: {}",
        escape(&outgoing.guid),
        escape(&outgoing.event),
        outgoing.hook_id,
        escape(outgoing.url.as_str()),
        escape(outcome)
    );
    let _ = stdout.flush();
}

/// One POST and the receiver's answer, within the timeout.
async fn attempt(clients: &Clients, outgoing: &Outgoing) -> Outcome {
    let started = Instant::now();
    let client = if outgoing.insecure_ssl {
        clients.insecure.as_ref()
    } else {
        clients.verified.as_ref()
    };
    let Some(client) = client else {
        return Outcome::failed(
            "hookspec: cannot set up TLS".to_owned(),
            0,
            started.elapsed(),
        );
    };
    let request = hyper::Request::builder()
        .method(hyper::Method::POST)
        .uri(outgoing.url.as_str())
        .body(Full::new(outgoing.body.clone()))
        .and_then(|mut request| {
            let headers = request.headers_mut();
            headers.reserve(outgoing.request_headers.len());
            for (name, value) in &outgoing.request_headers {
                headers.append(delivery_http_name(name)?, HeaderValue::from_str(value)?);
            }
            Ok(request)
        });
    let request = match request {
        Ok(request) => request,
        Err(error) => {
            return Outcome::failed(
                format!("hookspec: cannot build the request: {error}"),
                0,
                started.elapsed(),
            );
        }
    };
    let exchange = async {
        let response = client.request(request).await?;
        let (parts, body) = response.into_parts();
        let body = match Limited::new(body, MAX_RESPONSE_BODY).collect().await {
            Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
            Err(_) => String::new(),
        };
        Ok::<_, hyper_util::client::legacy::Error>((parts, body))
    };
    match tokio::time::timeout(outgoing.timeout, exchange).await {
        // GitHub words it "timed out"; the 504 is our choice (spec/README.md).
        Err(_) => Outcome::failed("timed out".to_owned(), 504, started.elapsed()),
        Ok(Err(error)) => {
            let (status, status_code) = failure(&error);
            Outcome::failed(status, status_code, started.elapsed())
        }
        Ok(Ok((parts, body))) => {
            let status_code = parts.status.as_u16();
            let headers = crate::fake::header_pairs(&parts.headers);
            Outcome {
                status: super::status_text(status_code),
                status_code,
                headers,
                body,
                duration: started.elapsed(),
            }
        }
    }
}

/// GitHub's wording and code for an attempt that got no answer, as its troubleshooting docs
/// word them: `failed to connect to network` when the receiver refused the connection,
/// `failed to connect to host` when the host could not be reached otherwise (its name does not
/// resolve, or the network does not let the connection through). 502 is the code GitHub's REST
/// examples show with them; the code and text for a dropped connection are our choice
/// (spec/README.md).
fn failure(error: &hyper_util::client::legacy::Error) -> (String, u16) {
    if !error.is_connect() {
        return ("connection reset by peer".to_owned(), 502);
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return ("failed to connect to network".to_owned(), 502);
        }
        source = cause.source();
    }
    ("failed to connect to host".to_owned(), 502)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_receive_by_default() {
        for url in [
            "http://127.0.0.1:9/hook",
            "http://127.8.0.1/x",
            "http://[::1]:8080/",
            "http://localhost:3000/hook",
            "https://LOCALHOST/hook",
        ] {
            assert_eq!(check_url(url, false), Ok(()), "{url}");
        }
        for url in [
            "https://example.com/hook",
            "http://10.0.0.1/hook",
            "http://192.168.1.2/",
            "http://localhost.example.com/",
        ] {
            let refused = check_url(url, false);
            assert!(
                refused.as_ref().is_err_and(|why| why.contains("loopback")),
                "{url}: {refused:?}"
            );
            assert_eq!(check_url(url, true), Ok(()), "{url}");
        }
        assert!(check_url("ftp://127.0.0.1/", true).is_err());
        assert!(check_url("not a url", true).is_err());
    }
}
