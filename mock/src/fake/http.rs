//! The request and response types of the handler: plain data, independent of any HTTP stack.

use std::borrow::Cow;
use std::time::Duration;

use crate::headers::HeaderName;

/// The content type of every JSON answer.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// One header of an answer, as [`FakeResponse::headers`] holds it: one of the names of
/// [`crate::headers`], and the value, borrowed when it is a constant.
pub(crate) type Header = (HeaderName, Cow<'static, str>);

/// One HTTP request as the fake sees it.
///
/// ```
/// use hookspec_mock::FakeRequest;
///
/// let request = FakeRequest::new("GET", "http://127.0.0.1:8080", "/orgs/octocat/hooks?per_page=2")
///     .with_header("Authorization", "Bearer t");
/// assert_eq!(request.path, "/orgs/octocat/hooks");
/// assert_eq!(request.query.as_deref(), Some("per_page=2"));
/// assert_eq!(request.header("authorization"), Some("Bearer t"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeRequest {
    /// The method in upper case (`GET`).
    pub method: String,
    /// The path as sent, still percent-encoded, without the query (`/api/v3/admin/hooks`).
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
    /// Header names and values as received (names compare case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The body as received (may be empty).
    pub body: Vec<u8>,
    /// The base URL the client used, scheme and authority only (`http://127.0.0.1:8080`):
    /// the fake builds every URL it returns on it.
    pub base_url: String,
}

impl FakeRequest {
    /// A request without headers or body; `path_and_query` may carry a `?query`.
    pub fn new(method: &str, base_url: &str, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
            None => (path_and_query.to_owned(), None),
        };
        FakeRequest {
            method: method.to_ascii_uppercase(),
            path,
            query,
            headers: Vec::new(),
            body: Vec::new(),
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The request with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The request with `body`.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// One HTTP response from the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values, in the order GitHub tends to send them; values are borrowed
    /// where they are constants, so that a server sends them without copying.
    pub headers: Vec<(HeaderName, Cow<'static, str>)>,
    /// The body (empty for 204 and 202 without content).
    pub body: Vec<u8>,
    /// How long the server should wait before answering (set by a delay fault).
    pub delay: Option<Duration>,
    /// Why the fake answered a 4xx, in plain words (`unknown org `acme` (known: octocat)`);
    /// GitHub's body does not say, so servers log it.
    pub reason: Option<String>,
}

impl FakeResponse {
    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.as_str().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Header names and values as text (a value that is not UTF-8 is read lossily), in any
/// collection: the one conversion the servers, the delivery engine and the receiver share.
pub(crate) fn header_pairs<C: FromIterator<(String, String)>>(headers: &hyper::HeaderMap) -> C {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), header_text(value)))
        .collect()
}

/// A header's value as text, read lossily when it is not UTF-8.
pub(crate) fn header_text(value: &hyper::header::HeaderValue) -> String {
    header_str(value).into_owned()
}

/// A header's value as text, borrowed when it is UTF-8 (as nearly every value is), read
/// lossily when not: for writing it where it is kept, without a copy of its own.
pub(crate) fn header_str(value: &hyper::header::HeaderValue) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(value.as_bytes())
}
