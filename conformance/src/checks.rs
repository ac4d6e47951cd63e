//! The checks on every response: status documented and expected, JSON `Content-Type` where a body
//! is documented, the body against the spec's schema, documented and expected headers, and the
//! expected body with ignored and patterned fields left out. Problems fail a step; fields a
//! server adds are notes.

use std::collections::BTreeSet;

use hookspec_mock::Operation;
use regex::Regex;
use serde_json::Value;

use crate::case::Expect;
use crate::error::{Check, Problem};
use crate::http::{Response, preview};
use crate::vars::{Vars, text_of};

/// How many notes about added fields one response may produce before they are summed up.
const NOTES_SHOWN: usize = 20;

/// How many per-item problems an `each` rule may produce before they are summed up.
const EACH_SHOWN: usize = 10;

/// A step's expectations with its variables filled in and its patterns compiled.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The expected status.
    pub status: u16,
    /// Header name and the pattern its value must match.
    pub headers: Vec<(String, Regex)>,
    /// Headers that must be absent.
    pub absent_headers: Vec<String>,
    /// The expected body.
    pub body: Option<Value>,
    /// Fields of `body` the response lacks are notes, not failures.
    pub partial: bool,
    /// Pointers compared only for presence.
    pub ignore: BTreeSet<String>,
    /// Pointer and the pattern its value's text must match.
    pub matches: Vec<(String, Regex)>,
    /// Pointer and the length of the array there.
    pub count: Vec<(String, usize)>,
    /// Items the array body must contain (checked across pages by the runner).
    pub contains: Vec<Value>,
    /// Pointer within each item and its pattern.
    pub each: Vec<(String, Regex)>,
    /// Pointers that must not exist.
    pub absent: Vec<String>,
    /// Whether to validate against the schema.
    pub schema: bool,
    /// Whether the case expects a `Link` header (it captures a relation or names the header).
    pub link_expected: bool,
}

impl Expectations {
    /// Fills in variables and compiles patterns.
    pub fn resolve(expect: &Expect, vars: &Vars) -> Result<Self, Problem> {
        let case_problem = |e: String| Problem::new(Check::Case, e);
        let compile = |what: &str, pattern: &str| -> Result<Regex, Problem> {
            let text = vars
                .interpolate_regex(pattern)
                .map_err(|e| case_problem(format!("{what}: {e}")))?;
            Regex::new(&text).map_err(|e| case_problem(format!("{what}: {e}")))
        };
        let json = |value: &Value| {
            vars.interpolate_json(value)
                .map_err(|e| case_problem(e.to_string()))
        };
        let headers = expect
            .headers
            .iter()
            .map(|(name, pattern)| Ok((name.clone(), compile(&format!("header {name}"), pattern)?)))
            .collect::<Result<Vec<_>, Problem>>()?;
        let link_expected = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("link"))
            || expect.capture.values().any(|s| s.starts_with("link:"));
        Ok(Expectations {
            status: expect.status,
            headers,
            absent_headers: expect.absent_headers.clone(),
            body: expect.body.as_ref().map(json).transpose()?,
            partial: expect.partial,
            ignore: expect.ignore.iter().cloned().collect(),
            matches: expect
                .matches
                .iter()
                .map(|(p, re)| Ok((p.clone(), compile(&format!("match {p}"), re)?)))
                .collect::<Result<_, Problem>>()?,
            count: expect.count.iter().map(|(p, n)| (p.clone(), *n)).collect(),
            contains: expect
                .contains
                .iter()
                .map(json)
                .collect::<Result<_, Problem>>()?,
            each: expect
                .each
                .iter()
                .map(|(p, re)| Ok((p.clone(), compile(&format!("each {p}"), re)?)))
                .collect::<Result<_, Problem>>()?,
            absent: expect.absent.clone(),
            schema: expect.schema,
            link_expected,
        })
    }

    fn wants_json(&self) -> bool {
        self.body.is_some()
            || !self.matches.is_empty()
            || !self.count.is_empty()
            || !self.contains.is_empty()
            || !self.each.is_empty()
            || !self.absent.is_empty()
            || !self.ignore.is_empty()
    }
}

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
    let problems = &mut checked.problems;
    let status = response.status;
    let documented = operation.response(status);
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
    if !problems.is_empty() {
        return checked;
    }
    let schema = documented.and_then(|r| r.schema);

    // Content-Type and body.
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
        let compiled = crate::schema::validator(schema);
        match compiled.as_ref() {
            Ok(validator) => {
                let errors = crate::schema::errors(validator, json);
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

    // Headers.
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

    // The body's content.
    let Some(json) = &checked.json else {
        return checked;
    };
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
    if let Some(expected) = &expect.body {
        let mut differences = Vec::new();
        compare(
            expected,
            Some(json),
            "",
            expect,
            &mut differences,
            &mut checked.notes,
        );
        if !differences.is_empty() {
            let projected = project(expected, json, "", expect);
            let shown = fill_from_actual(expected, json, "", expect);
            problems.push(
                Problem::new(
                    Check::ExpectedBody,
                    format!("differs at {}", differences.join("; ")),
                )
                .with_detail(diff(&shown, &projected)),
            );
        }
        if checked.notes.len() > NOTES_SHOWN {
            let more = checked.notes.len() - NOTES_SHOWN;
            checked.notes.truncate(NOTES_SHOWN);
            checked
                .notes
                .push(format!("... and {more} more added fields"));
        }
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
    checked
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

/// Whether every key of `wanted` is in `actual` with a matching value (arrays item by item).
pub fn is_subset(wanted: &Value, actual: &Value) -> bool {
    match (wanted, actual) {
        (Value::Object(w), Value::Object(a)) => w
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| is_subset(v, av))),
        (Value::Array(w), Value::Array(a)) => {
            w.len() == a.len() && w.iter().zip(a).all(|(w, a)| is_subset(w, a))
        }
        (w, a) => scalar_eq(w, a),
    }
}

fn scalar_eq(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => e == a || e.as_f64() == a.as_f64(),
        (e, a) => e == a,
    }
}

