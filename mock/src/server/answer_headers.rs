//! The fake's answer headers in `http`'s types, for the two servers.
//!
//! Every answer carries about fifteen headers, most of them with a value that never changes
//! (`X-GitHub-Media-Type: github.v3; format=json`). Copying each value into a fresh buffer was a
//! large part of what an in-process request cost beyond bare wiremock, so the handler writes
//! names as `http` constants ([`crate::headers`]) and constant values as `&'static str`, and
//! here values become slices of static or shared buffers.

use std::borrow::Cow;

use bytes::{Bytes, BytesMut};
use hyper::header::{HeaderName, HeaderValue};

use crate::fake::Header;

/// The fake's headers as `http` pairs, in order; a pair `http` refuses (the fake makes none)
/// is left out rather than answered with a 500.
///
/// Values are checked but never copied twice: a constant stays static (its clones, which
/// wiremock makes, are free); the values that change are gathered into one shared buffer, so
/// that each clone is a reference count rather than an allocation of its own.
pub(crate) fn to_http(headers: &[Header]) -> Vec<(HeaderName, HeaderValue)> {
    convert(headers.iter()).flatten().collect()
}

/// Each header in `http`'s types, `None` where `http` refuses its value, with [`to_http`]'s
/// sharing.
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
        Some((name.clone(), HeaderValue::from_maybe_shared(bytes).ok()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers;

    #[test]
    fn values_keep_their_text_whether_static_or_owned() {
        let headers: Vec<Header> = vec![
            (
                headers::X_GITHUB_MEDIA_TYPE,
                "github.v3; format=json".into(),
            ),
            (headers::ETAG, "W/\"abc\"".to_owned().into()),
            (HeaderName::from_static("x-custom"), "2022-11-28".into()),
            (
                HeaderName::from_static("x-bad-value"),
                "line\nbreak".to_owned().into(),
            ),
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
