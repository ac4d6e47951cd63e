//! What is on its way and what has ended: the count and payload bytes of deliveries not yet
//! recorded (which tests and the pending bound read), and the records of finished attempts,
//! stored together.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// Where finished attempts' records go (the fake's state, which this module does not know),
/// several at once: the attempts that ended in the same turn of the delivery runtime are
/// stored under one lock of the state, which the API takes for every request.
pub(crate) type Record = Arc<dyn Fn(Vec<super::Delivery>) + Send + Sync>;

/// The records of attempts that have ended, waiting to be stored together.
#[derive(Clone)]
pub(super) struct Finished {
    pub(super) batch: Arc<std::sync::Mutex<Vec<(super::Delivery, usize)>>>,
    pub(super) record: Record,
    pub(super) pending: Arc<Pending>,
}

impl Finished {
    /// Adds the record of a delivery that held `size` pending bytes; the first of a batch
    /// schedules its storing after the other tasks ready now, whose attempts may end too.
    pub(super) fn add(&self, delivery: super::Delivery, size: usize) {
        let first = {
            let mut batch = self.lock();
            batch.push((delivery, size));
            batch.len() == 1
        };
        if first {
            let this = self.clone();
            tokio::spawn(async move {
                tokio::task::yield_now().await;
                this.store();
            });
        }
    }

    /// Stores every waiting record, then counts them as no longer pending (in that order, so
    /// that a test waiting for none pending finds them all in the deliveries API).
    fn store(&self) {
        let batch = std::mem::take(&mut *self.lock());
        let (records, sizes): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        (self.record)(records);
        for size in sizes {
            self.pending.done(size);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(super::Delivery, usize)>> {
        self.batch
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
        self.bytes.fetch_sub(size, Ordering::SeqCst);
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
