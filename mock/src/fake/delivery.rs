//! Building deliveries as GitHub records them: pings, redeliveries and seeded ones, with the
//! request headers a receiver would have seen (`X-Hub-Signature-256` computed with HMAC-SHA256
//! when the hook has a secret). The fake makes no outbound HTTP: each delivery is recorded as
//! having reached a receiver that answered `200 OK`.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;

use super::model::{Delivery, DeliverySeed, Hook, HookKind};

/// The organization a hook belongs to, for the installation-target headers and payloads.
pub(crate) struct Target<'a> {
    pub kind: HookKind,
    pub org_login: Option<&'a str>,
    pub org_id: Option<u64>,
}

/// How GitHub words a delivery's outcome.
pub(crate) fn status_text(status_code: u16) -> String {
    if (200..300).contains(&status_code) {
        "OK".to_owned()
    } else {
        format!("Invalid HTTP Response: {status_code}")
    }
}

/// A seeded delivery, delivered now.
pub(crate) fn from_seed(id: u64, hook_id: u64, url: String, seed: DeliverySeed) -> Delivery {
    let guid = uuid::Uuid::new_v4().to_string();
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

/// The `ping` delivery GitHub sends when a hook is pinged; `hook_json` is the hook as the API
/// shows it (secret masked).
pub(crate) fn ping(id: u64, hook: &Hook, hook_json: Value, target: &Target<'_>) -> Delivery {
    let mut payload = json!({
        "zen": "Keep it logically awesome.",
        "hook_id": hook.id,
        "hook": hook_json,
    });
    if let (Some(login), Some(org_id), Some(object)) =
        (target.org_login, target.org_id, payload.as_object_mut())
    {
        object.insert(
            "organization".into(),
            json!({ "login": login, "id": org_id }),
        );
    }
    if let Some(object) = payload.as_object_mut() {
        object.insert(
            "sender".into(),
            json!({ "login": "hookspec", "id": 1, "type": "User" }),
        );
    }
    let guid = uuid::Uuid::new_v4().to_string();
    let request_headers = request_headers(&guid, "ping", hook, target, &payload);
    Delivery {
        id,
        hook_id: hook.id,
        guid,
        delivered_at: OffsetDateTime::now_utc(),
        redelivery: false,
        duration: 0.01,
        status: status_text(200),
        status_code: 200,
        event: "ping".to_owned(),
        action: None,
        installation_id: None,
        repository_id: None,
        throttled_at: None,
        url: hook.config.url.clone(),
        request_headers,
        request_payload: payload,
        response_headers: receiver_headers(),
        response_payload: String::new(),
    }
}

/// A redelivery of `original` through `hook` as it is configured now: same GUID, event and
/// payload, a new id and time, `redelivery: true`.
pub(crate) fn redeliver(
    id: u64,
    original: &Delivery,
    hook: &Hook,
    target: &Target<'_>,
) -> Delivery {
    let request_headers = request_headers(
        &original.guid,
        &original.event,
        hook,
        target,
        &original.request_payload,
    );
    Delivery {
        id,
        hook_id: hook.id,
        guid: original.guid.clone(),
        delivered_at: OffsetDateTime::now_utc(),
        redelivery: true,
        duration: 0.01,
        status: status_text(200),
        status_code: 200,
        event: original.event.clone(),
        action: original.action.clone(),
        installation_id: original.installation_id,
        repository_id: original.repository_id,
        throttled_at: None,
        url: hook.config.url.clone(),
        request_headers,
        request_payload: original.request_payload.clone(),
        response_headers: receiver_headers(),
        response_payload: String::new(),
    }
}

fn receiver_headers() -> BTreeMap<String, String> {
    let mut headers = BTreeMap::new();
    headers.insert("Content-Type".to_owned(), "text/plain".to_owned());
    headers
}

/// The body GitHub would POST for `payload` with the hook's content type.
pub(crate) fn wire_body(content_type: &str, payload: &Value) -> (Vec<u8>, &'static str) {
    let json = payload.to_string();
    if content_type == "form" {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &json)
            .finish();
        (body.into_bytes(), "application/x-www-form-urlencoded")
    } else {
        (json.into_bytes(), "application/json")
    }
}

/// `sha256=<hex HMAC-SHA256 of body keyed by secret>`, as in `X-Hub-Signature-256`.
pub fn signature_256(secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        // HMAC accepts keys of any length; this branch is unreachable in practice.
        return String::new();
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(7 + digest.len() * 2);
    hex.push_str("sha256=");
    for byte in digest.iter() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// The headers every delivery request carries, whatever the hook and payload.
fn hookshot_headers(guid: &str, event: &str, hook_id: u64) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("Accept".to_owned(), "*/*".to_owned()),
        (
            "User-Agent".to_owned(),
            "GitHub-Hookshot/hookspec".to_owned(),
        ),
        ("X-GitHub-Delivery".to_owned(), guid.to_owned()),
        ("X-GitHub-Event".to_owned(), event.to_owned()),
        ("X-GitHub-Hook-ID".to_owned(), hook_id.to_string()),
    ])
}

fn request_headers(
    guid: &str,
    event: &str,
    hook: &Hook,
    target: &Target<'_>,
    payload: &Value,
) -> BTreeMap<String, String> {
    let (body, content_type) = wire_body(&hook.config.content_type, payload);
    let mut headers = hookshot_headers(guid, event, hook.id);
    match (target.kind, target.org_id) {
        (HookKind::Organization, Some(org_id)) => {
            headers.insert(
                "X-GitHub-Hook-Installation-Target-ID".to_owned(),
                org_id.to_string(),
            );
            headers.insert(
                "X-GitHub-Hook-Installation-Target-Type".to_owned(),
                "organization".to_owned(),
            );
        }
        _ => {
            headers.insert(
                "X-GitHub-Hook-Installation-Target-Type".to_owned(),
                "global".to_owned(),
            );
        }
    }
    headers.insert("content-type".to_owned(), content_type.to_owned());
    if let Some(secret) = &hook.config.secret {
        headers.insert(
            "X-Hub-Signature-256".to_owned(),
            signature_256(secret, &body),
        );
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_githubs_documented_example() {
        // From GitHub's "Validating webhook deliveries" page.
        assert_eq!(
            signature_256("It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }
}
