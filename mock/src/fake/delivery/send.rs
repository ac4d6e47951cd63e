//! Sending deliveries in the background and recording what really happened. Each [`Outbox`]
//! owns one thread with its own small tokio runtime, started on the first delivery, so the API
//! call that triggers a delivery answers at once whatever runtime (or none) the caller uses.
//! Attempts reuse connections per receiver, end at the product's timeout, and go only to
//! loopback addresses unless external delivery is allowed: each attempt resolves its host once,
//! checks every address, and connects only to addresses it checked.
//!
//! Scheduling is fair per receiver. A receiver is the URL's scheme, host and port; each has
//! its own lane of [`MAX_IN_FLIGHT_PER_RECEIVER`] slots, and all attempts share
//! [`MAX_IN_FLIGHT`] global slots. Every queued delivery becomes a task that takes its lane's
//! slot first and only then a global one, so a delivery waiting behind a slow or dead receiver
//! holds no global slot and other receivers' deliveries go past it. A lane lives only while
//! deliveries to its receiver are queued or on their way, so their number stays bounded by
//! the pending bound. A record's `delivered_at` and `duration` are taken once both slots are
//! held: they tell the attempt itself, not its wait in the queue.
//!
//! What waits is bounded twice, by count ([`Policy::max_pending`]) and by payload bytes
//! ([`Policy::max_pending_bytes`]); past either a delivery is recorded as failed at once,
//! saying which bound and its value, and a delivery's bytes are released when it is recorded.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::header::HeaderValue;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use time::OffsetDateTime;
use tokio::sync::{Semaphore, mpsc};

use super::Outgoing;
use super::address::*;
use super::lanes::*;
use super::pending::{Finished, Pending, Record};
use crate::headers::delivery_http_name;

/// How many attempts run at once, to all receivers together.
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
    /// How many payload bytes may be on their way at once (see [`Outgoing::size`]); past that
    /// a new delivery is recorded as failed at once, so that large payloads to a slow receiver
    /// cannot grow the fake's memory either.
    pub max_pending_bytes: usize,
}

/// Deliveries on their way: the queue to the sending thread and the count of those not yet
/// recorded, which tests wait on.
pub(crate) struct Outbox {
    record: Record,
    policy: Policy,
    /// URLs [`check_url`] allowed, parsed: hooks deliver to the same few URLs over and over,
    /// and a parse costs more than the rest of queuing a delivery.
    allowed_urls: std::sync::Mutex<std::collections::HashMap<String, url::Url>>,
    queue: OnceLock<mpsc::UnboundedSender<Queued>>,
    pending: Arc<Pending>,
}

