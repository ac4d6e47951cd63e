//! The pipeline every request passes, in order: product and API version, fault, authorization,
//! the operation (dispatched to its resource module), the conditional request, then the common
//! headers, rate limit, request id and recording (with the reason for every 4xx).
//! Synchronous and panic-free.

use crate::headers;
use std::borrow::Cow;
use std::time::Duration;

use time::OffsetDateTime;

use super::auth::{self, Credentials};
use super::config::FakeConfig;
use super::faults::{self, FaultKind};
use super::github_error::{self, ApiError};
use super::http::{FakeRequest, FakeResponse, Header, JSON_CONTENT_TYPE};
use super::journal::Recorded;
use super::reply::{COMMON_HEADERS, Context, Reply};
use super::routes::{self, PathParams, Route};
use super::state::{FakeState, State};
use super::{
    app_auth, app_hook, conditional, control, deliveries, github_headers, global_hooks, org_hooks,
    repo_hooks,
};
use crate::table::{Access, OperationId, Product};

/// The fake GitHub: a synchronous request → response handler over shared state.
///
/// [`crate::FakeGitHub`] serves it through wiremock and [`crate::serve`] through hyper; it can
/// also be called directly:
///
/// ```
/// use hookspec_mock::{Fake, FakeRequest};
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
    /// The configuration it was made from, shared with the state's start: among others, the
    /// `Host`s besides loopback names that the `/_hookspec/` endpoints answer.
    config: std::sync::Arc<FakeConfig>,
}

impl Default for Fake {
    fn default() -> Self {
        Fake::new(FakeConfig::default())
    }
}

impl Fake {
    /// A fake with `config`'s organizations and tokens.
    pub fn new(config: FakeConfig) -> Self {
        let config = std::sync::Arc::new(config);
        Fake {
            state: FakeState::new(&config),
            config,
        }
    }

    /// A handle on the fake's state, to seed and inspect it.
    pub fn state(&self) -> FakeState {
        self.state.clone()
    }

    /// Answers one request as GitHub would. Never panics, and never answers 500 unless a
    /// fault asks for it.
    pub fn handle(&self, request: &FakeRequest) -> FakeResponse {
        self.respond(Given::Borrowed(request))
    }

    /// How long a server should wait before handing `request` to the handler: the wait a
    /// `GET /_hookspec/deliveries?wait_ms=N` asks for, else none.
    pub(crate) fn wait_before(&self, request: &FakeRequest) -> Option<Duration> {
        control::wait_before(request, &self.config.allowed_control_hosts)
    }

    /// Whether answering `request` takes time that grows with the state (the whole state
    /// document, resets).
    pub(crate) fn is_heavy(&self, request: &FakeRequest) -> bool {
        control::is_heavy(request)
    }

    /// [`handle`](Self::handle) for a request the caller lends: the servers' way, so that
    /// recording it takes its body instead of copying it. The rest is left for the caller to
    /// fill again with its next request.
    pub(crate) fn handle_lent(&self, request: &mut FakeRequest) -> FakeResponse {
        self.respond(Given::Lent(request))
    }

