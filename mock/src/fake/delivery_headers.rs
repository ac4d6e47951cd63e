//! The headers a delivery record shows, of its request and of the receiver's answer.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// A delivery's request or response headers as its record shows them, sorted by name (byte
/// order, as a `BTreeMap<String, String>` would list them); a name appears once. Names and
/// values that are fixed texts (`X-GitHub-Event`, `*/*`) are kept without a copy, and the
/// values written for one delivery (its GUID, ids and signatures, a receiver's answer) are
/// kept together in one text: a record is made for every delivery, and the request sends those
/// values as slices of that text, not copies.
///
/// ```
/// use hookspec_mock::DeliveryHeaders;
///
/// let headers = DeliveryHeaders::from_iter([("X-GitHub-Event", "ping"), ("Accept", "*/*")]);
/// assert_eq!(&headers["X-GitHub-Event"], "ping");
/// assert_eq!(headers.get("x-github-event"), None);
/// assert_eq!(headers.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["Accept", "X-GitHub-Event"]);
/// ```
#[derive(Clone, Default)]
pub struct DeliveryHeaders {
    entries: Vec<(Text, Value)>,
    /// The text [`Value::Joined`] values are spans of, when there are any; shared by clones.
    joined: Option<Arc<String>>,
}

type Text = Cow<'static, str>;

/// A header's value: its own text, or a span of the headers' joined text.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Text(Text),
    Joined(Range<usize>),
}

impl DeliveryHeaders {
    /// No headers, with room for `capacity`.
    pub fn with_capacity(capacity: usize) -> DeliveryHeaders {
        DeliveryHeaders {
            entries: Vec::with_capacity(capacity),
            joined: None,
        }
    }

    /// The value of `name` (spelt exactly).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name)
            .ok()
            .map(|index| self.text(&self.entries[index].1))
    }

    /// Whether `name` (spelt exactly) is there.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Sets `name` to `value`, in its place by name, replacing a value it had.
    pub fn insert(&mut self, name: impl Into<Text>, value: impl Into<Text>) {
        let name = name.into();
        let value = Value::Text(value.into());
        // Headers written in order by name go at the end with one comparison, not a search.
        if self.entries.last().is_none_or(|(last, _)| *last < name) {
            self.entries.push((name, value));
            return;
        }
        match self.position(&name) {
            Ok(index) => self.entries[index].1 = value,
            Err(index) => self.entries.insert(index, (name, value)),
        }
    }

    /// Names and values, by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_ref(), self.text(value)))
    }

    /// How many headers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// As a map, for documents that store headers as one.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    }

    /// The names and values as kept, fixed texts borrowed.
    pub(crate) fn entries(&self) -> &[(Text, Value)] {
        &self.entries
    }

    /// The joined text [`Value::Joined`] values are spans of.
    pub(crate) fn joined(&self) -> Option<&Arc<String>> {
        self.joined.as_ref()
    }

    /// The text of `value`.
    pub(crate) fn text<'a>(&'a self, value: &'a Value) -> &'a str {
        match value {
            Value::Text(text) => text,
            // Spans are made with the joined text and always lie on its character boundaries.
            Value::Joined(span) => self
                .joined
                .as_deref()
                .and_then(|joined| joined.get(span.clone()))
                .unwrap_or_default(),
        }
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(known, _)| known.as_ref().cmp(name))
    }
}

/// Writes a delivery's headers: fixed values kept as they are, the others written into one
/// joined text. Written in order by name they cost no search; any order is put right by
/// [`HeadersWriter::finish`].
pub(crate) struct HeadersWriter {
    entries: Vec<(Text, Value)>,
    joined: String,
}

impl HeadersWriter {
    /// A writer with room for `count` headers and `bytes` of written values.
    pub(crate) fn with_capacity(count: usize, bytes: usize) -> HeadersWriter {
        HeadersWriter {
            entries: Vec::with_capacity(count),
            joined: String::with_capacity(bytes),
        }
    }

