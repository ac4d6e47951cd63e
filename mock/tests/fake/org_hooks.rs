//! Organization hooks: create, list, get, update, delete and the config endpoints, on both
//! path prefixes, with GitHub's defaults, URLs and secret masking.

use hookspec_mock::{Fake, FakeRequest, OperationId};
use hookspec_mock::{FakeGitHub, HookSeed};
use pretty_assertions::assert_eq;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Api, hook_body};

#[tokio::test]
async fn create_answers_201_with_defaults_a_location_and_absolute_urls() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let answer = api
        .post("/orgs/octocat/hooks", hook_body("https://example.com/hook"))
        .await;
    assert_eq!(answer.status, 201);
    let hook = &answer.body;
    let id = hook["id"].as_u64().unwrap();
    let url = format!("{}/orgs/octocat/hooks/{id}", fake.uri());
    assert_eq!(hook["type"], "Organization");
    assert_eq!(hook["name"], "web");
    assert_eq!(hook["events"], json!(["push"]));
    assert_eq!(hook["active"], true);
    assert_eq!(
        hook["config"],
        json!({ "content_type": "form", "insecure_ssl": "0", "url": "https://example.com/hook" })
    );
    assert_eq!(hook["url"], url);
    assert_eq!(hook["ping_url"], format!("{url}/pings"));
    assert_eq!(hook["deliveries_url"], format!("{url}/deliveries"));
    assert!(hook["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(hook["created_at"], hook["updated_at"]);
    assert_eq!(answer.header("location"), Some(url));
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
}

#[tokio::test]
async fn create_under_the_ghes_prefix_builds_urls_with_api_v3() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.ghes_uri());
    let answer = api
        .post("/orgs/octocat/hooks", hook_body("https://example.com/hook"))
        .await;
    assert_eq!(answer.status, 201);
    let id = answer.body["id"].as_u64().unwrap();
    let url = format!("{}/api/v3/orgs/octocat/hooks/{id}", fake.uri());
    assert_eq!(answer.body["url"], url);
    assert_eq!(answer.header("location"), Some(url));
    // The same hook is visible on both prefixes: one GitHub, two path styles.
    assert_eq!(
        Api::new(&fake.uri())
            .get(&format!("/orgs/octocat/hooks/{id}"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn create_keeps_what_it_is_sent_and_masks_the_secret() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let body = json!({
        "name": "web",
        "active": false,
        "events": ["push", "pull_request"],
        "config": { "url": "http://example.com/webhook", "content_type": "json", "secret": "s3cret", "insecure_ssl": 1 }
    });
    let answer = api.post("/orgs/octocat/hooks", body).await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.body["active"], false);
    assert_eq!(answer.body["events"], json!(["push", "pull_request"]));
    assert_eq!(
        answer.body["config"],
        json!({ "content_type": "json", "insecure_ssl": "1", "secret": "********", "url": "http://example.com/webhook" })
    );
    assert!(!answer.text.contains("s3cret"));
    assert_eq!(
        fake.state().org_hooks("octocat")[0]
            .config
            .secret
            .as_deref(),
        Some("s3cret")
    );
}

#[tokio::test]
async fn list_get_and_delete_work_as_documented() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let first = api.create_hook("octocat", "https://example.com/1").await;
    let second = api.create_hook("octocat", "https://example.com/2").await;
    assert_ne!(first, second);

    let list = api.get("/orgs/octocat/hooks").await;
    assert_eq!(list.status, 200);
    let ids: Vec<u64> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [first, second]);
    assert_eq!(list.header("link"), None);

    let get = api.get(&format!("/orgs/octocat/hooks/{second}")).await;
    assert_eq!(get.status, 200);
    assert_eq!(get.body, list.body[1]);

    let delete = api.delete(&format!("/orgs/octocat/hooks/{first}")).await;
    assert_eq!(delete.status, 204);
    assert_eq!(delete.text, "");
    assert_eq!(delete.header("content-type"), None);
    assert_eq!(
        api.get(&format!("/orgs/octocat/hooks/{first}"))
            .await
            .status,
        404
    );
    assert_eq!(
        api.delete(&format!("/orgs/octocat/hooks/{first}"))
            .await
            .status,
        404
    );
    assert_eq!(fake.state().org_hooks("octocat").len(), 1);
}

#[tokio::test]
async fn update_keeps_omitted_fields_but_removes_an_omitted_secret() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let id = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new("https://example.com/hook")
            .content_type("json")
            .events(["issues"])
            .secret("s3cret"),
    );
    let answer = api
        .patch(
            &format!("/orgs/octocat/hooks/{id}"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["active"], false);
    assert_eq!(answer.body["events"], json!(["issues"]));
    assert_eq!(
        answer.body["config"],
        json!({ "content_type": "json", "insecure_ssl": "0", "url": "https://example.com/hook" })
    );
    assert_eq!(
        fake.state().org_hook("octocat", id).unwrap().config.secret,
        None
    );
}

