//! The wiremock adapter: [`FakeGitHub`], the fake served by a wiremock [`MockServer`], mounted
//! once at the lowest priority so that a test's own mocks always win, and [`FakeResponder`].

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::fake::{Fake, FakeConfig, FakeRequest, FakeResponse, FakeState, Header};
use crate::table::Product;

/// A wiremock [`Respond`] that answers every request with a [`Fake`].
///
/// [`FakeGitHub`] mounts one for you; mount one yourself to put the fake on a
/// [`MockServer`] you already have:
///
/// ```
/// # #[tokio::main]
/// # async fn main() {
/// use hookspec_mock::{Fake, FakeResponder};
/// use wiremock::{Mock, MockServer, matchers::any};
///
/// let server = MockServer::start().await;
/// let fake = Fake::default();
/// Mock::given(any()).respond_with(FakeResponder::new(fake.clone())).with_priority(u8::MAX).mount(&server).await;
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct FakeResponder {
    fake: Slot,
    last: Arc<Mutex<Option<Shape>>>,
    requests: super::RequestPool,
}

/// Where a responder finds its fake: `None` once the [`FakeGitHub`] that mounted it is dropped.
///
/// wiremock keeps a dropped `MockServer` in its pool with its mocks mounted until the next
/// `MockServer::start` takes it, so a responder holding the fake itself would keep a dropped
/// fake's whole state (and its delivery thread) alive until then, and hand the cost of
/// freeing it to whichever test starts a server next.
type Slot = Arc<RwLock<Option<Fake>>>;

impl FakeResponder {
    /// A responder answering with `fake`.
    pub fn new(fake: Fake) -> Self {
        FakeResponder {
            fake: Arc::new(RwLock::new(Some(fake))),
            last: Arc::default(),
            requests: super::RequestPool::default(),
        }
    }
}

impl Respond for FakeResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let fake = self.fake.read().unwrap_or_else(PoisonError::into_inner);
        let Some(fake) = fake.as_ref() else {
            // Only a pooled server whose FakeGitHub is gone gets here, before wiremock resets it.
            return ResponseTemplate::new(503)
                .set_body_string("hookspec: this FakeGitHub has been dropped");
        };
        let mut lent = self.requests.take();
        fill_from_wiremock(&mut lent, request);
        let response = fake.handle_lent(&mut lent);
        self.requests.give_back(lent);
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        to_template(&mut last, response)
    }
}

/// `response` as a wiremock template, reusing the `last` answer's when it has the same shape
/// (and keeping this one's when it has not).
fn to_template(last: &mut Option<Shape>, response: FakeResponse) -> ResponseTemplate {
    let template = match last.as_ref().and_then(|shape| shape.reuse(&response)) {
        Some(template) => template,
        None => {
            let shape = Shape::of(response.status, response.headers);
            let template = shape.template.clone();
            *last = Some(shape);
            template
        }
    };
    let template = template.set_body_bytes(response.body);
    match response.delay {
        Some(delay) => template.set_delay(delay),
        None => template,
    }
}

/// The last answer's status and headers, with the template (without body) they made.
///
/// Building wiremock's header map from the fake's fifteen or so headers cost about a quarter of
/// an in-process request (callgrind: 10 000 of 42 000 instructions on the server thread).
/// Consecutive answers mostly share their headers: the same names in the same order, and
/// values that differ only in the request id, the rate-limit counts and the like. So the next
/// answer of the same shape clones this template and replaces just the values that differ,
/// which keeps the order and the bytes as a fresh build would (a test compares them).
#[derive(Debug)]
struct Shape {
    status: u16,
    headers: Vec<Header>,
    /// Per header, whether its name occurs more than once (`Vary`): such a value cannot be
    /// replaced in place without touching the other.
    repeated: Vec<bool>,
    template: ResponseTemplate,
}

/// Whether two values are equal; constants the handler wrote from the same place are the same
/// text, which is seen without reading it.
fn same(one: &str, other: &str) -> bool {
    (std::ptr::eq(one.as_ptr(), other.as_ptr()) && one.len() == other.len()) || one == other
}

