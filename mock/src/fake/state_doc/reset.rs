//! Going back to the start state: all of it (hooks, deliveries, journal, faults, counters), or
//! one organization's, repository's or app's hooks and their deliveries.

use std::collections::BTreeMap;
use time::OffsetDateTime;

use super::StateDocument;
use super::import::{self, Imported};
use crate::fake::model::Delivery;
use crate::fake::state::{FakeState, StartState, State, StateError};

/// One owner of hooks.
enum Owner<'a> {
    Org(&'a str),
    Repo(&'a str),
    App(u64),
}

impl FakeState {
    /// Puts the fake back to its start state (its configuration, or what
    /// [`keep_as_start_state`](Self::keep_as_start_state) kept): the hooks, deliveries,
    /// recorded requests and faults made since are dropped, the id counters go back, and
    /// deliveries still on their way are not recorded.
    pub fn reset(&self) {
        let start = self.start_document();
        // The start state was exported by the fake itself: it always reads back.
        let imported = import::read(&start, OffsetDateTime::now_utc());
        let mut state = self.lock();
        let old = match imported {
            Ok(imported) => imported.apply(&mut state),
            Err(_) => std::mem::take(&mut state.deliveries),
        };
        state.journal.clear();
        state.faults.clear();
        drop(state);
        drop(old);
    }

    /// Puts organization `login`'s hooks and their deliveries back to the start state (an
    /// organization made since is removed); [`StateError::UnknownOrg`] when it exists neither
    /// now nor at the start.
    pub fn reset_org(&self, login: &str) -> Result<(), StateError> {
        self.reset_owner(Owner::Org(login))
    }

    /// The same for repository `full_name` (`owner/name`).
    pub fn reset_repo(&self, full_name: &str) -> Result<(), StateError> {
        self.reset_owner(Owner::Repo(full_name))
    }

    /// The same for GitHub App `app_id` (its key and its hook).
    pub fn reset_app(&self, app_id: u64) -> Result<(), StateError> {
        self.reset_owner(Owner::App(app_id))
    }

    fn start_document(&self) -> std::sync::Arc<StateDocument> {
        let mut state = self.lock();
        let document = match &state.start {
            StartState::Document(document) => return document.clone(),
            // The state right after start, made again as it was then, written down once.
            StartState::MadeFrom(config, made_at) => {
                let fresh = State::new(config, std::sync::Weak::new(), *made_at);
                std::sync::Arc::new(super::export::export(&fresh))
            }
        };
        state.start = StartState::Document(document.clone());
        document
    }

    fn reset_owner(&self, owner: Owner<'_>) -> Result<(), StateError> {
        let start = self.start_document();
        let Ok(mut imported) = import::read(&start, OffsetDateTime::now_utc()) else {
            return Ok(());
        };
        let mut state = self.lock();
        let (now_hooks, start_hooks) = swap_owner(&mut state, &mut imported, &owner)?;
        let mut dropped: Vec<Delivery> = Vec::new();
        for hook_id in now_hooks {
            dropped.extend(state.deliveries.remove(&hook_id).into_iter().flatten());
        }
        let floor = state.next_delivery_id;
        for hook_id in start_hooks {
            // The start state's records replace the hook's (insert hands back those it had).
            let replaced = match imported.take_deliveries(hook_id) {
                Some(list) => state.deliveries.insert(hook_id, list),
                None => state.deliveries.remove(&hook_id),
            };
            dropped.extend(replaced.into_iter().flatten());
            // What was sent to this hook before the reset is not recorded after it.
            state.delivery_floor.insert(hook_id, floor);
        }
        let next = imported.next_hook_id();
        state.next_hook_id = state.next_hook_id.max(next);
        drop(state);
        drop(dropped);
        Ok(())
    }
}

/// Replaces `owner`'s entry in `state` with the start state's (or removes it when it did not
/// exist at the start): the ids of the hooks it had, and of those it has now.
fn swap_owner(
    state: &mut State,
    start: &mut Imported,
    owner: &Owner<'_>,
) -> Result<(Vec<u64>, Vec<u64>), StateError> {
    match owner {
        Owner::Org(login) => swap(
            &mut state.orgs,
            &mut start.orgs,
            login.to_lowercase(),
            |org| &org.hooks,
            || StateError::UnknownOrg((*login).to_owned()),
        ),
        Owner::Repo(full_name) => swap(
            &mut state.repos,
            &mut start.repos,
            full_name.to_lowercase(),
            |repo| &repo.hooks,
            || StateError::UnknownRepo((*full_name).to_owned()),
        ),
        Owner::App(app_id) => swap(
            &mut state.apps,
            &mut start.apps,
            *app_id,
            |app| &app.hooks,
            || StateError::UnknownApp(*app_id),
        ),
    }
}

/// [`swap_owner`] for one kind of owner: `key`'s entry in `now` becomes its entry in `then`
/// (or goes); an error when neither has it.
fn swap<K: Ord, V>(
    now: &mut BTreeMap<K, V>,
    then: &mut BTreeMap<K, V>,
    key: K,
    hooks: impl Fn(&V) -> &crate::fake::hook_store::HookMap,
    unknown: impl FnOnce() -> StateError,
) -> Result<(Vec<u64>, Vec<u64>), StateError> {
    let current = now.remove(&key);
    let at_start = then.remove(&key);
    if current.is_none() && at_start.is_none() {
        return Err(unknown());
    }
    let hook_ids = |owner: Option<&V>| -> Vec<u64> {
        owner.map_or_else(Vec::new, |owner| {
            hooks(owner).values().map(|h| h.id).collect()
        })
    };
    let ids = (hook_ids(current.as_ref()), hook_ids(at_start.as_ref()));
    if let Some(owner) = at_start {
        now.insert(key, owner);
    }
    Ok(ids)
}
