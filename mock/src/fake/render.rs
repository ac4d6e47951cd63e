//! How stored things look on the wire: hooks, configurations and deliveries as JSON, with
//! secrets masked and URLs built on the base URL the client used.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::state::{Delivery, Hook, HookConfig, HookKind};

/// GitHub's timestamp form, `2011-09-06T20:39:23Z`.
pub(crate) fn timestamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// A hook's configuration as the API shows it: the secret, if set, as `********`.
pub(crate) fn config_json(config: &HookConfig) -> Value {
    let mut object = Map::new();
    object.insert("content_type".into(), config.content_type.clone().into());
    object.insert("insecure_ssl".into(), config.insecure_ssl.clone().into());
    if config.secret.is_some() {
        object.insert("secret".into(), "********".into());
    }
    object.insert("url".into(), config.url.clone().into());
    Value::Object(object)
}

/// A hook as the API shows it. `api_base` is the client's base URL plus any `/api/v3`
/// prefix; `org` is the organization's login for organization hooks.
pub(crate) fn hook_json(hook: &Hook, api_base: &str, org: Option<&str>) -> Value {
    let url = hook_url(hook, api_base, org);
    let mut object = Map::new();
    object.insert("type".into(), hook.kind.type_name().into());
    object.insert("id".into(), hook.id.into());
    object.insert("name".into(), hook.name.clone().into());
    object.insert("active".into(), hook.active.into());
    object.insert("events".into(), hook.events.clone().into());
    object.insert("config".into(), config_json(&hook.config));
    object.insert("updated_at".into(), timestamp(hook.updated_at).into());
    object.insert("created_at".into(), timestamp(hook.created_at).into());
    object.insert("ping_url".into(), format!("{url}/pings").into());
    if hook.kind == HookKind::Organization {
        object.insert("deliveries_url".into(), format!("{url}/deliveries").into());
    }
    object.insert("url".into(), url.into());
    Value::Object(object)
}

/// The hook's own URL.
pub(crate) fn hook_url(hook: &Hook, api_base: &str, org: Option<&str>) -> String {
    match (hook.kind, org) {
        (HookKind::Organization, Some(org)) => format!("{api_base}/orgs/{org}/hooks/{}", hook.id),
        _ => format!("{api_base}/admin/hooks/{}", hook.id),
    }
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
