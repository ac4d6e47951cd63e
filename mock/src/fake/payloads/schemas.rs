//! The payload schemas of GitHub's webhook description, embedded by `cargo xtask gen`
//! ([`webhook_schemas_json`]), parsed once; references resolved, and a structural check of a
//! value against a schema (types, enums, required members, alternatives) that the payload
//! maker uses to choose among alternatives and to keep only the state's values that fit.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::table::webhook_schemas_json;

const COMPONENTS: &str = "#/components/schemas/";

/// How deep a check or a payload goes before it stops (the schemas are not recursive today;
/// this keeps a future recursive one from looping).
pub(super) const MAX_DEPTH: usize = 48;

/// The schemas by name (empty if the embedded text did not parse, which the generator's
/// check rules out).
static SCHEMAS: LazyLock<Map<String, Value>> = LazyLock::new(|| {
    serde_json::from_str::<Value>(webhook_schemas_json())
        .ok()
        .and_then(|mut all| all.get_mut("schemas").map(Value::take))
        .and_then(|schemas| match schemas {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default()
});

/// The schema named `name`.
pub(super) fn named(name: &str) -> Option<&'static Value> {
    SCHEMAS.get(name)
}

/// `schema` with its `$ref`s followed (a dangling one as the empty schema).
pub(super) fn resolve(mut schema: &'static Value) -> &'static Value {
    static EMPTY: Value = Value::Null;
    for _ in 0..MAX_DEPTH {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                schema = reference
                    .strip_prefix(COMPONENTS)
                    .and_then(named)
                    .unwrap_or(&EMPTY);
            }
            None => return schema,
        }
    }
    schema
}

/// The types a schema allows (`type` as a string or a list); empty when it does not say.
pub(super) fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The alternatives of a `oneOf` or `anyOf`, if it has them.
pub(super) fn alternatives(schema: &Value) -> Option<&Vec<Value>> {
    schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
}

/// Whether `value` has the JSON type `name` (an integer is a number too).
fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// Whether `text` looks like `format` (enough to tell the fake's own made strings apart:
/// a timestamp, an address, a URL).
fn has_format(text: &str, format: &str) -> bool {
    match format {
        "date-time" => text.len() >= 20 && text.as_bytes().get(10) == Some(&b'T'),
        "date" => text.len() == 10 && text.as_bytes().get(4) == Some(&b'-'),
        "email" => text.contains('@'),
        "uri" => text.contains("://"),
        _ => true,
    }
}

/// Whether `value` fits `schema` as far as structure goes: types, `enum`, `const`, required
/// members, known members' schemas, `additionalProperties: false`, items, `minItems`, and
/// `allOf` / `anyOf` / `oneOf` (exactly one), and roughly the formats the maker writes
/// ([`has_format`]). Lengths are not checked.
pub(super) fn matches(schema: &'static Value, value: &Value) -> bool {
    matches_at(schema, value, 0)
}

fn matches_at(schema: &'static Value, value: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let schema = resolve(schema);
    let Some(object) = schema.as_object() else {
        return true;
    };
    let allowed = types(schema);
    if !allowed.is_empty() && !allowed.iter().any(|t| has_type(value, t)) {
        return false;
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return false;
    }
    if let (Some(format), Some(text)) =
        (object.get("format").and_then(Value::as_str), value.as_str())
        && !has_format(text, format)
    {
        return false;
    }
    if let Some(constant) = object.get("const")
        && constant != value
    {
        return false;
    }
    if let Some(parts) = object.get("allOf").and_then(Value::as_array)
        && !parts.iter().all(|part| matches_at(part, value, depth + 1))
    {
        return false;
    }
    if let Some(options) = object.get("anyOf").and_then(Value::as_array)
        && !options
            .iter()
            .any(|option| matches_at(option, value, depth + 1))
    {
        return false;
    }
    if let Some(options) = object.get("oneOf").and_then(Value::as_array)
        && options
            .iter()
            .filter(|option| matches_at(option, value, depth + 1))
            .count()
            != 1
    {
        return false;
    }
    match value {
        Value::Object(members) => object_matches(object, members, depth),
        Value::Array(items) => {
            let min = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            (items.len() as u64) >= min
                && object.get("items").is_none_or(|item_schema| {
                    items
                        .iter()
                        .all(|item| matches_at(item_schema, item, depth + 1))
                })
        }
        _ => true,
    }
}

fn object_matches(
    object: &'static Map<String, Value>,
    members: &Map<String, Value>,
    depth: usize,
) -> bool {
    let required = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    if required.into_iter().any(|name| !members.contains_key(name)) {
        return false;
    }
    let properties = object.get("properties").and_then(Value::as_object);
    let additional = object.get("additionalProperties");
    members.iter().all(
        |(name, member)| match properties.and_then(|p| p.get(name)) {
            Some(member_schema) => matches_at(member_schema, member, depth + 1),
            None => match additional {
                Some(Value::Bool(false)) => false,
                Some(extra @ Value::Object(_)) => matches_at(extra, member, depth + 1),
                _ => true,
            },
        },
    )
}