/// At most this many values replaced in a reused template; more and a fresh build is as cheap.
const MAX_CHANGED: usize = 8;

impl Shape {
    fn of(status: u16, headers: Vec<Header>) -> Shape {
        // The handler only produces statuses 100..=599, which always convert.
        let code = if (100..=599).contains(&status) {
            status
        } else {
            500
        };
        let template =
            ResponseTemplate::new(code).append_headers(super::answer_headers::to_http(&headers));
        let repeated = headers
            .iter()
            .map(|(name, _)| headers.iter().filter(|(other, _)| other == name).count() > 1)
            .collect();
        Shape {
            status,
            headers,
            repeated,
            template,
        }
    }

    /// This template with `response`'s header values, when `response` has the same status and
    /// header names in the same order, and each value that differs belongs to a name that
    /// occurs once (replacing it cannot touch another).
    fn reuse(&self, response: &FakeResponse) -> Option<ResponseTemplate> {
        if response.status != self.status || response.headers.len() != self.headers.len() {
            return None;
        }
        let mut changed = [0usize; MAX_CHANGED];
        let mut count = 0;
        let base = self.headers.iter().zip(&self.repeated);
        for (at, ((name, value), ((base_name, base_value), &repeated))) in
            response.headers.iter().zip(base).enumerate()
        {
            // The handler writes names from constants: mostly the same text, seen unread.
            if !same(name.as_str(), base_name.as_str()) {
                return None;
            }
            if !same(value, base_value) {
                if repeated {
                    return None;
                }
                *changed.get_mut(count)? = at;
                count += 1;
            }
        }
        let changed = &changed[..count];
        let mut template = self.template.clone();
        for pair in super::answer_headers::convert(changed.iter().map(|&at| &response.headers[at]))
        {
            let (name, value) = pair?;
            template = template.insert_header(name, value);
        }
        Some(template)
    }
}

/// Writes the request as the fake sees it into `into` (wiremock's URL always names the
/// server's address).
fn fill_from_wiremock(into: &mut FakeRequest, request: &Request) {
    let url = &request.url;
    super::fill_request(
        into,
        (&request.method, url.path(), url.query()),
        &request.headers,
        &request.body,
        || match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => "localhost".to_owned(),
        },
    );
}

/// A fake GitHub on a wiremock [`MockServer`]: api.github.com paths at [`uri`](Self::uri),
/// GHES 3.21 paths at [`ghes_uri`](Self::ghes_uri).
///
/// The fake is one mock mounted at priority `u8::MAX`; mount your own mocks on
/// [`server`](Self::server) to override any request. (`server().reset()` removes the fake's
/// mock too.) Dropping it frees the fake's state and stops its delivery thread at once, and
/// drops the `MockServer`, whose `Drop` blocks on a tokio lock: drop it at the end of a test as
/// usual, not in a tight loop of awaits that never yield.
#[derive(Debug)]
pub struct FakeGitHub {
    server: MockServer,
    fake: Fake,
    /// The mounted responder's fake, taken back on drop.
    slot: Slot,
}

impl Drop for FakeGitHub {
    /// Frees the fake now, not when wiremock's pool next hands out this server.
    fn drop(&mut self) {
        let taken = self
            .slot
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(taken);
    }
}

