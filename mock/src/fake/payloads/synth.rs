//! Makes a value valid against a payload schema: required members only, the first allowed
//! value of an enum, `null` where null is allowed, the first alternative of a `oneOf` whose
//! made value fits exactly one alternative; then lays the fake's own objects (organization,
//! repository, sender, installation, hook) over it, member by member, wherever they fit.

use serde_json::{Map, Value, json};

use super::schemas::{MAX_DEPTH, alternatives, matches, resolve, types};

/// What strings of a format, and dates, are made of.
pub(super) struct Style<'a> {
    /// Where made URLs point: the fake's base URL.
    pub base: &'a str,
    /// Every made timestamp (RFC 3339).
    pub at: &'a str,
}

/// A value for `schema`; `name` is the member it is for (the value of a plain string).
pub(super) fn make(schema: &'static Value, name: &str, style: &Style<'_>, depth: usize) -> Value {
    make_as(schema, name, style, depth, false)
}

/// [`make`], but a value other than `null` where the schema allows one (`non_null`).
fn make_as(
    schema: &'static Value,
    name: &str,
    style: &Style<'_>,
    depth: usize,
    non_null: bool,
) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let schema = resolve(schema);
    let Some(object) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(constant) = object.get("const") {
        return constant.clone();
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .find(|v| !v.is_null())
            .or_else(|| values.first())
            .cloned()
            .unwrap_or(Value::Null);
    }
    if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
        return all_of(schema, parts, name, style, depth);
    }
    if let Some(options) = alternatives(schema) {
        let made: Vec<Value> = options
            .iter()
            .map(|option| make(option, name, style, depth + 1))
            .collect();
        return made
            .iter()
            .find(|value| matches(schema, value))
            .or_else(|| made.first())
            .cloned()
            .unwrap_or(Value::Null);
    }
    let allowed: Vec<&str> = types(schema);
    if allowed.contains(&"null") && !non_null {
        return Value::Null;
    }
    let first = allowed.iter().copied().find(|t| *t != "null").unwrap_or(
        if object.contains_key("properties") {
            "object"
        } else {
            "null"
        },
    );
    match first {
        "object" => made_object(object, style, depth),
        "array" => {
            let count = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = object.get("items").unwrap_or(&Value::Null);
            let items = (0..count.min(4))
                .map(|_| make(item, name, style, depth + 1))
                .collect();
            Value::Array(items)
        }
        "string" => made_string(object, name, style),
        "integer" => json!(minimum(object).max(1)),
        "number" => json!(minimum(object).max(1)),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

fn minimum(object: &Map<String, Value>) -> i64 {
    object.get("minimum").and_then(Value::as_i64).unwrap_or(1)
}

/// An object with its required members.
fn made_object(object: &'static Map<String, Value>, style: &Style<'_>, depth: usize) -> Value {
    let properties = object.get("properties").and_then(Value::as_object);
    let mut out = Map::new();
    for name in object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let value = match properties.and_then(|p| p.get(name)) {
            Some(member) => make(member, name, style, depth + 1),
            None => match object.get("additionalProperties") {
                Some(extra @ Value::Object(_)) => make(extra, name, style, depth + 1),
                _ => json!(name),
            },
        };
        out.insert(name.to_owned(), value);
    }
    Value::Object(out)
}

/// A string of the schema's format, or the member's name.
fn made_string(object: &Map<String, Value>, name: &str, style: &Style<'_>) -> Value {
    let format = object.get("format").and_then(Value::as_str).unwrap_or("");
    let text = match format {
        "date-time" => style.at.to_owned(),
        "date" => style.at.get(..10).unwrap_or(style.at).to_owned(),
        "uri" | "uri-template" | "uri-reference" | "url" => {
            format!("{}/hookspec/{}", style.base, name)
        }
        "email" => "hookspec@users.noreply.github.com".to_owned(),
        _ => name.to_owned(),
    };
    let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = object
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |max| max as usize);
    let mut text = if text.chars().count() < min {
        format!("{text}{}", "x".repeat(min - text.chars().count()))
    } else {
        text
    };
    if text.chars().count() > max {
        text = text.chars().take(max).collect();
    }
    Value::String(text)
}

/// The members every part of an `allOf` requires. A member several parts declare gets the
/// first value made for it that every part's schema for it accepts (parts often narrow a
/// shared object: a nullable `user` that must be an object here); failing that, the objects
/// made for it merged.
fn all_of(
    schema: &'static Value,
    parts: &'static [Value],
    name: &str,
    style: &Style<'_>,
    depth: usize,
) -> Value {
    let mut made: Vec<Value> = parts
        .iter()
        .map(|part| make(part, name, style, depth + 1))
        .collect();
    if let Some(own) = made_object_if_any(schema, style, depth) {
        made.push(own);
    }
    if !made.iter().all(Value::is_object) {
        return made.into_iter().next().unwrap_or(Value::Null);
    }
    let mut candidates: Vec<(String, Vec<Value>)> = Vec::new();
    for value in made {
        if let Value::Object(members) = value {
            for (key, value) in members {
                match candidates.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, values)) => values.push(value),
                    None => candidates.push((key, vec![value])),
                }
            }
        }
    }
    let mut merged = Map::new();
    for (key, mut values) in candidates {
        let member_schemas: Vec<&'static Value> = parts
            .iter()
            .filter_map(|part| resolve(part).get("properties")?.get(&key))
            .collect();
        // A part may narrow a member it does not require: its own making of it is a candidate.
        for member in &member_schemas {
            values.extend(variants(member, &key, style, depth + 1));
        }
        let fits = |value: &Value| member_schemas.iter().all(|s| matches(s, value));
        let chosen = values
            .iter()
            .find(|value| fits(value))
            .cloned()
            .or_else(|| {
                let objects: Vec<Value> =
                    values.iter().filter(|v| v.is_object()).cloned().collect();
                let union = merge_objects(&objects);
                fits(&union).then_some(union)
            })
            .or_else(|| values.first().cloned())
            .unwrap_or(Value::Null);
        merged.insert(key, chosen);
    }
    Value::Object(merged)
}

