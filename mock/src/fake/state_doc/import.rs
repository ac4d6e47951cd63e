//! A state document read into the state's own parts, checked field by field: ids and timestamps
//! left out are filled in (ids from the counters, times with the import's), GitHub's defaults
//! applied through the model's one place for them, and every refusal names the field's path.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use time::OffsetDateTime;

use super::records::{id, invalid, next_id, read_delivery, read_hook, read_tokens, take};
use super::{StateDocument, StateDocumentError};
use crate::fake::app_auth::GitHubApp;
use crate::fake::auth::Grants;
use crate::fake::delivery_records::DeliveryRecords;
use crate::fake::hook_store::HookMap;
use crate::fake::model::{Delivery, Hook, HookConfig, HookKind};
use crate::fake::state::{App, Org, Repo, State, recording_outbox};
use crate::generated::control_models as doc;

/// What a document replaces.
pub(crate) struct Imported {
    any_org: Option<bool>,
    any_repo: Option<bool>,
    pub(super) orgs: BTreeMap<String, Box<Org>>,
    pub(super) repos: BTreeMap<String, Repo>,
    pub(super) apps: BTreeMap<u64, App>,
    global_hooks: HookMap,
    deliveries: BTreeMap<u64, VecDeque<Delivery>>,
    /// `None`: keep the tokens; `Some(None)`: any token.
    tokens: Option<Option<BTreeMap<String, Grants>>>,
    next: Counters,
}

#[derive(Clone, Copy)]
pub(super) struct Counters {
    org: u64,
    repo: u64,
    hook: u64,
    delivery: u64,
}

/// Every hook of the document with its path and kind, in document order: organizations',
/// repositories', apps', then the global hooks.
fn hooks_of(document: &StateDocument) -> Vec<(String, &doc::StateHook, HookKind)> {
    let mut all = Vec::new();
    for (o, org) in document.orgs.iter().flatten().enumerate() {
        for (h, hook) in org.hooks.iter().flatten().enumerate() {
            all.push((
                format!("orgs[{o}].hooks[{h}]"),
                hook,
                HookKind::Organization,
            ));
        }
    }
    for (r, repo) in document.repos.iter().flatten().enumerate() {
        for (h, hook) in repo.hooks.iter().flatten().enumerate() {
            all.push((format!("repos[{r}].hooks[{h}]"), hook, HookKind::Repository));
        }
    }
    for (a, app) in document.apps.iter().flatten().enumerate() {
        if let Some(hook) = &app.hook {
            all.push((format!("apps[{a}].hook"), hook, HookKind::App));
        }
    }
    for (g, hook) in document.global_hooks.iter().flatten().enumerate() {
        all.push((format!("global_hooks[{g}]"), hook, HookKind::Global));
    }
    all
}

/// The ids `ids` gives, each checked at its path.
fn given_ids<'d>(
    ids: impl Iterator<Item = (String, Option<i64>)> + 'd,
) -> Result<Vec<u64>, StateDocumentError> {
    ids.filter_map(|(path, value)| value.map(|value| id(&path, value)))
        .collect()
}

/// The id each hook of `hooks` gives, checked at its path, in the same order.
fn hook_ids(
    hooks: &[(String, &doc::StateHook, HookKind)],
) -> Result<Vec<Option<u64>>, StateDocumentError> {
    hooks
        .iter()
        .map(|(path, hook, _)| {
            hook.id
                .map(|given| id(&format!("{path}.id"), given))
                .transpose()
        })
        .collect()
}

