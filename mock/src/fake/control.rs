//! The fake's own endpoints, outside GitHub's paths (under `/_hookspec/`), for tests written in
//! any language: emit an event to the hooks subscribed to it, and see how many deliveries are
//! still on their way.
//!
//! - `POST /_hookspec/orgs/{org}/events/{event}[?action=A]`: every active hook of `org`
//!   subscribed to `event` (or `*`) gets it, with the JSON body as its payload, or with no body
//!   a payload the fake makes ([`FakeState::emit`]); answers 202 `{"deliveries":[ids]}`.
//! - `POST /_hookspec/repos/{owner}/{repo}/events/{event}`: the same for a repository's hooks.
//! - `POST /_hookspec/apps/{app_id}/events/{event}`: the same for a GitHub App's webhook.
//! - `POST /_hookspec/admin/events/{event}`: the same for GHES global hooks.
//! - `GET /_hookspec/deliveries/pending`: `{"pending": N}`, the deliveries not yet recorded.
//!
//! They answer only requests whose `Host` is a loopback name or address (`localhost`,
//! `127.0.0.1`, `[::1]`, with any port) or one the user allowed
//! ([`FakeConfig::allowed_control_hosts`](crate::FakeConfig::allowed_control_hosts),
//! `--allowed-host`); any other gets 403. A web page the user visits could otherwise point its
//! own name at 127.0.0.1 (DNS rebinding) and drive these endpoints from the browser: the
//! browser still sends the page's name as `Host`, which is how the fake tells them apart.

use serde_json::{Value, json};

use super::emit::EventSource;

use super::github_error::{self, REST_DOCS};
use super::http::{FakeRequest, FakeResponse, JSON_CONTENT_TYPE};
use super::state::{FakeState, StateError};
use crate::headers;

/// Where the fake's own endpoints live.
pub(crate) const PREFIX: &str = "/_hookspec/";

/// Answers a request under [`PREFIX`]: 403 unless its `Host` is loopback or in
/// `allowed_hosts`.
pub(crate) fn handle(
    state: &FakeState,
    allowed_hosts: &[String],
    request: &FakeRequest,
) -> FakeResponse {
    if let Err(reason) = check_host(&request.base_url, allowed_hosts) {
        return error_answer(403, &reason);
    }
    let rest = request.path.strip_prefix(PREFIX).unwrap_or_default();
    let segments: Vec<&str> = rest.split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["orgs", org, "events", event]) if !org.is_empty() && !event.is_empty() => {
            emitted(state, request, &EventSource::org(*org), event)
        }
        ("POST", ["repos", owner, repo, "events", event])
            if !owner.is_empty() && !repo.is_empty() && !event.is_empty() =>
        {
            emitted(
                state,
                request,
                &EventSource::repo(format!("{owner}/{repo}")),
                event,
            )
        }
        ("POST", ["apps", app_id, "events", event]) if !event.is_empty() => {
            match app_id.parse::<u64>() {
                Ok(app_id) => emitted(state, request, &EventSource::App(app_id), event),
                Err(_) => error_answer(404, &format!("`{app_id}` is not an app id")),
            }
        }
        ("POST", ["admin", "events", event]) if !event.is_empty() => {
            emitted(state, request, &EventSource::Global, event)
        }
        ("GET", ["deliveries", "pending"]) => {
            answer(200, &json!({ "pending": state.pending_deliveries() }))
        }
        _ => error_answer(
            404,
            "no such hookspec endpoint: POST /_hookspec/orgs/{org}/events/{event}, POST /_hookspec/repos/{owner}/{repo}/events/{event}, POST /_hookspec/apps/{app_id}/events/{event}, POST /_hookspec/admin/events/{event} or GET /_hookspec/deliveries/pending",
        ),
    }
}

