//! The request handler: authentication, API versions, faults, and the 17 operations over the
//! shared state. Synchronous and panic-free; every answer carries GitHub's usual headers.

use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::config::{FakeConfig, OrgRole};
use super::delivery::{self, Target};
use super::errors::{ApiError, FieldError};
use super::faults::{self, FaultKind};
use super::http::{FakeRequest, FakeResponse};
use super::pagination;
use super::render;
use super::routes::{self, Route};
use super::state::{Access, FakeState, Hook, HookConfig, HookKind, RecordedRequest, State};
use super::validation::{self, ConfigInput};
use crate::operation::Product;

/// API versions api.github.com accepts in `X-GitHub-Api-Version`, newest first.
const DOTCOM_VERSIONS: &[&str] = &["2022-11-28"];
/// API versions GHES 3.21 accepts, newest first.
const GHES_VERSIONS: &[&str] = &["2026-03-10", "2022-11-28"];
/// The version GitHub selects when a request names none.
const DEFAULT_VERSION: &str = "2022-11-28";
/// The rate limit GitHub gives unauthenticated requests.
const UNAUTHENTICATED_LIMIT: u32 = 60;

/// The fake GitHub: a synchronous request → response handler over shared state.
///
/// [`crate::FakeGitHub`] serves it through wiremock and [`crate::serve`] through hyper; it can
/// also be called directly:
///
/// ```
/// use hookspec_mock::fake::{Fake, FakeRequest};
///
/// let fake = Fake::default();
/// let request = FakeRequest::new("POST", "http://localhost", "/orgs/octocat/hooks")
///     .with_header("Authorization", "token anything")
///     .with_body(r#"{"name":"web","config":{"url":"https://example.com/hook"}}"#);
/// let response = fake.handle(&request);
/// assert_eq!(response.status, 201);
/// assert_eq!(response.header("Location"), Some("http://localhost/orgs/octocat/hooks/1"));
/// assert_eq!(fake.state().org_hooks("octocat")[0].events, ["push"]);
/// ```
#[derive(Debug, Clone)]
pub struct Fake {
    state: FakeState,
}

impl Default for Fake {
    fn default() -> Self {
        Fake::new(FakeConfig::default())
    }
}

/// What an operation answers before the common headers are added.
struct Reply {
    status: u16,
    /// The body, already serialized as JSON.
    body: Option<Vec<u8>>,
    headers: Vec<(String, String)>,
}

impl Reply {
    fn json(status: u16, body: &impl serde::Serialize) -> Reply {
        let body = serde_json::to_vec(body).unwrap_or_default();
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: None,
            headers: Vec::new(),
        }
    }

    fn header(mut self, name: &str, value: String) -> Reply {
        self.headers.push((name.to_owned(), value));
        self
    }
}

impl From<ApiError> for Reply {
    fn from(error: ApiError) -> Reply {
        Reply::json(error.status(), &error.body())
    }
}

/// What the client sent in `Authorization`.
enum Credentials<'a> {
    Missing,
    Token(&'a str),
    Unreadable,
}

fn credentials(request: &FakeRequest) -> Credentials<'_> {
    let Some(header) = request.header("authorization") else {
        return Credentials::Missing;
    };
    match header.trim().split_once(' ') {
        Some((scheme, token))
            if (scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer"))
                && !token.trim().is_empty() =>
        {
            Credentials::Token(token.trim())
        }
        _ => Credentials::Unreadable,
    }
}

/// Everything an operation needs to know about the request.
struct Context<'a> {
    request: &'a FakeRequest,
    /// The client's base URL plus any `/api/v3` prefix: where the URLs we return start.
    api_base: String,
    now: OffsetDateTime,
}

impl Context<'_> {
    /// The URL the client called, without its query (for `Link`).
    fn request_url(&self) -> String {
        format!(
            "{}{}",
            self.request.base_url.trim_end_matches('/'),
            self.request.path
        )
    }
}

impl Fake {
    /// A fake with `config`'s organizations and tokens.
    pub fn new(config: FakeConfig) -> Self {
        Fake {
            state: FakeState::new(&config),
        }
    }

    /// A handle on the fake's state, to seed and inspect it.
    pub fn state(&self) -> FakeState {
        self.state.clone()
    }

