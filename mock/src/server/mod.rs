//! The two ways the fake is served, and what they share: [`FakeGitHub`] on wiremock (for Rust
//! tests) and [`serve`] on hyper (the binary), each turning a request into a [`FakeRequest`] the
//! same way and the fake's answer headers into `http`'s types the same way.

mod answer_headers;
mod hyper;
mod wiremock;

pub use self::hyper::{MAX_BODY_BYTES, RequestLog, serve, serve_with_limits};
pub use self::wiremock::{FakeGitHub, FakeResponder};

use crate::fake::FakeRequest;
use crate::headers;

/// The request as the fake sees it. The base URL the fake writes its URLs on is the `Host` the
/// client sent; without one, `authority`: the authority the request names, else the server's
/// own address (made only then: nearly every request has a `Host`).
fn fake_request(
    method: &::hyper::Method,
    uri_path: &str,
    uri_query: Option<&str>,
    request_headers: &::hyper::HeaderMap,
    body: Vec<u8>,
    authority: impl FnOnce() -> String,
) -> FakeRequest {
    let mut base_url = String::with_capacity(40);
    base_url.push_str("http://");
    match request_headers
        .get(headers::HOST)
        .and_then(|value| value.to_str().ok())
    {
        Some(host) => base_url.push_str(host),
        None => base_url.push_str(&authority()),
    }
    FakeRequest {
        method: method.as_str().to_owned(),
        path: uri_path.to_owned(),
        query: uri_query.map(str::to_owned),
        headers: crate::fake::header_pairs(request_headers),
        body,
        base_url,
    }
}
