//! Comparing a body with the expected one: what differs (ignored and patterned pointers left
//! out), what the server added (notes), and the diff shown for a difference.

use serde_json::Value;

use crate::case::expect::Expectations;
use crate::error::{Check, Problem};

/// How many notes about added fields one response may produce before they are summed up.
const NOTES_SHOWN: usize = 20;

/// Compares `json` with the expected body: a problem with a diff when they differ; fields the
/// server adds (and, for a partial body, fields it lacks) go to `notes`, at most [`NOTES_SHOWN`]
/// of them and a count of the rest.
pub(crate) fn check_expected_body(
    expected: &Value,
    json: &Value,
    expect: &Expectations,
    notes: &mut Vec<String>,
) -> Option<Problem> {
    let mut differences = Vec::new();
    compare(expected, Some(json), "", expect, &mut differences, notes);
    let problem = (!differences.is_empty()).then(|| {
        let projected = project(expected, json, "", expect);
        let shown = fill_from_actual(expected, json, "", expect);
        Problem::new(
            Check::ExpectedBody,
            format!("differs at {}", differences.join("; ")),
        )
        .with_detail(diff(&shown, &projected))
    });
    if notes.len() > NOTES_SHOWN {
        let more = notes.len() - NOTES_SHOWN;
        notes.truncate(NOTES_SHOWN);
        notes.push(format!("... and {more} more added fields"));
    }
    problem
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

/// A pointer as shown in messages (the empty pointer is the whole body).
pub(crate) fn show(pointer: &str) -> String {
    if pointer.is_empty() {
        "(the body)".to_string()
    } else {
        pointer.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use serde_json::json;

    fn expectations(body: Value, ignore: &[&str], matches: &[(&str, &str)]) -> Expectations {
        let mut expect = Expectations::of_status(200);
        expect.body = Some(body);
        expect.ignore = ignore.iter().map(|s| s.to_string()).collect();
        expect.matches = matches
            .iter()
            .filter_map(|(p, r)| Regex::new(r).ok().map(|r| (p.to_string(), r)))
            .collect();
        expect
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
            shown
                .lines()
                .any(|line| line.starts_with('<') && line.contains("\"active\": true")),
            "the expected side shows the expected value: {shown}"
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
}
