//! The headers a delivery record shows, of its request and of the receiver's answer.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// A delivery's request or response headers as its record shows them, sorted by name (byte
/// order, as a `BTreeMap<String, String>` would list them); a name appears once. Names and
/// values that are fixed texts (`X-GitHub-Event`, `*/*`) are kept without a copy: a record is
/// made for every delivery, and most of its headers are the same for each.
///
/// ```
/// use hookspec_mock::DeliveryHeaders;
///
/// let headers = DeliveryHeaders::from_iter([("X-GitHub-Event", "ping"), ("Accept", "*/*")]);
/// assert_eq!(&headers["X-GitHub-Event"], "ping");
/// assert_eq!(headers.get("x-github-event"), None);
/// assert_eq!(headers.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["Accept", "X-GitHub-Event"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryHeaders(Vec<(Text, Text)>);

type Text = Cow<'static, str>;

impl DeliveryHeaders {
    /// No headers, with room for `capacity`.
    pub fn with_capacity(capacity: usize) -> DeliveryHeaders {
        DeliveryHeaders(Vec::with_capacity(capacity))
    }

    /// The value of `name` (spelt exactly).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name)
            .ok()
            .map(|index| self.0[index].1.as_ref())
    }

    /// Whether `name` (spelt exactly) is there.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Sets `name` to `value`, in its place by name, replacing a value it had.
    pub fn insert(&mut self, name: impl Into<Text>, value: impl Into<Text>) {
        let name = name.into();
        let value = value.into();
        match self.position(&name) {
            Ok(index) => self.0[index].1 = value,
            Err(index) => self.0.insert(index, (name, value)),
        }
    }

    /// Names and values, by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, value)| (name.as_ref(), value.as_ref()))
    }

    /// How many headers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// As a map, for documents that store headers as one.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    }

    /// The names and values as kept, fixed texts borrowed.
    pub(crate) fn entries(&self) -> &[(Text, Text)] {
        &self.0
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0
            .binary_search_by(|(known, _)| known.as_ref().cmp(name))
    }
}

impl std::ops::Index<&str> for DeliveryHeaders {
    type Output = str;

    /// The value of `name`; panics when it is not there, as a map's index does.
    fn index(&self, name: &str) -> &str {
        match self.get(name) {
            Some(value) => value,
            None => panic!("no header {name:?} in {self:?}"),
        }
    }
}

impl<N: Into<Text>, V: Into<Text>> FromIterator<(N, V)> for DeliveryHeaders {
    /// Headers from pairs; of a name given twice, the last value stays (as in a map).
    fn from_iter<I: IntoIterator<Item = (N, V)>>(pairs: I) -> Self {
        let pairs = pairs.into_iter();
        let mut headers = DeliveryHeaders::with_capacity(pairs.size_hint().0);
        for (name, value) in pairs {
            headers.insert(name, value);
        }
        headers
    }
}

impl DeliveryHeaders {
    /// A receiver's answer headers as a record keeps them: the names most answers carry
    /// borrowed (a record is kept for every delivery), the others and every value copied, a
    /// value that is not UTF-8 read lossily.
    pub(crate) fn from_http(headers: &hyper::HeaderMap) -> DeliveryHeaders {
        use crate::headers::{CACHE_CONTROL, CONNECTION, CONTENT_TYPE, VARY};
        use hyper::header::{CONTENT_LENGTH, DATE, SERVER, TRANSFER_ENCODING};
        static COMMON: [hyper::header::HeaderName; 8] = [
            CONTENT_TYPE,
            CONTENT_LENGTH,
            DATE,
            SERVER,
            CONNECTION,
            TRANSFER_ENCODING,
            CACHE_CONTROL,
            VARY,
        ];
        headers
            .iter()
            .map(|(name, value)| {
                let name: Text = match COMMON.iter().find(|common| *common == name) {
                    Some(common) => Cow::Borrowed(common.as_str()),
                    None => Cow::Owned(name.as_str().to_owned()),
                };
                (name, crate::fake::http::header_text(value))
            })
            .collect()
    }
}

impl From<BTreeMap<String, String>> for DeliveryHeaders {
    fn from(map: BTreeMap<String, String>) -> Self {
        // Already in order and once each.
        DeliveryHeaders(
            map.into_iter()
                .map(|(name, value)| (Cow::Owned(name), Cow::Owned(value)))
                .collect(),
        )
    }
}

impl serde::Serialize for DeliveryHeaders {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
// A test that cannot unwrap should fail right there, loudly.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn answer_headers_borrow_common_names_and_read_as_header_pairs_do() {
        let mut headers = hyper::HeaderMap::new();
        headers.insert("content-type", "text/plain".parse().unwrap());
        headers.insert("x-custom", "one".parse().unwrap());
        headers.insert(
            "date",
            hyper::header::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        );
        let kept = DeliveryHeaders::from_http(&headers);
        let texts: Vec<(String, String)> = crate::fake::header_pairs(&headers);
        assert_eq!(kept, texts.into_iter().collect::<DeliveryHeaders>());
        assert_eq!(kept.get("date"), Some("caf\u{fffd}"));
        let borrowed: Vec<bool> = kept
            .entries()
            .iter()
            .map(|(name, _)| matches!(name, Cow::Borrowed(_)))
            .collect();
        // In name order: content-type, date, x-custom.
        assert_eq!(borrowed, [true, true, false]);
    }

    #[test]
    fn headers_list_and_render_as_the_map_they_replace() {
        let pairs = [
            ("content-type", "application/json"),
            ("X-Hub-Signature-256", "sha256=1"),
            ("Accept", "*/*"),
            ("X-GitHub-Event", "ping"),
            ("X-Hub-Signature", "sha1=1"),
            ("X-GitHub-Event", "push"),
        ];
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        let headers = DeliveryHeaders::from_iter(pairs);
        assert_eq!(headers.to_map(), map);
        assert_eq!(DeliveryHeaders::from(map.clone()), headers);
        assert_eq!(
            serde_json::to_string(&headers).ok(),
            serde_json::to_string(&map).ok()
        );
        assert_eq!(headers.len(), 5);
        assert_eq!(headers.get("X-GitHub-Event"), Some("push"));
        assert!(!headers.contains_key("x-github-event"));
        assert!(DeliveryHeaders::default().is_empty());
    }
}
