//! `cargo xtask import-webhooks`: turns GitHub's published webhook description
//! (`@octokit/openapi-webhooks`, OpenAPI 3.1 JSON) into the project's own form,
//! `spec/webhooks/webhooks.json`: the events and actions our hook kinds receive, each with the
//! hook kinds that get it and its payload schema, and the schemas' structure only
//! (descriptions, titles and examples dropped, repeated object schemas stored once).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::share::share_repeated;
use super::{GLOBAL_EVENTS, WEBHOOKS_SPEC};
use crate::error::{SpecError, SpecErrorKind};

pub(super) const COMPONENTS: &str = "#/components/schemas/";

/// Keywords that describe rather than constrain; dropped from every schema.
const DESCRIPTIVE: &[&str] = &[
    "description",
    "title",
    "examples",
    "example",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "summary",
    "$comment",
];

/// Keywords whose values are schemas, or lists or maps of schemas.
pub(super) const SCHEMA_VALUED: &[&str] = &["items", "additionalProperties", "not"];
pub(super) const SCHEMA_LISTS: &[&str] = &["oneOf", "anyOf", "allOf"];

/// One upstream file read for the import.
pub struct Upstream<'a> {
    /// Where it is on disk.
    pub path: &'a Path,
    /// How the stored file names it (its path inside the npm package).
    pub name: &'a str,
}

/// One upstream document, parsed, with its digest.
struct Document {
    name: String,
    sha256: String,
    value: Value,
}

impl Document {
    fn read(upstream: &Upstream<'_>) -> Result<Document, SpecError> {
        let error = |kind| SpecError {
            file: upstream.path.to_path_buf(),
            pointer: String::new(),
            line: None,
            kind: Box::new(kind),
        };
        let bytes = std::fs::read(upstream.path).map_err(|e| error(SpecErrorKind::Io(e)))?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            error(SpecErrorKind::Invalid(format!(
                "not JSON (line {}): {e}",
                e.line()
            )))
        })?;
        Ok(Document {
            name: upstream.name.to_owned(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            value,
        })
    }

    fn error(&self, pointer: &str, message: String) -> SpecError {
        SpecError {
            file: self.name.clone().into(),
            pointer: pointer.to_owned(),
            line: None,
            kind: Box::new(SpecErrorKind::Invalid(message)),
        }
    }

    fn components(&self) -> Result<&Map<String, Value>, SpecError> {
        self.value
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .ok_or_else(|| self.error("/components/schemas", "no component schemas".into()))
    }

    /// Every entry under `webhooks`, in the document's order.
    fn entries(&self) -> Result<Vec<Entry>, SpecError> {
        let webhooks = self
            .value
            .get("webhooks")
            .and_then(Value::as_object)
            .ok_or_else(|| self.error("/webhooks", "no webhooks".into()))?;
        let components = self.components()?;
        let mut entries = Vec::new();
        for (key, item) in webhooks {
            let pointer = format!("/webhooks/{key}/post");
            let post = item
                .get("post")
                .ok_or_else(|| self.error(&pointer, "no post operation".into()))?;
            let text = |path: &str| post.pointer(path).and_then(Value::as_str);
            let (Some(event), Some(operation_id), Some(reference)) = (
                text("/x-github/subcategory"),
                text("/operationId"),
                text("/requestBody/content/application~1json/schema/$ref"),
            ) else {
                return Err(self.error(
                    &pointer,
                    "needs x-github.subcategory, operationId and a request body $ref".into(),
                ));
            };
            let schema = reference
                .strip_prefix(COMPONENTS)
                .filter(|name| components.contains_key(*name))
                .ok_or_else(|| {
                    self.error(&pointer, format!("$ref {reference:?} does not resolve"))
                })?;
            let types = post
                .pointer("/x-github/supported-webhook-types")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            entries.push(Entry {
                event: event.to_owned(),
                action: action_of(components, schema, operation_id),
                types,
                schema: schema.to_owned(),
            });
        }
        Ok(entries)
    }
}

/// One event and action of an upstream document.
struct Entry {
    event: String,
    action: Option<String>,
    /// `x-github.supported-webhook-types`.
    types: Vec<String>,
    schema: String,
}

