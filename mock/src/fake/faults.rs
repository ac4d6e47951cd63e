//! Faults injected per operation: an error status with GitHub's body, a delay, or a rate limit.

use std::time::Duration;

use serde_json::Value;

use super::errors::{REST_DOCS, basic};

/// A misbehaviour to inject into one operation with
/// [`FakeState::inject_fault`](crate::fake::FakeState::inject_fault).
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
    /// [`clear_faults`](crate::fake::FakeState::clear_faults)).
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

/// GitHub's body for an error status forced by a fault; `None` for statuses without a body.
pub(crate) fn status_body(status: u16) -> Option<Value> {
    let message = match status {
        100..=199 | 204 | 304 => return None,
        400 => "Bad Request",
        401 => "Bad credentials",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        422 => "Validation Failed",
        500 => "Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Something went wrong",
    };
    let mut body = basic(message, REST_DOCS, &status.to_string());
    if status == 422
        && let Some(object) = body.as_object_mut()
    {
        object.insert("errors".into(), Value::Array(Vec::new()));
    }
    Some(body)
}

/// GitHub's body for a rate-limit answer.
pub(crate) fn rate_limit_body(status: u16) -> Value {
    if status == 429 {
        basic(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            &status.to_string(),
        )
    } else {
        basic(
            "API rate limit exceeded for user ID 1.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            &status.to_string(),
        )
    }
}
