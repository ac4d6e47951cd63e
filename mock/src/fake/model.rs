//! The things the fake stores: hooks and their configuration (with GitHub's defaults, applied
//! here and nowhere else), deliveries, the seeds tests create them from, and recorded requests.

use serde_json::Value;
use time::OffsetDateTime;

/// Which kind of webhook a [`Hook`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookKind {
    /// An organization webhook (`type: Organization`).
    Organization,
    /// A GHES global webhook (`type: Global`).
    Global,
    /// A repository webhook (`type: Repository`).
    Repository,
    /// A GitHub App's one webhook (`type: App`).
    App,
}

/// The events every GitHub App's webhook gets without subscribing to them: GitHub's docs,
/// "Webhook events and payloads", say of `installation` and `installation_repositories` "All
/// GitHub Apps receive this event by default. You cannot manually subscribe to this event", and
/// of `github_app_authorization` "A GitHub App receives this webhook by default and cannot
/// unsubscribe from this event".
pub(crate) const APP_DEFAULT_EVENTS: [&str; 3] = [
    "installation",
    "installation_repositories",
    "github_app_authorization",
];

impl HookKind {
    /// The `type` field GitHub shows.
    pub fn type_name(self) -> &'static str {
        match self {
            HookKind::Organization => "Organization",
            HookKind::Global => "Global",
            HookKind::Repository => "Repository",
            HookKind::App => "App",
        }
    }

    /// Whether a hook of this kind subscribed to `events` gets `event`: when it is among
    /// them, or they include `*`, or (an app's hook) it is one of [`APP_DEFAULT_EVENTS`].
    pub(crate) fn receives(self, events: &[String], event: &str) -> bool {
        events.iter().any(|e| e == event || e == "*")
            || (self == HookKind::App && APP_DEFAULT_EVENTS.contains(&event))
    }

    /// The events a hook of this kind gets when none are given.
    pub fn default_events(self) -> Vec<String> {
        match self {
            HookKind::Organization | HookKind::Repository => vec!["push".to_owned()],
            HookKind::Global => vec!["user".to_owned(), "organization".to_owned()],
            // An app subscribes to events in its settings, not through this API.
            HookKind::App => Vec::new(),
        }
    }
}

/// A webhook's configuration, secret included (responses mask it; this view does not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookConfig {
    /// Where payloads go.
    pub url: String,
    /// `json` or `form`.
    pub content_type: String,
    /// `"0"` (verify TLS) or `"1"`.
    pub insecure_ssl: String,
    /// The HMAC key, if one is set.
    pub secret: Option<String>,
}

impl HookConfig {
    /// GitHub's `content_type` when none is given.
    pub(crate) const DEFAULT_CONTENT_TYPE: &'static str = "form";
    /// GitHub's `insecure_ssl` when none is given.
    pub(crate) const DEFAULT_INSECURE_SSL: &'static str = "0";

    /// A configuration with GitHub's defaults for what is not given (the one place they are
    /// applied, for creates, seeds and global-hook updates alike).
    pub(crate) fn new(
        url: String,
        content_type: Option<String>,
        insecure_ssl: Option<String>,
        secret: Option<String>,
    ) -> HookConfig {
        HookConfig {
            url,
            content_type: content_type.unwrap_or_else(|| Self::DEFAULT_CONTENT_TYPE.to_owned()),
            insecure_ssl: insecure_ssl.unwrap_or_else(|| Self::DEFAULT_INSECURE_SSL.to_owned()),
            secret,
        }
    }
}

/// A stored webhook, as [`FakeState::org_hooks`](crate::FakeState::org_hooks) and [`FakeState::global_hooks`](crate::FakeState::global_hooks) return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// The id (unique across organization and global hooks).
    pub id: u64,
    /// Organization or global.
    pub kind: HookKind,
    /// Always `web`.
    pub name: String,
    /// Whether deliveries are sent.
    pub active: bool,
    /// The events it subscribes to.
    pub events: Vec<String>,
    /// Its configuration.
    pub config: HookConfig,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// What the last delivery got, as a repository hook's `last_response` shows it.
    pub last_response: LastResponse,
}

