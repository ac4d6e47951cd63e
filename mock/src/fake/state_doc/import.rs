//! A state document read into the state's own parts, checked field by field: ids and timestamps
//! left out are filled in (ids from the counters, times with the import's), GitHub's defaults
//! applied through the model's one place for them, and every refusal names the field's path.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{StateDocument, StateDocumentError};
use crate::fake::app_auth::GitHubApp;
use crate::fake::auth::Grants;
use crate::fake::config::{OrgRole, RepoRole};
use crate::fake::delivery::{self, send::Policy};
use crate::fake::hook_store::HookMap;
use crate::fake::model::{Delivery, DeliverySeed, Hook, HookConfig, HookKind, LastResponse};
use crate::fake::payload::Payload;
use crate::fake::state::{App, Org, Repo, State, outbox};
use crate::generated::control_models as doc;

/// What a document replaces.
pub(crate) struct Imported {
    any_org: Option<bool>,
    any_repo: Option<bool>,
    pub(super) orgs: BTreeMap<String, Org>,
    pub(super) repos: BTreeMap<String, Repo>,
    pub(super) apps: BTreeMap<u64, App>,
    global_hooks: HookMap,
    deliveries: BTreeMap<u64, VecDeque<Delivery>>,
    /// `None`: keep the tokens; `Some(None)`: any token.
    tokens: Option<Option<BTreeMap<String, Grants>>>,
    next: Counters,
}