    fn respond(&self, given: Given<'_>) -> FakeResponse {
        let request: &FakeRequest = match &given {
            Given::Borrowed(request) => request,
            Given::Lent(request) => request,
        };
        if request.path.starts_with(control::PREFIX) {
            return control::handle(&self.state, &self.config.allowed_control_hosts, request);
        }
        let now = OffsetDateTime::now_utc();
        let (product, below_prefix) =
            Product::of_path(&request.path).unwrap_or((Product::Dotcom, &request.path));
        let route = routes::route(&request.method, product, below_prefix);
        let credentials = Credentials::of(request);
        let version = api_version(request, product);

        let mut state = self.state.lock();
        state.request_counter += 1;
        state.note_base_url(&request.base_url);
        if product.enterprise_version().is_some() {
            state.note_enterprise_host(&request.base_url);
        }
        let request_id = request_id(state.request_counter, now);

        let mut outcome = Outcome {
            api_version: version,
            ..Outcome::default()
        };
        let mut reply = match &route {
            None => Reply::error(
                &ApiError::not_found(format!(
                    "no operation at {} {} on {}",
                    request.method,
                    request.path,
                    product.id()
                )),
                None,
            ),
            Some(route) => {
                let context = Context {
                    request,
                    api_base: match (
                        request.base_url.trim_end_matches('/'),
                        product.path_prefix(),
                    ) {
                        // api.github.com paths: the base URL as it is, not a copy.
                        (base, "") => Cow::Borrowed(base),
                        (base, prefix) => Cow::Owned(format!("{base}{prefix}")),
                    },
                    now,
                    route,
                    product,
                    app: None,
                };
                answer(&mut state, &context, &credentials, &mut outcome)
            }
        };
        let not_modified = conditional::apply(request, &mut reply);

        let mut headers = std::mem::take(&mut reply.headers);
        common_headers(
            &mut headers,
            &state,
            request,
            &reply,
            route.as_ref(),
            &credentials,
            &outcome,
        );
        state.rate_window.count(
            &credentials,
            now,
            outcome.rate_limited,
            !not_modified,
            &mut headers,
        );
        headers.push((headers::X_GITHUB_REQUEST_ID, Cow::Owned(request_id)));

        record(&mut state, route, given, &reply);
        drop(state);

        FakeResponse {
            status: reply.status,
            headers,
            body: reply.body.unwrap_or_default(),
            delay: outcome.delay,
            reason: reply.reason,
        }
    }
}

/// The API version the request is answered in, as the product table spells it: the one it
/// names, or the product's default when it names none; `None` when the product does not serve
/// the one it names.
fn api_version(request: &FakeRequest, product: Product) -> Option<&'static str> {
    match request
        .header(headers::X_GITHUB_API_VERSION.as_str())
        .map(str::trim)
    {
        None => Some(product.default_api_version()),
        Some(requested) => product
            .api_versions()
            .iter()
            .find(|known| **known == requested)
            .copied(),
    }
}

/// The headers every answer carries besides its own, in GitHub's order: `Content-Type` in
/// front of the reply's own (in the reply's vector, which a ready reply makes with room for
/// all of them), then caching, OAuth scopes, the API version and the media type.
fn common_headers(
    headers: &mut Vec<Header>,
    state: &State,
    request: &FakeRequest,
    reply: &Reply,
    route: Option<&Route>,
    credentials: &Credentials<'_>,
    outcome: &Outcome,
) {
    headers.reserve(COMMON_HEADERS);
    if reply.body.is_some() {
        headers.insert(0, (headers::CONTENT_TYPE, Cow::Borrowed(JSON_CONTENT_TYPE)));
    }
    github_headers::cache(headers, reply.status, credentials);
    if let Some(route) = route {
        github_headers::scopes(headers, route.operation, credentials, || {
            auth::granted_scopes(state.tokens.as_ref(), credentials)
        });
    }
    if let Some(selected) = outcome.api_version {
        headers.push((
            headers::X_GITHUB_API_VERSION_SELECTED,
            Cow::Borrowed(selected),
        ));
    }
    headers.push((
        headers::X_GITHUB_MEDIA_TYPE,
        github_headers::media_type(request.header(headers::ACCEPT.as_str())),
    ));
}

/// What the pipeline learns on the way that shapes the answer's headers.
#[derive(Default)]
struct Outcome {
    delay: Option<Duration>,
    rate_limited: Option<Duration>,
    /// The API version the answer is in; `None` when the request's is not supported.
    api_version: Option<&'static str>,
}

