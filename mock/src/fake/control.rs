//! The fake's own endpoints, outside GitHub's paths (under `/_hookspec/`), for tests written in
//! any language: emit an event to the hooks subscribed to it, and see how many deliveries are
//! still on their way.
//!
//! - `POST /_hookspec/orgs/{org}/events/{event}` with the payload as a JSON body: every active
//!   hook of `org` subscribed to `event` (or `*`) gets it; answers 202 `{"deliveries":[ids]}`.
//! - `POST /_hookspec/repos/{owner}/{repo}/events/{event}`: the same for a repository's hooks.
//! - `POST /_hookspec/apps/{app_id}/events/{event}`: the same for a GitHub App's webhook.
//! - `POST /_hookspec/admin/events/{event}`: the same for GHES global hooks.
//! - `GET /_hookspec/deliveries/pending`: `{"pending": N}`, the deliveries not yet recorded.

use serde_json::{Value, json};

use super::github_error::{self, REST_DOCS};
use super::http::{FakeRequest, FakeResponse, JSON_CONTENT_TYPE};
use super::state::{FakeState, StateError};
use crate::headers;

/// Where the fake's own endpoints live.
pub(crate) const PREFIX: &str = "/_hookspec/";

/// Answers a request under [`PREFIX`].
pub(crate) fn handle(state: &FakeState, request: &FakeRequest) -> FakeResponse {
    let rest = request.path.strip_prefix(PREFIX).unwrap_or_default();
    let segments: Vec<&str> = rest.split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["orgs", org, "events", event]) if !org.is_empty() && !event.is_empty() => {
            emitted(request, |payload| state.emit_org_event(org, event, payload))
        }
        ("POST", ["repos", owner, repo, "events", event])
            if !owner.is_empty() && !repo.is_empty() && !event.is_empty() =>
        {
            emitted(request, |payload| {
                state.emit_repo_event(&format!("{owner}/{repo}"), event, payload)
            })
        }
        ("POST", ["apps", app_id, "events", event]) if !event.is_empty() => {
            match app_id.parse::<u64>() {
                Ok(app_id) => emitted(request, |payload| {
                    state.emit_app_event(app_id, event, payload)
                }),
                Err(_) => error_answer(404, &format!("`{app_id}` is not an app id")),
            }
        }
        ("POST", ["admin", "events", event]) if !event.is_empty() => match payload(request) {
            Err(response) => response,
            Ok(payload) => {
                let ids = state.emit_global_event(event, payload);
                answer(202, &json!({ "deliveries": ids }))
            }
        },
        ("GET", ["deliveries", "pending"]) => {
            answer(200, &json!({ "pending": state.pending_deliveries() }))
        }
        _ => error_answer(
            404,
            "no such hookspec endpoint: POST /_hookspec/orgs/{org}/events/{event}, POST /_hookspec/repos/{owner}/{repo}/events/{event}, POST /_hookspec/apps/{app_id}/events/{event}, POST /_hookspec/admin/events/{event} or GET /_hookspec/deliveries/pending",
        ),
    }
}

/// The answer to an emit: 202 with the deliveries' ids, 404 when the owner is unknown.
fn emitted(
    request: &FakeRequest,
    emit: impl FnOnce(Value) -> Result<Vec<u64>, StateError>,
) -> FakeResponse {
    match payload(request) {
        Err(response) => response,
        Ok(payload) => match emit(payload) {
            Ok(ids) => answer(202, &json!({ "deliveries": ids })),
            Err(
                error @ (StateError::UnknownOrg(_)
                | StateError::UnknownRepo(_)
                | StateError::UnknownApp(_)),
            ) => error_answer(404, &error.to_string()),
            Err(error) => error_answer(422, &error.to_string()),
        },
    }
}

/// The request's JSON payload (an empty body is `{}`).
fn payload(request: &FakeRequest) -> Result<Value, FakeResponse> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(&request.body)
        .map_err(|error| error_answer(400, &format!("the event payload is not JSON: {error}")))
}

fn answer(status: u16, body: &Value) -> FakeResponse {
    FakeResponse {
        status,
        headers: vec![(headers::CONTENT_TYPE, JSON_CONTENT_TYPE.into())],
        body: serde_json::to_vec(body).unwrap_or_default(),
        delay: None,
        reason: None,
    }
}

fn error_answer(status: u16, message: &str) -> FakeResponse {
    let mut response = answer(status, &github_error::basic(message, REST_DOCS, status));
    response.reason = Some(message.to_owned());
    response
}
