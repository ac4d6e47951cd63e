//! How stored things look on the wire: hooks, configurations and deliveries as JSON, with
//! secrets masked and URLs built on the base URL the client used.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::model::{Delivery, Hook, HookConfig, HookKind, LastResponse};

/// A time in GitHub's form, `2011-09-06T20:39:23Z`, written without allocating.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timestamp(pub OffsetDateTime);

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.0.to_offset(time::UtcOffset::UTC);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written into a stack buffer first: one string to escape instead of many pieces.
        let at = self.0.to_offset(time::UtcOffset::UTC);
        let mut buffer = *b"0000-00-00T00:00:00Z";
        let mut put = |start: usize, width: usize, mut value: u32| {
            for slot in buffer[start..start + width].iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, at.year().clamp(0, 9999) as u32);
        put(5, 2, u32::from(u8::from(at.month())));
        put(8, 2, u32::from(at.day()));
        put(11, 2, u32::from(at.hour()));
        put(14, 2, u32::from(at.minute()));
        put(17, 2, u32::from(at.second()));
        serializer.serialize_str(std::str::from_utf8(&buffer).unwrap_or_default())
    }
}

/// GitHub's timestamp form, `2011-09-06T20:39:23Z`.
pub(crate) fn timestamp(at: OffsetDateTime) -> String {
    Timestamp(at).to_string()
}

/// A hook's configuration as the API shows it: the secret, if set, as `********`.
#[derive(Debug, Serialize)]
pub(crate) struct ConfigView<'a> {
    content_type: &'a str,
    insecure_ssl: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'static str>,
    url: &'a str,
}

pub(crate) fn config_view(config: &HookConfig) -> ConfigView<'_> {
    ConfigView {
        content_type: &config.content_type,
        insecure_ssl: &config.insecure_ssl,
        secret: config.secret.as_ref().map(|_| "********"),
        url: &config.url,
    }
}

/// A hook's URL (or one below it), written without allocating.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HookUrl<'a> {
    api_base: &'a str,
    kind: HookKind,
    /// The organization's login, or the repository's `owner/name`.
    owner: Option<&'a str>,
    id: u64,
    suffix: &'static str,
}

impl fmt::Display for HookUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (api_base, id, suffix) = (self.api_base, self.id, self.suffix);
        match (self.kind, self.owner) {
            (HookKind::Organization, Some(org)) => {
                write!(f, "{api_base}/orgs/{org}/hooks/{id}{suffix}")
            }
            (HookKind::Repository, Some(repo)) => {
                write!(f, "{api_base}/repos/{repo}/hooks/{id}{suffix}")
            }
            _ => write!(f, "{api_base}/admin/hooks/{id}{suffix}"),
        }
    }
}

impl Serialize for HookUrl<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// An organization or global hook as the API shows it, in GitHub's field order.
#[derive(Debug, Serialize)]
pub(crate) struct OwnedHookView<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: u64,
    name: &'a str,
    active: bool,
    events: &'a [String],
    config: ConfigView<'a>,
    updated_at: Timestamp,
    created_at: Timestamp,
    ping_url: HookUrl<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deliveries_url: Option<HookUrl<'a>>,
    url: HookUrl<'a>,
}

/// A repository hook as the API shows it, in GitHub's field order (its own, with `test_url`
/// and `last_response`).
#[derive(Debug, Serialize)]
pub(crate) struct RepositoryHookView<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: u64,
    name: &'a str,
    active: bool,
    events: &'a [String],
    config: ConfigView<'a>,
    updated_at: Timestamp,
    created_at: Timestamp,
    url: HookUrl<'a>,
    test_url: HookUrl<'a>,
    ping_url: HookUrl<'a>,
    deliveries_url: HookUrl<'a>,
    last_response: &'a LastResponse,
}

/// A GitHub App's hook as its `ping` shows it: no URLs of its own (the app's hook is reached
/// through `/app/hook`), and the app's id.
#[derive(Debug, Serialize)]
pub(crate) struct AppHookView<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: u64,
    name: &'a str,
    active: bool,
    events: &'a [String],
    config: ConfigView<'a>,
    updated_at: Timestamp,
    created_at: Timestamp,
    app_id: u64,
}

