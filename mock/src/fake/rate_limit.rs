//! GitHub's rate-limit headers: `X-RateLimit-*` counted per token in an hourly window (never
//! running out on their own), and `Retry-After` under an injected rate-limit fault.

use crate::headers::{self, HeaderName};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;
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
        push(headers::X_RATELIMIT_REMAINING, count_text(remaining));
        push(headers::X_RATELIMIT_RESET, reset.to_string().into());
        push(headers::X_RATELIMIT_USED, count_text(used));
        headers.push((headers::X_RATELIMIT_RESOURCE, Cow::Borrowed("core")));
    }
}

/// The counts up to GitHub's default limit, written once per process: every answer reports two
/// counts (`Remaining` and `Used`), and a fresh string for each was two of an in-process
/// request's allocations.
const WRITTEN_UP_TO: u32 = 5000;

/// `count` as text: borrowed from the numbers written once when it is at most
/// [`WRITTEN_UP_TO`], else written now.
fn count_text(count: u32) -> Cow<'static, str> {
    // "0123…9101112…49995000": one buffer, each number at an offset its digits give.
    static WRITTEN: OnceLock<String> = OnceLock::new();
    if count > WRITTEN_UP_TO {
        return count.to_string().into();
    }
    let written = WRITTEN.get_or_init(|| (0..=WRITTEN_UP_TO).map(|n| n.to_string()).collect());
    let (first, digits) = match count {
        0..=9 => (0, 1),
        10..=99 => (10, 2),
        100..=999 => (100, 3),
        _ => (1000, 4),
    };
    // Where the numbers of `digits` digits start: after 10 of one digit, 90 of two, 900 of three.
    let start = [0, 10, 10 + 180, 10 + 180 + 2700][digits - 1] + (count - first) as usize * digits;
    match written.get(start..start + digits) {
        Some(text) => Cow::Borrowed(text),
        None => count.to_string().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_count_reads_as_its_number_and_those_up_to_the_default_limit_are_not_copied() {
        for count in 0..=WRITTEN_UP_TO + 1000 {
            let text = count_text(count);
            assert_eq!(text, count.to_string(), "{count}");
            assert_eq!(
                matches!(text, Cow::Borrowed(_)),
                count <= WRITTEN_UP_TO,
                "{count}"
            );
        }
        assert_eq!(count_text(u32::MAX), u32::MAX.to_string());
    }
}
