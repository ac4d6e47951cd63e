//! The state's side of webhook deliveries: queueing an attempt for a hook (a ping, a
//! redelivery, an emitted event), fanning an emitted event out to the hooks subscribed to it,
//! and waiting until what was sent is recorded.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::app_auth::{AppKey, AppKeyError, GitHubApp};
use super::delivery::pending::Pending;
use super::delivery::ping::HookJson;
use super::delivery::{self, Outgoing, Target};
use super::emit::{EventSource, home_product};
use super::events;
use super::model::{Delivery, Hook, HookKind, HookSeed};
use super::payload::Payload;
use super::state::{FakeState, State, StateError};
use crate::table::{Access, Product};

impl State {
    /// How long a receiver may take on `product`.
    pub(crate) fn delivery_timeout(&self, product: Product) -> Duration {
        self.delivery_timeout
            .unwrap_or_else(|| product.delivery_timeout())
    }

    /// Sends `event` with `payload` to `hook` in the background (nothing for an inactive hook)
    /// and returns the delivery's id. The record's action, installation and repository come
    /// from `described_by` when given, else from the payload's value if it holds one.
    pub(crate) fn deliver(
        &mut self,
        hook: &Hook,
        target: &Target<'_>,
        event: &str,
        payload: Payload,
        described_by: Option<&Value>,
        product: Product,
    ) -> Option<u64> {
        let trap = self.signature_traps;
        let outgoing = self.prepared(hook, product, |timeout| {
            let mut outgoing = Outgoing::new(
                hook,
                target,
                delivery::new_guid(),
                event,
                payload,
                timeout,
                trap,
            );
            // Else the payload's own value, when it has one at hand (a ping has none yet; a
            // redelivery copies the original's description).
            let payload = outgoing.payload.clone();
            if let Some(value) = described_by.or(payload.value_if_parsed()) {
                outgoing.describe(value);
            }
            outgoing
        })?;
        Some(self.queue(outgoing))
    }

    /// Sends `hook` a `ping` in the background (nothing for an inactive hook); its payload
    /// shows the hook as the API does on `api_base`, and is written on the delivery thread.
    pub(crate) fn ping(
        &mut self,
        hook: &Hook,
        target: &Target<'_>,
        api_base: &str,
        product: Product,
    ) -> Option<u64> {
        let outgoing = self.ping_of(hook, target, api_base, product)?;
        Some(self.queue(outgoing))
    }

