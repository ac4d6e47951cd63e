//! The checks on every response: status documented and expected, JSON `Content-Type` where a body
//! is documented, the body against the spec's schema, documented and expected headers, and the
//! body's content as the step expects it (the body comparison itself is in [`crate::check::body_diff`]).
//! Problems fail a step; fields a server adds are notes.

use hookspec_mock::table::Operation;
use regex::Regex;
use serde_json::Value;

use crate::case::expect::Expectations;
use crate::case::vars::text_of;
use crate::check::body_diff::{self, is_subset, show};
use crate::check::link::{LinkEntry, parse_link};
use crate::error::{Check, Problem};
use crate::show::{preview, short};
use crate::target::http::{HttpFailure, Response};

/// How many per-item problems an `each` rule may produce before they are summed up.
const EACH_SHOWN: usize = 10;

/// What the checks of one response found.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// What breaks the contract.
    pub problems: Vec<Problem>,
    /// What is worth knowing but not wrong (fields the server added).
    pub notes: Vec<String>,
    /// The body as JSON, when it is.
    pub json: Option<Value>,
    /// The parsed `Link` header.
    pub links: Vec<LinkEntry>,
}

/// Runs every check on `response` to a request for `operation` whose query asked for `per_page`.
pub fn check_response(
    operation: &Operation,
    response: &Response,
    expect: &Expectations,
    per_page: Option<usize>,
) -> Checked {
    let mut checked = Checked::default();
    let documented = operation.response(response.status);
    check_status(
        operation,
        documented,
        response,
        expect,
        &mut checked.problems,
    );
    if !checked.problems.is_empty() {
        return checked;
    }
    check_body(operation, documented, response, expect, &mut checked);
    if let Some(json) = &checked.json {
        check_error_body(response.status, json, &mut checked.problems);
    }
    check_headers(documented, response, expect, &mut checked);
    if let Some(json) = &checked.json {
        check_content(
            json,
            expect,
            per_page,
            &mut checked.problems,
            &mut checked.notes,
        );
    }
    checked
}

/// The status: documented for the operation, and the one the step expects.
fn check_status(
    operation: &Operation,
    documented: Option<&'static hookspec_mock::table::Response>,
    response: &Response,
    expect: &Expectations,
    problems: &mut Vec<Problem>,
) {
    let status = response.status;
    if documented.is_none() {
        let list: Vec<String> = operation
            .responses
            .iter()
            .map(|r| r.status.to_string())
            .collect();
        problems.push(Problem::new(
            Check::Status,
            format!(
                "{status} is not documented for {} (documented: {})",
                operation.id,
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            ),
        ));
    }
    if status != expect.status {
        problems.push(
            Problem::new(
                Check::Status,
                format!("expected {}, got {status}", expect.status),
            )
            .with_detail(format!("body: {}", preview(&response.body))),
        );
    }
}

/// `Content-Type` and body: JSON where the spec documents a body, and valid against its schema.
fn check_body(
    operation: &Operation,
    documented: Option<&'static hookspec_mock::table::Response>,
    response: &Response,
    expect: &Expectations,
    checked: &mut Checked,
) {
    let status = response.status;
    let schema = documented.and_then(|r| r.schema);
    let problems = &mut checked.problems;
    if schema.is_some() {
        match response.header("content-type") {
            Some(value) if is_json_media_type(value) => {}
            Some(value) => problems.push(Problem::new(
                Check::ContentType,
                format!("{value:?} is not JSON, and the spec documents a JSON body for {status}"),
            )),
            None => problems.push(Problem::new(
                Check::ContentType,
                format!("missing, and the spec documents a JSON body for {status}"),
            )),
        }
    }
    if response.body.is_empty() {
        if schema.is_some() {
            problems.push(Problem::new(
                Check::Body,
                format!("empty, but the spec documents a body for {status}"),
            ));
        } else if expect.wants_json() {
            problems.push(Problem::new(
                Check::Body,
                "empty, but the case expects a JSON body",
            ));
        }
    } else {
        match serde_json::from_slice::<Value>(&response.body) {
            Ok(json) => checked.json = Some(json),
            Err(error) => {
                if schema.is_some() || expect.wants_json() {
                    problems.push(
                        Problem::new(Check::Body, format!("not JSON ({error})"))
                            .with_detail(format!("it starts with: {}", preview(&response.body))),
                    );
                }
            }
        }
        if schema.is_none() && !expect.wants_json() {
            checked.notes.push(format!(
                "the response has a body ({} bytes) where the spec documents none for {status}",
                response.body.len()
            ));
        }
    }
    if let (Some(schema), Some(json), true) = (schema, &checked.json, expect.schema) {
        let compiled = crate::check::schema::validator(schema);
        match compiled.as_ref() {
            Ok(validator) => {
                let errors = crate::check::schema::errors(validator, json);
                if !errors.is_empty() {
                    problems.push(
                        Problem::new(
                            Check::Schema,
                            format!(
                                "the body does not match the spec's schema for {} {status}",
                                operation.id
                            ),
                        )
                        .with_detail(errors.join("\n")),
                    );
                }
            }
            Err(message) => problems.push(Problem::new(
                Check::Schema,
                format!("the spec's schema for {} {status}: {message}", operation.id),
            )),
        }
    }
}

