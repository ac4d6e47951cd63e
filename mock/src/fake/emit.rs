//! One way to emit an event to any kind of hook: [`EventSource`] names where the event
//! happens (an organization, a repository, a GitHub App, the GHES instance), and
//! [`FakeState::emit`] / [`FakeState::emit_with`] send it to every hook there that subscribes
//! to it, with a payload the fake makes ([`super::payloads`]) or the caller gives.

use std::collections::HashMap;

use serde_json::Value;

use super::delivery::Target;
use super::events::Urls;
use super::model::{Hook, HookKind};
use super::payload::Payload;
use super::payloads::{self, HookNamed, Scene};
use super::render;
use super::state::{FakeState, State, StateError};
use crate::table::{Access, OPERATIONS, Product};

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

    /// The kind of hook that lives here.
    fn kind(&self) -> HookKind {
        match self {
            EventSource::Org(_) => HookKind::Organization,
            EventSource::Repo(_) => HookKind::Repository,
            EventSource::App(_) => HookKind::App,
            EventSource::Global => HookKind::Global,
        }
    }
}

/// The installation id of GitHub App `app_id`'s events: the fake has one installation per app.
fn installation_id(app_id: u64) -> u64 {
    100_000 + app_id
}

/// The hooks at a source, who owns them (name and id), and the product they are managed
/// through (for the delivery timeout and the API base of a hook's JSON).
struct Resolved {
    kind: HookKind,
    owner: Option<(String, u64)>,
    hooks: Vec<Hook>,
    product: Product,
}

impl State {
    /// The hooks at `source`; an unknown organization is added when any organization exists,
    /// likewise a repository.
    fn resolve(&mut self, source: &EventSource) -> Result<Resolved, StateError> {
        let (owner, hooks, access) = match source {
            EventSource::Org(login) => {
                if self.any_org {
                    self.add_org(login);
                }
                let org = self
                    .org(login)
                    .ok_or_else(|| StateError::UnknownOrg(login.clone()))?;
                let hooks = org.hooks.values().cloned().collect();
                (
                    Some((org.login.clone(), org.id)),
                    hooks,
                    Access::OrganizationOwner,
                )
            }
            EventSource::Repo(full_name) => {
                if self.any_repo {
                    self.add_repo(full_name);
                }
                let repo = self
                    .repo(full_name)
                    .ok_or_else(|| StateError::UnknownRepo(full_name.clone()))?;
                let hooks = repo.hooks.values().cloned().collect();
                (
                    Some((repo.full_name.clone(), repo.id)),
                    hooks,
                    Access::RepositoryAdmin,
                )
            }
            EventSource::App(app_id) => {
                let app = self
                    .apps
                    .get(app_id)
                    .ok_or(StateError::UnknownApp(*app_id))?;
                let hooks = app.hooks.values().cloned().collect();
                (Some((app_id.to_string(), *app_id)), hooks, Access::App)
            }
            EventSource::Global => (
                None,
                self.global_hooks.values().cloned().collect(),
                Access::SiteAdmin,
            ),
        };
        Ok(Resolved {
            kind: source.kind(),
            owner,
            hooks,
            product: home_product(access),
        })
    }

    /// Sends `event` to every active hook in `resolved` subscribed to it (or to `*`), each with
    /// the payload `make` gives for it: its text, and the value the record's action,
    /// installation and repository are read from.
    fn fan_out_each<'v>(
        &mut self,
        resolved: &Resolved,
        event: &str,
        mut make: impl FnMut(&Hook) -> (Payload, Option<&'v Value>),
    ) -> Vec<u64> {
        let target = Target {
            kind: resolved.kind,
            owner: resolved.owner.as_ref().map(|(name, _)| name.as_str()),
            owner_id: resolved.owner.as_ref().map(|(_, id)| *id),
        };
        resolved
            .hooks
            .iter()
            .filter(|hook| hook.kind.receives(&hook.events, event))
            .filter_map(|hook| {
                let (payload, value) = make(hook);
                self.deliver(hook, &target, event, payload, value, resolved.product)
            })
            .collect()
    }

    /// What a made payload at `source` is about: the source itself, and where the schema
    /// requires an organization or repository elsewhere, the state's (the first organization,
    /// a repository of the organization).
    fn scene(&mut self, source: &EventSource, resolved: &Resolved) -> Scene {
        let urls = Urls::on(self.base_url.as_deref().unwrap_or("http://localhost"));
        let mut scene = Scene {
            urls,
            organization: None,
            repository: None,
            installation: None,
            organization_always: false,
            repository_always: false,
        };
        match (source, &resolved.owner) {
            (EventSource::Repo(_), Some((full_name, id))) => {
                let owner = full_name
                    .split_once('/')
                    .map_or(full_name.as_str(), |(o, _)| o);
                if self.any_org {
                    self.add_org(owner);
                }
                scene.organization = self.org(owner).map(|org| (org.login.clone(), org.id));
                let owner_id = scene
                    .organization
                    .as_ref()
                    .map_or(*id, |(_, org_id)| *org_id);
                scene.repository = Some((full_name.clone(), *id, owner_id));
                scene.organization_always = true;
                scene.repository_always = true;
            }
            (EventSource::Org(_), Some((login, id))) => {
                scene.organization = Some((login.clone(), *id));
                scene.repository = self.repository_of(login, *id);
                scene.organization_always = true;
            }
            _ => {
                scene.organization = self
                    .orgs
                    .values()
                    .next()
                    .map(|org| (org.login.clone(), org.id));
                if let Some((login, id)) = scene.organization.clone() {
                    scene.repository = self.repository_of(&login, id);
                }
                if let EventSource::App(app_id) = source {
                    scene.installation = Some(installation_id(*app_id));
                }
            }
        }
        scene
    }

