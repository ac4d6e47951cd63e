//! How values are shown to people in messages and reports: durations, the start of a body,
//! a JSON value cut short, and text escaped for HTML.

use std::time::Duration;

use serde_json::Value;

/// The product ids of the spec's product table, for messages (`dotcom, ghes or dotcom-legacy`).
pub(crate) fn known_products() -> String {
    let ids: Vec<&str> = hookspec_mock::table::PRODUCTS
        .iter()
        .map(|info| info.id)
        .collect();
    match ids.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// How many bytes of a body are shown when it cannot be used.
pub(crate) const BODY_PREVIEW: usize = 300;

/// A duration as people write it (`250 ms`, `5 s`, `1.5 s`).
pub(crate) fn human(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// The start of a body, as text people can read: lossy UTF-8, control characters escaped, cut at
/// [`BODY_PREVIEW`] bytes.
pub(crate) fn preview(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty)".to_string();
    }
    let cut = &body[..body.len().min(BODY_PREVIEW)];
    let text = String::from_utf8_lossy(cut);
    let mut shown: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect();
    if body.len() > BODY_PREVIEW {
        shown.push_str(&format!("… ({} bytes in all)", body.len()));
    }
    shown
}

/// A value in at most 120 characters.
pub(crate) fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe in element
/// content and in quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