#[derive(Clone, Copy)]
struct Counters {
    org: u64,
    repo: u64,
    hook: u64,
    delivery: u64,
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> StateDocumentError {
    StateDocumentError {
        path: path.into(),
        line: None,
        column: None,
        message: message.into(),
    }
}

/// A non-negative id.
fn id(path: &str, value: i64) -> Result<u64, StateDocumentError> {
    u64::try_from(value).map_err(|_| invalid(path, format!("must be 0 or more, got {value}")))
}

/// The next id of a kind: the document's counter, else one past its highest id; a counter at
/// or below an id in use is refused.
fn next_id(path: &str, counter: Option<i64>, used: &[u64]) -> Result<u64, StateDocumentError> {
    let highest = used.iter().copied().max().unwrap_or(0);
    match counter {
        None => Ok(highest + 1),
        Some(counter) => {
            let counter = id(path, counter)?;
            if counter <= highest {
                return Err(invalid(
                    path,
                    format!("{counter} is not above the highest id in use, {highest}"),
                ));
            }
            Ok(counter)
        }
    }
}

fn take(next: &mut u64) -> u64 {
    let id = *next;
    *next += 1;
    id
}

fn time_or(
    path: &str,
    text: Option<&str>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, StateDocumentError> {
    match text {
        None => Ok(now),
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|error| invalid(path, format!("{text:?} is not an RFC 3339 time ({error})"))),
    }
}

/// Reads `document`, with `now` for the times it leaves out.
pub(crate) fn read(
    document: &StateDocument,
    now: OffsetDateTime,
) -> Result<Imported, StateDocumentError> {
    let orgs_in = document.orgs.as_deref().unwrap_or_default();
    let repos_in = document.repos.as_deref().unwrap_or_default();
    let apps_in = document.apps.as_deref().unwrap_or_default();
    let globals_in = document.global_hooks.as_deref().unwrap_or_default();
    let counters = document.counters.clone().unwrap_or(doc::StateCounters {
        next_org_id: None,
        next_repo_id: None,
        next_hook_id: None,
        next_delivery_id: None,
    });
    // Every hook with where it sits, for ids and for the deliveries' hook_id.
    let mut all_hooks: Vec<(String, &doc::StateHook, HookKind)> = Vec::new();
    for (o, org) in orgs_in.iter().enumerate() {
        for (h, hook) in org.hooks.iter().flatten().enumerate() {
            all_hooks.push((
                format!("orgs[{o}].hooks[{h}]"),
                hook,
                HookKind::Organization,
            ));
        }
    }
    for (r, repo) in repos_in.iter().enumerate() {
        for (h, hook) in repo.hooks.iter().flatten().enumerate() {
            all_hooks.push((format!("repos[{r}].hooks[{h}]"), hook, HookKind::Repository));
        }
    }
    for (a, app) in apps_in.iter().enumerate() {
        if let Some(hook) = &app.hook {
            all_hooks.push((format!("apps[{a}].hook"), hook, HookKind::App));
        }
    }
    for (g, hook) in globals_in.iter().enumerate() {
        all_hooks.push((format!("global_hooks[{g}]"), hook, HookKind::Global));
    }
    let mut hook_ids = Vec::new();
    let mut seen: BTreeMap<u64, String> = BTreeMap::new();
    for (path, hook, _) in &all_hooks {
        if let Some(given) = hook.id {
            let given = id(&format!("{path}.id"), given)?;
            if let Some(first) = seen.insert(given, path.clone()) {
                return Err(invalid(
                    format!("{path}.id"),
                    format!("hook id {given} is also {first}'s"),
                ));
            }
            hook_ids.push(given);
        }
    }
    let org_ids = orgs_in
        .iter()
        .enumerate()
        .filter_map(|(o, org)| org.id.map(|v| id(&format!("orgs[{o}].id"), v)))
        .collect::<Result<Vec<_>, _>>()?;
    let repo_ids = repos_in
        .iter()
        .enumerate()
        .filter_map(|(r, repo)| repo.id.map(|v| id(&format!("repos[{r}].id"), v)))
        .collect::<Result<Vec<_>, _>>()?;
    let deliveries_in = document.deliveries.as_deref().unwrap_or_default();
    let delivery_ids = deliveries_in
        .iter()
        .enumerate()
        .filter_map(|(d, record)| record.id.map(|v| id(&format!("deliveries[{d}].id"), v)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut next = Counters {
        org: next_id("counters.next_org_id", counters.next_org_id, &org_ids)?,
        repo: next_id("counters.next_repo_id", counters.next_repo_id, &repo_ids)?,
        hook: next_id("counters.next_hook_id", counters.next_hook_id, &hook_ids)?,
        delivery: next_id(
            "counters.next_delivery_id",
            counters.next_delivery_id,
            &delivery_ids,
        )?,
    };
    // Hooks: ids given or taken, in document order.
    let mut built: Vec<Hook> = Vec::with_capacity(all_hooks.len());
    for (path, hook, kind) in &all_hooks {
        let hook_id = match hook.id {
            Some(given) => id(path, given)?,
            None => take(&mut next.hook),
        };
        built.push(read_hook(path, hook, *kind, hook_id, now)?);
    }
    let mut built = built.into_iter();
    let mut orgs = BTreeMap::new();
    for (o, org) in orgs_in.iter().enumerate() {
        let key = org.login.to_lowercase();
        if org.login.is_empty() {
            return Err(invalid(format!("orgs[{o}].login"), "must not be empty"));
        }
        let mut hooks = HookMap::default();
        for hook in built.by_ref().take(org.hooks.as_ref().map_or(0, Vec::len)) {
            hooks.insert(hook.id, hook);
        }
        let org_id = match org.id {
            Some(given) => id(&format!("orgs[{o}].id"), given)?,
            None => take(&mut next.org),
        };
        let entry = Org {
            login: org.login.clone(),
            id: org_id,
            hooks,
        };
        if orgs.insert(key, entry).is_some() {
            return Err(invalid(
                format!("orgs[{o}].login"),
                format!("organization `{}` is listed twice", org.login),
            ));
        }
    }
    let mut repos = BTreeMap::new();
    for (r, repo) in repos_in.iter().enumerate() {
        let path = format!("repos[{r}].full_name");
        match repo.full_name.split_once('/') {
            Some((owner, name)) if !owner.is_empty() && !name.is_empty() && !name.contains('/') => {
            }
            _ => {
                return Err(invalid(
                    path,
                    format!("{:?} is not owner/name", repo.full_name),
                ));
            }
        }
        let mut hooks = HookMap::default();
        for hook in built.by_ref().take(repo.hooks.as_ref().map_or(0, Vec::len)) {
            hooks.insert(hook.id, hook);
        }
        let repo_id = match repo.id {
            Some(given) => id(&format!("repos[{r}].id"), given)?,
            None => take(&mut next.repo),
        };
        let entry = Repo {
            full_name: repo.full_name.clone(),
            id: repo_id,
            hooks,
        };
        if repos.insert(repo.full_name.to_lowercase(), entry).is_some() {
            return Err(invalid(
                path,
                format!("repository `{}` is listed twice", repo.full_name),
            ));
        }
    }
    let mut apps = BTreeMap::new();
    for (a, app) in apps_in.iter().enumerate() {
        let app_id = id(&format!("apps[{a}].id"), app.id)?;
        let client_id = app
            .client_id
            .clone()
            .unwrap_or_else(|| GitHubApp::default_client_id(app_id));
        let github_app = GitHubApp::new(app_id, client_id, app.public_key.clone())
            .map_err(|error| invalid(format!("apps[{a}].public_key"), error.to_string()))?;
        // An app declared without a hook has one without a URL, as FakeConfig's apps do.
        let hook = match app.hook {
            Some(_) => built.next(),
            None => None,
        };
        let hook = hook.unwrap_or_else(|| {
            let hook_id = take(&mut next.hook);
            Hook::new(
                hook_id,
                HookKind::App,
                None,
                None,
                HookConfig::new(String::new(), None, None, None),
                now,
            )
        });
        let hook_id = hook.id;
        let mut hooks = HookMap::default();
        hooks.insert(hook_id, hook);
        if apps
            .insert(
                app_id,
                App {
                    app: github_app,
                    hook_id,
                    hooks,
                },
            )
            .is_some()
        {
            return Err(invalid(
                format!("apps[{a}].id"),
                format!("app {app_id} is listed twice"),
            ));
        }
    }
    let mut global_hooks = HookMap::default();
    for hook in built {
        global_hooks.insert(hook.id, hook);
    }
    let urls: BTreeMap<u64, String> = all_hooks_urls(&orgs, &repos, &apps, &global_hooks);
    let mut deliveries: BTreeMap<u64, VecDeque<Delivery>> = BTreeMap::new();
    let mut delivery_seen = BTreeSet::new();
    for (d, record) in deliveries_in.iter().enumerate() {
        let path = format!("deliveries[{d}]");
        let read = read_delivery(&path, record, &urls, &mut next, now)?;
        if !delivery_seen.insert(read.id) {
            return Err(invalid(
                format!("{path}.id"),
                format!("delivery id {} is listed twice", read.id),
            ));
        }
        let list = deliveries.entry(read.hook_id).or_default();
        let at = list.partition_point(|other| other.id < read.id);
        list.insert(at, read);
    }
    Ok(Imported {
        any_org: document.any_org,
        any_repo: document.any_repo,
        orgs,
        repos,
        apps,
        global_hooks,
        deliveries,
        tokens: document.tokens.as_ref().map(|tokens| read_tokens(tokens)),
        next,
    })
}

fn all_hooks_urls(
    orgs: &BTreeMap<String, Org>,
    repos: &BTreeMap<String, Repo>,
    apps: &BTreeMap<u64, App>,
    global_hooks: &HookMap,
) -> BTreeMap<u64, String> {
    orgs.values()
        .flat_map(|org| org.hooks.values())
        .chain(repos.values().flat_map(|repo| repo.hooks.values()))
        .chain(apps.values().flat_map(|app| app.hooks.values()))
        .chain(global_hooks.values())
        .map(|hook| (hook.id, hook.config.url.clone()))
        .collect()
}

fn read_hook(
    path: &str,
    hook: &doc::StateHook,
    kind: HookKind,
    hook_id: u64,
    now: OffsetDateTime,
) -> Result<Hook, StateDocumentError> {
    if hook.name != "web" {
        return Err(invalid(
            format!("{path}.name"),
            format!("must be \"web\", got {:?}", hook.name),
        ));
    }
    let config = &hook.config;
    if !["json", "form"].contains(&config.content_type.as_str()) {
        return Err(invalid(
            format!("{path}.config.content_type"),
            format!(
                "must be \"json\" or \"form\", got {:?}",
                config.content_type
            ),
        ));
    }
    if !["0", "1"].contains(&config.insecure_ssl.as_str()) {
        return Err(invalid(
            format!("{path}.config.insecure_ssl"),
            format!("must be \"0\" or \"1\", got {:?}", config.insecure_ssl),
        ));
    }
    let created_at = time_or(
        &format!("{path}.created_at"),
        hook.created_at.as_deref(),
        now,
    )?;
    let updated_at = time_or(
        &format!("{path}.updated_at"),
        hook.updated_at.as_deref(),
        created_at,
    )?;
    let mut built = Hook::new(
        hook_id,
        kind,
        Some(hook.active),
        hook.events.clone(),
        HookConfig::new(
            config.url.clone(),
            Some(config.content_type.clone()),
            Some(config.insecure_ssl.clone()),
            config.secret.clone(),
        ),
        created_at,
    );
    built.updated_at = updated_at;
    if let Some(last) = &hook.last_response {
        let code = match last.code.flatten() {
            Some(code) => Some(status_code(&format!("{path}.last_response.code"), code)?),
            None => None,
        };
        built.last_response = LastResponse {
            code,
            status: last.status.clone(),
            message: last.message.clone().flatten(),
        };
    }
    Ok(built)
}

fn status_code(path: &str, code: i64) -> Result<u16, StateDocumentError> {
    u16::try_from(code)
        .ok()
        .filter(|code| (100..=599).contains(code))
        .ok_or_else(|| invalid(path, format!("must be between 100 and 599, got {code}")))
}

fn read_delivery(
    path: &str,
    record: &doc::StateDelivery,
    urls: &BTreeMap<u64, String>,
    next: &mut Counters,
    now: OffsetDateTime,
) -> Result<Delivery, StateDocumentError> {
    let hook_id = id(&format!("{path}.hook_id"), record.hook_id)?;
    let url = urls.get(&hook_id).ok_or_else(|| {
        invalid(
            format!("{path}.hook_id"),
            format!("no hook in the document has id {hook_id}"),
        )
    })?;
    let delivery_id = match record.id {
        Some(given) => id(&format!("{path}.id"), given)?,
        None => take(&mut next.delivery),
    };
    let code = status_code(&format!("{path}.status_code"), record.status_code)?;
    let mut seed = DeliverySeed::new(record.event.clone())
        .status_code(code)
        .redelivery(record.redelivery);
    seed.action = record.action.clone();
    let mut read = delivery::from_seed(delivery_id, hook_id, url.clone(), seed);
    read.installation_id = record
        .installation_id
        .map(|v| id(&format!("{path}.installation_id"), v))
        .transpose()?;
    read.repository_id = record
        .repository_id
        .map(|v| id(&format!("{path}.repository_id"), v))
        .transpose()?;
    read.delivered_at = time_or(
        &format!("{path}.delivered_at"),
        record.delivered_at.as_deref(),
        now,
    )?;
    read.throttled_at = record
        .throttled_at
        .as_deref()
        .map(|text| time_or(&format!("{path}.throttled_at"), Some(text), now))
        .transpose()?;
    if let Some(guid) = &record.guid {
        read.guid.clone_from(guid);
    }
    if let Some(duration) = record.duration {
        read.duration = duration;
    }
    if let Some(status) = &record.status {
        read.status.clone_from(status);
    }
    if let Some(url) = &record.url {
        read.url.clone_from(url);
    }
    if let Some(request) = &record.request {
        if let Some(headers) = &request.headers {
            read.request_headers.clone_from(headers);
        }
        read.request_payload = match (&request.payload_text, &request.payload) {
            (Some(text), _) => Payload::from_json_text(text.clone()),
            (None, Some(value)) => Payload::from_value(value.clone()),
            (None, None) => read.request_payload,
        };
    }
    if let Some(response) = &record.response {
        read.response_headers = response.headers.clone().unwrap_or_default();
        read.response_payload = response.payload.clone().unwrap_or_default();
    }
    Ok(read)
}

fn read_tokens(tokens: &[doc::StateToken]) -> Option<BTreeMap<String, Grants>> {
    if tokens.is_empty() {
        return None;
    }
    let mut map: BTreeMap<String, Grants> = BTreeMap::new();
    for token in tokens {
        let org_role = match token.org_role {
            doc::StateTokenOrgRole::Outsider => OrgRole::Outsider,
            doc::StateTokenOrgRole::Member => OrgRole::Member,
            doc::StateTokenOrgRole::Owner => OrgRole::Owner,
        };
        let repo_role = match token.repo_role {
            doc::StateTokenRepoRole::None => RepoRole::None,
            doc::StateTokenRepoRole::Read => RepoRole::Read,
            doc::StateTokenRepoRole::Admin => RepoRole::Admin,
        };
        let grants = map.entry(token.token.clone()).or_insert(Grants {
            org_role,
            site_admin: false,
            repo_role,
        });
        grants.org_role = grants.org_role.max(org_role);
        grants.site_admin |= token.site_admin;
        grants.repo_role = grants.repo_role.max(repo_role);
    }
    Some(map)
}

impl Imported {
    /// The deliveries of hook `hook_id`, taken out.
    pub(super) fn take_deliveries(&mut self, hook_id: u64) -> Option<VecDeque<Delivery>> {
        self.deliveries.remove(&hook_id)
    }

    /// The next hook id the document gives.
    pub(super) fn next_hook_id(&self) -> u64 {
        self.next.hook
    }

    /// Puts the parts in `state`, replacing what was there, and starts a new epoch: deliveries
    /// sent before are not recorded after, and a new outbox counts only those sent from now on.
    pub(crate) fn apply(self, state: &mut State, policy: Policy) {
        if let Some(any_org) = self.any_org {
            state.any_org = any_org;
        }
        if let Some(any_repo) = self.any_repo {
            state.any_repo = any_repo;
        }
        if let Some(tokens) = self.tokens {
            state.tokens = tokens;
        }
        state.orgs = self.orgs;
        state.repos = self.repos;
        state.apps = self.apps;
        state.global_hooks = self.global_hooks;
        state.deliveries = self.deliveries;
        state.next_org_id = self.next.org;
        state.next_repo_id = self.next.repo;
        state.next_hook_id = self.next.hook;
        state.next_delivery_id = self.next.delivery;
        state.delivery_floor.clear();
        state.epoch += 1;
        let fresh = outbox(state.myself.clone(), state.epoch, policy);
        let old = std::mem::replace(&mut state.outbox, fresh);
        state
            .retired
            .retain(|retired| retired.pending().count() > 0);
        if old.pending().count() > 0 {
            state.retired.push(old);
        }
    }
}
