//! Translates OpenAPI 3.0 schemas into self-contained JSON Schema (Draft 4) documents that a
//! standard validator reads: `nullable` becomes a `null` alternative, component `$ref`s become
//! `#/definitions/...`, and OpenAPI-only keywords are dropped.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::error::{SpecError, SpecErrorKind, pointer_join};
use crate::spec::Spec;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Keywords copied as they are.
const PLAIN: &[&str] = &[
    "type",
    "required",
    "enum",
    "format",
    "description",
    "title",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
];

/// Keywords of OpenAPI that carry no validation meaning here and are dropped.
const DROPPED: &[&str] = &[
    "nullable",
    "example",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "xml",
];

/// Keywords the generator refuses, with the reason.
const REFUSED: &[(&str, &str)] = &[
    (
        "allOf",
        "the generator supports oneOf only; merge the schemas",
    ),
    ("anyOf", "the generator supports oneOf only"),
    ("not", "not is not supported"),
    ("discriminator", "discriminator is not supported"),
];

/// Translates the OpenAPI schema at `pointer` into a self-contained Draft 4 document.
pub fn document(spec: &Spec, schema: &Value, pointer: &str) -> Result<Value, SpecError> {
    let mut referenced = BTreeSet::new();
    let mut root = translate(spec, schema, pointer, &mut referenced)?;
    let mut definitions = Map::new();
    let mut pending: Vec<String> = referenced.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        if definitions.contains_key(&name) {
            continue;
        }
        let component_pointer = pointer_join("/components/schemas", &name);
        let Some(component) = spec.raw.pointer(&component_pointer) else {
            return Err(spec.error(
                pointer.to_string(),
                SpecErrorKind::UnresolvedRef(format!("{COMPONENT_PREFIX}{name}")),
            ));
        };
        let mut more = BTreeSet::new();
        let translated = translate(spec, component, &component_pointer, &mut more)?;
        definitions.insert(name, translated);
        pending.extend(more.into_iter().filter(|n| !definitions.contains_key(n)));
    }
    // Draft 4 ignores keywords beside `$ref`, so a root reference goes through allOf.
    if root.get("$ref").is_some() {
        root = json!({ "allOf": [root] });
    }
    if let Value::Object(map) = &mut root {
        map.insert(
            "$schema".into(),
            json!("http://json-schema.org/draft-04/schema#"),
        );
        if !definitions.is_empty() {
            let sorted: Map<String, Value> = {
                let mut entries: Vec<(String, Value)> = definitions.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                entries.into_iter().collect()
            };
            map.insert("definitions".into(), Value::Object(sorted));
        }
    }
    Ok(root)
}

/// The component name of a `#/components/schemas/NAME` reference.
pub fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(COMPONENT_PREFIX)
}

fn translate(
    spec: &Spec,
    schema: &Value,
    pointer: &str,
    referenced: &mut BTreeSet<String>,
) -> Result<Value, SpecError> {
    let Value::Object(input) = schema else {
        return Err(spec.error(
            pointer,
            SpecErrorKind::Invalid("a schema must be a mapping".into()),
        ));
    };
    if let Some(Value::String(reference)) = input.get("$ref") {
        let Some(name) = component_name(reference) else {
            return Err(spec.error(
                pointer_join(pointer, "$ref"),
                SpecErrorKind::Unsupported {
                    construct: "$ref".into(),
                    why: format!(
                        "a schema may reference only #/components/schemas/..., found {reference:?}"
                    ),
                },
            ));
        };
        referenced.insert(name.to_string());
        return Ok(json!({ "$ref": format!("#/definitions/{name}") }));
    }
    let mut output = Map::new();
    for (key, value) in input {
        let here = pointer_join(pointer, key);
        if let Some((_, why)) = REFUSED.iter().find(|(k, _)| k == key) {
            return Err(spec.error(
                here,
                SpecErrorKind::Unsupported {
                    construct: key.clone(),
                    why: (*why).into(),
                },
            ));
        }
        if PLAIN.contains(&key.as_str()) {
            output.insert(key.clone(), value.clone());
        } else if DROPPED.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        } else if key == "properties" {
            let Value::Object(properties) = value else {
                return Err(spec.error(
                    here,
                    SpecErrorKind::Invalid("properties must be a mapping".into()),
                ));
            };
            let mut translated = Map::new();
            for (name, property) in properties {
                translated.insert(
                    name.clone(),
                    translate(spec, property, &pointer_join(&here, name), referenced)?,
                );
            }
            output.insert(key.clone(), Value::Object(translated));
        } else if key == "items" {
            output.insert(key.clone(), translate(spec, value, &here, referenced)?);
        } else if key == "additionalProperties" {
            let translated = match value {
                Value::Bool(_) => value.clone(),
                _ => translate(spec, value, &here, referenced)?,
            };
            output.insert(key.clone(), translated);
        } else if key == "oneOf" {
            let Value::Array(alternatives) = value else {
                return Err(spec.error(here, SpecErrorKind::Invalid("oneOf must be a list".into())));
            };
            let mut translated = Vec::new();
            for (index, alternative) in alternatives.iter().enumerate() {
                translated.push(translate(
                    spec,
                    alternative,
                    &pointer_join(&here, &index.to_string()),
                    referenced,
                )?);
            }
            output.insert(key.clone(), Value::Array(translated));
        } else {
            return Err(spec.error(
                here,
                SpecErrorKind::Unsupported {
                    construct: key.clone(),
                    why: "unknown schema keyword".into(),
                },
            ));
        }
    }
    if input.get("nullable") == Some(&Value::Bool(true)) {
        make_nullable(&mut output);
    }
    Ok(Value::Object(output))
}

fn make_nullable(schema: &mut Map<String, Value>) {
    match schema.get_mut("type") {
        Some(Value::String(single)) => {
            let single = single.clone();
            schema.insert("type".into(), json!([single, "null"]));
        }
        Some(Value::Array(types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
        }
        _ => {
            if let Some(Value::Array(alternatives)) = schema.get_mut("oneOf") {
                alternatives.push(json!({ "type": "null" }));
            }
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
}

/// Builds a Draft 4 validator with format checks on, as every check in this project does.
pub fn validator(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}
