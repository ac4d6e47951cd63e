//! A downstream project's view: depend on hookspec-mock, start the fake, and drive a full
//! organization-webhook lifecycle with plain reqwest, on api.github.com paths, on GHES paths,
//! and through the standalone server's hyper stack (`hookspec_mock::serve`). The spawned
//! `hookspec-mock` binary runs the same walk in the mock crate's own tests
//! (`mock/tests/fake/binary.rs`), where cargo guarantees the binary is built and current.

// A test that cannot unwrap should fail right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hookspec_mock::Fake;
use hookspec_mock::{FakeConfig, FakeGitHub, Fault, HookSeed, OperationId, TokenConfig};
use hookspec_mock::{RequestLog, serve};
use support::lifecycle::org_webhook_lifecycle;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn the_org_webhook_lifecycle_works_against_the_in_process_fake() {
    let fake = FakeGitHub::start().await;
    org_webhook_lifecycle(&fake.uri(), "octocat", "any-token").await;
    // What the walk did is visible from Rust.
    assert!(fake.state().org_hooks("octocat").is_empty());
    assert_eq!(fake.state().requests(OperationId::OrgsPingWebhook).len(), 1);
    assert_eq!(
        fake.state()
            .requests(OperationId::OrgsRedeliverWebhookDelivery)[0]
            .status,
        202
    );
}

#[tokio::test]
async fn the_org_webhook_lifecycle_works_on_ghes_paths() {
    let fake = FakeGitHub::start().await;
    org_webhook_lifecycle(&fake.ghes_uri(), "octocat", "any-token").await;
}

#[tokio::test]
async fn the_org_webhook_lifecycle_works_for_a_configured_owner_of_another_org() {
    let config = FakeConfig {
        orgs: vec!["acme".to_owned()],
        ..FakeConfig::default()
    }
    .with_token(TokenConfig::owner("owner-token"));
    let fake = FakeGitHub::start_with(config).await;
    org_webhook_lifecycle(&fake.uri(), "acme", "owner-token").await;
}

#[tokio::test]
async fn the_org_webhook_lifecycle_works_through_the_standalone_server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, Fake::default(), RequestLog::Quiet, async {
        let _ = stopped.await;
    }));
    org_webhook_lifecycle(&base, "octocat", "any-token").await;
    org_webhook_lifecycle(&format!("{base}/api/v3"), "octocat", "any-token").await;
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_test_can_override_one_endpoint_and_inject_faults_while_the_fake_serves_the_rest() {
    let fake = FakeGitHub::start().await;
    let id = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new("https://example.com/hook"));
    Mock::given(method("GET"))
        .and(path(format!("/orgs/octocat/hooks/{id}")))
        .respond_with(ResponseTemplate::new(410))
        .expect(1)
        .mount(fake.server())
        .await;
    fake.state()
        .inject_fault(OperationId::OrgsListWebhooks, Fault::status(503).times(1))
        .unwrap();

    let client = reqwest::Client::new();
    let get = |url: String| client.get(url).bearer_auth("t").send();
    assert_eq!(
        get(format!("{}/orgs/octocat/hooks/{id}", fake.uri()))
            .await
            .unwrap()
            .status(),
        410
    );
    assert_eq!(
        get(format!("{}/orgs/octocat/hooks", fake.uri()))
            .await
            .unwrap()
            .status(),
        503
    );
    let listed: serde_json::Value = get(format!("{}/orgs/octocat/hooks", fake.uri()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], id);
}
