//! The generated typed stubs: `given(..)` matches the operation's method and path (a value or
//! any value per path argument, at the root or under `/api/v3` as the spec's products say), and
//! the responders answer with models, the spec's named examples, or GitHub's error bodies.

use hookspec_mock::models::{OrgHook, OrgHookConfig};
use hookspec_mock::stubs;
use hookspec_mock::stubs::{Arg, any};
use serde_json::Value;
use wiremock::MockServer;

async fn get(url: String) -> (u16, Option<String>, Value) {
    let response = reqwest::Client::new()
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.json().await.unwrap_or(Value::Null);
    (status, content_type, body)
}

#[tokio::test]
async fn a_stub_matches_its_path_with_the_given_arguments_only() {
    let server = MockServer::start().await;
    stubs::orgs_get_webhook::given("octocat", 1)
        .respond_with(stubs::orgs_get_webhook::ok_example_default())
        .expect(2)
        .mount(&server)
        .await;
    let (status, content_type, body) = get(format!("{}/orgs/octocat/hooks/1", server.uri())).await;
    assert_eq!(status, 200);
    assert_eq!(
        content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(body["type"], "Organization");
    let (status, _, _) = get(format!("{}/api/v3/orgs/octocat/hooks/1", server.uri())).await;
    assert_eq!(status, 200, "org hooks exist on GHES too, under /api/v3");
    let (status, _, _) = get(format!("{}/orgs/octocat/hooks/2", server.uri())).await;
    assert_eq!(status, 404, "another hook id must not match");
    let (status, _, _) = get(format!("{}/orgs/octocat/hooks/1/config", server.uri())).await;
    assert_eq!(status, 404, "a longer path must not match");
}

#[tokio::test]
async fn any_matches_every_value_of_a_path_argument() {
    let server = MockServer::start().await;
    stubs::orgs_get_webhook::given(Arg::<String>::Any, any())
        .respond_with(stubs::orgs_get_webhook::not_found_github())
        .mount(&server)
        .await;
    let (status, _, body) = get(format!("{}/orgs/someone/hooks/99", server.uri())).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "Not Found");
    assert!(body["documentation_url"].is_string());
}

#[tokio::test]
async fn global_hook_stubs_match_only_under_api_v3() {
    let server = MockServer::start().await;
    stubs::enterprise_admin_list_global_webhooks::given()
        .respond_with(stubs::enterprise_admin_list_global_webhooks::ok_example_default())
        .mount(&server)
        .await;
    let (status, _, body) = get(format!("{}/api/v3/admin/hooks", server.uri())).await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["type"], "Global");
    let (status, _, _) = get(format!("{}/admin/hooks", server.uri())).await;
    assert_eq!(status, 404, "api.github.com has no global hooks");
}

#[tokio::test]
async fn a_responder_serialises_a_model_value() {
    let server = MockServer::start().await;
    let hook = OrgHook {
        id: 7,
        url: "https://api.github.com/orgs/octocat/hooks/7".into(),
        ping_url: "https://api.github.com/orgs/octocat/hooks/7/pings".into(),
        deliveries_url: None,
        name: "web".into(),
        events: vec!["push".into()],
        active: true,
        config: OrgHookConfig {
            url: Some("https://example.com".into()),
            insecure_ssl: None,
            content_type: None,
            secret: None,
        },
        updated_at: "2026-01-01T00:00:00Z".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        r#type: "Organization".into(),
    };
    stubs::orgs_get_webhook::given("octocat", 7)
        .respond_with(stubs::orgs_get_webhook::ok(&hook))
        .mount(&server)
        .await;
    let (status, _, body) = get(format!("{}/orgs/octocat/hooks/7", server.uri())).await;
    assert_eq!(status, 200);
    let back: OrgHook = serde_json::from_value(body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, hook);
}

#[tokio::test]
async fn a_users_stub_wins_over_the_fake() {
    let fake = hookspec_mock::FakeGitHub::start().await;
    stubs::orgs_list_webhooks::given("octocat")
        .respond_with(stubs::orgs_list_webhooks::ok_example_default())
        .mount(fake.server())
        .await;
    let response = reqwest::Client::new()
        .get(format!("{}/orgs/octocat/hooks", fake.uri()))
        .bearer_auth("t")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(
        body[0]["id"], 1,
        "the spec's example, not the (empty) fake state"
    );
}

#[test]
fn every_operation_has_a_stub_module_named_after_its_id() {
    let ids = [
        stubs::orgs_list_webhooks::OPERATION_ID,
        stubs::orgs_create_webhook::OPERATION_ID,
        stubs::orgs_get_webhook::OPERATION_ID,
        stubs::orgs_update_webhook::OPERATION_ID,
        stubs::orgs_delete_webhook::OPERATION_ID,
        stubs::orgs_get_webhook_config_for_org::OPERATION_ID,
        stubs::orgs_update_webhook_config_for_org::OPERATION_ID,
        stubs::orgs_list_webhook_deliveries::OPERATION_ID,
        stubs::orgs_get_webhook_delivery::OPERATION_ID,
        stubs::orgs_redeliver_webhook_delivery::OPERATION_ID,
        stubs::orgs_ping_webhook::OPERATION_ID,
        stubs::enterprise_admin_list_global_webhooks::OPERATION_ID,
        stubs::enterprise_admin_create_global_webhook::OPERATION_ID,
        stubs::enterprise_admin_get_global_webhook::OPERATION_ID,
        stubs::enterprise_admin_update_global_webhook::OPERATION_ID,
        stubs::enterprise_admin_delete_global_webhook::OPERATION_ID,
        stubs::enterprise_admin_ping_global_webhook::OPERATION_ID,
        stubs::repos_list_webhooks::OPERATION_ID,
        stubs::repos_create_webhook::OPERATION_ID,
        stubs::repos_get_webhook::OPERATION_ID,
        stubs::repos_update_webhook::OPERATION_ID,
        stubs::repos_delete_webhook::OPERATION_ID,
        stubs::repos_get_webhook_config_for_repo::OPERATION_ID,
        stubs::repos_update_webhook_config_for_repo::OPERATION_ID,
        stubs::repos_list_webhook_deliveries::OPERATION_ID,
        stubs::repos_get_webhook_delivery::OPERATION_ID,
        stubs::repos_redeliver_webhook_delivery::OPERATION_ID,
        stubs::repos_ping_webhook::OPERATION_ID,
        stubs::repos_test_push_webhook::OPERATION_ID,
        stubs::apps_get_webhook_config_for_app::OPERATION_ID,
        stubs::apps_update_webhook_config_for_app::OPERATION_ID,
        stubs::apps_list_webhook_deliveries::OPERATION_ID,
        stubs::apps_get_webhook_delivery::OPERATION_ID,
        stubs::apps_redeliver_webhook_delivery::OPERATION_ID,
    ];
    let mut table: Vec<&str> = hookspec_mock::table::OPERATIONS
        .iter()
        .map(|op| op.id)
        .collect();
    let mut ids = ids.to_vec();
    table.sort_unstable();
    ids.sort_unstable();
    assert_eq!(ids, table);
}
