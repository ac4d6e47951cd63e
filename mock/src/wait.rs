//! Waiting on state, not on the clock: a condition checked again each time a [`Notify`] fires,
//! with no wake-up lost between the check and the wait.

use tokio::sync::Notify;
use tokio::time::Instant;

/// The first `Some` that `check` gives, checked now and again after each notification of
/// `changed`; `None` once `deadline` (if any) passes first. The notification is armed before
/// each check, so one sent between the check and the wait still wakes it.
pub(crate) async fn until<T>(
    changed: &Notify,
    deadline: Option<Instant>,
    mut check: impl FnMut() -> Option<T>,
) -> Option<T> {
    loop {
        let notified = changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(found) = check() {
            return Some(found);
        }
        match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, notified).await.ok()?,
            None => notified.await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn a_change_notified_after_the_check_is_seen_and_a_deadline_ends_the_wait() {
        let changed = Arc::new(Notify::new());
        let done = Arc::new(AtomicBool::new(false));
        let (notify, flag) = (changed.clone(), done.clone());
        let waiting = tokio::spawn(async move {
            until(&notify, None, || {
                flag.load(Ordering::SeqCst).then_some("done")
            })
            .await
        });
        // Let the waiter check (false) and wait, then change and notify.
        tokio::task::yield_now().await;
        done.store(true, Ordering::SeqCst);
        changed.notify_waiters();
        assert_eq!(waiting.await.ok().flatten(), Some("done"));

        let never = Notify::new();
        let soon = Instant::now() + Duration::from_millis(1);
        assert_eq!(until(&never, Some(soon), || None::<()>).await, None);
    }
}
