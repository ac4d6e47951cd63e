//! The delivery engine: what the fake sends when GitHub would send a webhook (a `ping` when a
//! hook is created or pinged, a redelivery, any event emitted by a test), signed over the exact
//! bytes sent ([`sign`]), and how it is sent in the background and recorded as the receiver
//! really answered ([`send`]).

pub(crate) mod send;
pub(crate) mod sign;

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::model::{Delivery, DeliverySeed, Hook, HookKind};
use super::payload::Payload;

/// The organization a hook belongs to, for the installation-target headers and payloads.
pub(crate) struct Target<'a> {
    pub kind: HookKind,
    pub org_login: Option<&'a str>,
    pub org_id: Option<u64>,
}

/// The `User-Agent` of every delivery: `GitHub-Hookshot/<hex>`, as GitHub's is.
const USER_AGENT: &str = "GitHub-Hookshot/h00k5pec";

/// The `zen` of the fake's pings (one of GitHub's).
const ZEN: &str = "Keep it logically awesome.";

/// One attempt to deliver, fully built: where it goes, the bytes and headers sent, and what
/// its record will say apart from the receiver's answer.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub id: u64,
    pub hook_id: u64,
    pub guid: String,
    pub event: String,
    pub action: Option<String>,
    pub installation_id: Option<u64>,
    pub repository_id: Option<u64>,
    pub redelivery: bool,
    pub url: String,
    pub insecure_ssl: bool,
    pub request_headers: BTreeMap<String, String>,
    /// The bytes POSTed, shared with the request that sends them.
    pub body: bytes::Bytes,
    pub payload: Payload,
    /// The hook's secret until [`Outgoing::sign`] has signed the body with it: signing is the
    /// delivery thread's work, not the API call's (#11).
    secret: Option<Secret>,
    pub timeout: Duration,
}