/// Walks `expected`, recording differences from `actual` (ignored and patterned pointers left
/// out) and noting fields `actual` has in addition.
fn compare(
    expected: &Value,
    actual: Option<&Value>,
    pointer: &str,
    expect: &Expectations,
    differences: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let Some(actual) = actual else {
        if expect.partial {
            notes.push(format!(
                "{}: in the expected body, not in the response (partial)",
                show(pointer)
            ));
        } else {
            differences.push(format!("{} (missing)", show(pointer)));
        }
        return;
    };
    if expect.ignore.contains(pointer) || expect.matches.iter().any(|(p, _)| p == pointer) {
        return;
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let child = format!("{pointer}/{}", escape(key));
                compare(value, a.get(key), &child, expect, differences, notes);
            }
            for key in a.keys().filter(|k| !e.contains_key(*k)) {
                notes.push(format!(
                    "{pointer}/{}: a field the server adds (not in the expected body)",
                    escape(key)
                ));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                differences.push(format!(
                    "{} ({} items, expected {})",
                    show(pointer),
                    a.len(),
                    e.len()
                ));
            }
            for (index, (e, a)) in e.iter().zip(a).enumerate() {
                compare(
                    e,
                    Some(a),
                    &format!("{pointer}/{index}"),
                    expect,
                    differences,
                    notes,
                );
            }
        }
        (e, a) if scalar_eq(e, a) => {}
        _ => differences.push(show(pointer)),
    }
}

/// `actual` shaped like `expected` for the diff: fields the server adds left out (ignored and
/// patterned values appear on both sides as the server sent them).
fn project(expected: &Value, actual: &Value, pointer: &str, expect: &Expectations) -> Value {
    if expect.ignore.contains(pointer) || expect.matches.iter().any(|(p, _)| p == pointer) {
        return actual.clone();
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => Value::Object(
            e.iter()
                .filter_map(|(key, value)| {
                    let child = format!("{pointer}/{}", escape(key));
                    a.get(key)
                        .map(|av| (key.clone(), project(value, av, &child, expect)))
                })
                .collect(),
        ),
        (Value::Array(e), Value::Array(a)) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(index, av)| match e.get(index) {
                    Some(ev) => project(ev, av, &format!("{pointer}/{index}"), expect),
                    None => av.clone(),
                })
                .collect(),
        ),
        (_, a) => a.clone(),
    }
}

