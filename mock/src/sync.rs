//! Locks shared between the fake's threads.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, recovering it if a thread panicked while holding it: nothing the fake keeps
/// under a lock is left half-changed by a panic that would make it unsafe to read.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
