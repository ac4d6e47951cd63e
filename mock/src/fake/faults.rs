//! Faults injected per operation: an error status with GitHub's body, a delay, or a rate limit;
//! and how an injected fault counts down.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::table::OperationId;

/// A misbehaviour to inject into one operation with
/// [`FakeState::inject_fault`](crate::FakeState::inject_fault).
///
/// ```
/// use std::time::Duration;
/// use hookspec_mock::Fault;
///
/// let flaky = Fault::status(502).times(2); // the next two calls fail, then all is well
/// let slow = Fault::delay(Duration::from_millis(200));
/// let limited = Fault::rate_limit(429, Duration::from_secs(30));
/// # let _ = (flaky, slow, limited);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) delay: Option<Duration>,
    pub(crate) remaining: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FaultKind {
    Status(u16),
    Delay,
    RateLimit { status: u16, retry_after: Duration },
}

impl Fault {
    /// Answer `status` with the body GitHub sends for it (`{"message":"Server Error",..}`).
    pub fn status(status: u16) -> Self {
        Fault {
            kind: FaultKind::Status(status),
            delay: None,
            remaining: None,
        }
    }

    /// Answer normally, after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Fault {
            kind: FaultKind::Delay,
            delay: Some(delay),
            remaining: None,
        }
    }

    /// Answer as GitHub does when a rate limit is exceeded: `status` (403 or 429), a
    /// `Retry-After` of `retry_after` (whole seconds), `X-RateLimit-Remaining: 0` and an
    /// `X-RateLimit-Reset` that far in the future.
    pub fn rate_limit(status: u16, retry_after: Duration) -> Self {
        Fault {
            kind: FaultKind::RateLimit {
                status,
                retry_after,
            },
            delay: None,
            remaining: None,
        }
    }

    /// The same fault, answered after `delay`.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The same fault for the next `count` requests only (by default it lasts until
    /// [`clear_faults`](crate::FakeState::clear_faults)).
    pub fn times(mut self, count: u32) -> Self {
        self.remaining = Some(count);
        self
    }

    /// The status this fault answers with, if it replaces the answer.
    pub(crate) fn status_code(&self) -> Option<u16> {
        match self.kind {
            FaultKind::Status(status) => Some(status),
            FaultKind::RateLimit { status, .. } => Some(status),
            FaultKind::Delay => None,
        }
    }
}

/// A fault and how many more times it fires.
#[derive(Debug, Clone)]
pub(crate) struct ActiveFault {
    pub fault: Fault,
}

/// The fault injected into `operation`, if any, counting down faults limited by `times`.
pub(crate) fn take(
    faults: &mut BTreeMap<OperationId, ActiveFault>,
    operation: OperationId,
) -> Option<Fault> {
    let active = faults.get_mut(&operation)?;
    let fault = active.fault.clone();
    match active.fault.remaining.as_mut() {
        None => Some(fault),
        Some(0) => {
            faults.remove(&operation);
            None
        }
        Some(remaining) => {
            *remaining -= 1;
            if *remaining == 0 {
                faults.remove(&operation);
            }
            Some(fault)
        }
    }
}