/// The next id of each kind: the document's counters, else one past its highest ids; hook ids
/// (`given`, one per hook of `hooks`) must be unique across kinds.
fn counters(
    document: &StateDocument,
    hooks: &[(String, &doc::StateHook, HookKind)],
    given: &[Option<u64>],
) -> Result<Counters, StateDocumentError> {
    let mut seen: BTreeMap<u64, &str> = BTreeMap::new();
    for ((path, _, _), given) in hooks.iter().zip(given) {
        if let Some(given) = *given
            && let Some(first) = seen.insert(given, path)
        {
            return Err(invalid(
                format!("{path}.id"),
                format!("hook id {given} is also {first}'s"),
            ));
        }
    }
    let hook_ids: Vec<u64> = seen.keys().copied().collect();
    let org_ids = given_ids(
        document
            .orgs
            .iter()
            .flatten()
            .enumerate()
            .map(|(o, org)| (format!("orgs[{o}].id"), org.id)),
    )?;
    let repo_ids = given_ids(
        document
            .repos
            .iter()
            .flatten()
            .enumerate()
            .map(|(r, repo)| (format!("repos[{r}].id"), repo.id)),
    )?;
    let delivery_ids = given_ids(
        document
            .deliveries
            .iter()
            .flatten()
            .enumerate()
            .map(|(d, record)| (format!("deliveries[{d}].id"), record.id)),
    )?;
    let counters = document.counters.as_ref();
    let counter = |pick: fn(&doc::StateCounters) -> Option<i64>| counters.and_then(pick);
    Ok(Counters {
        org: next_id("counters.next_org_id", counter(|c| c.next_org_id), &org_ids)?,
        repo: next_id(
            "counters.next_repo_id",
            counter(|c| c.next_repo_id),
            &repo_ids,
        )?,
        hook: next_id(
            "counters.next_hook_id",
            counter(|c| c.next_hook_id),
            &hook_ids,
        )?,
        delivery: next_id(
            "counters.next_delivery_id",
            counter(|c| c.next_delivery_id),
            &delivery_ids,
        )?,
    })
}

