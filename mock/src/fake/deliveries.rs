//! Deliveries of organization, repository and GitHub App webhooks: the list (newest first, with cursor pagination and the
//! `status` and `redelivery` filters), one delivery in full, and redelivery.

use crate::headers;
use serde_json::{Value, json};

use super::delivery::Target;
use super::github_error::{ApiError, FieldError};
use super::model::{Delivery, Hook, HookKind};
use super::org_hooks::org_hook;
use super::pagination;
use super::render;
use super::reply::{Context, Reply};
use super::repo_hooks::repo_hook;
use super::state::State;
use super::validation;

/// The hook the route names, organization's or repository's (404 for an unknown one), with
/// where it belongs: its kind, its owner's login or `owner/name`, and the owner's id.
fn routed_hook(
    state: &State,
    context: &Context<'_>,
) -> Result<(HookKind, String, Option<u64>, Hook), ApiError> {
    if let Some(app) = context.app {
        let entry = state
            .apps
            .get(&app)
            .ok_or_else(|| ApiError::not_found(format!("no app {app}")))?;
        let hook = entry
            .hooks
            .get(&entry.hook_id)
            .ok_or_else(|| ApiError::not_found(format!("app {app} has no hook")))?;
        Ok((HookKind::App, app.to_string(), Some(app), hook.clone()))
    } else if context.route.params.org.is_some() {
        let (login, hook) = org_hook(state, context)?;
        let id = state.org(login).map(|org| org.id);
        Ok((HookKind::Organization, login.to_owned(), id, hook.clone()))
    } else {
        let (full_name, hook) = repo_hook(state, context)?;
        let id = state.repo(full_name).map(|repo| repo.id);
        Ok((HookKind::Repository, full_name.to_owned(), id, hook.clone()))
    }
}

pub(crate) fn get(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (_, _, _, hook) = routed_hook(state, context)?;
    let found = find(state, hook.id, context.delivery_id()?)?;
    Ok(Reply::json(200, &render::delivery_json(found)))
}

pub(crate) fn redeliver(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (kind, owner, owner_id, found) = routed_hook(state, context)?;
    let original = find(state, found.id, context.delivery_id()?)?.clone();
    let target = Target {
        kind,
        owner: Some(&owner),
        owner_id,
    };
    // A redelivery resends the original payload under the original GUID, through the hook as
    // it is configured now.
    state.redeliver(&found, &target, &original, context.product);
    Ok(Reply::json(202, &json!({})))
}

/// Delivery `id` of hook `hook_id`.
fn find(state: &State, hook_id: u64, id: u64) -> Result<&Delivery, ApiError> {
    state
        .deliveries
        .get(&hook_id)
        .and_then(|list| list.iter().find(|d| d.id == id))
        .ok_or_else(|| ApiError::not_found(format!("no delivery {id} of hook {hook_id}")))
}

/// A page of a hook's deliveries, newest first, filtered by `status` and `redelivery`, with
/// cursor links.
pub(crate) fn list(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (_, _, _, found) = routed_hook(state, context)?;
    let hook = found.id;
    let pairs = pagination::query_pairs(context.request.query.as_deref());
    let per_page = pagination::per_page(&pairs);
    let cursor = match pagination::query_value(&pairs, "cursor") {
        None | Some("") => None,
        Some(text) => Some(
            pagination::parse_cursor(text).ok_or_else(|| ApiError::BadRequest {
                message: format!("Invalid cursor: {text}"),
            })?,
        ),
    };
    let mut errors = validation::Errors::default();
    let status_filter = match pagination::query_value(&pairs, "status") {
        None => None,
        // A failure is anything but a success, attempts that got no answer included.
        Some("success") => Some(true),
        Some("failure") => Some(false),
        Some(_) => {
            errors.push(FieldError::invalid(
                "WebhookDelivery",
                "status",
                "status must be success or failure",
            ));
            None
        }
    };
    let redelivery_filter = match pagination::query_value(&pairs, "redelivery") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(FieldError::invalid(
                "WebhookDelivery",
                "redelivery",
                "redelivery must be true or false",
            ));
            None
        }
    };
    errors.finish()?;

    let filtered: Vec<&Delivery> = state
        .deliveries
        .get(&hook)
        .into_iter()
        .flatten()
        .rev()
        .filter(|d| {
            status_filter.is_none_or(|success| (200..=399).contains(&d.status_code) == success)
        })
        .filter(|d| redelivery_filter.is_none_or(|wanted| d.redelivery == wanted))
        .collect();
    let start = match cursor {
        None => 0,
        Some(cursor) => filtered
            .iter()
            .position(|d| d.id <= cursor)
            .unwrap_or(filtered.len()),
    };
    let end = start.saturating_add(per_page).min(filtered.len());
    let items: Vec<Value> = filtered[start..end]
        .iter()
        .map(|d| render::delivery_summary_json(d))
        .collect();

    let url = context.request_url();
    let mut links = Vec::new();
    if start > 0 {
        let prev = filtered[start.saturating_sub(per_page)].id;
        let target = pagination::url_with(&url, &pairs, "cursor", &pagination::cursor_for(prev));
        links.push(format!("<{target}>; rel=\"prev\""));
    }
    if end < filtered.len() {
        let target = pagination::url_with(
            &url,
            &pairs,
            "cursor",
            &pagination::cursor_for(filtered[end].id),
        );
        links.push(format!("<{target}>; rel=\"next\""));
    }
    let mut reply = Reply::json(200, &items);
    if !links.is_empty() {
        reply = reply.header(headers::LINK, links.join(", "));
    }
    Ok(reply)
}
