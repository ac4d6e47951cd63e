//! The two ways the fake is served, and what they share: [`FakeGitHub`] on wiremock (for Rust
//! tests) and [`serve`] on hyper (the binary), each turning a request into a [`FakeRequest`] the
//! same way and the fake's answer headers into `http`'s types the same way.

mod answer_headers;
mod hyper;
mod wiremock;

pub use self::hyper::{MAX_BODY_BYTES, RequestLog, serve, serve_with_limits};
pub use self::wiremock::{FakeGitHub, FakeResponder};

use std::sync::{Arc, Mutex};

use crate::fake::FakeRequest;
use crate::headers;

/// Writes the request as the fake sees it into `into`, over what it held, keeping its
/// buffers. The base URL the fake writes its URLs on is the `Host` the client sent; without
/// one, `authority`: the authority the request names, else the server's own address (made only
/// then: nearly every request has a `Host`).
fn fill_request(
    into: &mut FakeRequest,
    (method, uri_path, uri_query): (&::hyper::Method, &str, Option<&str>),
    request_headers: &::hyper::HeaderMap,
    body: &[u8],
    authority: impl FnOnce() -> String,
) {
    fn set(kept: &mut String, text: &str) {
        kept.clear();
        kept.push_str(text);
    }
    set(&mut into.method, method.as_str());
    set(&mut into.path, uri_path);
    match (uri_query, &mut into.query) {
        (Some(query), Some(kept)) => set(kept, query),
        (query, kept) => *kept = query.map(str::to_owned),
    }
    into.headers.truncate(request_headers.len());
    for (at, (name, value)) in request_headers.iter().enumerate() {
        let text = crate::fake::header_str(value);
        match into.headers.get_mut(at) {
            Some((kept_name, kept_value)) => {
                set(kept_name, name.as_str());
                set(kept_value, &text);
            }
            None => into
                .headers
                .push((name.as_str().to_owned(), text.into_owned())),
        }
    }
    into.body.clear();
    into.body.extend_from_slice(body);
    into.base_url.clear();
    into.base_url.push_str("http://");
    match request_headers
        .get(headers::HOST)
        .and_then(|value| value.to_str().ok())
    {
        Some(host) => into.base_url.push_str(host),
        None => into.base_url.push_str(&authority()),
    }
}

/// Requests kept to be filled again: a request's dozen strings (method, path, each header's
/// name and value), allocated afresh and freed at once for every request, made glibc's
/// allocator the largest part of an in-process request beside a static mock (the bench's
/// in-process row at concurrency 16, recording off: 0.70x with fresh requests, 0.90x with
/// kept ones).
#[derive(Clone, Default)]
struct RequestPool(Arc<Mutex<Vec<FakeRequest>>>);

impl std::fmt::Debug for RequestPool {
    /// How many are kept, not what: a kept request still holds its last headers, tokens
    /// among them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestPool")
            .field("kept", &self.lock().len())
            .finish()
    }
}

impl RequestPool {
    /// How many requests are kept: one per request a server answers at once is enough.
    const KEPT: usize = 64;
    /// A request holding more than this (its body, or its headers) is not kept, so that one
    /// large request does not stay in memory.
    const LARGEST: usize = 64 * 1024;

    /// A kept request, or a new empty one.
    fn take(&self) -> FakeRequest {
        self.lock()
            .pop()
            .unwrap_or_else(|| FakeRequest::new("GET", "", "/"))
    }

    /// Keeps `request` for the next one, within the bounds.
    fn give_back(&self, request: FakeRequest) {
        let held = request.body.capacity()
            + request
                .headers
                .iter()
                .map(|(name, value)| name.capacity() + value.capacity())
                .sum::<usize>();
        if held <= Self::LARGEST {
            let mut kept = self.lock();
            if kept.len() < Self::KEPT {
                kept.push(request);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FakeRequest>> {
        crate::sync::lock(&self.0)
    }
}

#[cfg(test)]
// A test that cannot unwrap should fail right there, loudly.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn filled(into: &mut FakeRequest, path_and_query: &str, pairs: &[(&str, &[u8])]) {
        let uri: ::hyper::Uri = path_and_query.parse().unwrap();
        let mut map = ::hyper::HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                ::hyper::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                ::hyper::header::HeaderValue::from_bytes(value).unwrap(),
            );
        }
        let method = ::hyper::Method::POST;
        let body = path_and_query.as_bytes();
        fill_request(into, (&method, uri.path(), uri.query()), &map, body, || {
            "127.0.0.1:9".to_owned()
        });
    }

    #[test]
    fn a_request_filled_again_is_the_next_request_with_nothing_left_of_the_last() {
        let first: &[(&str, &[u8])] = &[
            ("host", b"example.test:8080"),
            ("if-none-match", b"W/\"1\""),
            ("x-note", b"caf\xc3\xa9 \xff"),
            ("x-note", b"again"),
        ];
        let second: &[(&str, &[u8])] = &[("accept", b"*/*")];
        let mut reused = FakeRequest::new("GET", "", "/");
        filled(&mut reused, "/orgs/a/hooks?page=2", first);
        assert_eq!(reused.base_url, "http://example.test:8080");
        assert_eq!(reused.header("x-note"), Some("café \u{fffd}"));
        assert_eq!(reused.headers.len(), 4);
        filled(&mut reused, "/orgs/b/hooks", second);
        let mut fresh = FakeRequest::new("GET", "", "/");
        filled(&mut fresh, "/orgs/b/hooks", second);
        assert_eq!(reused, fresh);
        assert_eq!(
            (
                reused.method.as_str(),
                reused.path.as_str(),
                reused.query.as_deref()
            ),
            ("POST", "/orgs/b/hooks", None)
        );
        assert_eq!(reused.headers, [("accept".to_owned(), "*/*".to_owned())]);
        assert_eq!(reused.body, b"/orgs/b/hooks");
        // No Host: the authority the server names.
        assert_eq!(reused.base_url, "http://127.0.0.1:9");
    }

    #[test]
    fn the_pool_keeps_small_requests_only_and_shows_no_header() {
        let pool = RequestPool::default();
        let small =
            FakeRequest::new("GET", "http://h", "/").with_header("authorization", "token s3cret");
        let large =
            FakeRequest::new("POST", "http://h", "/").with_body(vec![0; RequestPool::LARGEST + 1]);
        pool.give_back(small);
        pool.give_back(large);
        assert_eq!(pool.lock().len(), 1);
        assert!(!format!("{pool:?}").contains("s3cret"));
        assert_eq!(pool.take().header("authorization"), Some("token s3cret"));
        assert_eq!(pool.take().path, "/");
    }
}