    /// A repository of organization `login` (id `org_id`): the first the state has, else
    /// `{login}/hookspec`, added when any repository exists.
    fn repository_of(&mut self, login: &str, org_id: u64) -> Option<(String, u64, u64)> {
        let prefix = format!("{}/", login.to_ascii_lowercase());
        let existing = self
            .repos
            .iter()
            .find(|(key, _)| key.starts_with(&prefix))
            .map(|(_, repo)| (repo.full_name.clone(), repo.id, org_id));
        if existing.is_some() {
            return existing;
        }
        let full_name = format!("{login}/hookspec");
        if self.any_repo {
            let id = self.add_repo(&full_name);
            return Some((full_name, id, org_id));
        }
        None
    }
}

impl FakeState {
    /// Emits `event` (with `action`, for events that have actions) at `source` with a payload
    /// the fake makes from GitHub's published schema for it and from its state; the ids of the
    /// deliveries, one per active hook there subscribed to `event` (or `*`).
    ///
    /// The payload has the schema's required members, and `organization` (the one emitted at,
    /// or the repository's owner), `repository`, `sender`, `installation` (at an app) and, for
    /// events such as `ping` and `meta` that name a hook, `hook_id` and `hook` (each hook gets
    /// its own), with ids and URLs on the fake's base URL. The same state and call give the
    /// same payload: every timestamp is `2026-01-01T00:00:00Z` and nothing is random.
    ///
    /// With no `action`, an event that has actions gets its first in the description's order
    /// (`issues` → `assigned`). Errors: [`StateError::UnknownEvent`] and
    /// [`StateError::UnknownAction`] name the known ones; [`StateError::EventNotForHookKind`]
    /// when hooks of this kind never receive the event (`installation` at an organization)
    /// — send such a payload anyway with [`emit_with`](Self::emit_with); and the unknown
    /// owner errors.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use hookspec_mock::{EventSource, FakeGitHub, HookSeed, Receiver};
    ///
    /// let fake = FakeGitHub::start().await;
    /// let receiver = Receiver::start().await?;
    /// fake.state().insert_org_hook("acme", HookSeed::new(receiver.url()).events(["issues"]));
    /// fake.state().emit(&EventSource::org("acme"), "issues", Some("opened"))?;
    /// fake.state().wait_for_deliveries(std::time::Duration::from_secs(5)).await?;
    /// let body = receiver.received()[0].payload().unwrap_or_default();
    /// assert_eq!(body["action"], "opened");
    /// assert_eq!(body["organization"]["login"], "acme");
    /// # Ok(())
    /// # }
    /// ```
    pub fn emit(
        &self,
        source: &EventSource,
        event: &str,
        action: Option<&str>,
    ) -> Result<Vec<u64>, StateError> {
        let found = payloads::find(event, action, source.kind())?;
        let (resolved, scene) = {
            let mut state = self.lock();
            let resolved = state.resolve(source)?;
            let scene = state.scene(source, &resolved);
            (resolved, scene)
        };
        // Made outside the lock: API calls meanwhile need not wait for the payload.
        if !payloads::names_the_hook(found) {
            // One payload for every hook.
            let value = payloads::payload(found, &scene, None);
            let text = text_of(&value);
            let mut state = self.lock();
            return Ok(state.fan_out_each(&resolved, event, |_| (text.clone(), Some(&value))));
        }
        // A payload per receiving hook, naming it: its text, and the value it was written from.
        let api_base = format!("{}{}", scene.urls.api, resolved.product.path_prefix());
        let login = resolved.owner.as_ref().map(|(name, _)| name.as_str());
        let made: HashMap<u64, (Payload, Value)> = resolved
            .hooks
            .iter()
            .filter(|hook| hook.active && hook.kind.receives(&hook.events, event))
            .map(|hook| {
                let json = serde_json::to_value(render::hook_view(hook, &api_base, login))
                    .unwrap_or_default();
                let named = HookNamed { id: hook.id, json };
                let value = payloads::payload(found, &scene, Some(&named));
                (hook.id, (text_of(&value), value))
            })
            .collect();
        let mut state = self.lock();
        // Every active hook that receives the event has its payload; the others are not sent.
        Ok(state.fan_out_each(&resolved, event, |hook| {
            made.get(&hook.id)
                .map_or((Payload::empty(), None), |(text, value)| {
                    (text.clone(), Some(value))
                })
        }))
    }

    /// Emits `event` at `source` with `payload` sent as given; the ids of the deliveries.
    pub fn emit_with(
        &self,
        source: &EventSource,
        event: &str,
        payload: Value,
    ) -> Result<Vec<u64>, StateError> {
        let mut state = self.lock();
        let resolved = state.resolve(source)?;
        let text = text_of(&payload);
        Ok(state.fan_out_each(&resolved, event, |_| (text.clone(), Some(&payload))))
    }
}

/// A payload's text alone: the records keep it, and a parsed tree kept beside it would weigh
/// several times the text in each of them (a test that looks at a payload parses it once then).
fn text_of(value: &Value) -> Payload {
    Payload::from_json_text(value.to_string())
}

/// The product whose operations of `access` a hook of that kind is managed through (org
/// hooks: the first product of the org-hook operations; global hooks: of the global ones),
/// for the delivery timeout of events emitted outside any request.
pub(crate) fn home_product(access: Access) -> Product {
    OPERATIONS
        .iter()
        .find(|op| op.access == access)
        .and_then(|op| op.products.first().copied())
        .unwrap_or(Product::Dotcom)
}