/// What GitHub's error bodies carry beyond their schema (where every member is optional): a
/// 4xx answer with a JSON object says what went wrong in `message` and points at the
/// operation's page in `documentation_url`. (5xx answers are left alone: in front of a real
/// server they may come from a proxy.)
fn check_error_body(status: u16, json: &Value, problems: &mut Vec<Problem>) {
    let Some(object) = json.as_object().filter(|_| (400..500).contains(&status)) else {
        return;
    };
    for member in ["message", "documentation_url"] {
        match object.get(member) {
            Some(Value::String(_)) => {}
            Some(other) => problems.push(Problem::new(
                Check::Body,
                format!("GitHub's error body has a string `{member}`; this one has {other}"),
            )),
            None => problems.push(Problem::new(
                Check::Body,
                format!("GitHub's error body carries `{member}`; this {status} has none"),
            )),
        }
    }
}

/// The `Link` header parsed, the documented headers present, the expected ones matching and
/// the absent ones absent.
fn check_headers(
    documented: Option<&'static hookspec_mock::table::Response>,
    response: &Response,
    expect: &Expectations,
    checked: &mut Checked,
) {
    let problems = &mut checked.problems;
    let link_text = joined_header(response, "link");
    if let Some(text) = &link_text {
        match parse_link(text) {
            Ok(links) => checked.links = links,
            Err(message) => problems.push(
                Problem::new(Check::Link, format!("malformed: {message}"))
                    .with_detail(format!("Link: {text}")),
            ),
        }
    }
    if let Some(documented) = documented {
        for header in documented.headers {
            let is_link = header.name.eq_ignore_ascii_case("link");
            let required = !is_link || header.required || expect.link_expected;
            if required && response.headers.get(header.name).is_none() {
                let why = if is_link && !header.required {
                    "the case expects more pages"
                } else {
                    "documented for this response"
                };
                let check = if is_link { Check::Link } else { Check::Header };
                problems.push(Problem::new(
                    check,
                    format!("{} is missing ({why})", header.name),
                ));
            }
        }
    }
    for (name, pattern) in &expect.headers {
        let check = if name.eq_ignore_ascii_case("link") {
            Check::Link
        } else {
            Check::Header
        };
        match joined_header(response, name) {
            None => problems.push(Problem::new(
                check,
                format!("{name} is missing (expected to match {pattern})"),
            )),
            Some(value) if !pattern.is_match(&value) => problems.push(Problem::new(
                check,
                format!("{name}: {value:?} does not match {pattern}"),
            )),
            Some(_) => {}
        }
    }
    for name in &expect.absent_headers {
        if let Some(value) = joined_header(response, name) {
            problems.push(Problem::new(
                Check::Header,
                format!("{name} must be absent, but is {value:?}"),
            ));
        }
    }
}

