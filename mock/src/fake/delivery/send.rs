//! Sending deliveries in the background and recording what really happened. Each [`Outbox`]
//! owns one thread with its own small tokio runtime, started on the first delivery, so the API
//! call that triggers a delivery answers at once whatever runtime (or none) the caller uses.
//! Attempts end at the product's timeout and go only to loopback addresses unless external
//! delivery is allowed: a connection is made only after its host is resolved once and every
//! address checked, and goes only to an address checked ([`connection`]).
//!
//! Scheduling is fair per receiver. A receiver is the URL's scheme, host and port; each has its own
//! lane, a queue served by at most [`MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER`] workers, and every
//! attempt also holds one of [`MAX_DELIVERIES_IN_FLIGHT`] global slots, taken per attempt in the
//! order asked. A delivery waiting behind a slow or dead receiver holds no global slot, so other
//! receivers' deliveries go past it. A worker sends its lane's deliveries one after the other over
//! one connection and ends when the lane is empty; a lane lives only while deliveries to its
//! receiver are queued or on their way, so their number stays bounded by the pending bound. A
//! record's `delivered_at` and `duration` are taken once the global slot is held: they tell the
//! attempt itself, not its wait in the queue.
//!
//! What waits is bounded twice, by count ([`Policy::max_pending`]) and by payload bytes
//! ([`Policy::max_pending_bytes`]); past either a delivery is recorded as failed at once,
//! saying which bound and its value, and a delivery's bytes are released when it is recorded.
//!
//! [`connection`]: super::connection

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::{Semaphore, mpsc};

use super::Outgoing;
use super::address::*;
use super::connection::{Connection, Connectors, Destination, attempt};
use super::lanes::*;
use super::pending::{Finished, Pending, Record, Store};

/// How many deliveries are on their way at once, to all receivers together: each is one open
/// connection of the fake's.
pub const MAX_DELIVERIES_IN_FLIGHT: usize = 256;

/// What the receiver did with one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// `OK`, `Invalid HTTP Response: 500`, or why nothing was answered.
    pub status: String,
    /// The receiver's status code; 0 when it answered none.
    pub status_code: u16,
    pub headers: crate::fake::DeliveryHeaders,
    pub body: String,
    pub duration: Duration,
}

impl Outcome {
    /// An attempt that got no answer: `status_code` is what GitHub records for it (0 when the
    /// fake itself refused to send).
    pub(super) fn failed(status: String, status_code: u16, duration: Duration) -> Outcome {
        Outcome {
            status,
            status_code,
            headers: crate::fake::DeliveryHeaders::default(),
            body: String::new(),
            duration,
        }
    }

