//! The types of the generated webhook table ([`WEBHOOK_EVENTS`]): every event GitHub's
//! published webhook description (`spec/webhooks/webhooks.json`) has for our hook kinds, its
//! actions in the description's order, and which hook kinds receive each.

pub use crate::generated::webhooks::WEBHOOK_EVENTS;

/// One event of [`WEBHOOK_EVENTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The `X-GitHub-Event` name.
    pub name: &'static str,
    /// Its actions in the description's order; one with no name for an event without actions.
    pub actions: &'static [WebhookAction],
}

/// One action of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookAction {
    /// The payload's `action`; `None` for an event without actions (`push`, `create`).
    pub action: Option<&'static str>,
    /// The hook kinds that receive it.
    pub receivers: Receivers,
    /// The name of its payload schema.
    pub schema: &'static str,
}

/// Which hook kinds receive an event: the description's `x-github.supported-webhook-types`
/// (`organization`, `repository`, `app`), and for GHES global hooks the rule spec/README.md
/// states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receivers {
    /// Organization hooks.
    pub organization: bool,
    /// Repository hooks.
    pub repository: bool,
    /// A GitHub App's webhook.
    pub app: bool,
    /// GHES global hooks.
    pub global: bool,
}

impl Receivers {
    /// The names of the hook kinds that receive it, in a fixed order.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.organization, "organization"),
            (self.repository, "repository"),
            (self.app, "app"),
            (self.global, "global"),
        ]
        .into_iter()
        .filter_map(|(yes, name)| yes.then_some(name))
        .collect()
    }
}

/// The event named `name`, if the description has it.
pub fn webhook_event(name: &str) -> Option<&'static WebhookEvent> {
    WEBHOOK_EVENTS.iter().find(|event| event.name == name)
}

/// The payload schemas by name, as the JSON text `{"schemas": {name: schema}}` (JSON Schema
/// 2020-12, references as `#/components/schemas/<name>`).
pub fn webhook_schemas_json() -> &'static str {
    crate::generated::webhooks::WEBHOOK_SCHEMAS
}
