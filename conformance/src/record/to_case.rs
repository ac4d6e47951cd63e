//! Turning a recorded sequence into a case file: each matched exchange a step, the first answer
//! giving a related value (`${hook_id_1}`, an ETag) captures it for the steps after, values that
//! change between sessions are compared for presence only (`ignore`), and a hook's `config.url`
//! becomes the run's `${marker_url}` so the runner's safety rules accept the case.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::LoadError;
use crate::record::normalize::Normalizer;
use crate::record::recording::{Recording, Sequence};

/// What a hook secret in a recording becomes in the case.
const CASE_SECRET: &str = "hookspec-case-secret";

/// The case (YAML text) for `sequence`, checked by the case loader; `path` names it in errors.
pub fn to_case(sequence: &Sequence, path: &Path) -> Result<String, LoadError> {
    let mut captured = BTreeSet::new();
    let mut steps = Vec::new();
    let mut products = BTreeSet::new();
    let mut read_only = true;
    for (file, recording) in &sequence.steps {
        let (Some(operation), Some(product)) = (&recording.operation, &recording.product) else {
            continue;
        };
        products.insert(product.clone());
        read_only &= recording.request.method == "GET";
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let number = steps.len() + 1;
        steps.push(step(
            &name,
            operation,
            product,
            recording,
            &mut captured,
            number,
        ));
    }
    let case = json!({
        "description": format!("Made by record-to-case from the recording {}.", sequence.dir.display()),
        "products": products.into_iter().collect::<Vec<_>>(),
        "read_only": read_only,
        "steps": steps,
    });
    let text = serde_yaml::to_string(&case).map_err(|error| LoadError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        cause: crate::error::LoadCause::Yaml(error),
    })?;
    crate::case::load::parse(path, &text)?;
    Ok(text)
}

fn step(
    name: &str,
    operation: &str,
    product: &str,
    recording: &Recording,
    captured: &mut BTreeSet<String>,
    number: usize,
) -> Value {
    let request = &recording.request;
    let mut step = Map::new();
    step.insert("name".into(), json!(name));
    step.insert("operation".into(), json!(operation));
    let path_params = path_params(operation, product, &request.path);
    if !path_params.is_empty() {
        step.insert("path_params".into(), Value::Object(path_params));
    }
    if !request.query.is_empty() {
        step.insert("query".into(), json!(request.query));
    }
    let headers: Map<String, Value> = request
        .headers
        .iter()
        .filter(|(k, _)| k.as_str() != "content-type")
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    if !headers.is_empty() {
        step.insert("headers".into(), Value::Object(headers));
    }
    if !request.auth {
        step.insert("auth".into(), json!(false));
    }
    if let Some(body) = &request.body {
        step.insert("body".into(), request_body(body, None, number));
    }
    let response = &recording.response;
    let mut expect = Map::new();
    expect.insert("status".into(), json!(response.status));
    let mut capture = Map::new();
    if let Some(etag) = response.headers.get("etag") {
        let name = etag.trim_start_matches("${").trim_end_matches('}');
        if Normalizer::is_relation(name) && captured.insert(name.to_string()) {
            capture.insert(name.into(), json!("header:ETag"));
        }
    }
    if let Some(body) = &response.body {
        let mut ignore = Vec::new();
        let expected = expected_body(body, "", None, captured, &mut capture, &mut ignore);
        expect.insert("body".into(), expected);
        if !ignore.is_empty() {
            expect.insert("ignore".into(), json!(ignore));
        }
    }
    if !capture.is_empty() {
        expect.insert("capture".into(), Value::Object(capture));
    }
    step.insert("expect".into(), Value::Object(expect));
    Value::Object(step)
}

fn path_params(operation: &str, product: &str, path: &str) -> Map<String, Value> {
    let mut params = Map::new();
    let Some(op) = hookspec_mock::table::find_operation(operation) else {
        return params;
    };
    let prefix = hookspec_mock::Product::from_id(product).map_or("", |p| p.path_prefix());
    let rest = path.strip_prefix(prefix).unwrap_or(path);
    for (pattern, segment) in op.path.split('/').zip(rest.split('/')) {
        if let Some(name) = pattern.strip_prefix('{').and_then(|n| n.strip_suffix('}'))
            && name != "org"
        {
            params.insert(name.into(), json!(segment));
        }
    }
    params
}

/// A request body for the case: secrets a fixed value, every `url` below the run's marker URL,
/// one per step (GitHub refuses a second hook with the same URL).
fn request_body(value: &Value, key: Option<&str>, step: usize) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), request_body(v, Some(k), step)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| request_body(v, key, step)).collect())
        }
        Value::String(_) if key == Some("url") => json!(format!("${{marker_url}}/step-{step}")),
        Value::String(text) if text == "${secret}" => json!(CASE_SECRET),
        other => other.clone(),
    }
}

/// The expected body: captured relations kept, first appearances captured, everything else
/// that varies ignored (compared for presence).
fn expected_body(
    value: &Value,
    at: &str,
    key: Option<&str>,
    captured: &mut BTreeSet<String>,
    capture: &mut Map<String, Value>,
    ignore: &mut Vec<String>,
) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        expected_body(v, &format!("{at}/{k}"), Some(k), captured, capture, ignore),
                    )
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    expected_body(v, &format!("{at}/{i}"), key, captured, capture, ignore)
                })
                .collect(),
        ),
        Value::String(text)
            if text.contains("${") || key == Some("url") && at.contains("/config/") =>
        {
            let whole = text.strip_prefix("${").and_then(|t| t.strip_suffix('}'));
            match whole {
                Some(name)
                    if Normalizer::is_relation(name)
                        && name != "org"
                        && captured.contains(name) =>
                {
                    value.clone()
                }
                Some(name) if Normalizer::is_relation(name) && name != "org" => {
                    captured.insert(name.to_string());
                    capture.insert(name.to_string(), json!(format!("body:{at}")));
                    ignore.push(at.to_string());
                    Value::Null
                }
                _ => {
                    ignore.push(at.to_string());
                    Value::Null
                }
            }
        }
        other => other.clone(),
    }
}