/// A repository hook's `last_response`: `{"code": null, "status": "unused", "message": null}`
/// until its first delivery, then that delivery's status code and GitHub's word for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LastResponse {
    /// The receiver's status code (none before the first delivery).
    pub code: Option<u16>,
    /// `unused`, `active` after a delivery the receiver accepted, else `failed`.
    pub status: String,
    /// The delivery's outcome in GitHub's words (`OK`, `Invalid HTTP Response: 500`).
    pub message: Option<String>,
}

impl LastResponse {
    /// A hook that has delivered nothing yet.
    pub(crate) fn unused() -> LastResponse {
        LastResponse {
            code: None,
            status: "unused".to_owned(),
            message: None,
        }
    }

    /// After a delivery recorded as `delivery`.
    pub(crate) fn after(delivery: &Delivery) -> LastResponse {
        let accepted = (200..300).contains(&delivery.status_code);
        LastResponse {
            code: Some(delivery.status_code),
            status: if accepted { "active" } else { "failed" }.to_owned(),
            message: Some(delivery.status.clone()),
        }
    }
}

impl Hook {
    /// A hook named `web` with GitHub's defaults for what is not given: active, and the
    /// kind's default events.
    pub(crate) fn new(
        id: u64,
        kind: HookKind,
        active: Option<bool>,
        events: Option<Vec<String>>,
        config: HookConfig,
        now: OffsetDateTime,
    ) -> Hook {
        Hook {
            id,
            kind,
            name: "web".to_owned(),
            active: active.unwrap_or(true),
            events: events.unwrap_or_else(|| kind.default_events()),
            config,
            created_at: now,
            updated_at: now,
            last_response: LastResponse::unused(),
        }
    }

    /// The hook rewritten from an update that resets what it omits to GitHub's defaults (as
    /// global-hook updates do): the same defaults as [`Hook::new`], the id and creation kept.
    pub(crate) fn reset_to(
        &mut self,
        active: Option<bool>,
        events: Option<Vec<String>>,
        config: HookConfig,
        now: OffsetDateTime,
    ) {
        *self = Hook {
            created_at: self.created_at,
            last_response: self.last_response.clone(),
            ..Hook::new(self.id, self.kind, active, events, config, now)
        };
    }
}

/// What to seed a hook with through [`FakeState::insert_org_hook`](crate::FakeState::insert_org_hook) or
/// [`FakeState::insert_global_hook`](crate::FakeState::insert_global_hook); unset fields take GitHub's defaults.
///
/// ```
/// use hookspec_mock::HookSeed;
///
/// let seed = HookSeed::new("https://example.com/hook").events(["issues"]).secret("s3cret");
/// assert_eq!(seed.events, Some(vec!["issues".to_owned()]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookSeed {
    /// `config.url`.
    pub url: String,
    /// `config.content_type` (default `form`).
    pub content_type: Option<String>,
    /// `config.insecure_ssl` (default `"0"`).
    pub insecure_ssl: Option<String>,
    /// `config.secret` (default none).
    pub secret: Option<String>,
    /// `events` (default `["push"]` for organization hooks, `["user","organization"]` for
    /// global hooks).
    pub events: Option<Vec<String>>,
    /// `active` (default true).
    pub active: bool,
}

impl HookSeed {
    /// A seed delivering to `url`, with every other field at its default.
    pub fn new(url: impl Into<String>) -> Self {
        HookSeed {
            url: url.into(),
            content_type: None,
            insecure_ssl: None,
            secret: None,
            events: None,
            active: true,
        }
    }

    /// The seed with these events.
    pub fn events<I, S>(mut self, events: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.events = Some(events.into_iter().map(Into::into).collect());
        self
    }

    /// The seed with a secret.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// The seed with a content type (`json` or `form`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The seed, active or not.
    pub fn active(mut self, active: bool) -> Self {
        self.active = active;
        self
    }

    pub(crate) fn into_hook(self, id: u64, kind: HookKind, now: OffsetDateTime) -> Hook {
        Hook::new(
            id,
            kind,
            Some(self.active),
            self.events,
            HookConfig::new(self.url, self.content_type, self.insecure_ssl, self.secret),
            now,
        )
    }
}