/// The action of a payload schema: the one value its `action` property allows (at the root, or
/// in its first alternative), else the operationId's part after `/` (an action such as
/// `repository_dispatch`'s is free text); none for an event without actions.
fn action_of(components: &Map<String, Value>, schema: &str, operation_id: &str) -> Option<String> {
    let root = components.get(schema)?;
    let first_alternative = root
        .get("oneOf")
        .and_then(|alternatives| alternatives.get(0))
        .and_then(
            |alternative| match alternative.get("$ref").and_then(Value::as_str) {
                Some(reference) => reference
                    .strip_prefix(COMPONENTS)
                    .and_then(|name| components.get(name)),
                None => Some(alternative),
            },
        );
    let declared = [Some(root), first_alternative]
        .into_iter()
        .flatten()
        .find_map(|schema| schema.pointer("/properties/action"));
    if let Some(only) = declared
        .and_then(|action| action.get("enum"))
        .and_then(Value::as_array)
        .filter(|values| values.len() == 1)
        .and_then(|values| values[0].as_str())
    {
        return Some(only.to_owned());
    }
    operation_id
        .split_once('/')
        .map(|(_, action)| action.to_owned())
}

/// The hook kinds of ours an entry's `supported-webhook-types` name.
fn our_kinds(types: &[String]) -> Vec<&'static str> {
    ["organization", "repository", "app"]
        .into_iter()
        .filter(|kind| types.iter().any(|t| t == kind))
        .collect()
}

/// Reads `dotcom` (api.github.com) and, for the events GHES global hooks receive, `ghes`, and
/// returns the text of `spec/webhooks/webhooks.json`.
pub fn import(dotcom: &Upstream<'_>, ghes: &Upstream<'_>) -> Result<String, SpecError> {
    let dotcom = Document::read(dotcom)?;
    let ghes = Document::read(ghes)?;
    let version = dotcom
        .value
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();

    // Events in the description's order, actions in theirs.
    let mut events: Vec<(String, Vec<Value>)> = Vec::new();
    let mut roots = Vec::new();
    for entry in dotcom.entries()? {
        let kinds = our_kinds(&entry.types);
        if kinds.is_empty() {
            continue;
        }
        roots.push(entry.schema.clone());
        push_action(
            &mut events,
            &entry.event,
            action_json(&entry.action, kinds, &entry.schema),
        );
    }
    // GHES global hooks: the events GitHub's GHES pages list for them that the GHES
    // description marks `business`; the api.github.com schema where there is one.
    let mut ghes_roots = Vec::new();
    for entry in ghes.entries()? {
        if !GLOBAL_EVENTS.contains(&entry.event.as_str())
            || !entry.types.iter().any(|t| t == "business")
        {
            continue;
        }
        let existing = events
            .iter_mut()
            .find(|(name, _)| *name == entry.event)
            .and_then(|(_, actions)| {
                actions
                    .iter_mut()
                    .find(|a| a.get("action").and_then(Value::as_str) == entry.action.as_deref())
            });
        match existing {
            Some(action) => {
                if let Some(hooks) = action.get_mut("hooks").and_then(Value::as_array_mut) {
                    hooks.push(json!("global"));
                }
            }
            None => {
                let schema = format!("ghes-{}", entry.schema);
                ghes_roots.push(entry.schema.clone());
                push_action(
                    &mut events,
                    &entry.event,
                    action_json(&entry.action, vec!["global"], &schema),
                );
            }
        }
    }

    let mut schemas = BTreeMap::new();
    collect(dotcom.components()?, &roots, "", &mut schemas);
    collect(ghes.components()?, &ghes_roots, "ghes-", &mut schemas);
    let schemas = share_repeated(schemas);

    let source = json!({
        "package": "@octokit/openapi-webhooks",
        "version": version,
        "files": [
            { "path": dotcom.name, "sha256": dotcom.sha256, "for": "organization, repository and GitHub App hooks" },
            { "path": ghes.name, "sha256": ghes.sha256, "for": "GHES global hooks: the events GLOBAL_EVENTS names that this file marks `business`; schemas from the first file where it has the event and action, else from this one (prefixed `ghes-`)" },
        ],
        "global-events": GLOBAL_EVENTS,
        "note": format!("written by `cargo xtask import-webhooks`; do not edit ({WEBHOOKS_SPEC})"),
    });
    Ok(write(&source, &events, &schemas))
}

fn action_json(action: &Option<String>, kinds: Vec<&str>, schema: &str) -> Value {
    json!({ "action": action, "hooks": kinds, "schema": schema })
}

fn push_action(events: &mut Vec<(String, Vec<Value>)>, event: &str, action: Value) {
    match events.iter_mut().find(|(name, _)| name == event) {
        Some((_, actions)) => actions.push(action),
        None => events.push((event.to_owned(), vec![action])),
    }
}

/// Copies `roots` and every component they reference from `components`, stripped, each named
/// `prefix` + its name (references rewritten to match).
fn collect(
    components: &Map<String, Value>,
    roots: &[String],
    prefix: &str,
    out: &mut BTreeMap<String, Value>,
) {
    let mut pending: Vec<String> = roots.to_vec();
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(schema) = components.get(&name) else {
            continue;
        };
        let mut references = BTreeSet::new();
        let stripped = strip(schema, prefix, &mut references);
        pending.extend(references.into_iter().filter(|r| !seen.contains(r)));
        out.insert(format!("{prefix}{name}"), stripped);
    }
}