    /// A delivery the fake refused to send (its URL or the addresses it names are not
    /// allowed, or a bound is reached): 502, as GitHub records a receiver it cannot reach, and
    /// no time spent.
    pub(super) fn refused(why: String) -> Outcome {
        Outcome::failed(why, 502, Duration::ZERO)
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
    /// The destinations of URLs [`check_url`] allowed: hooks deliver to the same few URLs over
    /// and over, and a URL's parse costs more than the rest of queuing a delivery.
    destinations: Mutex<HashMap<String, Arc<Destination>>>,
    queue: OnceLock<mpsc::UnboundedSender<Queued>>,
    pending: Arc<Pending>,
}

/// A delivery handed to the sending thread, with the payload bytes it holds of the pending
/// bound (released, exactly that many, when it is recorded).
struct Queued {
    outgoing: Outgoing,
    size: usize,
    destination: Arc<Destination>,
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
            destinations: Mutex::default(),
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
        let refuse = |outgoing: Outgoing, why: String| {
            if self.policy.log {
                log_line(&outgoing, &why);
            }
            let outcome = Outcome::refused(why);
            Err(Box::new(
                outgoing.record(outcome, OffsetDateTime::now_utc()),
            ))
        };
        let destination = match self.destination(&outgoing.url) {
            Ok(destination) => destination,
            Err(why) => return refuse(outgoing, why),
        };
        let pending = self.pending.count();
        let size = outgoing.size();
        let held = self.pending.bytes();
        if pending >= self.policy.max_pending {
            let why = format!(
                "hookspec: {pending} deliveries are already on their way (FakeConfig::max_pending_deliveries is {}); this one was not sent",
                self.policy.max_pending
            );
            return refuse(outgoing, why);
        }
        if held.saturating_add(size) > self.policy.max_pending_bytes {
            let why = format!(
                "hookspec: {held} payload bytes are already on their way and this delivery's {size} would pass FakeConfig::max_pending_bytes ({}); this one was not sent",
                self.policy.max_pending_bytes
            );
            return refuse(outgoing, why);
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
            destination,
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

    /// The destination of `url` if [`check_url`] allows it, remembered (a few hundred at
    /// most: past that the memory starts afresh, so that hooks with ever-new URLs cannot grow
    /// it).
    fn destination(&self, url: &str) -> Result<Arc<Destination>, String> {
        const REMEMBERED: usize = 256;
        let mut known = crate::sync::lock(&self.destinations);
        if let Some(destination) = known.get(url) {
            return Ok(destination.clone());
        }
        let destination = Arc::new(Destination::new(check_url(
            url,
            self.policy.allow_external,
        )?)?);
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.insert(url.to_owned(), destination.clone());
        Ok(destination)
    }
}

/// What the sending thread's tasks share.
struct Engine {
    connectors: Connectors,
    lanes: Lanes<Queued>,
    global: Semaphore,
    finished: Finished,
    policy: Policy,
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
                    let records = vec![outgoing.record(outcome, OffsetDateTime::now_utc())];
                    record(records, Store::Now);
                    pending.done(size);
                }
                return;
            };
            runtime.block_on(async move {
                let engine = Arc::new(Engine {
                    connectors: Connectors::new(),
                    lanes: Lanes::default(),
                    global: Semaphore::new(MAX_DELIVERIES_IN_FLIGHT),
                    finished: Finished {
                        batch: Arc::default(),
                        record,
                        pending,
                    },
                    policy,
                });
                // The loop never waits for a slot: every delivery joins its receiver's lane at
                // once, so one receiver's backlog cannot stop the queue in front of the
                // others'.
                while let Some(queued) = receiver.recv().await {
                    let lane = queued.destination.lane.clone();
                    if let Some(worker) = engine.lanes.push(&lane, queued) {
                        tokio::spawn(work(engine.clone(), worker));
                    }
                }
            });
        });
    if spawned.is_err() {
        // No thread: the receiver is dropped with the closure and every send fails, so each
        // attempt is recorded as failed by `Outbox::send`.
    }
    sender
}

/// One of a lane's workers: its deliveries one after the other, each holding a global slot
/// for its attempt, over the connection the worker keeps (left for the lane's next worker
/// when the lane is empty).
async fn work(engine: Arc<Engine>, mut worker: Worker<Queued>) {
    let mut connection: Option<Connection> = None;
    while let Some(Queued {
        mut outgoing,
        size,
        destination,
    }) = worker.next()
    {
        let (outcome, delivered_at) = match engine.global.acquire().await {
            Ok(_slot) => {
                outgoing.finish();
                let delivered_at = OffsetDateTime::now_utc();
                let outcome = attempt(
                    &engine.connectors,
                    &mut connection,
                    &outgoing,
                    &destination,
                    engine.policy.allow_external,
                )
                .await;
                (outcome, delivered_at)
            }
            // The semaphore is never closed; should it be, the delivery is still recorded,
            // saying so.
            Err(_) => (
                Outcome::failed(
                    "hookspec: the delivery thread has stopped".to_owned(),
                    0,
                    Duration::ZERO,
                ),
                OffsetDateTime::now_utc(),
            ),
        };
        if engine.policy.log {
            log_line(&outgoing, &outcome_text(&outcome));
        }
        engine
            .finished
            .add(outgoing.record(outcome, delivered_at), size);
    }
    if let Some(connection) = connection {
        engine.connectors.keep(worker.key().clone(), connection);
    }
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

#[cfg(test)]
// A test that cannot unwrap should fail right there, loudly.
#[allow(clippy::unwrap_used)]
#[path = "send_tests.rs"]
mod tests;
