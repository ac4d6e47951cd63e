//! The state as a document: every field the fake's answers are made from, timestamps to the
//! nanosecond and payloads to the byte, so that importing it gives every read back unchanged.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::StateDocument;
use crate::fake::auth::Grants;
use crate::fake::config::{OrgRole, RepoRole};
use crate::fake::hook_store::HookMap;
use crate::fake::model::{Delivery, Hook};
use crate::fake::state::State;
use crate::generated::control_models as doc;

/// The whole state.
pub(crate) fn export(state: &State) -> StateDocument {
    let mut document = export_without_deliveries(state);
    document.deliveries = Some(records(state).into_iter().map(delivery).collect());
    document
}

/// Every delivery record, copied (their payloads shared, not copied): what [`delivery`] writes.
pub(crate) fn records(state: &State) -> Vec<Delivery> {
    state.deliveries.values().flatten().cloned().collect()
}

/// The whole state but its delivery records (`deliveries` is `None`): what takes little time
/// to write, so that a caller can copy the records under the state's lock and write them
/// after it, with [`delivery`]; each record's payload is parsed and written again there.
pub(crate) fn export_without_deliveries(state: &State) -> StateDocument {
    StateDocument {
        any_org: Some(state.any_org),
        any_repo: Some(state.any_repo),
        orgs: Some(
            state
                .orgs
                .values()
                .map(|org| doc::StateOrg {
                    login: org.login.clone(),
                    id: Some(int(org.id)),
                    hooks: Some(hooks(&org.hooks)),
                })
                .collect(),
        ),
        repos: Some(
            state
                .repos
                .values()
                .map(|repo| doc::StateRepo {
                    full_name: repo.full_name.clone(),
                    id: Some(int(repo.id)),
                    hooks: Some(hooks(&repo.hooks)),
                })
                .collect(),
        ),
        apps: Some(
            state
                .apps
                .values()
                .map(|app| doc::StateApp {
                    id: int(app.app.id),
                    client_id: Some(app.app.client_id.clone()),
                    public_key: app.app.public_key_pem().to_owned(),
                    hook: app.hooks.get(&app.hook_id).map(hook),
                })
                .collect(),
        ),
        global_hooks: Some(hooks(&state.global_hooks)),
        deliveries: None,
        tokens: Some(tokens(state.tokens.as_ref())),
        counters: Some(doc::StateCounters {
            next_org_id: Some(int(state.next_org_id)),
            next_repo_id: Some(int(state.next_repo_id)),
            next_hook_id: Some(int(state.next_hook_id)),
            next_delivery_id: Some(int(state.next_delivery_id)),
        }),
    }
}

/// An id as the document's integers hold it (ids never come near `i64::MAX`).
fn int(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// A time to the nanosecond (RFC 3339 with the fraction of a second the fake holds).
pub(crate) fn time_text(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn hooks(map: &HookMap) -> Vec<doc::StateHook> {
    map.values().map(hook).collect()
}

pub(crate) fn hook(hook: &Hook) -> doc::StateHook {
    doc::StateHook {
        id: Some(int(hook.id)),
        name: hook.name.clone(),
        active: hook.active,
        events: Some(hook.events.clone()),
        config: doc::StateHookConfig {
            url: hook.config.url.clone(),
            content_type: hook.config.content_type.clone(),
            insecure_ssl: hook.config.insecure_ssl.clone(),
            secret: hook.config.secret.clone(),
        },
        created_at: Some(time_text(hook.created_at)),
        updated_at: Some(time_text(hook.updated_at)),
        last_response: Some(doc::StateLastResponse {
            code: Some(hook.last_response.code.map(i64::from)),
            status: hook.last_response.status.clone(),
            message: Some(hook.last_response.message.clone()),
        }),
    }
}

/// A delivery record in full; the payload's text too when it is not the compact JSON of its
/// value (a signature trap's escapes), so that a redelivery after an import sends the same bytes.
pub(crate) fn delivery(delivery: Delivery) -> doc::StateDelivery {
    // Parsed here, not through `value()`: that would keep a parsed tree beside every record's
    // text for as long as the record lives.
    let text = delivery.request_payload.text();
    let payload = match delivery.request_payload.value_if_parsed() {
        Some(value) => value.clone(),
        None => serde_json::from_str(text).unwrap_or(serde_json::Value::Null),
    };
    let compact = serde_json::to_string(&payload).ok();
    let payload_text = (compact.as_deref() != Some(text)).then(|| text.to_owned());
    doc::StateDelivery {
        id: Some(int(delivery.id)),
        hook_id: int(delivery.hook_id),
        guid: Some(delivery.guid),
        delivered_at: Some(time_text(delivery.delivered_at)),
        redelivery: delivery.redelivery,
        duration: Some(delivery.duration),
        status: Some(delivery.status),
        status_code: i64::from(delivery.status_code),
        event: delivery.event,
        action: delivery.action,
        installation_id: delivery.installation_id.map(int),
        repository_id: delivery.repository_id.map(int),
        throttled_at: delivery.throttled_at.map(time_text),
        url: Some(delivery.url),
        request: Some(doc::StateDeliveryRequest {
            headers: Some(delivery.request_headers.to_map()),
            payload: Some(payload),
            payload_text,
        }),
        response: Some(doc::StateDeliveryResponse {
            headers: Some(delivery.response_headers.to_map()),
            payload: Some(delivery.response_payload),
        }),
    }
}

fn tokens(tokens: Option<&BTreeMap<String, Grants>>) -> Vec<doc::StateToken> {
    tokens
        .into_iter()
        .flatten()
        .map(|(token, grants)| doc::StateToken {
            token: token.clone(),
            org_role: match grants.org_role {
                OrgRole::Outsider => doc::StateTokenOrgRole::Outsider,
                OrgRole::Member => doc::StateTokenOrgRole::Member,
                OrgRole::Owner => doc::StateTokenOrgRole::Owner,
            },
            site_admin: grants.site_admin,
            repo_role: match grants.repo_role {
                RepoRole::None => doc::StateTokenRepoRole::None,
                RepoRole::Read => doc::StateTokenRepoRole::Read,
                RepoRole::Admin => doc::StateTokenRepoRole::Admin,
            },
        })
        .collect()
}
