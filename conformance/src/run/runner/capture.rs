//! Capturing a step's values (`expect.capture`) from its first response, for the steps after.

use serde_json::Value;

use crate::case::format::Step;
use crate::case::vars::CaptureSource;
use crate::check::link::{LinkEntry, link_url};
use crate::error::{Check, Problem};
use crate::target::http::Response;

/// The values a step captures (`expect.capture`) from its first response, or why one is
/// missing.
pub(crate) fn capture(
    step: &Step,
    response: &Response,
    json: Option<&Value>,
    links: &[LinkEntry],
) -> Result<Vec<(String, Value)>, Problem> {
    let mut captured = Vec::new();
    for (name, source) in &step.expect.capture {
        let source = CaptureSource::parse(source)
            .map_err(|e| Problem::new(Check::Case, format!("capture {name}: {e}")))?;
        let value = match &source {
            CaptureSource::Body(pointer) => json.and_then(|j| j.pointer(pointer)).cloned(),
            CaptureSource::Header(header) => response
                .header(header)
                .map(|v| Value::String(v.to_string())),
            CaptureSource::Link(rel) => link_url(links, rel).map(|u| Value::String(u.to_string())),
        };
        let Some(value) = value else {
            let (check, what) = match &source {
                CaptureSource::Body(pointer) => (
                    Check::Capture,
                    format!("the body has nothing at {pointer:?}"),
                ),
                CaptureSource::Header(header) => {
                    (Check::Header, format!("header {header} is missing"))
                }
                CaptureSource::Link(rel) => (
                    Check::Link,
                    if response.headers.get("link").is_some() {
                        format!("the Link header has no rel=\"{rel}\"")
                    } else {
                        format!("the Link header is missing (the case expects rel=\"{rel}\")")
                    },
                ),
            };
            return Err(Problem::new(
                check,
                format!("cannot capture {name}: {what}"),
            ));
        };
        captured.push((name.clone(), value));
    }
    Ok(captured)
}
