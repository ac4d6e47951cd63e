//! JSON Schema validation of response bodies: Draft 4 with formats checked, each of the spec's
//! schemas compiled once per process and shared by every case, product and thread.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::Value;

/// How many schema errors a failure lists before saying how many more there are.
const ERRORS_SHOWN: usize = 10;

type Cache = HashMap<(usize, usize), Arc<Result<jsonschema::Validator, String>>>;

static VALIDATORS: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// The validator for a schema of the operation table, compiled on first use.
/// The `Err` says why the spec's schema does not compile (a spec bug, reported, not a panic).
pub fn validator(schema: &'static str) -> Arc<Result<jsonschema::Validator, String>> {
    let key = (schema.as_ptr() as usize, schema.len());
    let mut cache = match VALIDATORS.lock() {
        Ok(cache) => cache,
        // A panic elsewhere while holding the lock leaves a usable map.
        Err(poisoned) => poisoned.into_inner(),
    };
    cache
        .entry(key)
        .or_insert_with(|| Arc::new(compile(schema)))
        .clone()
}

/// Compiles schema text as Draft 4 with format validation on.
pub fn compile(schema: &str) -> Result<jsonschema::Validator, String> {
    let value: Value =
        serde_json::from_str(schema).map_err(|e| format!("the schema is not JSON: {e}"))?;
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&value)
        .map_err(|e| format!("the schema does not compile: {e}"))
}

/// The errors of `instance` against `validator`, one a line (`/config/url: 5 is not of type
/// "string"`), at most a few of them; empty when it is valid.
pub fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    let mut shown = Vec::new();
    let mut total = 0usize;
    for error in validator.iter_errors(instance) {
        total += 1;
        if shown.len() < ERRORS_SHOWN {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() {
                "(root)".to_string()
            } else {
                at
            };
            shown.push(format!("{at}: {error}"));
        }
    }
    if total > shown.len() {
        shown.push(format!("... and {} more", total - shown.len()));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SCHEMA: &str = r#"{"type":"object","required":["id","created_at"],"properties":{"id":{"type":"integer"},"created_at":{"type":"string","format":"date-time"}}}"#;

    #[test]
    fn validators_are_built_once_and_shared() {
        let first = validator(SCHEMA);
        let second = validator(SCHEMA);
        assert!(Arc::ptr_eq(&first, &second));
    }

    #[test]
    fn formats_are_checked() {
        let compiled = validator(SCHEMA);
        let Ok(validator) = compiled.as_ref() else {
            panic!("the test schema compiles")
        };
        assert!(
            errors(
                validator,
                &json!({"id": 1, "created_at": "2011-09-06T17:26:27Z"})
            )
            .is_empty()
        );
        let found = errors(validator, &json!({"id": "1", "created_at": "yesterday"}));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.iter().any(|e| e.starts_with("/created_at")),
            "{found:?}"
        );
    }
}
