//! The in-memory state (organizations, hooks, deliveries, faults, recorded requests) and
//! [`FakeState`], the cloneable handle through which tests seed and inspect it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use time::OffsetDateTime;

use super::config::{FakeConfig, OrgRole};
use super::delivery;
use super::errors::StateError;
use super::faults::Fault;
use super::routes::OPERATION_IDS;

/// Which kind of webhook a [`Hook`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookKind {
    /// An organization webhook (`type: Organization`).
    Organization,
    /// A GHES global webhook (`type: Global`).
    Global,
}

impl HookKind {
    /// The `type` field GitHub shows.
    pub fn type_name(self) -> &'static str {
        match self {
            HookKind::Organization => "Organization",
            HookKind::Global => "Global",
        }
    }

    /// The events a hook of this kind gets when none are given.
    pub fn default_events(self) -> Vec<String> {
        match self {
            HookKind::Organization => vec!["push".to_owned()],
            HookKind::Global => vec!["user".to_owned(), "organization".to_owned()],
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

/// A stored webhook, as [`FakeState::org_hooks`] and [`FakeState::global_hooks`] return it.
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
}

/// What to seed a hook with through [`FakeState::insert_org_hook`] or
/// [`FakeState::insert_global_hook`]; unset fields take GitHub's defaults.
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
        Hook {
            id,
            kind,
            name: "web".to_owned(),
            active: self.active,
            events: self.events.unwrap_or_else(|| kind.default_events()),
            config: HookConfig {
                url: self.url,
                content_type: self.content_type.unwrap_or_else(|| "form".to_owned()),
                insecure_ssl: self.insecure_ssl.unwrap_or_else(|| "0".to_owned()),
                secret: self.secret,
            },
            created_at: now,
            updated_at: now,
        }
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
    pub request_headers: BTreeMap<String, String>,
    /// The payload sent.
    pub request_payload: Value,
    /// The receiver's response headers.
    pub response_headers: BTreeMap<String, String>,
    /// The receiver's response body.
    pub response_payload: String,
}

/// What to seed a delivery with through [`FakeState::insert_delivery`]; any status code will
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

/// A request the fake routed to an operation, as [`FakeState::requests`] returns it.
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
}

impl RecordedRequest {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Access {
    pub org_role: OrgRole,
    pub site_admin: bool,
}

/// An organization and its hooks.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub login: String,
    pub id: u64,
    pub hooks: BTreeMap<u64, Hook>,
}

/// A fault and how many more times it fires.
#[derive(Debug, Clone)]
pub(crate) struct ActiveFault {
    pub fault: Fault,
}

/// Everything the fake knows; guarded by one mutex.
#[derive(Debug)]
pub(crate) struct State {
    /// None: any token is an owner and a site admin.
    pub tokens: Option<BTreeMap<String, Access>>,
    pub record_requests: bool,
    pub rate_limit: u32,
    /// Keyed by lower-cased login (logins are case-insensitive).
    pub orgs: BTreeMap<String, Org>,
    pub global_hooks: BTreeMap<u64, Hook>,
    /// Oldest first; ids grow, so each list is sorted by id.
    pub deliveries: BTreeMap<u64, Vec<Delivery>>,
    pub next_hook_id: u64,
    pub next_delivery_id: u64,
    pub next_org_id: u64,
    pub faults: BTreeMap<&'static str, ActiveFault>,
    pub requests: BTreeMap<&'static str, Vec<RecordedRequest>>,
    /// Requests counted per token in the current rate-limit window.
    pub rate_used: BTreeMap<String, u32>,
    pub rate_window_reset: i64,
    pub request_counter: u64,
}

impl State {
    pub(crate) fn new(config: &FakeConfig) -> State {
        let tokens = (!config.tokens.is_empty()).then(|| {
            let mut map: BTreeMap<String, Access> = BTreeMap::new();
            for token in &config.tokens {
                let access = map.entry(token.token.clone()).or_insert(Access {
                    org_role: OrgRole::Outsider,
                    site_admin: false,
                });
                access.org_role = access.org_role.max(token.org_role);
                access.site_admin |= token.site_admin;
            }
            map
        });
        let mut state = State {
            tokens,
            record_requests: config.record_requests,
            rate_limit: config.rate_limit.max(1),
            orgs: BTreeMap::new(),
            global_hooks: BTreeMap::new(),
            deliveries: BTreeMap::new(),
            next_hook_id: 1,
            next_delivery_id: 1,
            next_org_id: 1,
            faults: BTreeMap::new(),
            requests: BTreeMap::new(),
            rate_used: BTreeMap::new(),
            rate_window_reset: OffsetDateTime::now_utc().unix_timestamp() + 3600,
            request_counter: 0,
        };
        for org in &config.orgs {
            state.add_org(org);
        }
        state
    }

    pub(crate) fn add_org(&mut self, login: &str) -> u64 {
        let key = login.to_lowercase();
        if let Some(org) = self.orgs.get(&key) {
            return org.id;
        }
        let id = self.next_org_id;
        self.next_org_id += 1;
        self.orgs.insert(
            key,
            Org {
                login: login.to_owned(),
                id,
                hooks: BTreeMap::new(),
            },
        );
        id
    }

