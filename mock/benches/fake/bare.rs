//! The in-process baseline: a bare wiremock server with one static mock answering exactly what
//! the fake answers (same status, headers and body), so that a comparison measures the fake's
//! own work. Shared by the bench and `examples/profile_inprocess.rs`.

use hookspec_mock::{FakeGitHub, FakeRequest};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A bare server answering GET `path_and_query` as `fake` answers it now.
pub async fn bare_server(fake: &FakeGitHub, path_and_query: &str) -> MockServer {
    let response = fake.fake().handle(
        &FakeRequest::new("GET", &fake.uri(), path_and_query)
            .with_header("authorization", "Bearer bench"),
    );
    let mut template = ResponseTemplate::new(response.status);
    for (name, value) in &response.headers {
        template = template.append_header(name.as_str(), &**value);
    }
    let template = template.set_body_bytes(response.body);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(path_and_query))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}
