//! The in-memory state behind one lock (organizations, hooks, deliveries, faults, recorded
//! requests, id counters) and [`FakeState`], the cloneable handle through which tests seed and
//! inspect it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use time::OffsetDateTime;

use super::app_auth::GitHubApp;
use super::auth::Grants;
use super::config::{FakeConfig, OrgRole, RepoRole, TokenConfig};
use super::delivery::pending::Store;
use super::delivery::send::{Outbox, Policy};
use super::delivery_records::{DeliveryRecords, RecordBounds};
use super::faults::ActiveFault;
use super::github_error::ApiError;
use super::hook_store::HookMap;
use super::journal::Journal;
pub(crate) use super::journal::JournalRecord;
use super::model::{Delivery, Hook, HookKind, HookSeed, LastResponse};
use super::rate_limit::RateWindow;
use crate::table::OperationId;

pub use super::state_error::StateError;

/// An organization and its hooks.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub login: String,
    pub id: u64,
    pub hooks: HookMap,
}

/// A repository and its hooks.
#[derive(Debug, Clone)]
pub(crate) struct Repo {
    /// `owner/name` as first named.
    pub full_name: String,
    pub id: u64,
    pub hooks: HookMap,
}

/// A GitHub App and its one webhook (a map of one, so that it is read and cached as every
/// other hook is).
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub app: GitHubApp,
    pub hook_id: u64,
    pub hooks: HookMap,
}

/// Everything the fake knows; guarded by one mutex.
#[derive(Debug)]
pub(crate) struct State {
    /// None: any token is an owner and a site admin.
    pub tokens: Option<BTreeMap<String, Grants>>,
    pub record_requests: bool,
    /// Whether any organization a client names exists.
    pub any_org: bool,
    /// Keyed by lower-cased login (logins are case-insensitive).
    /// Boxed: a map node of whole organizations is over a kilobyte, an allocation that makes
    /// glibc's malloc sweep its fast bins first; every fake made inserts one.
    pub orgs: BTreeMap<String, Box<Org>>,
    pub global_hooks: HookMap,
    /// GitHub Apps by id.
    pub apps: BTreeMap<u64, App>,
    /// Whether any repository a client names exists.
    pub any_repo: bool,
    /// Keyed by lower-cased `owner/name` (names are case-insensitive).
    pub repos: BTreeMap<String, Repo>,
    pub next_repo_id: u64,
    /// The host GHES clients last addressed the fake by, for `X-GitHub-Enterprise-Host`.
    pub enterprise_host: String,
    /// The base URL clients last addressed the fake by (`http://127.0.0.1:PORT`), where the
    /// URLs of the payloads it makes point; `None` until the first request or server start.
    pub base_url: Option<String>,
    /// Each hook's records, oldest first, bounded per hook and in payload bytes.
    pub deliveries: DeliveryRecords,
    pub next_hook_id: u64,
    pub next_delivery_id: u64,
    pub next_org_id: u64,
    pub faults: BTreeMap<OperationId, ActiveFault>,
    /// Every answered request in arrival order, bounded by count and by bytes.
    pub journal: Journal,
    pub rate_window: RateWindow,
    pub request_counter: u64,
    pub outbox: Outbox,
    /// Overrides the product's delivery timeout.
    pub delivery_timeout: Option<Duration>,
    pub record_bounds: RecordBounds,
    /// Whether payloads carry the re-serialization trap.
    pub signature_traps: bool,
    /// How deliveries are sent, for the outbox a reset or an import starts afresh.
    pub policy: Policy,
    /// The state itself, for the outbox's recording callback.
    pub myself: Weak<Mutex<State>>,
    /// Counts replacements of the whole state (reset, import): a delivery sent before one is
    /// not recorded after it, where its ids may name other hooks and deliveries.
    pub epoch: u64,
    /// Per hook, the first delivery id recorded for it: a reset of its owner alone raises it,
    /// so that deliveries sent before that reset are not recorded after it.
    pub delivery_floor: BTreeMap<u64, u64>,
    /// Outboxes a reset or an import replaced while deliveries were still on their way: kept
    /// until those finish (dropping an outbox stops its thread and cuts them off), and their
    /// records dropped by the epoch check.
    pub retired: Vec<Outbox>,
    /// What a reset goes back to (the state right after start, or as the user marked it).
    pub start: StartState,
}