    /// Answers one request as GitHub would. Never panics, and never answers 500 unless a
    /// fault asks for it.
    pub fn handle(&self, request: &FakeRequest) -> FakeResponse {
        let now = OffsetDateTime::now_utc();
        let (product, below_prefix) = routes::split_product(&request.path);
        let route = routes::route(&request.method, product, below_prefix);
        let prefix = if product == Product::Ghes {
            routes::GHES_PREFIX
        } else {
            ""
        };
        let context = Context {
            request,
            api_base: format!("{}{prefix}", request.base_url.trim_end_matches('/')),
            now,
        };
        let supported = if product == Product::Ghes {
            GHES_VERSIONS
        } else {
            DOTCOM_VERSIONS
        };
        let requested_version = request.header("x-github-api-version").map(str::trim);
        let version_ok = requested_version.is_none_or(|version| supported.contains(&version));
        let credentials = credentials(request);

        let mut state = self.state.lock();
        state.request_counter += 1;
        let request_id = request_id(state.request_counter, now);

        let mut delay = None;
        let mut rate_limited = None;
        let reply = match &route {
            None => Reply::from(ApiError::NotFound),
            Some(route) => {
                let fault = take_fault(&mut state, route.operation_id());
                if let Some(fault) = &fault {
                    delay = fault.delay;
                }
                match fault.map(|fault| fault.kind) {
                    Some(FaultKind::Status(status)) => match faults::status_body(status) {
                        Some(body) => Reply::json(status, &body),
                        None => Reply::empty(status),
                    },
                    Some(FaultKind::RateLimit {
                        status,
                        retry_after,
                    }) => {
                        rate_limited = Some(retry_after);
                        Reply::json(status, &faults::rate_limit_body(status))
                    }
                    Some(FaultKind::Delay) | None => {
                        if let (false, Some(requested)) = (version_ok, requested_version) {
                            Reply::from(ApiError::UnsupportedApiVersion {
                                requested: requested.to_owned(),
                                supported,
                            })
                        } else {
                            match authorize(&state, &credentials, route) {
                                Err(error) => Reply::from(error),
                                Ok(()) => {
                                    operate(&mut state, &context, route).unwrap_or_else(Reply::from)
                                }
                            }
                        }
                    }
                }
            }
        };

        let mut headers = Vec::with_capacity(reply.headers.len() + 10);
        if reply.body.is_some() {
            headers.push((
                "Content-Type".to_owned(),
                "application/json; charset=utf-8".to_owned(),
            ));
        }
        headers.extend(reply.headers);
        if version_ok {
            let selected = requested_version.unwrap_or(DEFAULT_VERSION);
            headers.push((
                "X-GitHub-Api-Version-Selected".to_owned(),
                selected.to_owned(),
            ));
        }
        headers.push((
            "X-GitHub-Media-Type".to_owned(),
            "github.v3; format=json".to_owned(),
        ));
        rate_limit_headers(&mut state, &credentials, now, rate_limited, &mut headers);
        headers.push(("X-GitHub-Request-Id".to_owned(), request_id));

        if let Some(route) = &route
            && state.record_requests
        {
            state
                .requests
                .entry(route.operation_id())
                .or_default()
                .push(RecordedRequest {
                    method: request.method.clone(),
                    path: request.path.clone(),
                    query: request.query.clone(),
                    headers: request.headers.clone(),
                    body: request.body.clone(),
                    status: reply.status,
                });
        }
        drop(state);

        let body = reply.body.unwrap_or_default();
        FakeResponse {
            status: reply.status,
            headers,
            body,
            delay,
        }
    }
}

/// The fault for `operation_id`, if any, counting down faults limited by `times`.
fn take_fault(state: &mut State, operation_id: &'static str) -> Option<super::faults::Fault> {
    let active = state.faults.get_mut(operation_id)?;
    let fault = active.fault.clone();
    match active.fault.remaining.as_mut() {
        None => Some(fault),
        Some(0) => {
            state.faults.remove(operation_id);
            None
        }
        Some(remaining) => {
            *remaining -= 1;
            if *remaining == 0 {
                state.faults.remove(operation_id);
            }
            Some(fault)
        }
    }
}

