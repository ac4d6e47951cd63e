//! The records of a state document, each read on its own: a hook, a delivery, the tokens, and
//! the checks every field gets (ids, times, status codes), each refusal naming the field's path.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::StateDocumentError;
use crate::fake::auth::Grants;
use crate::fake::config::{OrgRole, RepoRole, TokenConfig};
use crate::fake::delivery;
use crate::fake::model::{Delivery, DeliverySeed, Hook, HookConfig, HookKind, LastResponse};
use crate::fake::payload::Payload;
use crate::fake::state::grants_of;
use crate::generated::control_models as doc;

pub(super) fn invalid(path: impl Into<String>, message: impl Into<String>) -> StateDocumentError {
    StateDocumentError {
        path: path.into(),
        line: None,
        column: None,
        message: message.into(),
    }
}

/// A non-negative id.
pub(super) fn id(path: &str, value: i64) -> Result<u64, StateDocumentError> {
    u64::try_from(value).map_err(|_| invalid(path, format!("must be 0 or more, got {value}")))
}

/// The next id of a kind: the document's counter, else one past its highest id; a counter at
/// or below an id in use is refused.
pub(super) fn next_id(
    path: &str,
    counter: Option<i64>,
    used: &[u64],
) -> Result<u64, StateDocumentError> {
    let highest = used.iter().copied().max().unwrap_or(0);
    match counter {
        None => Ok(highest + 1),
        Some(counter) => {
            let counter = id(path, counter)?;
            if counter <= highest {
                return Err(invalid(
                    path,
                    format!("{counter} is not above the highest id in use, {highest}"),
                ));
            }
            Ok(counter)
        }
    }
}

pub(super) fn take(next: &mut u64) -> u64 {
    let id = *next;
    *next += 1;
    id
}

pub(super) fn time_or(
    path: &str,
    text: Option<&str>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, StateDocumentError> {
    match text {
        None => Ok(now),
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|error| invalid(path, format!("{text:?} is not an RFC 3339 time ({error})"))),
    }
}

/// Reads `document`, with `now` for the times it leaves out.
pub(super) fn read_hook(
    path: &str,
    hook: &doc::StateHook,
    kind: HookKind,
    hook_id: u64,
    now: OffsetDateTime,
) -> Result<Hook, StateDocumentError> {
    if hook.name != "web" {
        return Err(invalid(
            format!("{path}.name"),
            format!("must be \"web\", got {:?}", hook.name),
        ));
    }
    let config = &hook.config;
    if !["json", "form"].contains(&config.content_type.as_str()) {
        return Err(invalid(
            format!("{path}.config.content_type"),
            format!(
                "must be \"json\" or \"form\", got {:?}",
                config.content_type
            ),
        ));
    }
    if !["0", "1"].contains(&config.insecure_ssl.as_str()) {
        return Err(invalid(
            format!("{path}.config.insecure_ssl"),
            format!("must be \"0\" or \"1\", got {:?}", config.insecure_ssl),
        ));
    }
    let created_at = time_or(
        &format!("{path}.created_at"),
        hook.created_at.as_deref(),
        now,
    )?;
    let updated_at = time_or(
        &format!("{path}.updated_at"),
        hook.updated_at.as_deref(),
        created_at,
    )?;
    let mut built = Hook::new(
        hook_id,
        kind,
        Some(hook.active),
        hook.events.clone(),
        HookConfig::new(
            config.url.clone(),
            Some(config.content_type.clone()),
            Some(config.insecure_ssl.clone()),
            config.secret.clone(),
        ),
        created_at,
    );
    built.updated_at = updated_at;
    if let Some(last) = &hook.last_response {
        let code = match last.code.flatten() {
            Some(code) => Some(status_code(&format!("{path}.last_response.code"), code)?),
            None => None,
        };
        built.last_response = LastResponse {
            code,
            status: last.status.clone(),
            message: last.message.clone().flatten(),
        };
    }
    Ok(built)
}

fn status_code(path: &str, code: i64) -> Result<u16, StateDocumentError> {
    u16::try_from(code)
        .ok()
        .filter(|code| (100..=599).contains(code))
        .ok_or_else(|| invalid(path, format!("must be between 100 and 599, got {code}")))
}

pub(super) fn read_delivery(
    path: &str,
    record: &doc::StateDelivery,
    urls: &BTreeMap<u64, String>,
    next_delivery: &mut u64,
    now: OffsetDateTime,
) -> Result<Delivery, StateDocumentError> {
    let hook_id = id(&format!("{path}.hook_id"), record.hook_id)?;
    let url = urls.get(&hook_id).ok_or_else(|| {
        invalid(
            format!("{path}.hook_id"),
            format!("no hook in the document has id {hook_id}"),
        )
    })?;
    let delivery_id = match record.id {
        Some(given) => id(&format!("{path}.id"), given)?,
        None => take(next_delivery),
    };
    let code = status_code(&format!("{path}.status_code"), record.status_code)?;
    let mut seed = DeliverySeed::new(record.event.clone())
        .status_code(code)
        .redelivery(record.redelivery);
    seed.action = record.action.clone();
    let mut read = delivery::from_seed(delivery_id, hook_id, url.clone(), seed);
    read.installation_id = record
        .installation_id
        .map(|v| id(&format!("{path}.installation_id"), v))
        .transpose()?;
    read.repository_id = record
        .repository_id
        .map(|v| id(&format!("{path}.repository_id"), v))
        .transpose()?;
    read.delivered_at = time_or(
        &format!("{path}.delivered_at"),
        record.delivered_at.as_deref(),
        now,
    )?;
    read.throttled_at = record
        .throttled_at
        .as_deref()
        .map(|text| time_or(&format!("{path}.throttled_at"), Some(text), now))
        .transpose()?;
    if let Some(guid) = &record.guid {
        read.guid.clone_from(guid);
    }
    if let Some(duration) = record.duration {
        read.duration = duration;
    }
    if let Some(status) = &record.status {
        read.status.clone_from(status);
    }
    if let Some(url) = &record.url {
        read.url.clone_from(url);
    }
    if let Some(request) = &record.request {
        if let Some(headers) = &request.headers {
            read.request_headers = headers.clone().into();
        }
        read.request_payload = match (&request.payload_text, &request.payload) {
            (Some(text), _) => Payload::from_json_text(text.clone()),
            (None, Some(value)) => Payload::from_value(value.clone()),
            (None, None) => read.request_payload,
        };
    }
    if let Some(response) = &record.response {
        read.response_headers = response.headers.clone().unwrap_or_default().into();
        read.response_payload = response.payload.clone().unwrap_or_default();
    }
    Ok(read)
}

pub(super) fn read_tokens(tokens: &[doc::StateToken]) -> Option<BTreeMap<String, Grants>> {
    let tokens: Vec<TokenConfig> = tokens
        .iter()
        .map(|token| TokenConfig {
            token: token.token.clone(),
            org_role: match token.org_role {
                doc::StateTokenOrgRole::Outsider => OrgRole::Outsider,
                doc::StateTokenOrgRole::Member => OrgRole::Member,
                doc::StateTokenOrgRole::Owner => OrgRole::Owner,
            },
            site_admin: token.site_admin,
            repo_role: match token.repo_role {
                doc::StateTokenRepoRole::None => RepoRole::None,
                doc::StateTokenRepoRole::Read => RepoRole::Read,
                doc::StateTokenRepoRole::Admin => RepoRole::Admin,
            },
        })
        .collect();
    grants_of(&tokens)
}