/// A delivery handed to the sending thread, with the payload bytes it holds of the pending
/// bound (released, exactly that many, when it is recorded).
struct Queued {
    outgoing: Outgoing,
    size: usize,
    /// The hook's URL as [`check_url`] parsed it.
    url: url::Url,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("policy", &self.policy)
            .field("pending", &self.pending.count())
            .field("pending_bytes", &self.pending.bytes())
            .finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox that hands each finished attempt's record to `record`.
    pub(crate) fn new(record: Record, policy: Policy) -> Outbox {
        Outbox {
            record,
            policy,
            allowed_urls: std::sync::Mutex::default(),
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
        let url = match self.checked_url(&outgoing.url) {
            Ok(url) => url,
            Err(why) => {
                if self.policy.log {
                    log_line(&outgoing, &why);
                }
                // 502, as GitHub records a receiver it cannot reach.
                let outcome = Outcome::failed(why, 502, Duration::ZERO);
                return Err(Box::new(
                    outgoing.record(outcome, OffsetDateTime::now_utc()),
                ));
            }
        };
        let pending = self.pending.count();
        let size = outgoing.size();
        let held = self.pending.bytes();
        let over = if pending >= self.policy.max_pending {
            Some(format!(
                "hookspec: {pending} deliveries are already on their way (FakeConfig::max_pending_deliveries is {}); this one was not sent",
                self.policy.max_pending
            ))
        } else if held.saturating_add(size) > self.policy.max_pending_bytes {
            Some(format!(
                "hookspec: {held} payload bytes are already on their way and this delivery's {size} would pass FakeConfig::max_pending_bytes ({}); this one was not sent",
                self.policy.max_pending_bytes
            ))
        } else {
            None
        };
        if let Some(why) = over {
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
        self.pending.add(size);
        if let Err(unsent) = queue.send(Queued {
            outgoing,
            size,
            url,
        }) {
            self.pending.done(size);
            let outcome = Outcome::failed(
                "hookspec: the delivery thread has stopped".to_owned(),
                0,
                Duration::ZERO,
            );
            return Err(Box::new(
                unsent.0.outgoing.record(outcome, OffsetDateTime::now_utc()),
            ));
        }
        Ok(())
    }
}

impl Outbox {
    /// [`check_url`], remembering the URLs it allowed (a few hundred at most: past that the
    /// memory starts afresh, so that hooks with ever-new URLs cannot grow it).
    fn checked_url(&self, url: &str) -> Result<url::Url, String> {
        const REMEMBERED: usize = 256;
        let mut allowed = self
            .allowed_urls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(parsed) = allowed.get(url) {
            return Ok(parsed.clone());
        }
        let parsed = check_url(url, self.policy.allow_external)?;
        if allowed.len() >= REMEMBERED {
            allowed.clear();
        }
        allowed.insert(url.to_owned(), parsed.clone());
        Ok(parsed)
    }
}

type HttpsClient =
    Client<hyper_rustls::HttpsConnector<HttpConnector<CheckedAddresses>>, Full<Bytes>>;

/// The two clients of the sending thread, one verifying certificates, one for hooks with
/// `insecure_ssl: "1"`, and the addresses both may connect to.
struct Clients {
    verified: Option<HttpsClient>,
    insecure: Option<HttpsClient>,
    checked: CheckedAddresses,
}

fn start_thread(
    record: Record,
    pending: Arc<Pending>,
    policy: Policy,
) -> mpsc::UnboundedSender<Queued> {
    let (sender, mut receiver) = mpsc::unbounded_channel::<Queued>();
    let spawned = std::thread::Builder::new()
        .name("hookspec-deliveries".to_owned())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                // Without a runtime nothing can be sent: record every attempt as failed.
                while let Some(Queued { outgoing, size, .. }) = receiver.blocking_recv() {
                    let outcome = Outcome::failed(
                        "hookspec: cannot start the delivery runtime".to_owned(),
                        0,
                        Duration::ZERO,
                    );
                    record(vec![outgoing.record(outcome, OffsetDateTime::now_utc())]);
                    pending.done(size);
                }
                return;
            };
            runtime.block_on(async move {
                let checked = CheckedAddresses::default();
                let clients = Arc::new(Clients {
                    verified: crate::net::client_with_resolver(false, checked.clone()).ok(),
                    insecure: crate::net::client_with_resolver(true, checked.clone()).ok(),
                    checked,
                });
                let global = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
                let finished = Finished {
                    batch: Arc::default(),
                    record: record.clone(),
                    pending: pending.clone(),
                };
                let lanes = Lanes::default();
                // The loop never waits for a slot: every delivery becomes a task at once and
                // waits in its own receiver's lane, so one receiver's backlog cannot stop the
                // queue in front of the others'.
                while let Some(Queued {
                    outgoing,
                    size,
                    url,
                }) = receiver.recv().await
                {
                    let lane = lanes.join(receiver_key(&url));
                    let (finished, clients, policy, global) = (
                        finished.clone(),
                        clients.clone(),
                        policy.clone(),
                        global.clone(),
                    );
                    tokio::spawn(async move {
                        let mut outgoing = outgoing;
                        // The receiver's slot first, then a global one: waiting for its own
                        // receiver, a delivery holds nothing the others need.
                        let slots = match lane.slots.clone().acquire_owned().await {
                            Ok(own) => global.acquire_owned().await.map(|any| (own, any)),
                            Err(closed) => Err(closed),
                        };
                        let outcome = match slots {
                            Ok(_slots) => {
                                outgoing.finish();
                                let delivered_at = OffsetDateTime::now_utc();
                                let outcome =
                                    attempt(&clients, &outgoing, &url, policy.allow_external).await;
                                (outcome, delivered_at)
                            }
                            // The semaphores are never closed; should one be, the delivery
                            // is still recorded, saying so.
                            Err(_) => (
                                Outcome::failed(
                                    "hookspec: the delivery thread has stopped".to_owned(),
                                    0,
                                    Duration::ZERO,
                                ),
                                OffsetDateTime::now_utc(),
                            ),
                        };
                        let (outcome, delivered_at) = outcome;
                        if policy.log {
                            log_line(&outgoing, &outcome_text(&outcome));
                        }
                        // The slots went back when the attempt ended; the lane is left here.
                        drop(lane);
                        finished.add(outgoing.record(outcome, delivered_at), size);
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

/// One POST and the receiver's answer, within the timeout: the host resolved once, every
/// address checked, and the connection made to one of those addresses.
async fn attempt(
    clients: &Clients,
    outgoing: &Outgoing,
    url: &url::Url,
    allow_external: bool,
) -> Outcome {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + outgoing.timeout;
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
    let (host, addresses) = match tokio::time::timeout_at(deadline, resolve(url)).await {
        Err(_) => return Outcome::failed("timed out".to_owned(), 504, started.elapsed()),
        // GitHub's wording for a name that does not resolve.
        Ok(Err(_)) => {
            return Outcome::failed(
                "failed to connect to host".to_owned(),
                502,
                started.elapsed(),
            );
        }
        Ok(Ok(resolved)) => resolved,
    };
    if let Err(why) = allowed(&addresses, allow_external) {
        // Refused before anything was sent, as `Outbox::send` refuses: 502, no time spent.
        return Outcome::failed(
            refusal(url.host_str().unwrap_or_default(), &why),
            502,
            Duration::ZERO,
        );
    }
    if let Some(host) = host {
        clients.checked.remember(host, &addresses);
    }
    let exchange = async {
        let response = client.request(request).await?;
        let (parts, body) = response.into_parts();
        let body = match Limited::new(body, MAX_RESPONSE_BODY).collect().await {
            Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
            Err(_) => String::new(),
        };
        Ok::<_, hyper_util::client::legacy::Error>((parts, body))
    };
    match tokio::time::timeout_at(deadline, exchange).await {
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
// A test that cannot unwrap should fail right there, loudly.
#[allow(clippy::unwrap_used)]
#[path = "send_tests.rs"]
mod tests;
