//! The fake's own endpoints under `/_hookspec/`, outside GitHub's paths, for tests written in
//! any language. spec/control.yaml describes them (served as `GET /_hookspec/openapi.json`);
//! requests are dispatched through the route table generated from it
//! ([`crate::table::route_control`]), so no path is typed here.
//!
//! | endpoint | what it does |
//! |---|---|
//! | `GET /_hookspec/openapi.json` | spec/control.yaml as JSON |
//! | `POST /_hookspec/reset[?org=L\|repo=O/N\|app=ID]` | back to the start state (all, or one owner's hooks); 204 |
//! | `GET /_hookspec/state`, `PUT /_hookspec/state` | the whole state as one document; replace it (204) |
//! | `GET /_hookspec/requests?operation=&status=&org=&repo=`, `DELETE` | the request journal; empty it |
//! | `GET /_hookspec/faults`, `POST /_hookspec/faults`, `DELETE` | faults in force; add one (201); clear all |
//! | `GET /_hookspec/deliveries?wait_ms=&hook_id=&event=` | every delivery record, after waiting for those on their way |
//! | `GET /_hookspec/deliveries/pending` | `{"pending": N}` |
//! | `POST /_hookspec/{orgs/{org},repos/{owner}/{repo},apps/{app_id},admin}/events/{event}[?action=A]` | emit an event; 202 `{"deliveries":[ids]}` |
//!
//! Every refusal is a 4xx with `{"message", "documentation_url"}`, the message naming the
//! field at fault; a known path with another method answers 405 with `Allow`.
//!
//! The handler is synchronous: the wait of `GET /_hookspec/deliveries?wait_ms=N` happens in
//! the hyper server before it calls the handler ([`wait_before`]), on the runtime, holding no
//! thread. The wiremock adapter's `Respond` cannot wait, so through `FakeGitHub` the answer
//! comes at once (Rust tests have `FakeState::wait_for_deliveries`).
//!
//! They answer only requests whose `Host` is a loopback name or address (`localhost`,
//! `127.0.0.1`, `[::1]`, with any port) or one the user allowed
//! ([`FakeConfig::allowed_control_hosts`](crate::FakeConfig::allowed_control_hosts),
//! `--allowed-host`); any other gets 403. A web page the user visits could otherwise point its
//! own name at 127.0.0.1 (DNS rebinding) and drive these endpoints from the browser: the
//! browser still sends the page's name as `Host`, which is how the fake tells them apart.

mod endpoints;
mod faults;

use std::time::Duration;

use serde_json::{Value, json};

use super::emit::EventSource;
use super::http::{FakeRequest, FakeResponse, JSON_CONTENT_TYPE};
use super::state::{FakeState, StateError};
use crate::headers;
use crate::table::{ControlOperationId as Op, ControlRoute, route_control};

/// Where the fake's own endpoints live.
pub(crate) const PREFIX: &str = "/_hookspec/";

/// The longest wait `GET /_hookspec/deliveries?wait_ms=` accepts.
pub(crate) const MAX_WAIT_MS: u64 = 60_000;

/// A refusal: its status and message.
pub(crate) struct Refusal {
    pub status: u16,
    pub message: String,
}

impl Refusal {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
        }
    }
}