/// A hook as the API shows it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum HookView<'a> {
    /// A GitHub App's hook.
    App(AppHookView<'a>),
    /// An organization or global hook.
    Owned(OwnedHookView<'a>),
    /// A repository hook.
    Repository(RepositoryHookView<'a>),
}

/// A hook as the API shows it. `api_base` is the client's base URL plus any `/api/v3`
/// prefix; `owner` is the organization's login, the repository's `owner/name`, or the app's id.
pub(crate) fn hook_view<'a>(
    hook: &'a Hook,
    api_base: &'a str,
    owner: Option<&'a str>,
) -> HookView<'a> {
    let url = HookUrl {
        api_base,
        kind: hook.kind,
        owner: owner.filter(|_| hook.kind != HookKind::Global),
        id: hook.id,
        suffix: "",
    };
    let below = |suffix| HookUrl { suffix, ..url };
    match hook.kind {
        HookKind::Repository => HookView::Repository(RepositoryHookView {
            kind: hook.kind.type_name(),
            id: hook.id,
            name: &hook.name,
            active: hook.active,
            events: &hook.events,
            config: config_view(&hook.config),
            updated_at: Timestamp(hook.updated_at),
            created_at: Timestamp(hook.created_at),
            url,
            // GitHub's examples spell it singular, though the operation is `POST …/tests`.
            test_url: below("/test"),
            ping_url: below("/pings"),
            deliveries_url: below("/deliveries"),
            last_response: &hook.last_response,
        }),
        HookKind::App => HookView::App(AppHookView {
            kind: hook.kind.type_name(),
            id: hook.id,
            name: &hook.name,
            active: hook.active,
            events: &hook.events,
            config: config_view(&hook.config),
            updated_at: Timestamp(hook.updated_at),
            created_at: Timestamp(hook.created_at),
            app_id: owner.and_then(|id| id.parse().ok()).unwrap_or_default(),
        }),
        HookKind::Organization | HookKind::Global => HookView::Owned(OwnedHookView {
            kind: hook.kind.type_name(),
            id: hook.id,
            name: &hook.name,
            active: hook.active,
            events: &hook.events,
            config: config_view(&hook.config),
            updated_at: Timestamp(hook.updated_at),
            created_at: Timestamp(hook.created_at),
            ping_url: below("/pings"),
            deliveries_url: url.owner.map(|_| below("/deliveries")),
            url,
        }),
    }
}

/// The hook's own URL.
pub(crate) fn hook_url(hook: &Hook, api_base: &str, owner: Option<&str>) -> String {
    HookUrl {
        api_base,
        kind: hook.kind,
        owner: owner.filter(|_| hook.kind != HookKind::Global),
        id: hook.id,
        suffix: "",
    }
    .to_string()
}

/// A delivery as list items show it.
pub(crate) fn delivery_summary_json(delivery: &Delivery) -> Value {
    json!({
        "id": delivery.id,
        "guid": delivery.guid,
        "delivered_at": timestamp(delivery.delivered_at),
        "redelivery": delivery.redelivery,
        "duration": delivery.duration,
        "status": delivery.status,
        "status_code": delivery.status_code,
        "event": delivery.event,
        "action": delivery.action,
        "installation_id": delivery.installation_id,
        "repository_id": delivery.repository_id,
        "throttled_at": delivery.throttled_at.map(timestamp),
    })
}

/// A delivery in full, with the request and response.
pub(crate) fn delivery_json(delivery: &Delivery) -> Value {
    let mut value = delivery_summary_json(delivery);
    if let Some(object) = value.as_object_mut() {
        object.insert("url".into(), delivery.url.clone().into());
        object.insert(
            "request".into(),
            json!({ "headers": delivery.request_headers, "payload": delivery.request_payload }),
        );
        object.insert(
            "response".into(),
            json!({ "headers": delivery.response_headers, "payload": delivery.response_payload }),
        );
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_githubs_form() {
        let at = time::macros::datetime!(2011-09-06 20:39:23.456 UTC);
        assert_eq!(timestamp(at), "2011-09-06T20:39:23Z");
    }
}