/// The grants of `tokens` by token, a token listed twice holding the larger of each role;
/// `None` (any token is an owner and a site admin) when there are none.
pub(crate) fn grants_of(tokens: &[TokenConfig]) -> Option<BTreeMap<String, Grants>> {
    if tokens.is_empty() {
        return None;
    }
    let mut map: BTreeMap<String, Grants> = BTreeMap::new();
    for token in tokens {
        let access = map.entry(token.token.clone()).or_insert(Grants {
            org_role: OrgRole::Outsider,
            site_admin: false,
            repo_role: RepoRole::None,
        });
        access.org_role = access.org_role.max(token.org_role);
        access.site_admin |= token.site_admin;
        access.repo_role = access.repo_role.max(token.repo_role);
    }
    Some(map)
}

/// The state a reset goes back to.
#[derive(Debug, Clone)]
pub(crate) enum StartState {
    /// The state right after start, as the configuration and the time the fake was made from
    /// give it: written down only when a reset first needs it (writing it at every start
    /// would double a fake's start-up time).
    MadeFrom(Arc<FakeConfig>, OffsetDateTime),
    /// A document: the start state written down, or one the user marked.
    Document(Arc<crate::generated::control_models::State>),
}

/// A new outbox whose attempts are recorded into the state behind `myself`, as long as no reset
/// or import (a new `epoch`) has replaced the state they were sent from.
pub(crate) fn recording_outbox(myself: Weak<Mutex<State>>, epoch: u64, policy: Policy) -> Outbox {
    Outbox::new(
        Arc::new(move |deliveries: Vec<Delivery>, store: Store| {
            if let Some(state) = myself.upgrade() {
                let mut state = match store {
                    Store::Now => crate::sync::lock(&state),
                    Store::IfFree => match state.try_lock() {
                        Ok(state) => state,
                        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                        Err(std::sync::TryLockError::WouldBlock) => return Some(deliveries),
                    },
                };
                let dropped: Vec<Delivery> = if state.epoch == epoch {
                    deliveries
                        .into_iter()
                        .flat_map(|delivery| state.push_delivery(delivery))
                        .collect()
                } else {
                    deliveries
                };
                drop(state);
                // Freed here, not under the lock the API waits on.
                drop(dropped);
            }
            None
        }),
        policy,
    )
}

impl State {
    /// The state right after start: `config`'s organizations, repositories and apps (their
    /// hooks made at `now`).
    pub(crate) fn new(
        config: &Arc<FakeConfig>,
        myself: Weak<Mutex<State>>,
        now: OffsetDateTime,
    ) -> State {
        let tokens = grants_of(&config.tokens);
        let policy = Policy {
            allow_external: config.allow_external_deliveries,
            log: config.log_deliveries,
            max_pending: config.max_pending_deliveries.max(1),
            max_pending_bytes: config.max_pending_bytes,
        };
        let mut state = State {
            tokens,
            record_requests: config.record_requests,
            any_org: config.any_org,
            orgs: BTreeMap::new(),
            global_hooks: HookMap::default(),
            apps: BTreeMap::new(),
            any_repo: config.any_repo,
            repos: BTreeMap::new(),
            next_repo_id: 1,
            enterprise_host: "localhost".to_owned(),
            base_url: None,
            deliveries: DeliveryRecords::default(),
            next_hook_id: 1,
            next_delivery_id: 1,
            next_org_id: 1,
            faults: BTreeMap::new(),
            journal: Journal::new(
                config.max_recorded_requests,
                config.max_recorded_request_bytes,
            ),
            rate_window: RateWindow::new(config.rate_limit, now),
            request_counter: 0,
            outbox: recording_outbox(myself.clone(), 0, policy.clone()),
            delivery_timeout: config.delivery_timeout,
            record_bounds: RecordBounds {
                per_hook: config.max_deliveries_per_hook.max(1),
                bytes: config.max_stored_delivery_bytes,
            },
            signature_traps: config.signature_traps,
            policy,
            myself,
            epoch: 0,
            delivery_floor: BTreeMap::new(),
            retired: Vec::new(),
            start: StartState::MadeFrom(config.clone(), now),
        };
        for org in &config.orgs {
            state.add_org(org);
        }
        for repo in &config.repos {
            state.add_repo(repo);
        }
        for app in &config.apps {
            state.add_app(app.clone(), HookSeed::new(""), now);
        }
        state
    }