#[tokio::test]
async fn update_with_config_replaces_the_secret_and_keeps_other_config_fields() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let id = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new("https://example.com/old")
            .content_type("json")
            .secret("old"),
    );
    let answer = api
        .patch(
            &format!("/orgs/octocat/hooks/{id}"),
            json!({ "events": ["pull_request"], "config": { "url": "https://example.com/new", "secret": "new" } }),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["events"], json!(["pull_request"]));
    assert_eq!(answer.body["active"], true);
    assert_eq!(
        answer.body["config"],
        json!({ "content_type": "json", "insecure_ssl": "0", "secret": "********", "url": "https://example.com/new" })
    );
    let stored = fake.state().org_hook("octocat", id).unwrap();
    assert_eq!(stored.config.secret.as_deref(), Some("new"));
    assert!(stored.updated_at >= stored.created_at);
}

#[tokio::test]
async fn config_endpoints_show_the_masked_secret_and_update_only_what_they_are_sent() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let id = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new("https://example.com/webhook")
            .content_type("json")
            .secret("s"),
    );
    let config = api.get(&format!("/orgs/octocat/hooks/{id}/config")).await;
    assert_eq!(config.status, 200);
    assert_eq!(
        config.body,
        json!({ "content_type": "json", "insecure_ssl": "0", "secret": "********", "url": "https://example.com/webhook" })
    );

    let updated = api
        .patch(
            &format!("/orgs/octocat/hooks/{id}/config"),
            json!({ "insecure_ssl": "1" }),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(
        updated.body,
        json!({ "content_type": "json", "insecure_ssl": "1", "secret": "********", "url": "https://example.com/webhook" })
    );
    assert_eq!(
        fake.state()
            .org_hook("octocat", id)
            .unwrap()
            .config
            .secret
            .as_deref(),
        Some("s")
    );

    let empty = api
        .raw(
            "PATCH",
            &format!("/orgs/octocat/hooks/{id}/config"),
            None,
            &[],
        )
        .await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body, updated.body);
}

#[tokio::test]
async fn organization_logins_are_case_insensitive() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let answer = api
        .post("/orgs/OctoCat/hooks", hook_body("https://example.com/hook"))
        .await;
    assert_eq!(answer.status, 201);
    let url = answer.body["url"].as_str().unwrap();
    assert!(url.contains("/orgs/octocat/hooks/"), "{url}");
    assert_eq!(
        api.get("/orgs/OCTOCAT/hooks")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn seeded_organizations_and_hooks_are_served() {
    let fake = FakeGitHub::start().await;
    fake.state().add_org("acme");
    let id = fake
        .state()
        .insert_org_hook("acme", HookSeed::new("https://acme.example/hook"));
    let api = Api::new(&fake.uri());
    let answer = api.get(&format!("/orgs/acme/hooks/{id}")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["config"]["url"], "https://acme.example/hook");
    // Hooks of one organization are not reachable through another.
    assert_eq!(
        api.get(&format!("/orgs/octocat/hooks/{id}")).await.status,
        404
    );
    assert_eq!(fake.state().orgs(), ["acme", "octocat"]);
}

#[tokio::test]
async fn urls_are_built_on_the_host_the_client_used() {
    let fake = Fake::default();
    let request = FakeRequest::new(
        "POST",
        "https://github.example.com:8443",
        "/api/v3/orgs/octocat/hooks",
    )
    .with_header("authorization", "token t")
    .with_body(hook_body("https://example.com/hook").to_string());
    let response = fake.handle(&request);
    assert_eq!(response.status, 201);
    assert_eq!(
        response.json().unwrap()["url"],
        "https://github.example.com:8443/api/v3/orgs/octocat/hooks/1"
    );
}

#[tokio::test]
async fn a_users_own_mock_wins_over_the_fake() {
    let fake = FakeGitHub::start().await;
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(fake.server())
        .await;
    let api = Api::new(&fake.uri());
    assert_eq!(api.get("/orgs/octocat/hooks").await.status, 503);
    // Everything else still reaches the fake.
    assert_eq!(
        api.post("/orgs/octocat/hooks", hook_body("https://example.com/hook"))
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn requests_are_recorded_per_operation() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    api.create_hook("octocat", "https://example.com/hook").await;
    api.get("/orgs/octocat/hooks").await;
    api.get("/orgs/octocat/hooks").await;
    let creates = fake.state().requests(OperationId::OrgsCreateWebhook);
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].status, 201);
    assert_eq!(
        creates[0].json().unwrap()["config"]["url"],
        "https://example.com/hook"
    );
    assert_eq!(
        fake.state().requests(OperationId::OrgsListWebhooks).len(),
        2
    );
    fake.state().clear_requests();
    assert!(
        fake.state()
            .requests(OperationId::OrgsListWebhooks)
            .is_empty()
    );
}
