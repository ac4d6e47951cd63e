//! Stores an object schema repeated across the webhook schemas once, as `shared-N`, and
//! refers to it: GitHub's description repeats its user and repository objects inline in most
//! payloads, and sharing them keeps spec/webhooks/ about a tenth of the upstream file.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::import::{COMPONENTS, SCHEMA_LISTS, SCHEMA_VALUED};

/// An object schema repeated this often (and at least [`SHARED_MIN_BYTES`] long) is stored
/// once, under `shared-N`.
const SHARED_MIN_USES: usize = 2;
const SHARED_MIN_BYTES: usize = 150;

/// The subschemas of `schema` (not itself), each with a callback.
fn for_each_child(schema: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(properties) = value.as_object_mut() {
                    properties.values_mut().for_each(&mut *visit);
                }
            }
            k if SCHEMA_LISTS.contains(&k) => {
                if let Some(list) = value.as_array_mut() {
                    list.iter_mut().for_each(&mut *visit);
                }
            }
            k if SCHEMA_VALUED.contains(&k) && value.is_object() => visit(value),
            _ => {}
        }
    }
}

/// `value` as text with object keys sorted: two schemas are the same when these are.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let ordered: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(list) => Value::Array(list.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// Stores each object schema that appears [`SHARED_MIN_USES`] times or more once, as
/// `shared-N` (numbered in order of first use, components in name order), and refers to it.
pub(super) fn share_repeated(mut schemas: BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    fn count(schema: &mut Value, uses: &mut BTreeMap<String, usize>) {
        for_each_child(schema, &mut |child| {
            if child.get("properties").is_some() {
                let text = canonical(child);
                if text.len() >= SHARED_MIN_BYTES {
                    *uses.entry(text).or_default() += 1;
                }
            }
            count(child, uses);
        });
    }
    for schema in schemas.values_mut() {
        count(schema, &mut uses);
    }
    uses.retain(|_, n| *n >= SHARED_MIN_USES);
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut shared: Vec<(String, Value)> = Vec::new();
    fn replace(
        schema: &mut Value,
        uses: &BTreeMap<String, usize>,
        names: &mut BTreeMap<String, String>,
        shared: &mut Vec<(String, Value)>,
    ) {
        for_each_child(schema, &mut |child| {
            let text = canonical(child);
            if uses.contains_key(&text) {
                let name = match names.get(&text) {
                    Some(name) => name.clone(),
                    None => {
                        let name = format!("shared-{}", names.len() + 1);
                        names.insert(text, name.clone());
                        let mut body = child.clone();
                        replace(&mut body, uses, names, shared);
                        shared.push((name.clone(), body));
                        name
                    }
                };
                *child = json!({ "$ref": format!("{COMPONENTS}{name}") });
            } else {
                replace(child, uses, names, shared);
            }
        });
    }
    for schema in schemas.values_mut() {
        replace(schema, &uses, &mut names, &mut shared);
    }
    schemas.extend(shared);
    schemas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_schema_used_twice_is_stored_once_and_referred_to() {
        let user = json!({
            "type": "object",
            "required": ["login", "id"],
            "properties": {
                "login": { "type": "string" },
                "id": { "type": "integer" },
                "avatar_url": { "type": "string", "format": "uri" },
                "html_url": { "type": "string", "format": "uri" },
            },
        });
        let schemas = BTreeMap::from([
            (
                "a".to_owned(),
                json!({ "type": "object", "properties": { "user": user } }),
            ),
            (
                "b".to_owned(),
                json!({ "type": "object", "properties": { "owner": user } }),
            ),
        ]);
        let shared = share_repeated(schemas);
        assert_eq!(shared["shared-1"], user);
        let reference = json!({ "$ref": "#/components/schemas/shared-1" });
        assert_eq!(shared["a"]["properties"]["user"], reference);
        assert_eq!(shared["b"]["properties"]["owner"], reference);
    }
}
