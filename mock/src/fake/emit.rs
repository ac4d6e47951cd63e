//! One way to emit an event to any kind of hook: [`EventSource`] names where the event
//! happens (an organization, a repository, a GitHub App, the GHES instance), and
//! [`FakeState::emit`] / [`FakeState::emit_with`] send it to every hook there that subscribes
//! to it, with a payload the fake makes or the caller gives.

use serde_json::{Value, json};

use super::state::{FakeState, StateError};

/// Where an event happens, and so which hooks get it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventSource {
    /// An organization's hooks, by login.
    Org(String),
    /// A repository's hooks, by `owner/name`.
    Repo(String),
    /// A GitHub App's webhook, by app id.
    App(u64),
    /// The GHES global hooks.
    Global,
}

impl EventSource {
    /// An organization, by login.
    pub fn org(login: impl Into<String>) -> Self {
        EventSource::Org(login.into())
    }

    /// A repository, by `owner/name`.
    pub fn repo(full_name: impl Into<String>) -> Self {
        EventSource::Repo(full_name.into())
    }
}

impl FakeState {
    /// Emits `event` (with `action`, for events that have actions) at `source` with a payload
    /// the fake makes from its state; the ids of the deliveries, one per hook reached.
    pub fn emit(
        &self,
        source: &EventSource,
        event: &str,
        action: Option<&str>,
    ) -> Result<Vec<u64>, StateError> {
        let payload = match action {
            Some(action) => json!({ "action": action }),
            None => json!({}),
        };
        self.emit_with(source, event, payload)
    }

    /// Emits `event` at `source` with `payload` sent as given; the ids of the deliveries.
    pub fn emit_with(
        &self,
        source: &EventSource,
        event: &str,
        payload: Value,
    ) -> Result<Vec<u64>, StateError> {
        match source {
            EventSource::Org(login) => self.emit_org_event(login, event, payload),
            EventSource::Repo(full_name) => self.emit_repo_event(full_name, event, payload),
            EventSource::App(app_id) => self.emit_app_event(*app_id, event, payload),
            EventSource::Global => Ok(self.emit_global_event(event, payload)),
        }
    }
}
