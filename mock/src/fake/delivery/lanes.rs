//! The lanes deliveries wait in: one per receiver (scheme, host and port), each with its own
//! slots, so that a slow or dead receiver delays only its own deliveries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// How many attempts to one receiver (scheme, host and port) run at once: a receiver that
/// hangs takes these and no more of the global ones.
pub(super) const MAX_IN_FLIGHT_PER_RECEIVER: usize = 8;

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

/// The lanes of the receivers with deliveries queued or on their way: each its slots and how
/// many deliveries use it. A lane is removed when its last delivery is recorded, so the map
/// holds no more lanes than deliveries are pending.
#[derive(Clone, Default)]
pub(super) struct Lanes(Arc<Mutex<HashMap<String, Lane>>>);

pub(super) struct Lane {
    pub(super) slots: Arc<Semaphore>,
    pub(super) users: usize,
}

/// One delivery's place in its receiver's lane; leaving it (on drop, so also if the task
/// panics) removes the lane once no delivery uses it.
pub(super) struct InLane {
    pub(super) lanes: Lanes,
    pub(super) key: String,
    pub(super) slots: Arc<Semaphore>,
}

impl Lanes {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Lane>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn join(&self, key: String) -> InLane {
        let mut lanes = self.lock();
        let lane = lanes.entry(key.clone()).or_insert_with(|| Lane {
            slots: Arc::new(Semaphore::new(MAX_IN_FLIGHT_PER_RECEIVER)),
            users: 0,
        });
        lane.users += 1;
        let slots = lane.slots.clone();
        drop(lanes);
        InLane {
            lanes: self.clone(),
            key,
            slots,
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.lock().len()
    }
}

impl Drop for InLane {
    fn drop(&mut self) {
        let mut lanes = self.lanes.lock();
        if let Some(lane) = lanes.get_mut(&self.key) {
            lane.users = lane.users.saturating_sub(1);
            if lane.users == 0 {
                lanes.remove(&self.key);
            }
        }
    }
}