/// A routed request's answer: an injected fault, else the API version check (`outcome` says
/// whether the version was acceptable), authorization, the organization (created on first use
/// unless the orgs are listed), and the operation.
fn answer(
    state: &mut State,
    context: &Context<'_>,
    credentials: &Credentials<'_>,
    outcome: &mut Outcome,
) -> Reply {
    let operation = context.route.operation;
    let product = context.product;
    let requested = context
        .request
        .header(headers::X_GITHUB_API_VERSION.as_str())
        .map(str::trim);
    let supported = product.api_versions();
    let fault = faults::take(&mut state.faults, operation.operation_id);
    if let Some(fault) = &fault {
        outcome.delay = fault.delay;
    }
    match fault.map(|fault| fault.kind) {
        Some(FaultKind::Status(status)) => match github_error::status_body(status) {
            Some(body) => Reply::json(status, &body),
            None => Reply::empty(status),
        },
        Some(FaultKind::RateLimit {
            status,
            retry_after,
        }) => {
            outcome.rate_limited = Some(retry_after);
            Reply::json(status, &github_error::rate_limit_body(status))
        }
        Some(FaultKind::Delay) | None => {
            let result = match requested {
                Some(requested) if outcome.api_version.is_none() => {
                    Err(ApiError::UnsupportedApiVersion {
                        requested: requested.to_owned(),
                        supported,
                        product: product.id(),
                    })
                }
                _ if operation.access == Access::App => {
                    authenticate_app(state, credentials, context.now).and_then(|app| {
                        let context = Context {
                            app: Some(app),
                            ..context.clone()
                        };
                        dispatch(state, &context)
                    })
                }
                _ => auth::authorize(state.tokens.as_ref(), credentials, operation.access)
                    .and_then(|()| {
                        // Before anything is created on first use: a name GitHub could not
                        // have issued names nothing, on GitHub and here.
                        if let Some(reason) = routes::invalid_name(&context.route.params) {
                            return Err(ApiError::not_found(reason));
                        }
                        if let (true, Some(org)) = (state.any_org, &context.route.params.org) {
                            state.add_org(org);
                        }
                        if state.any_repo
                            && let Some(repo) = context.route.params.full_repo_name()
                        {
                            state.add_repo(&repo);
                        }
                        dispatch(state, context)
                    }),
            };
            result.unwrap_or_else(|error| Reply::error(&error, Some(operation.documentation_url)))
        }
    }
}

/// The GitHub App whose JSON Web Token the request carries, or GitHub's 401 for it.
fn authenticate_app(
    state: &State,
    credentials: &Credentials<'_>,
    now: OffsetDateTime,
) -> Result<u64, ApiError> {
    match credentials {
        Credentials::Missing => Err(ApiError::RequiresAuthentication),
        Credentials::Unreadable => Err(ApiError::JwtRefused {
            message: app_auth::NOT_DECODABLE,
            reason: "the Authorization header is not `Bearer JWT`".to_owned(),
        }),
        Credentials::Token(bearer) => {
            app_auth::authenticate(&state.known_apps(), bearer, now.unix_timestamp()).map_err(
                |refusal| ApiError::JwtRefused {
                    message: refusal.message,
                    reason: refusal.reason,
                },
            )
        }
    }
}

/// Hands the request to the resource module that owns its operation.
fn dispatch(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    use OperationId as Op;
    match context.route.operation.operation_id {
        Op::OrgsListWebhooks => org_hooks::list(state, context),
        Op::OrgsCreateWebhook => org_hooks::create(state, context),
        Op::OrgsGetWebhook => org_hooks::get(state, context),
        Op::OrgsUpdateWebhook => org_hooks::update(state, context),
        Op::OrgsDeleteWebhook => org_hooks::delete(state, context),
        Op::OrgsGetWebhookConfigForOrg => org_hooks::get_config(state, context),
        Op::OrgsUpdateWebhookConfigForOrg => org_hooks::update_config(state, context),
        Op::OrgsPingWebhook => org_hooks::ping(state, context),
        Op::OrgsListWebhookDeliveries => deliveries::list(state, context),
        Op::OrgsGetWebhookDelivery => deliveries::get(state, context),
        Op::OrgsRedeliverWebhookDelivery => deliveries::redeliver(state, context),
        Op::EnterpriseAdminListGlobalWebhooks => global_hooks::list(state, context),
        Op::EnterpriseAdminCreateGlobalWebhook => global_hooks::create(state, context),
        Op::EnterpriseAdminGetGlobalWebhook => global_hooks::get(state, context),
        Op::EnterpriseAdminUpdateGlobalWebhook => global_hooks::update(state, context),
        Op::EnterpriseAdminDeleteGlobalWebhook => global_hooks::delete(state, context),
        Op::EnterpriseAdminPingGlobalWebhook => global_hooks::ping(state, context),
        Op::ReposListWebhooks => repo_hooks::list(state, context),
        Op::ReposCreateWebhook => repo_hooks::create(state, context),
        Op::ReposGetWebhook => repo_hooks::get(state, context),
        Op::ReposUpdateWebhook => repo_hooks::update(state, context),
        Op::ReposDeleteWebhook => repo_hooks::delete(state, context),
        Op::ReposGetWebhookConfigForRepo => repo_hooks::get_config(state, context),
        Op::ReposUpdateWebhookConfigForRepo => repo_hooks::update_config(state, context),
        Op::ReposPingWebhook => repo_hooks::ping(state, context),
        Op::ReposTestPushWebhook => repo_hooks::test_push(state, context),
        Op::ReposListWebhookDeliveries => deliveries::list(state, context),
        Op::ReposGetWebhookDelivery => deliveries::get(state, context),
        Op::ReposRedeliverWebhookDelivery => deliveries::redeliver(state, context),
        Op::AppsGetWebhookConfigForApp => app_hook::get_config(state, context),
        Op::AppsUpdateWebhookConfigForApp => app_hook::update_config(state, context),
        Op::AppsListWebhookDeliveries => deliveries::list(state, context),
        Op::AppsGetWebhookDelivery => deliveries::get(state, context),
        Op::AppsRedeliverWebhookDelivery => deliveries::redeliver(state, context),
    }
}