/// `expected` with the values at ignored and patterned pointers taken from `actual`, so the diff
/// shows what the server sent there rather than a placeholder.
fn fill_from_actual(
    expected: &Value,
    actual: &Value,
    pointer: &str,
    expect: &Expectations,
) -> Value {
    if expect.ignore.contains(pointer) || expect.matches.iter().any(|(p, _)| p == pointer) {
        return actual.clone();
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => Value::Object(
            e.iter()
                .map(|(key, value)| {
                    let child = format!("{pointer}/{}", escape(key));
                    let filled = match a.get(key) {
                        Some(av) => fill_from_actual(value, av, &child, expect),
                        None => value.clone(),
                    };
                    (key.clone(), filled)
                })
                .collect(),
        ),
        (Value::Array(e), Value::Array(a)) => Value::Array(
            e.iter()
                .enumerate()
                .map(|(index, ev)| match a.get(index) {
                    Some(av) => fill_from_actual(ev, av, &format!("{pointer}/{index}"), expect),
                    None => ev.clone(),
                })
                .collect(),
        ),
        _ => expected.clone(),
    }
}

/// A line diff of two JSON values, pretty-printed, without colour codes.
pub fn diff(expected: &Value, actual: &Value) -> String {
    let left = serde_json::to_string_pretty(expected).unwrap_or_else(|_| expected.to_string());
    let right = serde_json::to_string_pretty(actual).unwrap_or_else(|_| actual.to_string());
    let text = pretty_assertions::StrComparison::new(&left, &right).to_string();
    let text = strip_ansi(&text);
    // pretty_assertions labels the sides left and right; say which is which.
    text.replacen("Diff < left / right > :", "Diff < expected / actual > :", 1)
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn show(pointer: &str) -> String {
    if pointer.is_empty() {
        "(the body)".to_string()
    } else {
        pointer.to_string()
    }
}

/// A value in at most 120 characters.
pub fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}...")
    } else {
        text
    }
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

/// One entry of a `Link` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkEntry {
    /// The target URL.
    pub url: String,
    /// Its relations (`next`, `last`...).
    pub rels: Vec<String>,
}

/// The URL of relation `rel` among `links`.
pub fn link_url<'a>(links: &'a [LinkEntry], rel: &str) -> Option<&'a str> {
    links
        .iter()
        .find(|l| l.rels.iter().any(|r| r.eq_ignore_ascii_case(rel)))
        .map(|l| l.url.as_str())
}

/// Parses a `Link` header (RFC 8288): `<url>; rel="next", <url>; rel="last"`. Each entry needs an
/// absolute URL and a `rel`.
pub fn parse_link(text: &str) -> Result<Vec<LinkEntry>, String> {
    let mut entries = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            break;
        }
        let Some(after) = rest.strip_prefix('<') else {
            return Err(format!("expected <url> at {:?}", cut(rest)));
        };
        let Some(end) = after.find('>') else {
            return Err(format!("unclosed <url> at {:?}", cut(rest)));
        };
        let url = &after[..end];
        url::Url::parse(url).map_err(|e| format!("{url:?} is not an absolute URL: {e}"))?;
        rest = &after[end + 1..];
        let mut rels = Vec::new();
        // Parameters up to the next comma outside quotes.
        loop {
            rest = rest.trim_start();
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let after = after.trim_start();
            let name_end = after.find(['=', ';', ',']).unwrap_or(after.len());
            let name = after[..name_end].trim().to_ascii_lowercase();
            let mut value = String::new();
            rest = &after[name_end..];
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                if let Some(quoted) = after.strip_prefix('"') {
                    let Some(close) = quoted.find('"') else {
                        return Err(format!("unclosed quote at {:?}", cut(after)));
                    };
                    value = quoted[..close].to_string();
                    rest = &quoted[close + 1..];
                } else {
                    let end = after.find([';', ',']).unwrap_or(after.len());
                    value = after[..end].trim().to_string();
                    rest = &after[end..];
                }
            }
            if name == "rel" {
                rels.extend(value.split_whitespace().map(str::to_string));
            }
        }
        let rest_trimmed = rest.trim_start();
        if !rest_trimmed.is_empty() && !rest_trimmed.starts_with(',') {
            return Err(format!("unexpected {:?} after <{url}>", cut(rest_trimmed)));
        }
        if rels.is_empty() {
            return Err(format!("<{url}> has no rel"));
        }
        entries.push(LinkEntry {
            url: url.to_string(),
            rels,
        });
        rest = rest_trimmed;
    }
    Ok(entries)
}

