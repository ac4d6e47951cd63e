//! The suite can fail: servers broken on purpose (plain wiremock, or the fake with one answer
//! overridden) are caught by the real scenarios, each with a message naming what broke.

mod support;

use std::time::Duration;

use hookspec_conformance::Check;
use hookspec_mock::FakeGitHub;
use hookspec_mock::Product;
use hookspec_mock::table::find_operation;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TIMEOUT: Duration = Duration::from_secs(5);

/// The spec's first example of `operation`'s `status` response.
fn spec_example(operation: &str, status: u16) -> Value {
    let example = find_operation(operation)
        .and_then(|op| op.response(status))
        .and_then(|r| r.examples.first())
        .and_then(|e| serde_json::from_str(e.json).ok());
    match example {
        Some(example) => example,
        None => panic!("the spec has no example for {operation} {status}"),
    }
}

#[tokio::test]
async fn a_wrong_status_is_caught_with_the_status_named() {
    let fake = FakeGitHub::start().await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/orgs/octocat/hooks/\d+$"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"message": "boom"})))
        .mount(fake.server())
        .await;
    let result = support::run_scenario(
        &fake.uri(),
        "org_hook_lifecycle_create_list_get_update_ping_redeliver_delete",
        TIMEOUT,
    )
    .await;
    let text = support::assert_caught(&result, 3, Check::Status, &["expected 200, got 500"]);
    assert!(
        text.contains("500 is not documented for orgs/get-webhook"),
        "{text}"
    );
    assert!(text.contains("GET http://"), "the request is named: {text}");
    assert!(
        text.contains("step 3 \"get it\""),
        "the step is named: {text}"
    );
}

#[tokio::test]
async fn a_status_on_a_plain_server_that_should_be_404_is_caught() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(spec_example("orgs/get-webhook", 200)),
        )
        .mount(&server)
        .await;
    let result = support::run_scenario(
        &server.uri(),
        "unknown_org_hook_answers_404_to_every_read",
        TIMEOUT,
    )
    .await;
    support::assert_caught(&result, 1, Check::Status, &["expected 404, got 200"]);
}

#[tokio::test]
async fn a_body_that_breaks_the_schema_is_caught_with_the_field_named() {
    let fake = FakeGitHub::start().await;
    let mut broken = spec_example("orgs/get-webhook", 200);
    broken["id"] = json!("not-a-number");
    broken["created_at"] = json!("yesterday");
    Mock::given(method("GET"))
        .and(path_regex(r"^/orgs/octocat/hooks/\d+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(broken))
        .mount(fake.server())
        .await;
    let result = support::run_scenario(
        &fake.uri(),
        "org_hook_lifecycle_create_list_get_update_ping_redeliver_delete",
        TIMEOUT,
    )
    .await;
    let text = support::assert_caught(
        &result,
        3,
        Check::Schema,
        &["orgs/get-webhook 200", "/id", "/created_at"],
    );
    assert!(text.contains("\"not-a-number\""), "{text}");
}

#[tokio::test]
async fn a_missing_link_header_is_caught() {
    let fake = FakeGitHub::start().await;
    // A full first page, but no Link to the rest.
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks"))
        .and(query_param("per_page", "1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(spec_example("orgs/list-webhooks", 200)),
        )
        .mount(fake.server())
        .await;
    let result = support::run_scenario(
        &fake.uri(),
        "org_hook_list_walks_every_page_by_following_link_next",
        TIMEOUT,
    )
    .await;
    support::assert_caught(&result, 4, Check::Link, &["Link is missing"]);
}

#[tokio::test]
async fn a_malformed_link_header_is_caught() {
    let fake = FakeGitHub::start().await;
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(spec_example("orgs/list-webhooks", 200))
                .insert_header("Link", "/orgs/octocat/hooks?page=2; rel=next"),
        )
        .mount(fake.server())
        .await;
    let result = support::run_scenario(
        &fake.uri(),
        "org_hook_list_walks_every_page_by_following_link_next",
        TIMEOUT,
    )
    .await;
    support::assert_caught(&result, 4, Check::Link, &["malformed"]);
}

#[tokio::test]
async fn a_422_body_without_errors_is_caught() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Validation Failed",
            "documentation_url": "https://docs.github.com/rest",
        })))
        .mount(&server)
        .await;
    let result = support::run_scenario(
        &server.uri(),
        "create_org_hook_rejects_a_name_other_than_web",
        TIMEOUT,
    )
    .await;
    let text = support::assert_caught(&result, 1, Check::ExpectedBody, &["/errors (missing)"]);
    assert!(
        text.contains("Diff < expected / actual >"),
        "a diff is shown: {text}"
    );
}