/// A request as the handler is given it: borrowed, or lent by a server that gives up its body.
enum Given<'a> {
    Borrowed(&'a FakeRequest),
    Lent(&'a mut FakeRequest),
}

/// Keeps the request in the journal when recording is on, the oldest dropped past its limit.
fn record(state: &mut State, route: Option<Route>, given: Given<'_>, reply: &Reply) {
    if !state.record_requests || !state.journal.keeps_any() {
        return;
    }
    let (request, body) = match given {
        Given::Borrowed(request) => (request, request.body.clone()),
        Given::Lent(request) => {
            let body = std::mem::take(&mut request.body);
            (&*request, body)
        }
    };
    let operation = route.as_ref().map(|route| route.operation.operation_id);
    let params = route.map(|route| route.params);
    let repo = params.as_ref().and_then(PathParams::full_repo_name);
    let org = params.as_ref().and_then(|params| params.org.as_deref());
    state.journal.record(Recorded {
        operation,
        org,
        repo: repo.as_deref(),
        request,
        body,
        status: reply.status,
        reason: reply.reason.clone(),
    });
}

/// A request id in GitHub's form (`XXXX:XXXX:XXXXXX:XXXXXX:XXXXXXXX`), written digit by digit
/// (`format!` was a tenth of the handler's time).
fn request_id(counter: u64, now: OffsetDateTime) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let seconds = now.unix_timestamp() as u64;
    let fields = [
        ((counter >> 24) & 0xFFFF, 4),
        (seconds & 0xFFFF, 4),
        (counter & 0xFF_FFFF, 6),
        (counter.wrapping_mul(2_654_435_761) & 0xFF_FFFF, 6),
        (seconds & 0xFFFF_FFFF, 8),
    ];
    let mut id = String::with_capacity(32);
    for (i, (value, digits)) in fields.into_iter().enumerate() {
        if i > 0 {
            id.push(':');
        }
        for shift in (0..digits).rev() {
            id.push(char::from(HEX[((value >> (4 * shift)) & 0xF) as usize]));
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_have_githubs_form() {
        // As the format!-based version wrote it for the second request at that second.
        let now =
            OffsetDateTime::from_unix_timestamp(0x6B11_6C21).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(request_id(2, now), "0000:6C21:000002:6EF362:6B116C21");
        let counter = 0xABCD_1234_5678_u64;
        let oracle = format!(
            "{:04X}:6C21:{:06X}:{:06X}:6B116C21",
            (counter >> 24) & 0xFFFF,
            counter & 0xFF_FFFF,
            counter.wrapping_mul(2_654_435_761) & 0xFF_FFFF
        );
        assert_eq!(request_id(counter, now), oracle);
    }
}