/// 401 without (usable) credentials; 404 where GitHub hides an endpoint from the caller.
fn authorize(state: &State, credentials: &Credentials<'_>, route: &Route) -> Result<(), ApiError> {
    let access = match credentials {
        Credentials::Missing => return Err(ApiError::RequiresAuthentication),
        Credentials::Unreadable => return Err(ApiError::BadCredentials),
        Credentials::Token(token) => match &state.tokens {
            None => Access {
                org_role: OrgRole::Owner,
                site_admin: true,
            },
            Some(tokens) => *tokens.get(*token).ok_or(ApiError::BadCredentials)?,
        },
    };
    let allowed = if route.is_global() {
        access.site_admin
    } else {
        access.org_role == OrgRole::Owner
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn request_id(counter: u64, now: OffsetDateTime) -> String {
    let seconds = now.unix_timestamp() as u64;
    format!(
        "{:04X}:{:04X}:{:06X}:{:06X}:{:08X}",
        (counter >> 24) & 0xFFFF,
        seconds & 0xFFFF,
        counter & 0xFF_FFFF,
        counter.wrapping_mul(2_654_435_761) & 0xFF_FFFF,
        seconds & 0xFFFF_FFFF
    )
}

/// `X-RateLimit-*` (and `Retry-After` under a rate-limit fault). Counts never run out: when a
/// token uses up its limit a new window starts.
fn rate_limit_headers(
    state: &mut State,
    credentials: &Credentials<'_>,
    now: OffsetDateTime,
    rate_limited: Option<Duration>,
    headers: &mut Vec<(String, String)>,
) {
    let (key, limit) = match credentials {
        Credentials::Token(token) => (*token, state.rate_limit),
        _ => ("", UNAUTHENTICATED_LIMIT),
    };
    let now_seconds = now.unix_timestamp();
    if now_seconds >= state.rate_window_reset {
        state.rate_used.clear();
        state.rate_window_reset = now_seconds + 3600;
    }
    let (used, remaining, reset) = match rate_limited {
        Some(retry_after) => (
            limit,
            0,
            now_seconds.saturating_add(retry_after.as_secs() as i64),
        ),
        None => {
            let used = match state.rate_used.get_mut(key) {
                Some(used) => used,
                None => state.rate_used.entry(key.to_owned()).or_insert(0),
            };
            *used = if *used >= limit { 1 } else { *used + 1 };
            (*used, limit - *used, state.rate_window_reset)
        }
    };
    if let Some(retry_after) = rate_limited {
        headers.push(("Retry-After".to_owned(), retry_after.as_secs().to_string()));
    }
    headers.push(("X-RateLimit-Limit".to_owned(), limit.to_string()));
    headers.push(("X-RateLimit-Remaining".to_owned(), remaining.to_string()));
    headers.push(("X-RateLimit-Reset".to_owned(), reset.to_string()));
    headers.push(("X-RateLimit-Used".to_owned(), used.to_string()));
    headers.push(("X-RateLimit-Resource".to_owned(), "core".to_owned()));
}

fn operate(state: &mut State, context: &Context<'_>, route: &Route) -> Result<Reply, ApiError> {
    let docs = route.documentation_url();
    let body = &context.request.body;
    match route {
        Route::ListOrgHooks { org } => {
            let org = state.org(org).ok_or(ApiError::NotFound)?;
            Ok(list_page(
                context,
                org.hooks.values(),
                org.hooks.len(),
                Some(&org.login),
            ))
        }
        Route::CreateOrgHook { org } => {
            let login = state.org(org).ok_or(ApiError::NotFound)?.login.clone();
            let input = validation::read_create(body, docs)?;
            let id = state.take_hook_id();
            let hook = new_hook(id, HookKind::Organization, input, context.now);
            let reply = Reply::json(
                201,
                &render::hook_view(&hook, &context.api_base, Some(&login)),
            );
            let location = render::hook_url(&hook, &context.api_base, Some(&login));
            if let Some(org) = state.org_mut(&login) {
                org.hooks.insert(id, hook);
            }
            Ok(reply.header("Location", location))
        }
        Route::GetOrgHook { org, hook } => {
            let (login, hook) = org_hook(state, org, *hook)?;
            Ok(Reply::json(
                200,
                &render::hook_view(hook, &context.api_base, Some(login)),
            ))
        }
        Route::UpdateOrgHook { org, hook } => {
            org_hook(state, org, *hook)?;
            let input = validation::read_update(body, docs)?;
            let (login, hook) = org_hook_mut(state, org, *hook)?;
            if let Some(active) = input.active {
                hook.active = active;
            }
            if let Some(events) = input.events {
                hook.events = events;
            }
            match input.config {
                Some(config) => {
                    // Documented: updating a hook overwrites the secret; an omitted one is removed.
                    let secret = config.secret.clone();
                    merge_config(&mut hook.config, config);
                    hook.config.secret = secret;
                }
                None => hook.config.secret = None,
            }
            hook.updated_at = context.now;
            Ok(Reply::json(
                200,
                &render::hook_view(hook, &context.api_base, Some(&login)),
            ))
        }
        Route::DeleteOrgHook { org, hook } => {
            let id = *hook;
            let org = state.org_mut(org).ok_or(ApiError::NotFound)?;
            org.hooks.remove(&id).ok_or(ApiError::NotFound)?;
            state.forget_deliveries(id);
            Ok(Reply::empty(204))
        }
        Route::GetOrgHookConfig { org, hook } => {
            let (_, hook) = org_hook(state, org, *hook)?;
            Ok(Reply::json(200, &render::config_view(&hook.config)))
        }
        Route::UpdateOrgHookConfig { org, hook } => {
            org_hook(state, org, *hook)?;
            let input = validation::read_config_update(body, docs)?;
            let (_, hook) = org_hook_mut(state, org, *hook)?;
            merge_config(&mut hook.config, input);
            hook.updated_at = context.now;
            Ok(Reply::json(200, &render::config_view(&hook.config)))
        }
        Route::ListDeliveries { org, hook } => {
            org_hook(state, org, *hook)?;
            list_deliveries(state, context, *hook, docs)
        }
        Route::GetDelivery {
            org,
            hook,
            delivery,
        } => {
            org_hook(state, org, *hook)?;
            let found = state
                .deliveries
                .get(hook)
                .and_then(|list| list.iter().find(|d| d.id == *delivery))
                .ok_or(ApiError::NotFound)?;
            Ok(Reply::json(200, &render::delivery_json(found)))
        }
        Route::Redeliver {
            org,
            hook,
            delivery,
        } => {
            let (login, found) = org_hook(state, org, *hook)?;
            let (login, found) = (login.to_owned(), found.clone());
            let org_id = state.org(&login).map(|org| org.id);
            let original = state
                .deliveries
                .get(hook)
                .and_then(|list| list.iter().find(|d| d.id == *delivery))
                .cloned()
                .ok_or(ApiError::NotFound)?;
            let id = state.take_delivery_id();
            let target = Target {
                kind: HookKind::Organization,
                org_login: Some(&login),
                org_id,
            };
            state.push_delivery(delivery::redeliver(id, &original, &found, &target));
            Ok(Reply::json(202, &json!({})))
        }
        Route::PingOrgHook { org, hook } => {
            let (login, found) = org_hook(state, org, *hook)?;
            let (login, found) = (login.to_owned(), found.clone());
            let org_id = state.org(&login).map(|org| org.id);
            let hook_json = render::hook_json(&found, &context.api_base, Some(&login));
            let id = state.take_delivery_id();
            let target = Target {
                kind: HookKind::Organization,
                org_login: Some(&login),
                org_id,
            };
            state.push_delivery(delivery::ping(id, &found, hook_json, &target));
            Ok(Reply::empty(204))
        }
        Route::ListGlobalHooks => Ok(list_page(
            context,
            state.global_hooks.values(),
            state.global_hooks.len(),
            None,
        )),
        Route::CreateGlobalHook => {
            let input = validation::read_create(body, docs)?;
            let id = state.take_hook_id();
            let hook = new_hook(id, HookKind::Global, input, context.now);
            let reply = Reply::json(201, &render::hook_view(&hook, &context.api_base, None));
            let location = render::hook_url(&hook, &context.api_base, None);
            state.global_hooks.insert(id, hook);
            Ok(reply.header("Location", location))
        }
        Route::GetGlobalHook { hook } => {
            let hook = state.global_hooks.get(hook).ok_or(ApiError::NotFound)?;
            Ok(Reply::json(
                200,
                &render::hook_view(hook, &context.api_base, None),
            ))
        }
        Route::UpdateGlobalHook { hook } => {
            if !state.global_hooks.contains_key(hook) {
                return Err(ApiError::NotFound);
            }
            let input = validation::read_update(body, docs)?;
            let hook = state.global_hooks.get_mut(hook).ok_or(ApiError::NotFound)?;
            // Documented: parameters not provided are overwritten with their defaults, or
            // removed when they have none.
            hook.active = input.active.unwrap_or(true);
            hook.events = input
                .events
                .unwrap_or_else(|| HookKind::Global.default_events());
            let config = input.config.unwrap_or_default();
            if let Some(url) = config.url {
                hook.config.url = url;
            }
            hook.config.content_type = config.content_type.unwrap_or_else(|| "form".to_owned());
            hook.config.insecure_ssl = config.insecure_ssl.unwrap_or_else(|| "0".to_owned());
            hook.config.secret = config.secret;
            hook.updated_at = context.now;
            Ok(Reply::json(
                200,
                &render::hook_view(hook, &context.api_base, None),
            ))
        }
        Route::DeleteGlobalHook { hook } => {
            state.global_hooks.remove(hook).ok_or(ApiError::NotFound)?;
            state.forget_deliveries(*hook);
            Ok(Reply::empty(204))
        }
        Route::PingGlobalHook { hook } => {
            let found = state
                .global_hooks
                .get(hook)
                .cloned()
                .ok_or(ApiError::NotFound)?;
            let hook_json = render::hook_json(&found, &context.api_base, None);
            let id = state.take_delivery_id();
            let target = Target {
                kind: HookKind::Global,
                org_login: None,
                org_id: None,
            };
            state.push_delivery(delivery::ping(id, &found, hook_json, &target));
            Ok(Reply::empty(204))
        }
    }
}

/// A hook from a validated create body, with GitHub's defaults for what it omits.
fn new_hook(id: u64, kind: HookKind, input: validation::HookInput, now: OffsetDateTime) -> Hook {
    let config = input.config.unwrap_or_default();
    Hook {
        id,
        kind,
        name: "web".to_owned(),
        active: input.active.unwrap_or(true),
        events: input.events.unwrap_or_else(|| kind.default_events()),
        config: super::state::HookConfig {
            url: config.url.unwrap_or_default(),
            content_type: config.content_type.unwrap_or_else(|| "form".to_owned()),
            insecure_ssl: config.insecure_ssl.unwrap_or_else(|| "0".to_owned()),
            secret: config.secret,
        },
        created_at: now,
        updated_at: now,
    }
}

/// Sets the config fields a request sent and keeps the others (the config endpoint's rule).
fn merge_config(config: &mut HookConfig, input: ConfigInput) {
    if let Some(url) = input.url {
        config.url = url;
    }
    if let Some(content_type) = input.content_type {
        config.content_type = content_type;
    }
    if let Some(insecure_ssl) = input.insecure_ssl {
        config.insecure_ssl = insecure_ssl;
    }
    if let Some(secret) = input.secret {
        config.secret = Some(secret);
    }
}

fn org_hook<'a>(state: &'a State, org: &str, id: u64) -> Result<(&'a str, &'a Hook), ApiError> {
    let org = state.org(org).ok_or(ApiError::NotFound)?;
    let hook = org.hooks.get(&id).ok_or(ApiError::NotFound)?;
    Ok((&org.login, hook))
}

fn org_hook_mut<'a>(
    state: &'a mut State,
    org: &str,
    id: u64,
) -> Result<(String, &'a mut Hook), ApiError> {
    let org = state.org_mut(org).ok_or(ApiError::NotFound)?;
    let login = org.login.clone();
    let hook = org.hooks.get_mut(&id).ok_or(ApiError::NotFound)?;
    Ok((login, hook))
}

