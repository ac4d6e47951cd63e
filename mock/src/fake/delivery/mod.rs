//! The delivery engine: what the fake sends when GitHub would send a webhook (a `ping` when a
//! hook is created or pinged, a redelivery, any event emitted by a test), signed over the exact
//! bytes sent ([`sign`]), and how it is sent in the background and recorded as the receiver
//! really answered ([`send`]).

pub(crate) mod send;
pub(crate) mod sign;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::model::{Delivery, DeliverySeed, Hook, HookKind};

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
    pub body: Vec<u8>,
    pub payload: Value,
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
        payload: Value,
        timeout: Duration,
        trap: bool,
    ) -> Outgoing {
        let (body, content_type) = sign::wire_body(&hook.config.content_type, &payload, trap);
        // The record shows the payload as sent, trap included.
        let payload = if trap {
            sign::parsed_payload(&body, content_type).unwrap_or(payload)
        } else {
            payload
        };
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
        if let Some(secret) = &hook.config.secret {
            request_headers.insert(
                "X-Hub-Signature".to_owned(),
                sign::signature_1(secret, &body),
            );
            request_headers.insert(
                "X-Hub-Signature-256".to_owned(),
                sign::signature_256(secret, &body),
            );
        }
        Outgoing {
            id,
            hook_id: hook.id,
            guid,
            event: event.to_owned(),
            action: payload
                .get("action")
                .and_then(Value::as_str)
                .map(str::to_owned),
            installation_id: payload.pointer("/installation/id").and_then(Value::as_u64),
            repository_id: payload.pointer("/repository/id").and_then(Value::as_u64),
            redelivery: false,
            url: hook.config.url.clone(),
            insecure_ssl: hook.config.insecure_ssl.trim() == "1",
            request_headers,
            body,
            payload,
            timeout,
        }
    }

    /// The record of this attempt with the receiver's answer.
    pub(crate) fn record(self, outcome: send::Outcome, delivered_at: OffsetDateTime) -> Delivery {
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

/// A new `X-GitHub-Delivery` GUID.
pub(crate) fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The `ping` payload GitHub sends: `zen`, `hook_id`, `hook` (as the API shows it, secret
/// masked), and for organization hooks `organization` and `sender`.
pub(crate) fn ping_payload(hook: &Hook, hook_json: Value, target: &Target<'_>) -> Value {
    let mut payload = json!({
        "zen": ZEN,
        "hook_id": hook.id,
        "hook": hook_json,
    });
    if let (Some(login), Some(org_id), Some(object)) =
        (target.org_login, target.org_id, payload.as_object_mut())
    {
        object.insert("organization".into(), organization(login, org_id));
    }
    if let Some(object) = payload.as_object_mut() {
        object.insert("sender".into(), sender());
    }
    payload
}

/// An organization as webhook payloads show it (`organization-simple`).
fn organization(login: &str, id: u64) -> Value {
    let api = format!("https://api.github.com/orgs/{login}");
    json!({
        "login": login,
        "id": id,
        "node_id": format!("O_hookspec{id}"),
        "url": api,
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events"),
        "hooks_url": format!("{api}/hooks"),
        "issues_url": format!("{api}/issues"),
        "members_url": format!("{api}/members{{/member}}"),
        "public_members_url": format!("{api}/public_members{{/member}}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "description": null,
    })
}

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
        request_payload: seed.payload,
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