impl FakeGitHub {
    /// Starts a fake on a free loopback port, where any token is an organization owner and a
    /// site admin and the organization `octocat` exists.
    pub async fn start() -> Self {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts a fake with `config`'s organizations and tokens.
    pub async fn start_with(config: FakeConfig) -> Self {
        let server = MockServer::start().await;
        let fake = Fake::new(config);
        // Payloads the fake makes point at it even before the first request.
        fake.state().lock().note_base_url(&server.uri());
        let responder = FakeResponder::new(fake.clone());
        let slot = responder.fake.clone();
        Mock::given(wiremock::matchers::any())
            .respond_with(responder)
            .with_priority(u8::MAX)
            .named("hookspec fake GitHub")
            .mount(&server)
            .await;
        FakeGitHub { server, fake, slot }
    }

    /// The base URL of api.github.com paths, `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The base URL of GHES 3.21 paths, `http://127.0.0.1:PORT/api/v3`.
    pub fn ghes_uri(&self) -> String {
        format!("{}{}", self.server.uri(), Product::Ghes.path_prefix())
    }

    /// The underlying wiremock server, to mount your own mocks or read received requests.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// A handle on the fake's state, to seed and inspect it.
    pub fn state(&self) -> FakeState {
        self.fake.state()
    }

    /// The handler itself.
    pub fn fake(&self) -> &Fake {
        &self.fake
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers;

    /// wiremock keeps a dropped server, mocks and all, in its pool until the next start takes
    /// it: the fake's state must not wait there with it.
    #[tokio::test]
    async fn a_dropped_fake_github_frees_its_state_at_once() {
        let fake = FakeGitHub::start().await;
        let state = fake.state();
        // FakeGitHub's own handle, the mounted responder's and this one.
        assert_eq!(state.handles(), 3);
        drop(fake);
        assert_eq!(state.handles(), 1);
    }

    /// Answers of many shapes in a row, each made into a template by reusing the last one
    /// where it can and built afresh: the two are the same, headers in the same order.
    #[test]
    fn a_reused_template_is_the_one_a_fresh_build_makes() {
        let fake = Fake::default();
        let request = |method: &str, path: &str, token: &str| {
            FakeRequest::new(method, "http://127.0.0.1:9", path)
                .with_header("authorization", &format!("token {token}"))
        };
        let create = r#"{"config":{"url":"https://example.com/a"},"events":["push"]}"#;
        let requests = [
            request("POST", "/orgs/octocat/hooks", "t").with_body(create),
            request("GET", "/orgs/octocat/hooks/1", "t"),
            request("GET", "/orgs/octocat/hooks/1", "t"),
            // Another token: its own rate-limit counts, and the scopes header.
            request("GET", "/orgs/octocat/hooks/1", "ghp_other"),
            request("GET", "/orgs/octocat/hooks/1", "t")
                .with_header("accept", "application/vnd.github.v3.full+json"),
            request("GET", "/orgs/octocat/hooks/1", "t"),
            request("GET", "/api/v3/orgs/octocat/hooks/1", "t"),
            request("GET", "/orgs/octocat/hooks/1", "t").with_header("if-none-match", "*"),
            request("GET", "/orgs/octocat/hooks", "t"),
            request("GET", "/orgs/octocat/hooks/1/config", "t"),
            request("PATCH", "/orgs/octocat/hooks/1", "t").with_body(r#"{"active":false}"#),
            request("GET", "/orgs/octocat/hooks/1", "t"),
            request("GET", "/orgs/octocat/hooks/2", "t"),
            request("GET", "/orgs/octocat/hooks/3", "t"),
            request("GET", "/orgs/octocat/hooks/1", ""),
            request("GET", "/orgs/octocat/hooks/1", "t"),
        ];
        let mut last = None;
        let mut reused = 0;
        for request in &requests {
            let response = fake.handle(request);
            let fresh = format!("{:?}", to_template(&mut None, response.clone()));
            if last
                .as_ref()
                .and_then(|shape: &Shape| shape.reuse(&response))
                .is_some()
            {
                reused += 1;
            }
            let made = format!("{:?}", to_template(&mut last, response));
            assert_eq!(made, fresh, "{} {}", request.method, request.path);
        }
        // Most of them had the shape of the one before (and a test that never reuses would
        // prove nothing).
        assert!(reused >= 5, "reused {reused} times");
    }

    #[test]
    fn a_changed_value_of_a_repeated_name_is_not_replaced_in_place() {
        let vary = |second: &'static str| FakeResponse {
            status: 200,
            headers: vec![
                (headers::VARY, "Accept".into()),
                (headers::VARY, second.into()),
                (headers::X_GITHUB_REQUEST_ID, "1".to_owned().into()),
            ],
            body: Vec::new(),
            delay: None,
            reason: None,
        };
        let shape = Shape::of(200, vary("Cookie").headers);
        assert!(shape.reuse(&vary("Cookie")).is_some());
        assert!(shape.reuse(&vary("Authorization")).is_none());
    }
}
