//! GitHub's rate-limit headers: `X-RateLimit-*` counted per token in an hourly window (never
//! running out on their own), and `Retry-After` under an injected rate-limit fault.

use crate::headers::{self, HeaderName};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;

use super::auth::Credentials;
use super::http::Header;

/// The rate limit GitHub gives unauthenticated requests.
const UNAUTHENTICATED_LIMIT: u32 = 60;

/// Requests counted per token in the current window.
#[derive(Debug)]
pub(crate) struct RateWindow {
    /// The limit authenticated requests get.
    pub limit: u32,
    used: BTreeMap<String, u32>,
    reset: i64,
}

impl RateWindow {
    pub(crate) fn new(limit: u32, now: OffsetDateTime) -> RateWindow {
        RateWindow {
            limit: limit.max(1),
            used: BTreeMap::new(),
            reset: now.unix_timestamp() + 3600,
        }
    }

    /// Counts one request (unless `counted` is false: a 304 is free) and appends the headers
    /// that report it. When a token uses up its limit a new window starts.
    pub(crate) fn count(
        &mut self,
        credentials: &Credentials<'_>,
        now: OffsetDateTime,
        rate_limited: Option<Duration>,
        counted: bool,
        headers: &mut Vec<Header>,
    ) {
        let (key, limit) = match credentials {
            Credentials::Token(token) => (*token, self.limit),
            _ => ("", UNAUTHENTICATED_LIMIT),
        };
        let now_seconds = now.unix_timestamp();
        if now_seconds >= self.reset {
            self.used.clear();
            self.reset = now_seconds + 3600;
        }
        let (used, remaining, reset) = match rate_limited {
            Some(retry_after) => (
                limit,
                0,
                now_seconds.saturating_add(retry_after.as_secs() as i64),
            ),
            None => {
                let used = match self.used.get_mut(key) {
                    Some(used) => used,
                    None => self.used.entry(key.to_owned()).or_insert(0),
                };
                if counted {
                    *used = if *used >= limit { 1 } else { *used + 1 };
                }
                (*used, limit - *used, self.reset)
            }
        };
        let mut push = |name: HeaderName, value: Cow<'static, str>| {
            headers.push((name, value));
        };
        if let Some(retry_after) = rate_limited {
            push(
                headers::RETRY_AFTER,
                retry_after.as_secs().to_string().into(),
            );
        }
        // The two limits the fake answers unless configured otherwise, written without a copy.
        push(
            headers::X_RATELIMIT_LIMIT,
            match limit {
                5000 => Cow::Borrowed("5000"),
                UNAUTHENTICATED_LIMIT => Cow::Borrowed("60"),
                other => other.to_string().into(),
            },
        );
        push(headers::X_RATELIMIT_REMAINING, remaining.to_string().into());
        push(headers::X_RATELIMIT_RESET, reset.to_string().into());
        push(headers::X_RATELIMIT_USED, used.to_string().into());
        headers.push((headers::X_RATELIMIT_RESOURCE, Cow::Borrowed("core")));
    }
}