    /// [`ping`](Self::ping) for a hook of the state's, which `find` finds there with where it
    /// belongs: the ping endpoints' way, which reads the hook in place instead of copying it
    /// (a copy was a sixth of a ping call).
    pub(crate) fn ping_in_place(
        &mut self,
        find: impl for<'s> Fn(&'s State) -> Option<(&'s Hook, Target<'s>)>,
        api_base: &str,
        product: Product,
    ) -> Option<u64> {
        let outgoing = {
            let (hook, target) = find(self)?;
            self.ping_of(hook, &target, api_base, product)?
        };
        Some(self.queue(outgoing))
    }

    /// The ping of `hook` (none for an inactive hook), its id still to be given.
    fn ping_of(
        &self,
        hook: &Hook,
        target: &Target<'_>,
        api_base: &str,
        product: Product,
    ) -> Option<Outgoing> {
        self.prepared(hook, product, |timeout| {
            // The hook's JSON as GET answers it, ready in the hook store (the same bytes).
            let ready = match (target.kind, target.owner) {
                (HookKind::Organization, Some(login)) => self
                    .org(login)
                    .and_then(|org| org.hooks.one(&hook.id, api_base, Some(&org.login))),
                (HookKind::Repository, Some(full_name)) => self
                    .repo(full_name)
                    .and_then(|repo| repo.hooks.one(&hook.id, api_base, Some(&repo.full_name))),
                // An app's hook has no `GET` of its own to share bytes with.
                (HookKind::App, _) => None,
                _ => self.global_hooks.one(&hook.id, api_base, None),
            };
            let hook_json = match ready {
                Some(ready) => HookJson::Ready(ready),
                None => HookJson::write(hook, api_base, target.owner),
            };
            Outgoing::ping(hook, target, hook_json, timeout, self.signature_traps)
        })
    }

    /// Resends `original` through `hook` as it is configured now: the same GUID, event,
    /// payload and metadata, marked as a redelivery.
    pub(crate) fn redeliver(
        &mut self,
        hook: &Hook,
        target: &Target<'_>,
        original: &Delivery,
        product: Product,
    ) -> Option<u64> {
        let outgoing = self.prepared(hook, product, |timeout| {
            let mut outgoing = Outgoing::new(
                hook,
                target,
                original.guid.clone(),
                &original.event,
                original.request_payload.clone(),
                timeout,
                // The recorded payload already carries any trap.
                false,
            );
            outgoing.redelivery = true;
            outgoing.action.clone_from(&original.action);
            outgoing.installation_id = original.installation_id;
            outgoing.repository_id = original.repository_id;
            outgoing
        })?;
        Some(self.queue(outgoing))
    }

    /// The delivery `build` makes (from the product's timeout) through `hook`, as GitHub
    /// Enterprise Server sends it when `product` is one; none for an inactive hook.
    fn prepared(
        &self,
        hook: &Hook,
        product: Product,
        build: impl FnOnce(Duration) -> Outgoing,
    ) -> Option<Outgoing> {
        if !hook.active {
            return None;
        }
        let mut outgoing = build(self.delivery_timeout(product));
        if let Some(version) = product.served_by().enterprise_version() {
            outgoing.mark_enterprise(version, self.enterprise_host.clone());
        }
        Some(outgoing)
    }

    /// Gives `outgoing` the next delivery id and the outbox; the id.
    fn queue(&mut self, mut outgoing: Outgoing) -> u64 {
        let id = self.take_delivery_id();
        outgoing.id = id;
        self.send(outgoing);
        id
    }

    fn send(&mut self, outgoing: Outgoing) {
        if let Err(refused) = self.outbox.send(outgoing) {
            let _dropped = self.push_delivery(*refused);
        }
    }

    /// Sends `hook`, about to be deleted, the `meta` event with action `deleted` when it
    /// subscribes to `meta` (or `*`): as every event, it reaches only hooks subscribed to it
    /// (GitHub's docs, "Webhook events and payloads" → meta).
    pub(crate) fn send_meta_deleted(
        &mut self,
        hook: &Hook,
        target: &Target<'_>,
        product: Product,
    ) -> Option<u64> {
        if !hook.kind.receives(&hook.events, "meta") {
            return None;
        }
        let payload = events::meta_deleted(hook, target);
        self.deliver(
            hook,
            target,
            "meta",
            Payload::from_value(payload),
            None,
            product,
        )
    }
}

