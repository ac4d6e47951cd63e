//! The wiremock adapter: [`FakeGitHub`], the fake served by a wiremock [`MockServer`], mounted
//! once at the lowest priority so that a test's own mocks always win, and [`FakeResponder`].

use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::fake::{Fake, FakeConfig, FakeRequest, FakeResponse, FakeState};
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
    fake: Fake,
}

impl FakeResponder {
    /// A responder answering with `fake`.
    pub fn new(fake: Fake) -> Self {
        FakeResponder { fake }
    }
}

impl Respond for FakeResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        to_template(self.fake.handle_owned(from_wiremock(request)))
    }
}

/// The request as the fake sees it; the base URL comes from the `Host` header the client sent.
fn from_wiremock(request: &Request) -> FakeRequest {
    let headers: Vec<(String, String)> = crate::fake::header_pairs(&request.headers);
    let host = request
        .headers
        .get("host")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            request.url.host_str().map(|host| match request.url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        })
        .unwrap_or_else(|| "localhost".to_owned());
    FakeRequest {
        method: request.method.as_str().to_owned(),
        path: request.url.path().to_owned(),
        query: request.url.query().map(str::to_owned),
        headers,
        body: request.body.clone(),
        base_url: ["http://", &host].concat(),
    }
}

fn to_template(response: FakeResponse) -> ResponseTemplate {
    // The handler only produces statuses 100..=599, which always convert.
    let status = if (100..=599).contains(&response.status) {
        response.status
    } else {
        500
    };
    let mut template = ResponseTemplate::new(status)
        .append_headers(crate::answer_headers::to_http(response.headers));
    template = template.set_body_bytes(response.body);
    if let Some(delay) = response.delay {
        template = template.set_delay(delay);
    }
    template
}

/// A fake GitHub on a wiremock [`MockServer`]: api.github.com paths at [`uri`](Self::uri),
/// GHES 3.21 paths at [`ghes_uri`](Self::ghes_uri).
///
/// The fake is one mock mounted at priority `u8::MAX`; mount your own mocks on
/// [`server`](Self::server) to override any request. (`server().reset()` removes the fake's
/// mock too.) Dropping it drops the `MockServer`, whose `Drop` blocks on a tokio lock: drop it
/// at the end of a test as usual, not in a tight loop of awaits that never yield.
#[derive(Debug)]
pub struct FakeGitHub {
    server: MockServer,
    fake: Fake,
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
        Mock::given(wiremock::matchers::any())
            .respond_with(FakeResponder::new(fake.clone()))
            .with_priority(u8::MAX)
            .named("hookspec fake GitHub")
            .mount(&server)
            .await;
        FakeGitHub { server, fake }
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
