//! GitHub's webhook events in the project's own form, `spec/webhooks/webhooks.json` (written
//! by [`import`] from `@octokit/openapi-webhooks`): loading and checking it, and rendering
//! what the fake reads from it — the table of events, actions and the hook kinds that receive
//! each, and the payload schemas as embedded data.

pub mod import;
mod share;

use std::collections::BTreeSet;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{SpecError, SpecErrorKind};

/// The stored webhook description, relative to the repository root.
pub const WEBHOOKS_SPEC: &str = "spec/webhooks/webhooks.json";

/// The events GHES global hooks can subscribe to, as GitHub's GHES pages list them ("Global
/// webhooks can subscribe to the organization, user, repository, team, member, membership,
/// fork, and ping event types", REST API → Enterprise administration → Global webhooks).
pub const GLOBAL_EVENTS: &[&str] = &[
    "organization",
    "user",
    "repository",
    "team",
    "member",
    "membership",
    "fork",
    "ping",
];

/// The hook kinds an action may name.
const HOOK_KINDS: &[&str] = &["organization", "repository", "app", "global"];

/// `spec/webhooks/webhooks.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSpec {
    /// Where it came from (package, version, files and their sha256).
    pub source: Value,
    /// Events in the description's order.
    pub events: Vec<WebhookEvent>,
    /// Payload schemas by component name (OpenAPI 3.1, so JSON Schema 2020-12).
    pub schemas: Map<String, Value>,
}

/// One event and its actions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEvent {
    /// The `X-GitHub-Event` name.
    pub event: String,
    /// In the description's order.
    pub actions: Vec<WebhookAction>,
}

/// One action of an event (or the event itself, when it has none).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookAction {
    /// The payload's `action`; none for an event without actions.
    pub action: Option<String>,
    /// The hook kinds that receive it.
    pub hooks: Vec<String>,
    /// Its payload schema, a key of [`WebhookSpec::schemas`].
    pub schema: String,
}

/// Loads and checks the stored description at `path` (`name` is how errors name it).
pub fn load(path: &Path, name: &str) -> Result<WebhookSpec, SpecError> {
    let error = |pointer: String, kind| SpecError {
        file: name.into(),
        pointer,
        line: None,
        kind: Box::new(kind),
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| error(String::new(), SpecErrorKind::Io(e)))?;
    let spec: WebhookSpec = serde_json::from_str(&text).map_err(|e| {
        error(
            String::new(),
            SpecErrorKind::Shape(format!("line {}: {e}", e.line())),
        )
    })?;
    let mut events = BTreeSet::new();
    for (i, event) in spec.events.iter().enumerate() {
        let pointer = format!("/events/{i}");
        if !events.insert(&event.event) {
            return Err(error(
                pointer,
                SpecErrorKind::Invalid(format!("event {:?} is listed twice", event.event)),
            ));
        }
        let mut actions = BTreeSet::new();
        for (j, action) in event.actions.iter().enumerate() {
            let pointer = format!("{pointer}/actions/{j}");
            if !actions.insert(&action.action) {
                return Err(error(
                    pointer,
                    SpecErrorKind::Invalid(format!("action {:?} is listed twice", action.action)),
                ));
            }
            if action.hooks.is_empty()
                || action
                    .hooks
                    .iter()
                    .any(|h| !HOOK_KINDS.contains(&h.as_str()))
            {
                return Err(error(
                    pointer,
                    SpecErrorKind::Invalid(format!(
                        "hooks must be some of {HOOK_KINDS:?}, not {:?}",
                        action.hooks
                    )),
                ));
            }
            if !spec.schemas.contains_key(&action.schema) {
                return Err(error(
                    pointer,
                    SpecErrorKind::UnresolvedRef(action.schema.clone()),
                ));
            }
        }
    }
    for (name, schema) in &spec.schemas {
        check_references(schema, &spec.schemas).map_err(|reference| {
            error(
                format!("/schemas/{name}"),
                SpecErrorKind::UnresolvedRef(reference),
            )
        })?;
    }
    Ok(spec)
}

/// The first `$ref` in `schema` that names no schema of `schemas`.
fn check_references(schema: &Value, schemas: &Map<String, Value>) -> Result<(), String> {
    match schema {
        Value::Object(object) => {
            if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                let known = reference
                    .strip_prefix("#/components/schemas/")
                    .is_some_and(|name| schemas.contains_key(name));
                if !known {
                    return Err(reference.to_owned());
                }
            }
            object
                .values()
                .try_for_each(|v| check_references(v, schemas))
        }
        Value::Array(list) => list.iter().try_for_each(|v| check_references(v, schemas)),
        _ => Ok(()),
    }
}

/// The Rust table of events (`webhooks.rs`): every event, its actions in order, the hook kinds
/// that receive each and its schema's name, and the schemas embedded from `schemas_file`.
pub fn emit_table(spec: &WebhookSpec, schemas_file: &str) -> TokenStream {
    let events = spec.events.iter().map(|event| {
        let name = &event.event;
        let actions = event.actions.iter().map(|action| {
            let name = match &action.action {
                Some(action) => quote!(::core::option::Option::Some(#action)),
                None => quote!(::core::option::Option::None),
            };
            let has = |kind: &str| action.hooks.iter().any(|h| h == kind);
            let (organization, repository, app, global) = (
                has("organization"),
                has("repository"),
                has("app"),
                has("global"),
            );
            let schema = &action.schema;
            quote! {
                crate::table::WebhookAction {
                    action: #name,
                    receivers: crate::table::Receivers {
                        organization: #organization,
                        repository: #repository,
                        app: #app,
                        global: #global,
                    },
                    schema: #schema,
                }
            }
        });
        quote! {
            crate::table::WebhookEvent { name: #name, actions: &[#(#actions),*] }
        }
    });
    quote! {
        /// Every event our hook kinds receive, in the description's order.
        pub static WEBHOOK_EVENTS: &[crate::table::WebhookEvent] = &[#(#events),*];
        /// The payload schemas by name, as JSON text: `{"schemas": {name: schema}}`.
        pub static WEBHOOK_SCHEMAS: &str = include_str!(#schemas_file);
    }
}

/// The embedded schemas (`webhook_schemas.json`): the header as a member, then one schema a
/// line.
pub fn emit_schemas(spec: &WebhookSpec, header: &str) -> String {
    let mut out = format!(
        "{{\n  \"@generated\": {},\n  \"schemas\": {{\n",
        Value::String(header.to_owned())
    );
    let lines: Vec<String> = spec
        .schemas
        .iter()
        .map(|(name, schema)| format!("    {}: {schema}", Value::String(name.clone())))
        .collect();
    out.push_str(&lines.join(",\n"));
    out.push_str("\n  }\n}\n");
    out
}