impl FakeState {
    /// Emits `event` with `payload` in organization `org`, as GitHub does when something
    /// happens there: every active hook of `org` whose `events` include `event` (or `*`) gets
    /// a signed POST in the background, and each attempt becomes a delivery in the deliveries
    /// API. Returns the ids of the deliveries, one per hook reached.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use hookspec_mock::{FakeGitHub, HookSeed, Receiver};
    /// use serde_json::json;
    ///
    /// let fake = FakeGitHub::start().await;
    /// let receiver = Receiver::start().await?;
    /// fake.state().insert_org_hook("octocat", HookSeed::new(receiver.url()).events(["issues"]));
    /// let sent = fake.state().emit_org_event("octocat", "issues", json!({ "action": "opened" }))?;
    /// fake.state().wait_for_deliveries(std::time::Duration::from_secs(5)).await?;
    /// assert_eq!(sent.len(), 1);
    /// assert_eq!(receiver.received()[0].event(), Some("issues"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn emit_org_event(
        &self,
        org: &str,
        event: &str,
        payload: Value,
    ) -> Result<Vec<u64>, StateError> {
        self.emit_with(&EventSource::org(org), event, payload)
    }

    /// Emits `event` with `payload` in repository `full_name` (`owner/name`), as GitHub does
    /// when something happens there: every active hook of the repository whose `events`
    /// include `event` (or `*`) gets a signed POST in the background, with
    /// `X-GitHub-Hook-Installation-Target-Type: repository`, and each attempt becomes a
    /// delivery in the deliveries API. Returns the ids of the deliveries, one per hook reached;
    /// [`StateError::UnknownRepo`] when only listed repositories exist and this is not one.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use hookspec_mock::{FakeGitHub, HookSeed, Receiver};
    /// use serde_json::json;
    ///
    /// let fake = FakeGitHub::start().await;
    /// let receiver = Receiver::start().await?;
    /// let repo = "octocat/hello-world";
    /// fake.state().insert_repo_hook(repo, HookSeed::new(receiver.url()).events(["issues"]));
    /// let sent = fake.state().emit_repo_event(repo, "issues", json!({ "action": "opened" }))?;
    /// fake.state().wait_for_deliveries(std::time::Duration::from_secs(5)).await?;
    /// assert_eq!(sent.len(), 1);
    /// let got = receiver.received();
    /// assert_eq!(got[0].event(), Some("issues"));
    /// assert_eq!(got[0].header("x-github-hook-installation-target-type"), Some("repository"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn emit_repo_event(
        &self,
        full_name: &str,
        event: &str,
        payload: Value,
    ) -> Result<Vec<u64>, StateError> {
        self.emit_with(&EventSource::repo(full_name), event, payload)
    }

    /// Emits `event` with `payload` to GitHub App `app_id`'s webhook when it subscribes to it,
    /// as [`emit_org_event`](Self::emit_org_event) does for an organization. The events every
    /// app gets without subscribing (`installation`, `installation_repositories`,
    /// `github_app_authorization`, as GitHub's docs say) always reach it.
    pub fn emit_app_event(
        &self,
        app_id: u64,
        event: &str,
        payload: Value,
    ) -> Result<Vec<u64>, StateError> {
        self.emit_with(&EventSource::App(app_id), event, payload)
    }

    /// Adds (or replaces) GitHub App `app` with its one webhook made from `hook` (a seed's
    /// URL, secret, events and content type), and pings the hook as GitHub does when an app's
    /// webhook is set up; the hook's id.
    pub fn add_app(&self, app: GitHubApp, hook: HookSeed) -> u64 {
        let mut state = self.lock();
        let app_id = app.id;
        let now = time::OffsetDateTime::now_utc();
        let hook_id = state.add_app(app, hook, now);
        let found = state
            .apps
            .get(&app_id)
            .and_then(|entry| entry.hooks.get(&hook_id).cloned());
        if let Some(found) = found
            && !found.config.url.is_empty()
        {
            let owner = app_id.to_string();
            let target = Target {
                kind: HookKind::App,
                owner: Some(&owner),
                owner_id: Some(app_id),
            };
            state.ping(&found, &target, "", home_product(Access::App));
        }
        hook_id
    }

    /// A new GitHub App `app_id` with a freshly made key pair and its webhook from `hook`
    /// ([`add_app`](Self::add_app)): the private key, for the test to sign JWTs with.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use hookspec_mock::{FakeGitHub, HookSeed};
    ///
    /// let fake = FakeGitHub::start().await;
    /// let key = fake.state().generate_app(7, HookSeed::new(""))?;
    /// let config: serde_json::Value = reqwest::Client::new()
    ///     .get(format!("{}/app/hook/config", fake.uri()))
    ///     .bearer_auth(key.jwt_now(7)?)
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// assert_eq!(config["content_type"], "form");
    /// # Ok(())
    /// # }
    /// ```
    pub fn generate_app(&self, app_id: u64, hook: HookSeed) -> Result<AppKey, AppKeyError> {
        let (app, key) = GitHubApp::generated(app_id)?;
        self.add_app(app, hook);
        Ok(key)
    }

    /// GitHub App `app_id`'s webhook, if the app exists.
    pub fn app_hook(&self, app_id: u64) -> Option<Hook> {
        let state = self.lock();
        let entry = state.apps.get(&app_id)?;
        entry.hooks.get(&entry.hook_id).cloned()
    }

    /// Emits `event` with `payload` to the GHES global hooks subscribed to it, as
    /// [`emit_org_event`](Self::emit_org_event) does for an organization.
    pub fn emit_global_event(&self, event: &str, payload: Value) -> Vec<u64> {
        self.emit_with(&EventSource::Global, event, payload)
            .unwrap_or_default()
    }

    /// How many deliveries are on their way (sent, not yet recorded).
    pub fn pending_deliveries(&self) -> usize {
        self.pending().count()
    }

    /// Waits until every delivery sent so far is recorded, or `timeout` passes
    /// ([`StateError::DeliveriesPending`] then says how many are still on their way).
    pub async fn wait_for_deliveries(&self, timeout: Duration) -> Result<(), StateError> {
        let pending = self.pending();
        match pending.settle(timeout).await {
            0 => Ok(()),
            left => Err(StateError::DeliveriesPending(left)),
        }
    }

    fn pending(&self) -> Arc<Pending> {
        self.lock().outbox.pending()
    }
}