/// The body's content as the step expects it: page size, expected body, patterns, counts,
/// `each` rules and absent fields.
fn check_content(
    json: &Value,
    expect: &Expectations,
    per_page: Option<usize>,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) {
    if let (Some(limit), Value::Array(items)) = (per_page, json)
        && items.len() > limit
    {
        problems.push(Problem::new(
            Check::Count,
            format!(
                "{} items on a page asked for with per_page={limit}",
                items.len()
            ),
        ));
    }
    if let Some(expected) = &expect.body
        && let Some(problem) = body_diff::check_expected_body(expected, json, expect, notes)
    {
        problems.push(problem);
    }
    for (pointer, pattern) in &expect.matches {
        match json.pointer(pointer) {
            None => problems.push(Problem::new(
                Check::Match,
                format!("{} is missing (expected to match {pattern})", show(pointer)),
            )),
            Some(value) if !pattern.is_match(&text_of(value)) => problems.push(Problem::new(
                Check::Match,
                format!("{}: {value} does not match {pattern}", show(pointer)),
            )),
            Some(_) => {}
        }
    }
    for pointer in &expect.ignore {
        if expect.body.is_none() && json.pointer(pointer).is_none() {
            problems.push(Problem::new(
                Check::ExpectedBody,
                format!("{} is missing", show(pointer)),
            ));
        }
    }
    for (pointer, length) in &expect.count {
        match json.pointer(pointer) {
            Some(Value::Array(items)) if items.len() == *length => {}
            Some(Value::Array(items)) => problems.push(Problem::new(
                Check::Count,
                format!(
                    "{} has {} items, expected {length}",
                    show(pointer),
                    items.len()
                ),
            )),
            Some(other) => problems.push(Problem::new(
                Check::Count,
                format!("{} is not an array: {}", show(pointer), short(other)),
            )),
            None => problems.push(Problem::new(
                Check::Count,
                format!("{} is missing (expected {length} items)", show(pointer)),
            )),
        }
    }
    if !expect.each.is_empty() {
        problems.extend(check_each(json, &expect.each));
    }
    for pointer in &expect.absent {
        if let Some(value) = json.pointer(pointer) {
            problems.push(Problem::new(
                Check::Absent,
                format!("{} must be absent, but is {}", show(pointer), short(value)),
            ));
        }
    }
}

/// Every item of the array `json` must keep every rule of `each`.
pub fn check_each(json: &Value, each: &[(String, Regex)]) -> Vec<Problem> {
    let Value::Array(items) = json else {
        return vec![Problem::new(
            Check::Each,
            format!("the body is not an array: {}", short(json)),
        )];
    };
    let mut problems = Vec::new();
    let mut total = 0usize;
    for (index, item) in items.iter().enumerate() {
        for (pointer, pattern) in each {
            let message = match item.pointer(pointer) {
                None => format!("/{index}{pointer} is missing (every item must match {pattern})"),
                Some(value) if !pattern.is_match(&text_of(value)) => {
                    format!("/{index}{pointer}: {value} does not match {pattern}")
                }
                Some(_) => continue,
            };
            total += 1;
            if problems.len() < EACH_SHOWN {
                problems.push(Problem::new(Check::Each, message));
            }
        }
    }
    if total > problems.len() {
        problems.push(Problem::new(
            Check::Each,
            format!("... and {} more", total - problems.len()),
        ));
    }
    problems
}

/// Each expected item must match (as a subset) some item of `items`.
pub fn check_contains(items: &[Value], expected: &[Value]) -> Vec<Problem> {
    expected
        .iter()
        .filter(|wanted| !items.iter().any(|item| is_subset(wanted, item)))
        .map(|wanted| {
            Problem::new(
                Check::Contains,
                format!(
                    "no item matches {} among {} item(s)",
                    short(wanted),
                    items.len()
                ),
            )
        })
        .collect()
}

/// Whether a `Content-Type` value is JSON (`application/json`, `application/x+json`).
pub fn is_json_media_type(value: &str) -> bool {
    let media = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// All values of header `name` joined with `, ` (how several `Link` headers combine).
pub fn joined_header(response: &Response, name: &str) -> Option<String> {
    let values: Vec<String> = response
        .headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// A problem describing why no usable response arrived.
pub(crate) fn transport_problem(failure: &HttpFailure) -> Problem {
    match failure {
        HttpFailure::BodyBroken { received, .. } => Problem::new(Check::Body, failure.to_string())
            .with_detail(format!("it starts with: {}", preview(received))),
        HttpFailure::BodyTooLarge { start, .. } => Problem::new(Check::Body, failure.to_string())
            .with_detail(format!("it starts with: {}", preview(start))),
        other => Problem::new(Check::Transport, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_4xx_body_without_message_or_documentation_url_is_a_problem() {
        let mut problems = Vec::new();
        check_error_body(
            404,
            &serde_json::json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}),
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        check_error_body(
            422,
            &serde_json::json!({"message": "Validation Failed"}),
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("documentation_url"),
            "{problems:?}"
        );
        check_error_body(500, &serde_json::json!({}), &mut problems);
        check_error_body(200, &serde_json::json!({}), &mut problems);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn json_media_types_are_recognised() {
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/vnd.github+json"));
        assert!(!is_json_media_type("text/html"));
    }
}