    pub(crate) fn add_org(&mut self, login: &str) -> u64 {
        let key = org_key(login);
        if let Some(org) = self.orgs.get(key.as_ref()) {
            return org.id;
        }
        let key = key.into_owned();
        let id = self.next_org_id;
        self.next_org_id += 1;
        self.orgs.insert(
            key,
            Box::new(Org {
                login: login.to_owned(),
                id,
                hooks: HookMap::default(),
            }),
        );
        id
    }

    /// Organization `login`, or a 404 saying which organizations exist.
    pub(crate) fn org_or_404(&self, login: &str) -> Result<&Org, ApiError> {
        self.org(login).ok_or_else(|| self.unknown_org(login))
    }

    /// The same, to change it.
    pub(crate) fn org_mut_or_404(&mut self, login: &str) -> Result<&mut Org, ApiError> {
        let unknown = self.unknown_org(login);
        self.org_mut(login).ok_or(unknown)
    }

    fn unknown_org(&self, login: &str) -> ApiError {
        unknown(
            "org",
            login,
            self.orgs.values().map(|org| org.login.as_str()),
        )
    }

    pub(crate) fn org(&self, login: &str) -> Option<&Org> {
        self.orgs.get(org_key(login).as_ref()).map(|org| &**org)
    }

    pub(crate) fn org_mut(&mut self, login: &str) -> Option<&mut Org> {
        self.orgs
            .get_mut(org_key(login).as_ref())
            .map(|org| &mut **org)
    }

    /// Adds (or replaces) GitHub App `app` with its one webhook made from `seed`; the hook's id.
    pub(crate) fn add_app(&mut self, app: GitHubApp, seed: HookSeed, now: OffsetDateTime) -> u64 {
        let hook_id = self.take_hook_id();
        let mut hooks = HookMap::default();
        hooks.insert(hook_id, seed.into_hook(hook_id, HookKind::App, now));
        if let Some(old) = self.apps.insert(
            app.id,
            App {
                app,
                hook_id,
                hooks,
            },
        ) {
            self.forget_deliveries(old.hook_id);
        }
        hook_id
    }

    /// The apps, for checking a JWT.
    pub(crate) fn known_apps(&self) -> Vec<GitHubApp> {
        self.apps.values().map(|entry| entry.app.clone()).collect()
    }

    /// Adds repository `full_name` (`owner/name`) unless it exists; its id.
    pub(crate) fn add_repo(&mut self, full_name: &str) -> u64 {
        if let Some(repo) = self.repos.get(org_key(full_name).as_ref()) {
            return repo.id;
        }
        let id = self.next_repo_id;
        self.next_repo_id += 1;
        self.repos.insert(
            full_name.to_lowercase(),
            Repo {
                full_name: full_name.to_owned(),
                id,
                hooks: HookMap::default(),
            },
        );
        id
    }

    pub(crate) fn repo(&self, full_name: &str) -> Option<&Repo> {
        self.repos.get(org_key(full_name).as_ref())
    }

    pub(crate) fn repo_mut(&mut self, full_name: &str) -> Option<&mut Repo> {
        self.repos.get_mut(org_key(full_name).as_ref())
    }

    /// Repository `full_name`, or a 404 saying which repositories exist.
    pub(crate) fn repo_or_404(&self, full_name: &str) -> Result<&Repo, ApiError> {
        self.repo(full_name)
            .ok_or_else(|| self.unknown_repo(full_name))
    }

    /// The same, to change it.
    pub(crate) fn repo_mut_or_404(&mut self, full_name: &str) -> Result<&mut Repo, ApiError> {
        let unknown = self.unknown_repo(full_name);
        self.repo_mut(full_name).ok_or(unknown)
    }

