//! [`Payload`]: a delivery's payload as the JSON text that was sent, parsed only when looked at.
//!
//! Kept as text, not as a `serde_json::Value`: a tree of maps per delivery would be built,
//! serialized to send, kept, and freed when the record falls off the per-hook cap, about a
//! hundred allocations a delivery on two threads. The text is what GitHub's deliveries API
//! shows anyway; a test that indexes a payload gets the parsed value, once, on first use.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, OnceLock};

use serde_json::Value;

/// A delivery's payload: the JSON text as sent (shared by clones and redeliveries, never
/// copied), which reads as a [`serde_json::Value`] through `Deref`.
///
/// ```
/// use hookspec_mock::Payload;
///
/// let payload = Payload::from_json_text(r#"{"zen":"Keep it logically awesome.","hook_id":1}"#);
/// assert_eq!(payload["hook_id"], 1);
/// assert_eq!(payload.text(), r#"{"zen":"Keep it logically awesome.","hook_id":1}"#);
/// assert_eq!(payload.to_string(), payload.text());
/// ```
#[derive(Clone)]
pub struct Payload(Arc<Shared>);

/// What the clones of a payload share: the text (a `String` taken in whole, not copied) and
/// its parsed form once someone looked.
struct Shared {
    text: String,
    parsed: OnceLock<Value>,
}

impl Payload {
    /// A payload from JSON text. Text that is not JSON reads as `null`.
    pub fn from_json_text(text: impl Into<String>) -> Payload {
        Payload(Arc::new(Shared {
            text: text.into(),
            parsed: OnceLock::new(),
        }))
    }

    /// The empty payload (no text): one shared instance, cloned without allocating.
    pub(crate) fn empty() -> Payload {
        static EMPTY: LazyLock<Payload> = LazyLock::new(|| Payload::from_json_text(""));
        EMPTY.clone()
    }

    /// A payload from a value: its compact JSON text, with the value kept as the parsed form.
    pub fn from_value(value: Value) -> Payload {
        let parsed = OnceLock::new();
        let text = value.to_string();
        let _ = parsed.set(value);
        Payload(Arc::new(Shared { text, parsed }))
    }

    /// The JSON text as bytes that share this payload's buffer.
    pub(crate) fn bytes(&self) -> bytes::Bytes {
        bytes::Bytes::from_owner(self.clone())
    }

    /// The JSON text, byte for byte as it was sent (inside a form body, before URL-encoding).
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// The parsed value (parsed now if nobody looked before).
    pub fn value(&self) -> &Value {
        self.0
            .parsed
            .get_or_init(|| serde_json::from_str(&self.0.text).unwrap_or(Value::Null))
    }

    /// The parsed value if it is at hand, without parsing.
    pub(crate) fn value_if_parsed(&self) -> Option<&Value> {
        self.0.parsed.get()
    }
}

/// A payload owns the bytes it hands out to the sender.
impl AsRef<[u8]> for Payload {
    fn as_ref(&self) -> &[u8] {
        self.0.text.as_bytes()
    }
}

impl Deref for Payload {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value()
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        self.text() == other.text() || self.value() == other.value()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Payload").field(&self.text()).finish()
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl serde::Serialize for Payload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_and_parsed_once_on_demand() {
        let payload = Payload::from_json_text(r#"{"a":[1,2]}"#);
        assert!(payload.value_if_parsed().is_none());
        assert_eq!(payload["a"][1], 2);
        assert!(payload.value_if_parsed().is_some());
        let copy = payload.clone();
        assert!(copy.value_if_parsed().is_some(), "clones share the parse");
        assert_eq!(copy, Payload::from_value(serde_json::json!({"a": [1, 2]})));
    }

    #[test]
    fn text_that_is_not_json_reads_as_null() {
        let payload = Payload::from_json_text("not json");
        assert!(payload.is_null());
        assert_eq!(payload.text(), "not json");
    }
}