/// One page of a hook list (`total` hooks, oldest first) with its `Link` header.
fn list_page<'a>(
    context: &Context<'_>,
    hooks: impl Iterator<Item = &'a Hook>,
    total: usize,
    org: Option<&str>,
) -> Reply {
    let pairs = pagination::query_pairs(context.request.query.as_deref());
    let per_page = pagination::per_page(&pairs);
    let page = pagination::page(&pairs);
    let start = (page - 1).saturating_mul(per_page);
    let items: Vec<render::HookView<'_>> = hooks
        .skip(start)
        .take(per_page)
        .map(|hook| render::hook_view(hook, &context.api_base, org))
        .collect();
    let mut reply = Reply::json(200, &items);
    if let Some(link) =
        pagination::page_links(&context.request_url(), &pairs, page, per_page, total)
    {
        reply = reply.header("Link", link);
    }
    reply
}

/// A page of a hook's deliveries, newest first, filtered by `status` and `redelivery`, with
/// cursor links.
fn list_deliveries(
    state: &State,
    context: &Context<'_>,
    hook: u64,
    docs: &'static str,
) -> Result<Reply, ApiError> {
    let pairs = pagination::query_pairs(context.request.query.as_deref());
    let per_page = pagination::per_page(&pairs);
    let cursor = match pagination::query_value(&pairs, "cursor") {
        None | Some("") => None,
        Some(text) => Some(
            pagination::parse_cursor(text).ok_or_else(|| ApiError::BadRequest {
                message: format!("Invalid cursor: {text}"),
                documentation_url: docs,
            })?,
        ),
    };
    let mut errors = validation::Errors::default();
    let status_filter = match pagination::query_value(&pairs, "status") {
        None => None,
        Some("success") => Some(200..=399),
        Some("failure") => Some(400..=599),
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
    errors.finish(docs)?;

    let filtered: Vec<&super::state::Delivery> = state
        .deliveries
        .get(&hook)
        .map(|list| list.as_slice())
        .unwrap_or_default()
        .iter()
        .rev()
        .filter(|d| {
            status_filter
                .as_ref()
                .is_none_or(|range| range.contains(&d.status_code))
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
        reply = reply.header("Link", links.join(", "));
    }
    Ok(reply)
}