#[tokio::test]
async fn a_422_naming_the_wrong_field_is_caught_with_a_diff() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Validation Failed",
            "errors": [{"resource": "Hook", "field": "config", "code": "custom"}],
            "documentation_url": "https://docs.github.com/rest",
        })))
        .mount(&server)
        .await;
    let result = support::run_scenario(
        &server.uri(),
        "create_org_hook_rejects_events_that_are_not_strings",
        TIMEOUT,
    )
    .await;
    let text = support::assert_caught(
        &result,
        1,
        Check::ExpectedBody,
        &["/errors/0/field", "/errors/0/code"],
    );
    assert!(text.contains("<      \"field\": \"events\","), "{text}");
    assert!(text.contains(">      \"field\": \"config\","), "{text}");
}

#[tokio::test]
async fn a_secret_shown_in_clear_is_caught() {
    let fake = FakeGitHub::start().await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/orgs/octocat/hooks/\d+/config$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "url": "https://hookspec-conformance.invalid/x",
            "content_type": "json",
            "insecure_ssl": "0",
            "secret": "hookspec-s3cret",
        })))
        .mount(fake.server())
        .await;
    // The secret check as a case writes it: a pattern that only asterisks match.
    let case = support::inline(
        "secret_is_masked",
        r#"
description: the config of a hook with a secret shows the secret masked
products: [dotcom]
steps:
  - name: create a hook with a secret
    operation: orgs/create-webhook
    body: { name: web, config: { url: "${marker_url}", secret: hookspec-s3cret } }
    expect: { status: 201, capture: { hook_id: body:/id } }
  - name: read its config
    operation: orgs/get-webhook-config-for-org
    expect:
      status: 200
      match: { /secret: '^\*+$' }
"#,
    );
    let runner = support::runner(&fake.uri(), Product::Dotcom, TIMEOUT);
    let result = runner.run(&case).await;
    support::assert_caught(
        &result,
        2,
        Check::Match,
        &["/secret", "\"hookspec-s3cret\"", r"^\*+$"],
    );
    assert_eq!(
        runner.ledger().live_count(),
        0,
        "the hook was deleted after the failure"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_typed_is_caught() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#,
            "text/html",
        ))
        .mount(&server)
        .await;
    let result = support::run_scenario(
        &server.uri(),
        "unknown_org_hook_answers_404_to_every_read",
        TIMEOUT,
    )
    .await;
    support::assert_caught(
        &result,
        1,
        Check::ContentType,
        &["text/html", "is not JSON"],
    );
}

#[tokio::test]
async fn a_missing_location_on_create_is_caught() {
    let server = MockServer::start().await;
    let mut created = spec_example("orgs/create-webhook", 201);
    created["config"]["url"] = json!("https://hookspec-conformance.invalid/x");
    Mock::given(method("POST"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let result = support::run_scenario(
        &server.uri(),
        "unknown_delivery_of_an_own_hook_answers_404",
        TIMEOUT,
    )
    .await;
    support::assert_caught(&result, 1, Check::Header, &["Location is missing"]);
    let deletes = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .count();
    assert_eq!(
        deletes, 1,
        "the hook the failing create made is deleted all the same"
    );
}