/// The values `schema` can be made as: as [`make`] makes it, not null, and each alternative's.
fn variants(schema: &'static Value, name: &str, style: &Style<'_>, depth: usize) -> Vec<Value> {
    let mut out = vec![
        make(schema, name, style, depth),
        make_as(schema, name, style, depth, true),
    ];
    if let Some(options) = alternatives(resolve(schema)) {
        out.extend(
            options
                .iter()
                .map(|option| make_as(option, name, style, depth + 1, true)),
        );
    }
    out
}

/// The members of every object in `values` (the first value of a member wins, objects
/// merged member by member); `Null` when one is not an object.
fn merge_objects(values: &[Value]) -> Value {
    let mut merged = Map::new();
    for value in values {
        let Value::Object(members) = value else {
            return Value::Null;
        };
        for (key, member) in members {
            match merged.get_mut(key) {
                Some(existing @ Value::Object(_)) if member.is_object() => {
                    *existing = merge_objects(&[existing.clone(), member.clone()]);
                }
                Some(_) => {}
                None => {
                    merged.insert(key.clone(), member.clone());
                }
            }
        }
    }
    Value::Object(merged)
}

fn made_object_if_any(schema: &'static Value, style: &Style<'_>, depth: usize) -> Option<Value> {
    let object = schema.as_object()?;
    object
        .contains_key("required")
        .then(|| made_object(object, style, depth))
}

/// The member schemas that apply to `value` under `schema`: its own, those of every `allOf`
/// part, and those of the alternative `value` fits.
fn properties_for(
    schema: &'static Value,
    value: &Value,
    depth: usize,
) -> Vec<&'static Map<String, Value>> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    let schema = resolve(schema);
    let mut out: Vec<&'static Map<String, Value>> = Vec::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.push(properties);
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            out.extend(properties_for(part, value, depth + 1));
        }
    }
    if let Some(option) = alternatives(schema)
        .and_then(|options| options.iter().find(|option| matches(option, value)))
    {
        out.extend(properties_for(option, value, depth + 1));
    }
    out
}

/// The member schema of `name` under `schema` for `value`, if the schema declares it.
pub(super) fn member_schema(
    schema: &'static Value,
    value: &Value,
    name: &str,
) -> Option<&'static Value> {
    properties_for(schema, value, 0)
        .into_iter()
        .find_map(|properties| properties.get(name))
}

/// `made` (valid against `schema`) with `known`'s values laid over it wherever the schema
/// declares the member and the value fits it, member by member inside objects; the result
/// is still valid (it falls back to `made` where the whole would not be).
pub(super) fn fill(schema: &'static Value, made: Value, known: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return made;
    }
    if matches(schema, known) {
        return known.clone();
    }
    let (Value::Object(_), Value::Object(known_members)) = (&made, known) else {
        return made;
    };
    // Filled in place; `made` stays as it was, to fall back on.
    let mut filled = made.clone();
    for (name, known_member) in known_members {
        let Some(member) = member_schema(schema, &filled, name) else {
            continue;
        };
        let Some(members) = filled.as_object_mut() else {
            break;
        };
        let value = match members.remove(name) {
            Some(current) => fill(member, current, known_member, depth + 1),
            None if matches(member, known_member) => known_member.clone(),
            None => continue,
        };
        members.insert(name.clone(), value);
    }
    if matches(schema, &filled) {
        filled
    } else {
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(value: Value) -> &'static Value {
        Box::leak(Box::new(value))
    }

    const STYLE: Style<'static> = Style {
        base: "http://127.0.0.1:1",
        at: "2026-01-01T00:00:00Z",
    };

    #[test]
    fn a_one_of_gets_the_first_alternative_whose_value_fits_exactly_one() {
        // The first two alternatives' made value (null) fits both of them; the third's only
        // the third.
        let schema = leak(json!({ "oneOf": [
            { "type": ["integer", "null"] },
            { "type": "null" },
            { "type": "string" },
        ]}));
        let made = make(schema, "name", &STYLE, 0);
        assert!(matches(schema, &made), "{made}");
        assert_eq!(made, json!("name"));
    }

    #[test]
    fn an_all_of_part_that_narrows_a_nullable_member_gets_a_value_both_parts_accept() {
        let schema = leak(json!({ "allOf": [
            { "type": "object", "required": ["user"], "properties": {
                "user": { "type": ["object", "null"], "required": ["login"],
                          "properties": { "login": { "type": "string" } } } } },
            { "type": "object", "properties": { "user": { "type": "object" } } },
        ]}));
        let made = make(schema, "", &STYLE, 0);
        assert_eq!(made, json!({ "user": { "login": "login" } }));
    }

    #[test]
    fn the_state_s_values_replace_made_ones_only_where_they_fit() {
        let schema = leak(
            json!({ "type": "object", "required": ["login", "kind"], "properties": {
                "login": { "type": "string" },
                "kind": { "type": "string", "enum": ["User", "Bot"] },
            }}),
        );
        let made = make(schema, "", &STYLE, 0);
        let filled = fill(
            schema,
            made,
            &json!({ "login": "acme", "kind": "Organization" }),
            0,
        );
        assert_eq!(filled, json!({ "login": "acme", "kind": "User" }));
    }
}