/// One recorded delivery of a hook, as GitHub shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The delivery id (grows with time across all hooks).
    pub id: u64,
    /// The hook it belongs to.
    pub hook_id: u64,
    /// The `X-GitHub-Delivery` GUID (a redelivery keeps the original's).
    pub guid: String,
    /// When it was delivered.
    pub delivered_at: OffsetDateTime,
    /// Whether it is a redelivery.
    pub redelivery: bool,
    /// Seconds the delivery took.
    pub duration: f64,
    /// The outcome as GitHub words it (`OK`, `Invalid HTTP Response: 500`).
    pub status: String,
    /// The receiver's status code.
    pub status_code: u16,
    /// The event (`ping`, `issues`).
    pub event: String,
    /// The event's action, if any.
    pub action: Option<String>,
    /// The GitHub App installation, if any.
    pub installation_id: Option<u64>,
    /// The repository, if any.
    pub repository_id: Option<u64>,
    /// When it was throttled, if it was.
    pub throttled_at: Option<OffsetDateTime>,
    /// The URL it was delivered to.
    pub url: String,
    /// The request headers sent (with `X-Hub-Signature-256` when the hook has a secret).
    pub request_headers: super::DeliveryHeaders,
    /// The payload sent: its JSON text, which reads as a `serde_json::Value`
    /// (`delivery.request_payload["hook_id"]`).
    pub request_payload: super::payload::Payload,
    /// The receiver's response headers.
    pub response_headers: super::DeliveryHeaders,
    /// The receiver's response body.
    pub response_payload: String,
}

/// What to seed a delivery with through [`FakeState::insert_delivery`](crate::FakeState::insert_delivery); any status code will
/// do, so that the `status` filter can be exercised.
///
/// ```
/// use hookspec_mock::DeliverySeed;
///
/// let failed = DeliverySeed::new("issues").action("opened").status_code(500);
/// assert_eq!(failed.status_code, 500);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySeed {
    /// The event.
    pub event: String,
    /// The action (default none).
    pub action: Option<String>,
    /// The receiver's status code (default 200).
    pub status_code: u16,
    /// Whether it is a redelivery (default false).
    pub redelivery: bool,
    /// The installation id (default none).
    pub installation_id: Option<u64>,
    /// The repository id (default none).
    pub repository_id: Option<u64>,
    /// The payload (default `{}`).
    pub payload: Value,
}

impl DeliverySeed {
    /// A successful (200) delivery of `event` with an empty payload.
    pub fn new(event: impl Into<String>) -> Self {
        DeliverySeed {
            event: event.into(),
            action: None,
            status_code: 200,
            redelivery: false,
            installation_id: None,
            repository_id: None,
            payload: Value::Object(Default::default()),
        }
    }

    /// The seed with an action.
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// The seed with the receiver's status code.
    pub fn status_code(mut self, status_code: u16) -> Self {
        self.status_code = status_code;
        self
    }

    /// The seed marked as a redelivery or not.
    pub fn redelivery(mut self, redelivery: bool) -> Self {
        self.redelivery = redelivery;
        self
    }

    /// The seed with a repository id.
    pub fn repository_id(mut self, repository_id: u64) -> Self {
        self.repository_id = Some(repository_id);
        self
    }

    /// The seed with a payload.
    pub fn payload(mut self, payload: Value) -> Self {
        self.payload = payload;
        self
    }
}

/// A request the fake routed to an operation, as [`FakeState::requests`](crate::FakeState::requests) returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The path as sent (with any `/api/v3` prefix).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The headers as received.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: Vec<u8>,
    /// The status the fake answered with.
    pub status: u16,
    /// Why the fake answered a 4xx, in plain words.
    pub reason: Option<String>,
}

impl RecordedRequest {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_hook_gets_the_installation_events_without_subscribing() {
        let none: Vec<String> = Vec::new();
        for event in APP_DEFAULT_EVENTS {
            assert!(HookKind::App.receives(&none, event), "{event}");
            assert!(!HookKind::Organization.receives(&none, event), "{event}");
        }
        assert!(!HookKind::App.receives(&none, "issues"));
        assert!(HookKind::App.receives(&["issues".to_owned()], "issues"));
        assert!(HookKind::Repository.receives(&["*".to_owned()], "installation"));
    }
}