/// Answers a request under [`PREFIX`]: 403 unless its `Host` is loopback or in
/// `allowed_hosts`.
pub(crate) fn handle(
    state: &FakeState,
    allowed_hosts: &[String],
    request: &FakeRequest,
) -> FakeResponse {
    if let Err(reason) = check_host(&request.base_url, allowed_hosts) {
        return error_answer(request, &Refusal::new(403, reason));
    }
    // Made payloads point at the base URL of the last request let in, not of one refused.
    state.lock().note_base_url(&request.base_url);
    let (operation, params) = match route_control(&request.method, &request.path) {
        ControlRoute::Found(operation, params) => (operation, params),
        ControlRoute::WrongMethod(allowed) => {
            let allow = allowed.join(", ");
            let refusal = Refusal::new(
                405,
                format!(
                    "{} {} is not served; allowed: {allow}",
                    request.method, request.path
                ),
            );
            let mut response = error_answer(request, &refusal);
            response.headers.push((headers::ALLOW, allow.into()));
            return response;
        }
        ControlRoute::NotFound => {
            return error_answer(
                request,
                &Refusal::new(
                    404,
                    format!(
                        "no hookspec endpoint at {} {}; GET /_hookspec/openapi.json lists them",
                        request.method, request.path
                    ),
                ),
            );
        }
    };
    // Path segments decode as the API's own do: percent-encoded UTF-8, else no such path.
    let mut decoded = Vec::with_capacity(params.len());
    for (key, segment) in &params {
        let Some(value) = crate::fake::routes::decode_segment(segment) else {
            let why = format!(
                "{}: {segment:?} is not a path segment (percent-encoded UTF-8, not empty)",
                request.path
            );
            return error_answer(request, &Refusal::new(404, why));
        };
        decoded.push((*key, value));
    }
    let param = |name: &str| {
        decoded
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let result = match operation.operation_id {
        Op::ControlOpenapi => Ok(raw_answer(
            200,
            crate::generated::control::CONTROL_OPENAPI_JSON
                .as_bytes()
                .to_vec(),
        )),
        Op::ControlReset => endpoints::reset(state, request),
        Op::ControlGetState => Ok(answer(200, &state.export_state())),
        Op::ControlPutState => endpoints::put_state(state, request),
        Op::ControlListRequests => endpoints::list_requests(state, request),
        Op::ControlClearRequests => {
            state.clear_requests();
            Ok(empty(204))
        }
        Op::ControlListFaults => Ok(answer(200, &faults::list(state))),
        Op::ControlAddFault => faults::add(state, request),
        Op::ControlClearFaults => {
            state.clear_faults();
            Ok(empty(204))
        }
        Op::ControlListDeliveries => endpoints::list_deliveries(state, request),
        Op::ControlPendingDeliveries => Ok(answer(
            200,
            &json!({ "pending": state.pending_deliveries() }),
        )),
        Op::ControlEmitOrgEvent => emitted(
            state,
            request,
            &EventSource::org(param("org")),
            &param("event"),
        ),
        Op::ControlEmitRepoEvent => emitted(
            state,
            request,
            &EventSource::repo(format!("{}/{}", param("owner"), param("repo"))),
            &param("event"),
        ),
        Op::ControlEmitAppEvent => match param("app_id").parse::<u64>() {
            Ok(app_id) => emitted(state, request, &EventSource::App(app_id), &param("event")),
            Err(_) => Err(Refusal::new(
                404,
                format!("`{}` is not an app id", param("app_id")),
            )),
        },
        Op::ControlEmitGlobalEvent => {
            emitted(state, request, &EventSource::Global, &param("event"))
        }
    };
    result.unwrap_or_else(|refusal| error_answer(request, &refusal))
}

/// Whether answering `request` takes time that grows with the state: the state document
/// written or read whole, and resets. A server runs these where they hold up no other request.
pub(crate) fn is_heavy(request: &FakeRequest) -> bool {
    if !request.path.starts_with(PREFIX) {
        return false;
    }
    matches!(
        route_control(&request.method, &request.path),
        ControlRoute::Found(operation, _)
            if matches!(
                operation.operation_id,
                Op::ControlGetState | Op::ControlPutState | Op::ControlReset
            )
    )
}

/// How long the server should wait before answering `request`, when it is a
/// `GET /_hookspec/deliveries?wait_ms=N` the fake may answer: the servers await the pending
/// deliveries for that long (without holding a thread), then call the handler.
pub(crate) fn wait_before(request: &FakeRequest, allowed_hosts: &[String]) -> Option<Duration> {
    // Asked of every request: GitHub's paths are let go before any routing or host check.
    if !request.path.starts_with(PREFIX) {
        return None;
    }
    let wait = match route_control(&request.method, &request.path) {
        ControlRoute::Found(operation, _)
            if operation.operation_id == Op::ControlListDeliveries =>
        {
            query_value(request, "wait_ms")?.parse::<u64>().ok()?
        }
        _ => return None,
    };
    let allowed = check_host(&request.base_url, allowed_hosts).is_ok();
    (allowed && wait > 0 && wait <= MAX_WAIT_MS).then(|| Duration::from_millis(wait))
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
) -> Result<FakeResponse, Refusal> {
    let sent = if request.body.iter().all(u8::is_ascii_whitespace) {
        let action = query_value(request, "action");
        state.emit(source, event, action.as_deref())
    } else {
        match serde_json::from_slice(&request.body) {
            Ok(payload) => state.emit_with(source, event, payload),
            Err(error) => {
                return Err(Refusal::new(
                    400,
                    format!("the event payload is not JSON: {error}"),
                ));
            }
        }
    };
    match sent {
        Ok(ids) => Ok(answer(202, &json!({ "deliveries": ids }))),
        Err(
            error @ (StateError::UnknownOrg(_)
            | StateError::UnknownRepo(_)
            | StateError::UnknownApp(_)),
        ) => Err(Refusal::new(404, error.to_string())),
        Err(error) => Err(Refusal::new(422, error.to_string())),
    }
}

/// The decoded value of query parameter `name`, if the request has it (of one given twice,
/// the last, as the API's own parameters are read).
pub(crate) fn query_value(request: &FakeRequest, name: &str) -> Option<String> {
    let pairs = crate::fake::pagination::query_pairs(request.query.as_deref());
    crate::fake::pagination::query_value(&pairs, name).map(str::to_owned)
}

pub(crate) fn answer(status: u16, body: &impl serde::Serialize) -> FakeResponse {
    raw_answer(status, serde_json::to_vec(body).unwrap_or_default())
}

fn raw_answer(status: u16, body: Vec<u8>) -> FakeResponse {
    FakeResponse {
        status,
        headers: vec![(headers::CONTENT_TYPE, JSON_CONTENT_TYPE.into())],
        body,
        delay: None,
        reason: None,
    }
}

pub(crate) fn empty(status: u16) -> FakeResponse {
    FakeResponse {
        status,
        headers: Vec::new(),
        body: Vec::new(),
        delay: None,
        reason: None,
    }
}

/// A refusal's answer: `{"message", "documentation_url"}`, the URL of this API's document.
fn error_answer(request: &FakeRequest, refusal: &Refusal) -> FakeResponse {
    let documentation_url = format!("{}/_hookspec/openapi.json", request.base_url);
    let body: Value = json!({ "message": refusal.message, "documentation_url": documentation_url });
    let mut response = answer(refusal.status, &body);
    response.reason = Some(refusal.message.clone());
    response
}

#[cfg(test)]
mod tests {
    use super::check_host;

    #[test]
    fn only_the_whole_state_and_resets_are_heavy() {
        let heavy = |method: &str, path: &str| {
            super::is_heavy(&crate::fake::FakeRequest::new(
                method,
                "http://127.0.0.1:1",
                path,
            ))
        };
        assert!(heavy("GET", "/_hookspec/state"));
        assert!(heavy("PUT", "/_hookspec/state"));
        assert!(heavy("POST", "/_hookspec/reset"));
        assert!(!heavy("DELETE", "/_hookspec/state"));
        assert!(!heavy("GET", "/_hookspec/requests"));
        assert!(!heavy("GET", "/_hookspec/deliveries"));
        assert!(!heavy("GET", "/orgs/acme/hooks"));
    }

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
