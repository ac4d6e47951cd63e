//! The fake's answer headers in `http`'s types, for the two servers (#11).
//!
//! Every answer carries about fifteen headers, most of them with a name and often a value that
//! never change (`X-GitHub-Media-Type: github.v3; format=json`). Parsing each name again and
//! copying each value into a fresh buffer was about half of what an in-process request cost
//! beyond bare wiremock (callgrind: 27 000 of 57 000 instructions a request). So the handler
//! writes constants as `&'static str`, and here names become static `HeaderName`s and values
//! slices of static or shared buffers.

use std::borrow::Cow;

use bytes::{Bytes, BytesMut};
use hyper::header::{self, HeaderName, HeaderValue};

use crate::fake::Header;

// Built at compile time: using one is a copy of a static reference.
const X_ACCEPTED_OAUTH_SCOPES: HeaderName = HeaderName::from_static("x-accepted-oauth-scopes");
const X_OAUTH_SCOPES: HeaderName = HeaderName::from_static("x-oauth-scopes");
const X_GITHUB_API_VERSION_SELECTED: HeaderName =
    HeaderName::from_static("x-github-api-version-selected");
const X_GITHUB_MEDIA_TYPE: HeaderName = HeaderName::from_static("x-github-media-type");
const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
const X_RATELIMIT_USED: HeaderName = HeaderName::from_static("x-ratelimit-used");
const X_RATELIMIT_RESOURCE: HeaderName = HeaderName::from_static("x-ratelimit-resource");
const X_GITHUB_REQUEST_ID: HeaderName = HeaderName::from_static("x-github-request-id");

/// The `http` name for `name`: a static one when it is one of the fake's (the handler writes
/// them in lower case; a `match` on the text finds it by length first), else parsed.
fn name_of(name: &str) -> Option<HeaderName> {
    Some(match name {
        "content-type" => header::CONTENT_TYPE,
        "cache-control" => header::CACHE_CONTROL,
        "vary" => header::VARY,
        "etag" => header::ETAG,
        "last-modified" => header::LAST_MODIFIED,
        "location" => header::LOCATION,
        "link" => header::LINK,
        "retry-after" => header::RETRY_AFTER,
        "x-accepted-oauth-scopes" => X_ACCEPTED_OAUTH_SCOPES,
        "x-oauth-scopes" => X_OAUTH_SCOPES,
        "x-github-api-version-selected" => X_GITHUB_API_VERSION_SELECTED,
        "x-github-media-type" => X_GITHUB_MEDIA_TYPE,
        "x-ratelimit-limit" => X_RATELIMIT_LIMIT,
        "x-ratelimit-remaining" => X_RATELIMIT_REMAINING,
        "x-ratelimit-reset" => X_RATELIMIT_RESET,
        "x-ratelimit-used" => X_RATELIMIT_USED,
        "x-ratelimit-resource" => X_RATELIMIT_RESOURCE,
        "x-github-request-id" => X_GITHUB_REQUEST_ID,
        other => return HeaderName::from_bytes(other.as_bytes()).ok(),
    })
}

/// The fake's headers as `http` pairs, in order; a pair `http` refuses (the fake makes none)
/// is left out rather than answered with a 500.
///
/// Values are checked but never copied twice: a constant stays static (its clones, which
/// wiremock makes, are free); the values that change are gathered into one shared buffer, so
/// that each clone is a reference count rather than an allocation of its own.
pub(crate) fn to_http(headers: &[Header]) -> Vec<(HeaderName, HeaderValue)> {
    convert(headers.iter()).flatten().collect()
}

/// Each header in `http`'s types, `None` where `http` refuses it, with [`to_http`]'s sharing.
pub(crate) fn convert<'a>(
    headers: impl Iterator<Item = &'a Header> + Clone,
) -> impl Iterator<Item = Option<(HeaderName, HeaderValue)>> {
    let owned: usize = headers
        .clone()
        .map(|(_, value)| match value {
            Cow::Owned(text) => text.len(),
            Cow::Borrowed(_) => 0,
        })
        .sum();
    let mut buffer = BytesMut::with_capacity(owned);
    for (_, value) in headers.clone() {
        if let Cow::Owned(text) = value {
            buffer.extend_from_slice(text.as_bytes());
        }
    }
    let mut shared = buffer.freeze();
    headers.map(move |(name, value)| {
        let bytes = match value {
            Cow::Borrowed(text) => Bytes::from_static((*text).as_bytes()),
            Cow::Owned(text) => shared.split_to(text.len()),
        };
        Some((name_of(name)?, HeaderValue::from_maybe_shared(bytes).ok()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_keep_their_text_whether_static_or_owned() {
        let headers: Vec<Header> = vec![
            (
                "x-github-media-type".into(),
                "github.v3; format=json".into(),
            ),
            ("ETag".into(), "W/\"abc\"".to_owned().into()),
            ("X-Custom".to_owned().into(), "2022-11-28".into()),
            ("bad name".into(), "x".into()),
            ("x-bad-value".into(), "line\nbreak".to_owned().into()),
        ];
        let pairs: Vec<(String, String)> = to_http(&headers)
            .into_iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("?").to_owned()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("x-github-media-type", "github.v3; format=json"),
                ("etag", "W/\"abc\""),
                ("x-custom", "2022-11-28"),
            ]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
        );
    }
}