fn cut(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expectations(body: Value, ignore: &[&str], matches: &[(&str, &str)]) -> Expectations {
        Expectations {
            status: 200,
            headers: vec![],
            absent_headers: vec![],
            body: Some(body),
            partial: false,
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            matches: matches
                .iter()
                .filter_map(|(p, r)| Regex::new(r).ok().map(|r| (p.to_string(), r)))
                .collect(),
            count: vec![],
            contains: vec![],
            each: vec![],
            absent: vec![],
            schema: true,
            link_expected: false,
        }
    }

    #[test]
    fn link_headers_parse() {
        let links = parse_link(
            r#"<https://api.github.com/orgs/o/hooks?page=2>; rel="next", <https://api.github.com/orgs/o/hooks?page=5>; rel="last""#,
        );
        let Ok(links) = links else {
            panic!("{links:?}")
        };
        assert_eq!(
            link_url(&links, "next"),
            Some("https://api.github.com/orgs/o/hooks?page=2")
        );
        assert_eq!(
            link_url(&links, "last"),
            Some("https://api.github.com/orgs/o/hooks?page=5")
        );
        assert!(parse_link("https://x; rel=next").is_err());
        assert!(parse_link("</relative>; rel=next").is_err());
        assert!(parse_link("<https://x/>").is_err());
    }

    #[test]
    fn ignored_and_patterned_fields_are_left_out_and_added_fields_are_notes() {
        let expect = expectations(
            json!({"id": 1, "name": "web", "created_at": "x", "config": {"url": "u"}}),
            &["/id"],
            &[("/created_at", r"^\d{4}-")],
        );
        let actual = json!({"id": 7, "name": "web", "created_at": "2020-01-01T00:00:00Z", "config": {"url": "u", "secret": "********"}, "extra": true});
        let mut differences = Vec::new();
        let mut notes = Vec::new();
        compare(
            expect.body.as_ref().unwrap_or(&Value::Null),
            Some(&actual),
            "",
            &expect,
            &mut differences,
            &mut notes,
        );
        assert!(differences.is_empty(), "{differences:?}");
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn a_difference_is_shown_as_a_diff() {
        let expect = expectations(json!({"name": "web", "active": true}), &[], &[]);
        let actual = json!({"name": "web", "active": false, "id": 3});
        let mut differences = Vec::new();
        let mut notes = Vec::new();
        let expected = expect.body.clone().unwrap_or(Value::Null);
        compare(
            &expected,
            Some(&actual),
            "",
            &expect,
            &mut differences,
            &mut notes,
        );
        assert_eq!(differences, vec!["/active".to_string()]);
        let shown = diff(&expected, &project(&expected, &actual, "", &expect));
        assert!(
            shown.contains("<  \"active\": true") || shown.contains("<"),
            "{shown}"
        );
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(
            !shown.contains("\"id\""),
            "added fields stay out of the diff: {shown}"
        );
    }

    #[test]
    fn a_partial_body_turns_missing_fields_into_notes() {
        let mut expect = expectations(json!({"secret": "********", "url": "u"}), &[], &[]);
        expect.partial = true;
        let expected = expect.body.clone().unwrap_or(Value::Null);
        let mut differences = Vec::new();
        let mut notes = Vec::new();
        compare(
            &expected,
            Some(&json!({"url": "u"})),
            "",
            &expect,
            &mut differences,
            &mut notes,
        );
        assert!(differences.is_empty(), "{differences:?}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        expect.partial = false;
        notes.clear();
        compare(
            &expected,
            Some(&json!({"url": "u"})),
            "",
            &expect,
            &mut differences,
            &mut notes,
        );
        assert_eq!(differences, vec!["/secret (missing)".to_string()]);
    }

    #[test]
    fn subsets_match_numbers_by_value() {
        assert!(is_subset(
            &json!({"id": 5}),
            &json!({"id": 5.0, "name": "web"})
        ));
        assert!(!is_subset(&json!({"id": 5}), &json!({"id": 6})));
    }

    #[test]
    fn json_media_types_are_recognised() {
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/vnd.github+json"));
        assert!(!is_json_media_type("text/html"));
    }
}
