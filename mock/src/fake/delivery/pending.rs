//! What is on its way and what has ended: the count and payload bytes of deliveries not yet
//! recorded (which tests and the pending bound read), and the records of finished attempts,
//! stored together.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// Where finished attempts' records go (the fake's state, which this module does not know),
/// several at once: the attempts that ended in the same turn of the delivery runtime are
/// stored under one lock of the state, which the API takes for every request. With
/// [`Store::IfFree`] a store that would wait for that lock does not, and hands the records
/// back.
pub(crate) type Record =
    Arc<dyn Fn(Vec<super::Delivery>, Store) -> Option<Vec<super::Delivery>> + Send + Sync>;

/// Whether storing records may wait for the state's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Store {
    /// Wait for it.
    Now,
    /// Only if no one holds it; else hand the records back.
    IfFree,
}

/// How many turns of the delivery runtime finished records wait for the state's lock to be
/// free before the store waits for it: while the API holds the lock, the sending thread goes
/// on sending instead of sleeping on it, and the records are never held back for long.
const TURNS_BEFORE_WAITING: usize = 8;

/// Records waiting to be stored, and the pending bytes they will release.
#[derive(Default)]
pub(super) struct Batch {
    records: Vec<super::Delivery>,
    bytes: usize,
}

/// The records of attempts that have ended, waiting to be stored together.
#[derive(Clone)]
pub(super) struct Finished {
    pub(super) batch: Arc<std::sync::Mutex<Batch>>,
    pub(super) record: Record,
    pub(super) pending: Arc<Pending>,
}

impl Finished {
    /// Adds the record of a delivery that held `size` pending bytes; the first of a batch
    /// schedules its storing after the other tasks ready now, whose attempts may end too.
    pub(super) fn add(&self, delivery: super::Delivery, size: usize) {
        let first = {
            let mut batch = self.lock();
            batch.records.push(delivery);
            batch.bytes += size;
            batch.records.len() == 1
        };
        if first {
            let this = self.clone();
            tokio::spawn(async move {
                for turn in 1.. {
                    tokio::task::yield_now().await;
                    let store = if turn < TURNS_BEFORE_WAITING {
                        Store::IfFree
                    } else {
                        Store::Now
                    };
                    if this.store(store) {
                        return;
                    }
                }
            });
        }
    }

    /// Stores every waiting record, then counts them as no longer pending (in that order, so
    /// that a test waiting for none pending finds them all in the deliveries API); false when
    /// they stay waiting, the state being busy.
    fn store(&self, store: Store) -> bool {
        let Batch { records, bytes } = std::mem::take(&mut *self.lock());
        let count = records.len();
        if let Some(mut back) = (self.record)(records, store) {
            // In front of any that ended since, so that records keep the order they ended in.
            let mut batch = self.lock();
            back.append(&mut batch.records);
            batch.records = back;
            batch.bytes += bytes;
            return false;
        }
        self.pending.done_many(count, bytes);
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Batch> {
        crate::sync::lock(&self.batch)
    }
}

/// The count and payload bytes of deliveries sent but not yet recorded.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    count: AtomicUsize,
    bytes: AtomicUsize,
    changed: Notify,
}

impl Pending {
    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// One delivery of `size` payload bytes on its way. The bytes go first, as [`done`]
    /// releases them first.
    ///
    /// [`done`]: Pending::done
    pub(super) fn add(&self, size: usize) {
        self.bytes.fetch_add(size, Ordering::SeqCst);
        self.count.fetch_add(1, Ordering::SeqCst);
    }

    /// One delivery of `size` payload bytes recorded. Waiters only wait for none to be left,
    /// so only the last one wakes them: a wake-up per delivery cost the delivery thread a
    /// context switch each. The bytes go first, so that none are counted once none is pending.
    pub(super) fn done(&self, size: usize) {
        self.done_many(1, size);
    }

    /// [`done`](Pending::done) for `count` deliveries holding `bytes` together.
    fn done_many(&self, count: usize, bytes: usize) {
        self.bytes.fetch_sub(bytes, Ordering::SeqCst);
        if count > 0 && self.count.fetch_sub(count, Ordering::SeqCst) == count {
            self.changed.notify_waiters();
        }
    }

    /// Waits until no delivery is pending, or `timeout`; the count still pending.
    pub(crate) async fn settle(&self, timeout: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        let none_left = crate::wait::until(&self.changed, Some(deadline), || {
            (self.count() == 0).then_some(0)
        });
        match none_left.await {
            Some(none) => none,
            None => self.count(),
        }
    }
}

#[cfg(test)]
// A test that cannot unwrap should fail right there, loudly.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fake::DeliverySeed;
    use std::sync::Mutex;

    /// The ids stored, and how each store was asked.
    type Seen = Arc<Mutex<(Vec<u64>, Vec<Store>)>>;

    /// A record store that refuses while busy `busy_turns` times, noting what it was asked.
    fn busy_store(busy_turns: usize) -> (Record, Seen) {
        let seen: Seen = Arc::default();
        let refusals = Arc::new(AtomicUsize::new(busy_turns));
        let noted = seen.clone();
        let record: Record = Arc::new(move |deliveries, store| {
            let mut noted = noted.lock().unwrap();
            noted.1.push(store);
            let busy = refusals
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if busy && store == Store::IfFree {
                return Some(deliveries);
            }
            noted
                .0
                .extend(deliveries.iter().map(|d: &super::super::Delivery| d.id));
            None
        });
        (record, seen)
    }

    fn delivery(id: u64) -> super::super::Delivery {
        super::super::from_seed(
            id,
            1,
            "http://127.0.0.1:1/".to_owned(),
            DeliverySeed::new("push"),
        )
    }

    #[tokio::test]
    async fn records_wait_while_the_state_is_busy_and_are_stored_once_in_order() {
        for (busy_turns, expected_waits) in [(0, 0), (3, 0), (100, 1)] {
            let (record, seen) = busy_store(busy_turns);
            let pending = Arc::new(Pending::default());
            let finished = Finished {
                batch: Arc::default(),
                record,
                pending: pending.clone(),
            };
            for id in 1..=3 {
                pending.add(10);
                finished.add(delivery(id), 10);
            }
            assert_eq!(pending.settle(std::time::Duration::from_secs(10)).await, 0);
            assert_eq!(pending.bytes(), 0);
            let (stored, asked) = seen.lock().unwrap().clone();
            assert_eq!(stored, [1, 2, 3], "busy for {busy_turns} turns");
            // Waiting for the lock only once it stayed busy for the turns allowed.
            let waits = asked.iter().filter(|store| **store == Store::Now).count();
            assert_eq!(waits, expected_waits, "{asked:?}");
        }
    }
}
