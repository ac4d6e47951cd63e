//! What the generated typed stubs (`crate::stubs`) call: path arguments that are a value or
//! anything, the method-and-path matcher, JSON responders with GitHub's content type, and
//! GitHub's error bodies (from the fake's one table). Hidden from the docs: users reach
//! [`Arg`] and [`any`] through `hookspec_mock::stubs`.

use std::fmt::Display;

use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockBuilder, ResponseTemplate};

use crate::table::Segment;

/// GitHub's content type for JSON bodies.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A path argument of a typed stub: a specific value, or any value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg<T> {
    /// Matches any value in this segment.
    Any,
    /// Matches exactly this value.
    Is(T),
}

impl<T> From<T> for Arg<T> {
    fn from(value: T) -> Self {
        Arg::Is(value)
    }
}

impl From<&str> for Arg<String> {
    fn from(value: &str) -> Self {
        Arg::Is(value.to_string())
    }
}

impl<T: Display> Arg<T> {
    /// The regex that matches this argument in one path segment.
    pub fn pattern(&self) -> String {
        match self {
            Arg::Any => "[^/]+".to_string(),
            Arg::Is(value) => regex::escape(&value.to_string()),
        }
    }
}

/// Any value, for a path argument of a typed stub.
pub fn any<T>() -> Arg<T> {
    Arg::Any
}

/// A `MockBuilder` matching `method_name` and the path `template` (each `{name}` segment
/// replaced by its pattern in `args`) under any of `prefixes` (`""` is the root, `/api/v3`
/// GHES).
pub fn given(
    method_name: &str,
    prefixes: &[&str],
    template: &'static str,
    args: &[(&str, String)],
) -> MockBuilder {
    let mut pattern = String::new();
    for segment in crate::table::parse_template(template, |_| false) {
        pattern.push('/');
        match segment {
            Segment::Literal(text) => pattern.push_str(&regex::escape(text)),
            Segment::Parameter { name, .. } => match args.iter().find(|(arg, _)| *arg == name) {
                Some((_, arg)) => pattern.push_str(arg),
                None => pattern.push_str("[^/]+"),
            },
        }
    }
    let prefixes: Vec<String> = prefixes
        .iter()
        .map(|prefix| regex::escape(prefix))
        .collect();
    Mock::given(method(method_name))
        .and(path_regex(format!("^(?:{}){pattern}$", prefixes.join("|"))))
}

/// A response with `body` serialised as JSON, in GitHub's content type.
pub fn json<T: serde::Serialize>(status: u16, body: &T) -> ResponseTemplate {
    match serde_json::to_vec(body) {
        Ok(bytes) => ResponseTemplate::new(status).set_body_raw(bytes, JSON_CONTENT_TYPE),
        Err(error) => ResponseTemplate::new(500)
            .set_body_string(format!("the stub body does not serialise: {error}")),
    }
}

/// A response with a JSON text as it stands (a spec example).
pub fn json_text(status: u16, text: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(text.as_bytes().to_vec(), JSON_CONTENT_TYPE)
}

/// GitHub's message for an error status (the fake's own table).
pub fn github_message(status: u16) -> &'static str {
    crate::fake::github_error::message(status)
}

/// GitHub's error body for `status` (`basic-error`, or `validation-error` for 422).
pub fn github_error_body(status: u16) -> serde_json::Value {
    crate::fake::github_error::status_body(status).unwrap_or_default()
}

/// A response with GitHub's error body for `status`.
pub fn github_error(status: u16) -> ResponseTemplate {
    json(status, &github_error_body(status))
}

/// Deserialises `example` as `T`, serialises it back and compares with `expected` (the
/// example with the spec's defaults filled in); numbers compare by value.
#[cfg(test)]
pub(crate) fn assert_round_trip<T>(example: &str, expected: &str)
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let parsed: T = match serde_json::from_str(example) {
        Ok(parsed) => parsed,
        Err(error) => panic!("the example does not deserialise: {error}\n{example}"),
    };
    let back = match serde_json::to_value(&parsed) {
        Ok(back) => back,
        Err(error) => panic!("the value does not serialise: {error}"),
    };
    let expected: serde_json::Value = match serde_json::from_str(expected) {
        Ok(expected) => expected,
        Err(error) => panic!("the expectation is not JSON: {error}"),
    };
    pretty_assertions::assert_eq!(normalise_numbers(&back), normalise_numbers(&expected));
}

#[cfg(test)]
fn normalise_numbers(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => n.as_f64().map_or(value.clone(), |f| serde_json::json!(f)),
        Value::Array(items) => Value::Array(items.iter().map(normalise_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalise_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
