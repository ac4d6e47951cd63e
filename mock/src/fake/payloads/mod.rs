//! The payloads of events the fake emits on its own ([`FakeState::emit`](crate::FakeState::emit)):
//! made from GitHub's published schema for the event and action (`spec/webhooks/`, the
//! generated [`WEBHOOK_EVENTS`]), with required members only, and the shared objects —
//! `organization`, `repository`, `sender`, `installation`, `hook`, `hook_id` — filled from the
//! fake's state with ids and URLs on its base URL. The same state and call give the same bytes:
//! nothing is random and every timestamp is [`MADE_AT`].

mod schemas;
mod synth;

use serde_json::{Map, Value, json};

use super::events::{self, Urls};
use super::model::HookKind;
use super::state::StateError;
use crate::table::{WEBHOOK_EVENTS, WebhookAction, webhook_event};

/// Every timestamp of a made payload.
pub(crate) const MADE_AT: &str = "2026-01-01T00:00:00Z";

/// What a made payload is about: where its URLs point, and the organization, repository and
/// installation it names.
#[derive(Debug, Clone)]
pub(crate) struct Scene {
    pub urls: Urls,
    /// Login and id.
    pub organization: Option<(String, u64)>,
    /// `owner/name`, id, and its owner's id.
    pub repository: Option<(String, u64, u64)>,
    /// The installation id (events at a GitHub App).
    pub installation: Option<u64>,
    /// Whether `organization` and `repository` go into the payload wherever its schema
    /// declares them (the event happened there), a value made for the member filled in from
    /// the state where the state's value fits it only in part. Without the flag they still go
    /// wherever the state's value fits the member whole; only that partial filling is left out.
    pub organization_always: bool,
    pub repository_always: bool,
}

/// A hook a payload names (`hook_id`, `hook`): its id and its JSON as the API shows it.
pub(crate) struct HookNamed {
    pub id: u64,
    pub json: Value,
}

/// The action of `event` the fake makes a payload for: `action`, or the event's first in the
/// description's order when none is given; [`StateError::UnknownEvent`] or
/// [`StateError::UnknownAction`] naming the known ones, and
/// [`StateError::EventNotForHookKind`] when hooks of `kind` do not receive it.
pub(crate) fn find(
    event: &str,
    action: Option<&str>,
    kind: HookKind,
) -> Result<&'static WebhookAction, StateError> {
    let Some(found) = webhook_event(event) else {
        let known: Vec<&str> = WEBHOOK_EVENTS.iter().map(|e| e.name).collect();
        return Err(StateError::UnknownEvent {
            event: event.to_owned(),
            known: known.join(", "),
        });
    };
    let chosen = match action {
        None => found.actions.first(),
        Some(action) => found.actions.iter().find(|a| a.action == Some(action)),
    };
    let Some(chosen) = chosen else {
        let known: Vec<&str> = found.actions.iter().filter_map(|a| a.action).collect();
        return Err(StateError::UnknownAction {
            event: event.to_owned(),
            action: action.unwrap_or_default().to_owned(),
            known: if known.is_empty() {
                "none (it has no actions)".to_owned()
            } else {
                known.join(", ")
            },
        });
    };
    let receivers = chosen.receivers;
    let received = match kind {
        HookKind::Organization => receivers.organization,
        HookKind::Repository => receivers.repository,
        HookKind::App => receivers.app,
        HookKind::Global => receivers.global,
    };
    if !received {
        return Err(StateError::EventNotForHookKind {
            event: match chosen.action {
                Some(action) => format!("{event}.{action}"),
                None => event.to_owned(),
            },
            kind: kind_name(kind).to_owned(),
            receivers: receivers.names().join(", "),
        });
    }
    Ok(chosen)
}

fn kind_name(kind: HookKind) -> &'static str {
    match kind {
        HookKind::Organization => "organization",
        HookKind::Repository => "repository",
        HookKind::App => "app",
        HookKind::Global => "global",
    }
}

/// Whether the payload of `action` names the hook it goes to (`hook_id` or `hook`), so that
/// each hook gets its own.
pub(crate) fn names_the_hook(action: &WebhookAction) -> bool {
    schemas::named(action.schema).is_some_and(|schema| {
        let empty = Value::Object(Map::new());
        ["hook_id", "hook"]
            .iter()
            .any(|name| synth::member_schema(schema, &empty, name).is_some())
    })
}

/// The payload of `action` about `scene`, naming `hook` where the schema has one.
pub(crate) fn payload(action: &WebhookAction, scene: &Scene, hook: Option<&HookNamed>) -> Value {
    let Some(schema) = schemas::named(action.schema) else {
        // The generator checks every action's schema exists; keep the emit working anyway.
        return json!({ "action": action.action });
    };
    let style = synth::Style {
        base: &scene.urls.api,
        at: MADE_AT,
    };
    let mut made = synth::make(schema, "", &style, 0);
    let known = known_members(action, scene, hook);
    let always = always_members(scene, hook);
    for name in always {
        if made.get(name).is_some() {
            continue;
        }
        let Some(member) = synth::member_schema(schema, &made, name) else {
            continue;
        };
        if let Value::Object(members) = &mut made {
            members.insert(name.to_owned(), synth::make(member, name, &style, 1));
        }
    }
    synth::fill(schema, made, &Value::Object(known), 0)
}

/// The members of a payload the fake knows from its state.
fn known_members(
    action: &WebhookAction,
    scene: &Scene,
    hook: Option<&HookNamed>,
) -> Map<String, Value> {
    let urls = &scene.urls;
    let mut known = Map::new();
    if let Some(name) = action.action {
        known.insert("action".into(), json!(name));
    }
    if let Some((login, id)) = &scene.organization {
        known.insert(
            "organization".into(),
            events::organization_on(urls, login, *id),
        );
    }
    if let Some((full_name, id, owner_id)) = &scene.repository {
        known.insert(
            "repository".into(),
            events::repository_on(urls, full_name, *id, *owner_id),
        );
    }
    known.insert("sender".into(), events::sender_on(urls));
    if let Some(id) = scene.installation {
        known.insert(
            "installation".into(),
            json!({ "id": id, "node_id": format!("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u{id}") }),
        );
    }
    if let Some(hook) = hook {
        known.insert("hook_id".into(), json!(hook.id));
        known.insert("hook".into(), hook.json.clone());
    }
    known
}

/// The members added whenever the schema declares them, required or not.
fn always_members(scene: &Scene, hook: Option<&HookNamed>) -> Vec<&'static str> {
    let mut always = vec!["sender"];
    if scene.organization_always && scene.organization.is_some() {
        always.push("organization");
    }
    if scene.repository_always && scene.repository.is_some() {
        always.push("repository");
    }
    if scene.installation.is_some() {
        always.push("installation");
    }
    if hook.is_some() {
        always.extend(["hook_id", "hook"]);
    }
    always
}
