//! The lanes deliveries wait in: one per receiver (scheme, host and port), each a queue served by
//! at most [`MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER`] workers, so that a slow or dead receiver holds
//! up only its own deliveries. A worker takes its lane's deliveries one after the other over one
//! connection; it ends when its lane is empty, and the lane goes with its last worker, so the lanes
//! never outnumber the deliveries pending.
//!
//! A lane starts with one worker and gains more only when more than
//! [`MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER`] deliveries wait in it. So deliveries made one after
//! another (a hook's ping, then the events a test emits) go out one at a time, in the order they
//! were made, and a test sees them in that order; a backlog is sent over up to
//! [`MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER`] connections at once, and then, as with GitHub,
//! deliveries on their way together may arrive in any order.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// How many deliveries to one receiver (scheme, host and port) are on their way at once: the
/// most workers its lane has, each with its own connection. A receiver that hangs holds this
/// many of the [`MAX_DELIVERIES_IN_FLIGHT`](super::send::MAX_DELIVERIES_IN_FLIGHT) slots and
/// no more, so that it takes eight such receivers to hold them all. Fewer connections to one
/// receiver cost throughput: every one of them carries fewer requests per wake-up of the
/// receiver and of the sending thread (the bench's `deliveries` row: about 7% fewer deliveries
/// per second with 8 than with 32 on a 2-core machine).
pub const MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER: usize = 32;

/// The receiver a delivery goes to, for its lane: the URL's scheme, host and port (the parts
/// that decide which server answers).
pub(super) fn receiver_key(url: &url::Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// The lanes of the receivers with deliveries queued or on their way.
pub(super) struct Lanes<T>(Arc<Mutex<HashMap<Arc<str>, Lane<T>>>>);

impl<T> Clone for Lanes<T> {
    fn clone(&self) -> Self {
        Lanes(self.0.clone())
    }
}

impl<T> Default for Lanes<T> {
    fn default() -> Self {
        Lanes(Arc::default())
    }
}

/// A receiver's queue and how many workers serve it.
struct Lane<T> {
    queue: VecDeque<T>,
    workers: usize,
}

/// One worker's place in its lane. It is counted out when [`Lanes::next`] finds the lane
/// empty, or else when dropped, so a worker that ends any other way (its task panicked)
/// still leaves room for another.
pub(super) struct Worker<T> {
    lanes: Lanes<T>,
    key: Arc<str>,
    counted: bool,
}

impl<T> Worker<T> {
    /// The receiver this worker delivers to.
    pub(super) fn key(&self) -> &Arc<str> {
        &self.key
    }

    /// The lane's next delivery, or `None` when there is none left, and then this worker is
    /// counted out (in the same step, so no delivery queued meanwhile is left without one).
    pub(super) fn next(&mut self) -> Option<T> {
        if !self.counted {
            return None;
        }
        let mut lanes = self.lanes.lock();
        let lane = lanes.get_mut(&self.key)?;
        let next = lane.queue.pop_front();
        if next.is_none() {
            self.counted = false;
            leave(&mut lanes, &self.key);
        }
        next
    }
}

impl<T> Drop for Worker<T> {
    fn drop(&mut self) {
        if self.counted {
            leave(&mut self.lanes.lock(), &self.key);
        }
    }
}

/// A worker leaves `key`'s lane; the lane goes with its last worker once it is empty.
fn leave<T>(lanes: &mut HashMap<Arc<str>, Lane<T>>, key: &str) {
    if let Some(lane) = lanes.get_mut(key) {
        lane.workers = lane.workers.saturating_sub(1);
        if lane.workers == 0 && lane.queue.is_empty() {
            lanes.remove(key);
        }
    }
}

impl<T> Lanes<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Lane<T>>> {
        crate::sync::lock(&self.0)
    }

    /// Queues `item` in `key`'s lane; a new worker for the lane, to be started by the caller, when
    /// it has none, or when more than [`MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER`] deliveries now wait
    /// and it has fewer workers than that.
    pub(super) fn push(&self, key: &Arc<str>, item: T) -> Option<Worker<T>> {
        let mut lanes = self.lock();
        let lane = lanes.entry(key.clone()).or_insert_with(|| Lane {
            queue: VecDeque::new(),
            workers: 0,
        });
        lane.queue.push_back(item);
        let wanted = lane.workers == 0
            || (lane.queue.len() > MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER
                && lane.workers < MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER);
        if !wanted {
            return None;
        }
        lane.workers += 1;
        Some(Worker {
            lanes: self.clone(),
            key: key.clone(),
            counted: true,
        })
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.lock().len()
    }
}