/// Whether the endpoints may answer a request sent to `base_url` (`http://` and the request's
/// `Host`): a loopback name or address, or a host the user allowed (by name, or by name and
/// port as the `Host` header spells it, case-insensitively).
fn check_host(base_url: &str, allowed_hosts: &[String]) -> Result<(), String> {
    let authority = base_url.strip_prefix("http://").unwrap_or(base_url);
    // A Host header is a bare authority: userinfo (`evil@127.0.0.1`) or a path would let the
    // URL parser find a loopback host in a header no browser sends.
    let bare = !authority.contains(['@', '/', '\\', '?', '#']);
    let host = url::Url::parse(&format!("http://{authority}/"))
        .ok()
        .filter(|_| bare)
        .and_then(|url| url.host().map(|host| host.to_owned()));
    let loopback = match &host {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    let name = match &host {
        Some(url::Host::Domain(name)) => name.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let allowed = allowed_hosts.iter().any(|allowed| {
        let allowed = allowed.trim();
        allowed.eq_ignore_ascii_case(&name) || allowed.eq_ignore_ascii_case(authority)
    });
    if loopback || allowed {
        Ok(())
    } else {
        Err(format!(
            "the /_hookspec/ endpoints answer only requests to a loopback host (Host: {authority:?} is not one); allow it with --allowed-host or FakeConfig::allowed_control_hosts"
        ))
    }
}

/// The answer to an emit: 202 with the deliveries' ids, 404 when the owner is unknown. With
/// no body the fake makes the payload (for `?action=` when given); a body is sent as given.
fn emitted(
    state: &FakeState,
    request: &FakeRequest,
    source: &EventSource,
    event: &str,
) -> FakeResponse {
    let sent = if request.body.iter().all(u8::is_ascii_whitespace) {
        let action = query_value(request, "action");
        state.emit(source, event, action.as_deref())
    } else {
        match serde_json::from_slice(&request.body) {
            Ok(payload) => state.emit_with(source, event, payload),
            Err(error) => {
                return error_answer(400, &format!("the event payload is not JSON: {error}"));
            }
        }
    };
    match sent {
        Ok(ids) => answer(202, &json!({ "deliveries": ids })),
        Err(
            error @ (StateError::UnknownOrg(_)
            | StateError::UnknownRepo(_)
            | StateError::UnknownApp(_)),
        ) => error_answer(404, &error.to_string()),
        Err(error) => error_answer(422, &error.to_string()),
    }
}

/// The decoded value of query parameter `name`, if the request has it.
fn query_value(request: &FakeRequest, name: &str) -> Option<String> {
    let query = request.query.as_deref()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
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

#[cfg(test)]
mod tests {
    use super::check_host;

    #[test]
    fn loopback_names_and_addresses_may_use_the_control_endpoints() {
        for base in [
            "http://localhost",
            "http://LOCALHOST:8080",
            "http://127.0.0.1:1234",
            "http://127.1.2.3",
            "http://[::1]:80",
        ] {
            assert_eq!(check_host(base, &[]), Ok(()), "{base}");
        }
    }

    #[test]
    fn a_foreign_host_is_refused_with_the_way_to_allow_it() {
        for base in [
            "http://evil.example:8080",
            "http://localhost.evil.example",
            "http://10.0.0.1",
            "http://evil.example@127.0.0.1",
            "http://127.0.0.1/.evil.example",
            "http://",
        ] {
            let reason = check_host(base, &[]).err().unwrap_or_default();
            assert!(reason.contains("--allowed-host"), "{base}: {reason}");
        }
    }

    #[test]
    fn an_allowed_host_may_use_the_control_endpoints_by_name_or_with_its_port() {
        let allowed = vec!["Mock".to_owned(), "other:9000".to_owned()];
        assert_eq!(check_host("http://mock:8080", &allowed), Ok(()));
        assert_eq!(check_host("http://other:9000", &allowed), Ok(()));
        assert!(check_host("http://other:9001", &allowed).is_err());
    }
}
