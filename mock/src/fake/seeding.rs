//! What a test seeds and reads through [`FakeState`]: organizations, repositories and their
//! hooks, global hooks, deliveries, faults and recorded requests.

use time::OffsetDateTime;

use super::delivery;
use super::faults::{ActiveFault, Fault};
use super::model::{Delivery, DeliverySeed, Hook, HookKind, HookSeed, RecordedRequest};
use super::state::{FakeState, JournalRecord, StateError};
use crate::table::OperationId;

impl FakeState {
    /// Adds an organization (logins are case-insensitive; adding one twice changes nothing)
    /// and returns its id.
    ///
    /// The login is taken as given, even one GitHub could not issue (`a/b`, `-x`): a test
    /// seeds what it means to test. Only names arriving over HTTP are checked against
    /// GitHub's rules (such a request answers 404 saying which rule), so an organization
    /// seeded with such a name is reachable from Rust only.
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

    /// Stores a repository hook as if it had been created through the API (adding the
    /// repository `full_name`, `owner/name`, if it does not exist yet) and returns its id.
    /// Like [`add_org`](Self::add_org), it takes the name as given.
    pub fn insert_repo_hook(&self, full_name: &str, seed: HookSeed) -> u64 {
        let mut state = self.lock();
        state.add_repo(full_name);
        let id = state.take_hook_id();
        let hook = seed.into_hook(id, HookKind::Repository, OffsetDateTime::now_utc());
        if let Some(repo) = state.repo_mut(full_name) {
            repo.hooks.insert(id, hook);
        }
        id
    }

    /// The hooks of repository `full_name` (`owner/name`), oldest first (empty for an unknown
    /// repository).
    pub fn repo_hooks(&self, full_name: &str) -> Vec<Hook> {
        self.lock()
            .repo(full_name)
            .map(|repo| repo.hooks.values().cloned().collect())
            .unwrap_or_default()
    }

    /// One hook of repository `full_name` (`owner/name`), if it exists.
    pub fn repo_hook(&self, full_name: &str, id: u64) -> Option<Hook> {
        self.lock()
            .repo(full_name)
            .and_then(|repo| repo.hooks.get(&id).cloned())
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
            .hook(hook_id)
            .map(|hook| hook.config.url.clone())
            .ok_or(StateError::UnknownHook(hook_id))?;
        let id = state.take_delivery_id();
        let delivery = delivery::from_seed(id, hook_id, hook_url, seed);
        let dropped = state.push_delivery(delivery);
        drop(state);
        drop(dropped);
        Ok(id)
    }

    /// The deliveries of hook `hook_id`, oldest first.
    pub fn deliveries(&self, hook_id: u64) -> Vec<Delivery> {
        self.lock()
            .deliveries
            .get(&hook_id)
            .map(|list| list.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Makes the operation misbehave, replacing any fault it had. (An operationId in text
    /// becomes an [`OperationId`] with `"orgs/list-webhooks".parse()`.)
    pub fn inject_fault(&self, id: OperationId, fault: Fault) -> Result<(), StateError> {
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
    /// [`FakeConfig::record_requests`](crate::FakeConfig::record_requests) is off; only the
    /// latest [`FakeConfig::max_recorded_requests`](crate::FakeConfig::max_recorded_requests)
    /// of all operations are kept, within
    /// [`FakeConfig::max_recorded_request_bytes`](crate::FakeConfig::max_recorded_request_bytes)).
    pub fn requests(&self, id: OperationId) -> Vec<RecordedRequest> {
        self.lock()
            .journal
            .iter()
            .filter(|entry| entry.operation == Some(id))
            .map(JournalRecord::request)
            .collect()
    }

    /// Forgets every recorded request.
    pub fn clear_requests(&self) {
        self.lock().journal.clear();
    }
}