impl Outgoing {
    /// `event` with `payload` through `hook` as it is configured now; with `trap`, the body
    /// carries [`sign::TRAP_MEMBER`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        id: u64,
        hook: &Hook,
        target: &Target<'_>,
        guid: String,
        event: &str,
        payload: Payload,
        timeout: Duration,
        trap: bool,
    ) -> Outgoing {
        let (body, content_type, trapped) =
            sign::wire_body(&hook.config.content_type, payload.text(), trap);
        // The record shows the payload as sent, trap included.
        let payload = trapped.map_or(payload, Payload::from_json_text);
        // What the record lists about the payload, when it came as a value (emitted events);
        // a ping has none of it, and a redelivery copies the original's.
        let value = payload.value_if_parsed();
        let mut request_headers = hookshot_headers(&guid, event, hook.id);
        match (target.kind, target.org_id) {
            (HookKind::Organization, Some(org_id)) => {
                request_headers.insert(
                    "X-GitHub-Hook-Installation-Target-ID".to_owned(),
                    org_id.to_string(),
                );
                request_headers.insert(
                    "X-GitHub-Hook-Installation-Target-Type".to_owned(),
                    "organization".to_owned(),
                );
            }
            _ => {
                request_headers.insert(
                    "X-GitHub-Hook-Installation-Target-Type".to_owned(),
                    "global".to_owned(),
                );
            }
        }
        request_headers.insert("content-type".to_owned(), content_type.to_owned());
        Outgoing {
            id,
            hook_id: hook.id,
            guid,
            event: event.to_owned(),
            action: value
                .and_then(|v| v.get("action"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            installation_id: value
                .and_then(|v| v.pointer("/installation/id"))
                .and_then(Value::as_u64),
            repository_id: value
                .and_then(|v| v.pointer("/repository/id"))
                .and_then(Value::as_u64),
            redelivery: false,
            url: hook.config.url.clone(),
            insecure_ssl: hook.config.insecure_ssl.trim() == "1",
            request_headers,
            body: body.into(),
            payload,
            secret: hook.config.secret.clone().map(Secret),
            timeout,
        }
    }

    /// Adds `X-Hub-Signature` and `X-Hub-Signature-256` when the hook has a secret (once).
    pub(crate) fn sign(&mut self) {
        if let Some(Secret(secret)) = self.secret.take() {
            self.request_headers.insert(
                "X-Hub-Signature".to_owned(),
                sign::signature_1(&secret, &self.body),
            );
            self.request_headers.insert(
                "X-Hub-Signature-256".to_owned(),
                sign::signature_256(&secret, &self.body),
            );
        }
    }

    /// The record of this attempt with the receiver's answer.
    pub(crate) fn record(
        mut self,
        outcome: send::Outcome,
        delivered_at: OffsetDateTime,
    ) -> Delivery {
        // The record shows the headers as sent, or as they would have been.
        self.sign();
        Delivery {
            id: self.id,
            hook_id: self.hook_id,
            guid: self.guid,
            delivered_at,
            redelivery: self.redelivery,
            duration: outcome.duration.as_secs_f64(),
            status: outcome.status,
            status_code: outcome.status_code,
            event: self.event,
            action: self.action,
            installation_id: self.installation_id,
            repository_id: self.repository_id,
            throttled_at: None,
            url: self.url,
            request_headers: self.request_headers,
            request_payload: self.payload,
            response_headers: outcome.headers,
            response_payload: outcome.body,
        }
    }
}

/// A hook's secret on its way to the delivery thread; its `Debug` never shows it.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A new `X-GitHub-Delivery` GUID.
pub(crate) fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The `ping` payload GitHub sends: `zen`, `hook_id`, `hook` (as the API shows it on
/// `api_base`, secret masked), and for organization hooks `organization` and `sender`.
///
/// Written straight as JSON text (the sender's part once per process), in the member order
/// GitHub uses; building a `serde_json::Value` first cost more than sending it (#11).
pub(crate) fn ping_payload(hook: &Hook, api_base: &str, target: &Target<'_>) -> Payload {
    let written = (|| -> serde_json::Result<Vec<u8>> {
        let mut text = Vec::with_capacity(4096);
        text.extend_from_slice(b"{\"zen\":");
        serde_json::to_writer(&mut text, ZEN)?;
        text.extend_from_slice(b",\"hook_id\":");
        serde_json::to_writer(&mut text, &hook.id)?;
        text.extend_from_slice(b",\"hook\":");
        serde_json::to_writer(
            &mut text,
            &super::render::hook_view(hook, api_base, target.org_login),
        )?;
        if let (Some(login), Some(org_id)) = (target.org_login, target.org_id) {
            text.extend_from_slice(b",\"organization\":");
            serde_json::to_writer(&mut text, &Organization::new(login, org_id))?;
        }
        text.extend_from_slice(b",\"sender\":");
        text.extend_from_slice(SENDER.as_bytes());
        text.push(b'}');
        Ok(text)
    })();
    match written.map(String::from_utf8) {
        Ok(Ok(text)) => Payload::from_json_text(text),
        // serde_json writes UTF-8 and these types always serialize; keep the ping sendable.
        _ => Payload::from_value(json!({ "zen": ZEN, "hook_id": hook.id })),
    }
}

/// An organization as webhook payloads show it (`organization-simple`), in GitHub's order.
#[derive(serde::Serialize)]
struct Organization<'a> {
    login: &'a str,
    id: u64,
    node_id: String,
    url: String,
    repos_url: String,
    events_url: String,
    hooks_url: String,
    issues_url: String,
    members_url: String,
    public_members_url: String,
    avatar_url: String,
    description: Option<&'a str>,
}

impl<'a> Organization<'a> {
    fn new(login: &'a str, id: u64) -> Organization<'a> {
        let api = format!("https://api.github.com/orgs/{login}");
        Organization {
            login,
            id,
            node_id: format!("O_hookspec{id}"),
            repos_url: format!("{api}/repos"),
            events_url: format!("{api}/events"),
            hooks_url: format!("{api}/hooks"),
            issues_url: format!("{api}/issues"),
            members_url: format!("{api}/members{{/member}}"),
            public_members_url: format!("{api}/public_members{{/member}}"),
            avatar_url: format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
            description: None,
            url: api,
        }
    }
}

/// The sender's JSON, the same in every payload.
static SENDER: LazyLock<String> = LazyLock::new(|| sender().to_string());

/// The user a delivery is sent on behalf of (`simple-user`).
fn sender() -> Value {
    let api = "https://api.github.com/users/hookspec";
    json!({
        "login": "hookspec",
        "id": 1,
        "node_id": "U_hookspec1",
        "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": "https://github.com/hookspec",
        "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"),
        "type": "User",
        "user_view_type": "public",
        "site_admin": false,
    })
}

/// How GitHub words a delivery's outcome from the receiver's status code.
pub(crate) fn status_text(status_code: u16) -> String {
    if (200..300).contains(&status_code) {
        "OK".to_owned()
    } else {
        format!("Invalid HTTP Response: {status_code}")
    }
}

/// A seeded delivery, delivered now (nothing is sent).
pub(crate) fn from_seed(id: u64, hook_id: u64, url: String, seed: DeliverySeed) -> Delivery {
    let guid = new_guid();
    let mut request_headers = hookshot_headers(&guid, &seed.event, hook_id);
    request_headers.insert("content-type".to_owned(), "application/json".to_owned());
    Delivery {
        id,
        hook_id,
        guid,
        delivered_at: OffsetDateTime::now_utc(),
        redelivery: seed.redelivery,
        duration: 0.27,
        status: status_text(seed.status_code),
        status_code: seed.status_code,
        event: seed.event,
        action: seed.action,
        installation_id: seed.installation_id,
        repository_id: seed.repository_id,
        throttled_at: None,
        url,
        request_headers,
        request_payload: Payload::from_value(seed.payload),
        response_headers: BTreeMap::new(),
        response_payload: String::new(),
    }
}

/// The headers every delivery request carries, whatever the hook and payload.
fn hookshot_headers(guid: &str, event: &str, hook_id: u64) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("Accept".to_owned(), "*/*".to_owned()),
        ("User-Agent".to_owned(), USER_AGENT.to_owned()),
        ("X-GitHub-Delivery".to_owned(), guid.to_owned()),
        ("X-GitHub-Event".to_owned(), event.to_owned()),
        ("X-GitHub-Hook-ID".to_owned(), hook_id.to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HookSeed;

    /// The ping as it was built before #11, through a `serde_json::Value`: the oracle.
    fn ping_through_a_value(hook: &Hook, api_base: &str, target: &Target<'_>) -> String {
        let hook_json = serde_json::to_value(super::super::render::hook_view(
            hook,
            api_base,
            target.org_login,
        ))
        .unwrap_or_default();
        let mut payload = json!({ "zen": ZEN, "hook_id": hook.id, "hook": hook_json });
        if let (Some(login), Some(org_id), Some(object)) =
            (target.org_login, target.org_id, payload.as_object_mut())
        {
            let api = format!("https://api.github.com/orgs/{login}");
            object.insert(
                "organization".into(),
                json!({
                    "login": login,
                    "id": org_id,
                    "node_id": format!("O_hookspec{org_id}"),
                    "url": api,
                    "repos_url": format!("{api}/repos"),
                    "events_url": format!("{api}/events"),
                    "hooks_url": format!("{api}/hooks"),
                    "issues_url": format!("{api}/issues"),
                    "members_url": format!("{api}/members{{/member}}"),
                    "public_members_url": format!("{api}/public_members{{/member}}"),
                    "avatar_url": format!("https://avatars.githubusercontent.com/u/{org_id}?v=4"),
                    "description": null,
                }),
            );
        }
        if let Some(object) = payload.as_object_mut() {
            object.insert("sender".into(), sender());
        }
        payload.to_string()
    }

    #[test]
    fn the_ping_written_as_text_has_the_bytes_of_the_ping_built_as_a_value() {
        let now = time::macros::datetime!(2026-12-03 13:18:25 UTC);
        let hook = HookSeed::new("https://example.com/h\"o\u{e9}k")
            .events(["push", "issues"])
            .secret("s3cret")
            .into_hook(7, HookKind::Organization, now);
        for target in [
            Target {
                kind: HookKind::Organization,
                org_login: Some("oct\"o cat"),
                org_id: Some(42),
            },
            Target {
                kind: HookKind::Global,
                org_login: None,
                org_id: None,
            },
        ] {
            let base = "http://127.0.0.1:8080/api/v3";
            let written = ping_payload(&hook, base, &target);
            assert_eq!(written.text(), ping_through_a_value(&hook, base, &target));
            assert!(written.value().is_object());
        }
    }
}