/// `schema` without its descriptive keywords; the component names it references go to
/// `references`, and the references themselves are renamed with `prefix`.
fn strip(schema: &Value, prefix: &str, references: &mut BTreeSet<String>) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(alternative) = nullable_all_of(object) {
        let alternative = strip(&alternative, prefix, references);
        return json!({ "anyOf": [{ "type": "null" }, alternative] });
    }
    let mut out = Map::new();
    for (key, value) in object {
        let kept = match key.as_str() {
            k if DESCRIPTIVE.contains(&k) => continue,
            "$ref" => match value.as_str().and_then(|r| r.strip_prefix(COMPONENTS)) {
                Some(name) => {
                    references.insert(name.to_owned());
                    json!(format!("{COMPONENTS}{prefix}{name}"))
                }
                None => value.clone(),
            },
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|properties| {
                        properties
                            .iter()
                            .map(|(name, property)| {
                                (name.clone(), strip(property, prefix, references))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            k if SCHEMA_LISTS.contains(&k) => Value::Array(
                value
                    .as_array()
                    .map(|list| list.iter().map(|s| strip(s, prefix, references)).collect())
                    .unwrap_or_default(),
            ),
            k if SCHEMA_VALUED.contains(&k) => strip(value, prefix, references),
            _ => value.clone(),
        };
        out.insert(key.clone(), kept);
    }
    Value::Object(out)
}

/// What a schema that is `type: ["null"]` beside an `allOf` means: the description's 3.0
/// source said `nullable: true` with `allOf`, and its conversion to 3.1 kept only the `null`,
/// so as written no value fits (null fails the `allOf`, anything else the type). Returns the
/// non-null alternative it meant (the one part, or the `allOf`), to store as
/// `anyOf: [null, it]`.
fn nullable_all_of(object: &Map<String, Value>) -> Option<Value> {
    let only_null = object.get("type") == Some(&json!(["null"]));
    let parts = object.get("allOf").and_then(Value::as_array)?;
    if !only_null {
        return None;
    }
    let mut rest = object.clone();
    rest.remove("type");
    rest.remove("allOf");
    rest.retain(|key, _| !DESCRIPTIVE.contains(&key.as_str()));
    match (parts.as_slice(), rest.is_empty()) {
        ([one], true) => Some(one.clone()),
        _ => {
            rest.insert("allOf".into(), Value::Array(parts.clone()));
            Some(Value::Object(rest))
        }
    }
}

/// The stored text: the source pretty, then one event a line and one schema a line, so that
/// a new upstream version shows as a readable diff.
fn write(
    source: &Value,
    events: &[(String, Vec<Value>)],
    schemas: &BTreeMap<String, Value>,
) -> String {
    let mut out = String::from("{\n  \"source\": ");
    let pretty = serde_json::to_string_pretty(source).unwrap_or_default();
    out.push_str(&pretty.replace('\n', "\n  "));
    out.push_str(",\n  \"events\": [\n");
    let lines: Vec<String> = events
        .iter()
        .map(|(event, actions)| format!("    {}", json!({ "event": event, "actions": actions })))
        .collect();
    out.push_str(&lines.join(",\n"));
    out.push_str("\n  ],\n  \"schemas\": {\n");
    let lines: Vec<String> = schemas
        .iter()
        .map(|(name, schema)| format!("    {}: {schema}", Value::String(name.clone())))
        .collect();
    out.push_str(&lines.join(",\n"));
    out.push_str("\n  }\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_only_type_beside_an_all_of_is_stored_as_null_or_the_all_of() {
        let upstream = json!({
            "type": ["null"],
            "description": "The author.",
            "allOf": [{ "$ref": "#/components/schemas/simple-user" }],
        });
        let mut references = BTreeSet::new();
        assert_eq!(
            strip(&upstream, "", &mut references),
            json!({ "anyOf": [{ "type": "null" }, { "$ref": "#/components/schemas/simple-user" }] })
        );
        assert!(references.contains("simple-user"));
    }

    #[test]
    fn descriptions_go_and_a_member_named_description_stays() {
        let upstream = json!({
            "type": "object",
            "title": "Issue",
            "properties": { "description": { "type": "string", "examples": ["x"] } },
        });
        assert_eq!(
            strip(&upstream, "ghes-", &mut BTreeSet::new()),
            json!({ "type": "object", "properties": { "description": { "type": "string" } } })
        );
    }
}