    pub(crate) fn org(&self, login: &str) -> Option<&Org> {
        self.orgs.get(&login.to_lowercase())
    }

    pub(crate) fn org_mut(&mut self, login: &str) -> Option<&mut Org> {
        self.orgs.get_mut(&login.to_lowercase())
    }

    pub(crate) fn take_hook_id(&mut self) -> u64 {
        let id = self.next_hook_id;
        self.next_hook_id += 1;
        id
    }

    pub(crate) fn take_delivery_id(&mut self) -> u64 {
        let id = self.next_delivery_id;
        self.next_delivery_id += 1;
        id
    }

    /// Removes a hook's deliveries along with it.
    pub(crate) fn forget_deliveries(&mut self, hook_id: u64) {
        self.deliveries.remove(&hook_id);
    }

    pub(crate) fn push_delivery(&mut self, delivery: Delivery) {
        self.deliveries
            .entry(delivery.hook_id)
            .or_default()
            .push(delivery);
    }
}

/// A cloneable handle on a fake's state, to seed and inspect it from a test.
///
/// Every method takes the state's lock briefly; none panics.
#[derive(Debug, Clone)]
pub struct FakeState {
    inner: Arc<Mutex<State>>,
}

impl FakeState {
    pub(crate) fn new(config: &FakeConfig) -> Self {
        FakeState {
            inner: Arc::new(Mutex::new(State::new(config))),
        }
    }

    /// Locks the state; a poisoned lock is recovered, since no update leaves it half-done.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds an organization (logins are case-insensitive; adding one twice changes nothing)
    /// and returns its id.
    pub fn add_org(&self, login: &str) -> u64 {
        self.lock().add_org(login)
    }

    /// The logins of every organization, sorted case-insensitively.
    pub fn orgs(&self) -> Vec<String> {
        self.lock()
            .orgs
            .values()
            .map(|org| org.login.clone())
            .collect()
    }

    /// Stores an organization hook as if it had been created through the API (adding the
    /// organization if it does not exist yet) and returns its id.
    pub fn insert_org_hook(&self, org: &str, seed: HookSeed) -> u64 {
        let mut state = self.lock();
        state.add_org(org);
        let id = state.take_hook_id();
        let hook = seed.into_hook(id, HookKind::Organization, OffsetDateTime::now_utc());
        if let Some(org) = state.org_mut(org) {
            org.hooks.insert(id, hook);
        }
        id
    }

    /// The hooks of `org`, oldest first (empty for an unknown organization).
    pub fn org_hooks(&self, org: &str) -> Vec<Hook> {
        self.lock()
            .org(org)
            .map(|org| org.hooks.values().cloned().collect())
            .unwrap_or_default()
    }

    /// One hook of `org`, if it exists.
    pub fn org_hook(&self, org: &str, id: u64) -> Option<Hook> {
        self.lock()
            .org(org)
            .and_then(|org| org.hooks.get(&id).cloned())
    }

    /// Stores a global hook and returns its id.
    pub fn insert_global_hook(&self, seed: HookSeed) -> u64 {
        let mut state = self.lock();
        let id = state.take_hook_id();
        let hook = seed.into_hook(id, HookKind::Global, OffsetDateTime::now_utc());
        state.global_hooks.insert(id, hook);
        id
    }

    /// Every global hook, oldest first.
    pub fn global_hooks(&self) -> Vec<Hook> {
        self.lock().global_hooks.values().cloned().collect()
    }

    /// Records a delivery for hook `hook_id` (organization or global), delivered now, and
    /// returns its id.
    pub fn insert_delivery(&self, hook_id: u64, seed: DeliverySeed) -> Result<u64, StateError> {
        let mut state = self.lock();
        let hook_url = state
            .global_hooks
            .get(&hook_id)
            .or_else(|| state.orgs.values().find_map(|org| org.hooks.get(&hook_id)))
            .map(|hook| hook.config.url.clone())
            .ok_or(StateError::UnknownHook(hook_id))?;
        let id = state.take_delivery_id();
        let delivery = delivery::from_seed(id, hook_id, hook_url, seed);
        state.push_delivery(delivery);
        Ok(id)
    }

    /// The deliveries of hook `hook_id`, oldest first.
    pub fn deliveries(&self, hook_id: u64) -> Vec<Delivery> {
        self.lock()
            .deliveries
            .get(&hook_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Makes the operation `operation_id` (one of [`OPERATION_IDS`]) misbehave, replacing any
    /// fault it had.
    pub fn inject_fault(&self, operation_id: &str, fault: Fault) -> Result<(), StateError> {
        let id = OPERATION_IDS
            .iter()
            .find(|id| **id == operation_id)
            .ok_or_else(|| StateError::UnknownOperation(operation_id.to_owned()))?;
        if let Some(status) = fault.status_code()
            && !(100..=599).contains(&status)
        {
            return Err(StateError::InvalidStatus(status));
        }
        self.lock().faults.insert(id, ActiveFault { fault });
        Ok(())
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// The requests routed to `operation_id` so far, oldest first (empty when
    /// [`FakeConfig::record_requests`] is off).
    pub fn requests(&self, operation_id: &str) -> Vec<RecordedRequest> {
        self.lock()
            .requests
            .get(operation_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Forgets every recorded request.
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }
}