    fn unknown_repo(&self, full_name: &str) -> ApiError {
        let known = self.repos.values().map(|repo| repo.full_name.as_str());
        unknown("repository", full_name, known)
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

    /// Remembers the host a GHES client addressed the fake by (without scheme or port), for
    /// the `X-GitHub-Enterprise-Host` of deliveries.
    pub(crate) fn note_enterprise_host(&mut self, base_url: &str) {
        let authority = base_url
            .split_once("://")
            .map_or(base_url, |(_, rest)| rest);
        let authority = authority.split('/').next().unwrap_or(authority);
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => authority,
        };
        if self.enterprise_host != host {
            self.enterprise_host = host.to_owned();
        }
    }

    /// Remembers the base URL a client addressed the fake by, for the URLs of made payloads.
    pub(crate) fn note_base_url(&mut self, base_url: &str) {
        if self.base_url.as_deref() != Some(base_url) {
            self.base_url = Some(base_url.to_owned());
        }
    }

    /// Removes a hook's deliveries along with it.
    pub(crate) fn forget_deliveries(&mut self, hook_id: u64) {
        // Small next to the request that deletes a hook; freed here rather than carried out.
        drop(self.deliveries.remove(&hook_id));
    }

    /// Stores a delivery record (see [`DeliveryRecords::push`] for the bounds); a record for a
    /// hook deleted meanwhile is dropped. Returns what it dropped, for the caller to free after
    /// releasing the lock.
    #[must_use = "drop what it returns once the lock is released"]
    pub(crate) fn push_delivery(&mut self, delivery: Delivery) -> Vec<Delivery> {
        let floor = self.delivery_floor.get(&delivery.hook_id).copied();
        match self.hook_mut(delivery.hook_id) {
            None => return vec![delivery],
            Some(_) if floor.is_some_and(|floor| delivery.id < floor) => return vec![delivery],
            // A repository hook shows what its last delivery got.
            Some(hook) if hook.kind == HookKind::Repository => {
                hook.last_response = LastResponse::after(&delivery);
            }
            Some(_) => {}
        }
        self.deliveries.push(delivery, self.record_bounds)
    }

    /// The hook `id`, of any kind.
    pub(crate) fn hook(&self, id: u64) -> Option<&Hook> {
        self.global_hooks
            .get(&id)
            .or_else(|| self.orgs.values().find_map(|org| org.hooks.get(&id)))
            .or_else(|| self.repos.values().find_map(|repo| repo.hooks.get(&id)))
            .or_else(|| self.apps.values().find_map(|app| app.hooks.get(&id)))
    }

    /// The same, to change it.
    pub(crate) fn hook_mut(&mut self, id: u64) -> Option<&mut Hook> {
        if self.global_hooks.contains_key(&id) {
            return self.global_hooks.get_mut(&id);
        }
        if let Some(org) = self
            .orgs
            .values_mut()
            .find(|org| org.hooks.contains_key(&id))
        {
            return org.hooks.get_mut(&id);
        }
        if let Some(repo) = self.repos.values_mut().find(|r| r.hooks.contains_key(&id)) {
            return repo.hooks.get_mut(&id);
        }
        self.apps
            .values_mut()
            .find(|app| app.hooks.contains_key(&id))
            .and_then(|app| app.hooks.get_mut(&id))
    }
}

/// The 404 for an unknown `what` (an org, a repository) named `name`, listing the known ones.
fn unknown<'a>(what: &str, name: &str, known: impl Iterator<Item = &'a str>) -> ApiError {
    let known: Vec<&str> = known.collect();
    let known = if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    };
    ApiError::not_found(format!("unknown {what} `{name}` (known: {known})"))
}

/// The key organizations are stored under: the login in lower case (GitHub's logins compare
/// case-insensitively), borrowed when it already is, as on nearly every request.
fn org_key(login: &str) -> std::borrow::Cow<'_, str> {
    if login
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        std::borrow::Cow::Owned(login.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(login)
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
    pub(crate) fn new(config: &Arc<FakeConfig>) -> Self {
        let now = OffsetDateTime::now_utc();
        FakeState {
            inner: Arc::new_cyclic(|myself| Mutex::new(State::new(config, myself.clone(), now))),
        }
    }

    /// How many handles share this state.
    #[cfg(test)]
    pub(crate) fn handles(&self) -> usize {
        Arc::strong_count(&self.inner)
    }

    /// Locks the state; a poisoned lock is recovered, since no update leaves it half-done.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        crate::sync::lock(&self.inner)
    }
}
