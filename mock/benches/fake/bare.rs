//! The in-process baseline: a static wiremock mock answering exactly what the fake answers (same
//! status, headers and body), so that a comparison measures the fake's own work. Shared by the
//! bench and `examples/profile_inprocess.rs`.

use hookspec_mock::{FakeGitHub, FakeRequest};
use wiremock::ResponseTemplate;

/// A static template of what `fake` answers GET `path_and_query` now: status, headers, body.
pub fn same_answer(fake: &FakeGitHub, path_and_query: &str) -> ResponseTemplate {
    let response = fake.fake().handle(
        &FakeRequest::new("GET", &fake.uri(), path_and_query)
            .with_header("authorization", "Bearer bench"),
    );
    let mut template = ResponseTemplate::new(response.status);
    for (name, value) in &response.headers {
        template = template.append_header(name.as_str(), &**value);
    }
    template.set_body_bytes(response.body)
}