    /// `name` with a fixed `value`.
    pub(crate) fn fixed(&mut self, name: impl Into<Text>, value: &'static str) {
        self.entries
            .push((name.into(), Value::Text(Cow::Borrowed(value))));
    }

    /// `name` with the value `write` appends to the joined text.
    pub(crate) fn write(&mut self, name: impl Into<Text>, write: impl FnOnce(&mut String)) {
        let start = self.joined.len();
        write(&mut self.joined);
        let end = self.joined.len();
        self.entries.push((name.into(), Value::Joined(start..end)));
    }

    /// `name` with a copy of `value`.
    pub(crate) fn text(&mut self, name: impl Into<Text>, value: &str) {
        self.write(name, |joined| joined.push_str(value));
    }

    /// The headers, sorted by name, a name given twice keeping its last value.
    pub(crate) fn finish(self) -> DeliveryHeaders {
        let HeadersWriter {
            mut entries,
            joined,
        } = self;
        if !entries.is_sorted_by(|(one, _), (two, _)| one < two) {
            // Stable, so that of a name given twice the last comes last; its value moves into
            // the entry kept.
            entries.sort_by(|(one, _), (two, _)| one.cmp(two));
            entries.dedup_by(|later, earlier| {
                let same = later.0 == earlier.0;
                if same {
                    std::mem::swap(&mut later.1, &mut earlier.1);
                }
                same
            });
        }
        DeliveryHeaders {
            entries,
            joined: (!joined.is_empty()).then(|| Arc::new(joined)),
        }
    }
}

impl PartialEq for DeliveryHeaders {
    fn eq(&self, other: &DeliveryHeaders) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for DeliveryHeaders {}

impl std::fmt::Debug for DeliveryHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
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
        let mut written = HeadersWriter::with_capacity(headers.len(), 128);
        for (name, value) in headers {
            let name: Text = match COMMON.iter().find(|common| *common == name) {
                Some(common) => Cow::Borrowed(common.as_str()),
                None => Cow::Owned(name.as_str().to_owned()),
            };
            written.text(name, &crate::fake::header_str(value));
        }
        written.finish()
    }
}

impl From<BTreeMap<String, String>> for DeliveryHeaders {
    fn from(map: BTreeMap<String, String>) -> Self {
        // Already in order and once each.
        DeliveryHeaders {
            entries: map
                .into_iter()
                .map(|(name, value)| (Cow::Owned(name), Value::Text(Cow::Owned(value))))
                .collect(),
            joined: None,
        }
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
    fn written_headers_read_as_inserted_ones_in_any_order_the_last_of_a_name_staying() {
        let mut written = HeadersWriter::with_capacity(4, 16);
        written.text("X-GitHub-Event", "push");
        written.fixed("Accept", "*/*");
        written.write("X-GitHub-Hook-ID", |out| out.push_str("42"));
        written.text("X-GitHub-Event", "ping");
        let written = written.finish();
        let inserted = DeliveryHeaders::from_iter([
            ("X-GitHub-Hook-ID", "42"),
            ("Accept", "*/*"),
            ("X-GitHub-Event", "ping"),
        ]);
        assert_eq!(written, inserted);
        assert_eq!(
            written.iter().collect::<Vec<_>>(),
            [
                ("Accept", "*/*"),
                ("X-GitHub-Event", "ping"),
                ("X-GitHub-Hook-ID", "42")
            ]
        );
        assert_eq!(format!("{written:?}"), format!("{inserted:?}"));
        // A clone shares the joined text; an insert replaces a written value with its own.
        let mut changed = written.clone();
        changed.insert("X-GitHub-Hook-ID", "7");
        assert_eq!(written.get("X-GitHub-Hook-ID"), Some("42"));
        assert_eq!(changed.get("X-GitHub-Hook-ID"), Some("7"));
        assert_ne!(changed, written);
        assert!(
            HeadersWriter::with_capacity(0, 0)
                .finish()
                .joined()
                .is_none()
        );
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