/// Reads `document`, with `now` for the times it leaves out.
pub(crate) fn read(
    document: &StateDocument,
    now: OffsetDateTime,
) -> Result<Imported, StateDocumentError> {
    let hooks = hooks_of(document);
    let given = hook_ids(&hooks)?;
    let mut next = counters(document, &hooks, &given)?;
    let mut built = Vec::with_capacity(hooks.len());
    for ((path, hook, kind), given) in hooks.iter().zip(given) {
        let hook_id = given.unwrap_or_else(|| take(&mut next.hook));
        built.push(read_hook(path, hook, *kind, hook_id, now)?);
    }
    let mut built = built.into_iter();
    let orgs = read_orgs(document, &mut built, &mut next)?;
    let repos = read_repos(document, &mut built, &mut next)?;
    let apps = read_apps(document, &mut built, &mut next, now)?;
    let mut global_hooks = HookMap::default();
    for hook in built {
        global_hooks.insert(hook.id, hook);
    }
    let urls = all_hooks_urls(&orgs, &repos, &apps, &global_hooks);
    let mut deliveries: BTreeMap<u64, VecDeque<Delivery>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (d, record) in document.deliveries.iter().flatten().enumerate() {
        let path = format!("deliveries[{d}]");
        let read = read_delivery(&path, record, &urls, &mut next.delivery, now)?;
        if !seen.insert(read.id) {
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

/// `count` of the hooks read, in a map.
fn hook_map(built: &mut impl Iterator<Item = Hook>, count: usize) -> HookMap {
    let mut hooks = HookMap::default();
    for hook in built.take(count) {
        hooks.insert(hook.id, hook);
    }
    hooks
}

fn read_orgs(
    document: &StateDocument,
    built: &mut impl Iterator<Item = Hook>,
    next: &mut Counters,
) -> Result<BTreeMap<String, Box<Org>>, StateDocumentError> {
    let mut orgs = BTreeMap::new();
    for (o, org) in document.orgs.iter().flatten().enumerate() {
        if org.login.is_empty() {
            return Err(invalid(format!("orgs[{o}].login"), "must not be empty"));
        }
        let hooks = hook_map(built, org.hooks.as_ref().map_or(0, Vec::len));
        let org_id = match org.id {
            Some(given) => id(&format!("orgs[{o}].id"), given)?,
            None => take(&mut next.org),
        };
        let entry = Box::new(Org {
            login: org.login.clone(),
            id: org_id,
            hooks,
        });
        if orgs.insert(org.login.to_lowercase(), entry).is_some() {
            return Err(invalid(
                format!("orgs[{o}].login"),
                format!("organization `{}` is listed twice", org.login),
            ));
        }
    }
    Ok(orgs)
}

fn read_repos(
    document: &StateDocument,
    built: &mut impl Iterator<Item = Hook>,
    next: &mut Counters,
) -> Result<BTreeMap<String, Repo>, StateDocumentError> {
    let mut repos = BTreeMap::new();
    for (r, repo) in document.repos.iter().flatten().enumerate() {
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
        let hooks = hook_map(built, repo.hooks.as_ref().map_or(0, Vec::len));
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
    Ok(repos)
}

fn read_apps(
    document: &StateDocument,
    built: &mut impl Iterator<Item = Hook>,
    next: &mut Counters,
    now: OffsetDateTime,
) -> Result<BTreeMap<u64, App>, StateDocumentError> {
    let mut apps = BTreeMap::new();
    for (a, app) in document.apps.iter().flatten().enumerate() {
        let app_id = id(&format!("apps[{a}].id"), app.id)?;
        let client_id = app
            .client_id
            .clone()
            .unwrap_or_else(|| GitHubApp::default_client_id(app_id));
        let github_app = GitHubApp::new(app_id, client_id, app.public_key.clone())
            .map_err(|error| invalid(format!("apps[{a}].public_key"), error.to_string()))?;
        // An app declared without a hook has one without a URL, as FakeConfig's apps do.
        let hook = app.hook.as_ref().and_then(|_| built.next());
        let hook = hook.unwrap_or_else(|| {
            let config = HookConfig::new(String::new(), None, None, None);
            Hook::new(take(&mut next.hook), HookKind::App, None, None, config, now)
        });
        let hook_id = hook.id;
        let mut hooks = HookMap::default();
        hooks.insert(hook_id, hook);
        let entry = App {
            app: github_app,
            hook_id,
            hooks,
        };
        if apps.insert(app_id, entry).is_some() {
            return Err(invalid(
                format!("apps[{a}].id"),
                format!("app {app_id} is listed twice"),
            ));
        }
    }
    Ok(apps)
}

fn all_hooks_urls(
    orgs: &BTreeMap<String, Box<Org>>,
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
    /// Returns the delivery records it replaced, for the caller to free once the lock is
    /// released.
    #[must_use = "drop what it returns once the lock is released"]
    pub(crate) fn apply(self, state: &mut State) -> DeliveryRecords {
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
        let replaced = std::mem::replace(&mut state.deliveries, self.deliveries.into());
        state.next_org_id = self.next.org;
        state.next_repo_id = self.next.repo;
        state.next_hook_id = self.next.hook;
        state.next_delivery_id = self.next.delivery;
        state.delivery_floor.clear();
        state.epoch += 1;
        let fresh = recording_outbox(state.myself.clone(), state.epoch, state.policy.clone());
        let old = std::mem::replace(&mut state.outbox, fresh);
        state
            .retired
            .retain(|retired| retired.pending().count() > 0);
        if old.pending().count() > 0 {
            state.retired.push(old);
        }
        replaced
    }
}

#[cfg(test)]
mod tests {
    use crate::fake::{FakeState, StateFormat, parse_state_document};

    /// The message importing `yaml` is refused with, or `None` when it is taken.
    fn refusal(yaml: &str) -> Option<String> {
        let state = FakeState::new(&std::sync::Arc::default());
        let document = match parse_state_document(yaml, StateFormat::Yaml) {
            Ok(document) => document,
            Err(error) => return Some(format!("parse: {error}")),
        };
        state.import_state(&document).err().map(|e| e.to_string())
    }

    #[test]
    fn hook_ids_are_checked_once_each_at_their_path_and_unique_across_kinds() {
        let url = "{url: 'http://127.0.0.1:9/h'}";
        assert_eq!(
            refusal(&format!(
                "orgs: [{{login: a, hooks: [{{id: 3, config: {url}}}]}}]\nglobal_hooks: [{{id: 3, config: {url}}}]\n"
            ))
            .as_deref(),
            Some("global_hooks[0].id: hook id 3 is also orgs[0].hooks[0]'s")
        );
        assert_eq!(
            refusal(&format!(
                "repos: [{{full_name: a/b, hooks: [{{config: {url}}}, {{id: -1, config: {url}}}]}}]\n"
            ))
            .as_deref(),
            Some("repos[0].hooks[1].id: must be 0 or more, got -1")
        );
        // Given ids are kept and the others take the next ones past them.
        assert_eq!(
            refusal(&format!(
                "orgs: [{{login: a, hooks: [{{config: {url}}}, {{id: 7, config: {url}}}]}}]\n"
            )),
            None
        );
    }
}
