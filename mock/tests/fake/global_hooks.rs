//! GHES global hooks under `/api/v3/admin/hooks`: their own defaults, an update that resets
//! what it omits, pings, and nothing at all on the api.github.com root.

use hookspec_mock::{FakeGitHub, HookSeed};
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::support::{Api, hook_body};

#[tokio::test]
async fn global_hooks_exist_only_under_api_v3() {
    let fake = FakeGitHub::start().await;
    let root = Api::new(&fake.uri());
    assert_eq!(root.get("/admin/hooks").await.status, 404);
    assert_eq!(
        root.post("/admin/hooks", hook_body("https://example.com/h"))
            .await
            .status,
        404
    );
    assert_eq!(
        Api::new(&fake.ghes_uri()).get("/admin/hooks").await.status,
        200
    );
}

#[tokio::test]
async fn create_applies_the_global_defaults() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.ghes_uri());
    let answer = api.post("/admin/hooks", json!({ "name": "web", "config": { "url": "https://example.com/webhook", "secret": "s" } })).await;
    assert_eq!(answer.status, 201);
    let id = answer.body["id"].as_u64().unwrap();
    let url = format!("{}/admin/hooks/{id}", fake.ghes_uri());
    assert_eq!(answer.body["type"], "Global");
    assert_eq!(answer.body["events"], json!(["user", "organization"]));
    assert_eq!(answer.body["active"], true);
    assert_eq!(
        answer.body["config"],
        json!({ "content_type": "form", "insecure_ssl": "0", "secret": "********", "url": "https://example.com/webhook" })
    );
    assert_eq!(answer.body["url"], url);
    assert_eq!(answer.body["ping_url"], format!("{url}/pings"));
    assert!(answer.body.get("deliveries_url").is_none());
    assert_eq!(answer.header("location"), Some(url));
}

#[tokio::test]
async fn update_resets_omitted_fields_to_their_defaults() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.ghes_uri());
    let id = fake.state().insert_global_hook(
        HookSeed::new("https://example.com/old")
            .events(["user"])
            .content_type("json")
            .secret("s")
            .active(false),
    );
    let answer = api
        .patch(&format!("/admin/hooks/{id}"), json!({ "events": ["organization"], "config": { "url": "https://example.com/webhook" } }))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["events"], json!(["organization"]));
    assert_eq!(answer.body["active"], true);
    assert_eq!(
        answer.body["config"],
        json!({ "content_type": "form", "insecure_ssl": "0", "url": "https://example.com/webhook" })
    );
    assert_eq!(fake.state().global_hooks()[0].config.secret, None);

    let bare = api.patch(&format!("/admin/hooks/{id}"), json!({})).await;
    assert_eq!(bare.body["events"], json!(["user", "organization"]));
}

#[tokio::test]
async fn list_get_ping_and_delete_global_hooks() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.ghes_uri());
    let id = fake
        .state()
        .insert_global_hook(HookSeed::new("https://example.com/hook"));
    let list = api.get("/admin/hooks").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    let get = api.get(&format!("/admin/hooks/{id}")).await;
    assert_eq!(get.body, list.body[0]);

    assert_eq!(
        api.post_empty(&format!("/admin/hooks/{id}/pings"))
            .await
            .status,
        204
    );
    let deliveries = fake.state().deliveries(id);
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].event, "ping");

    assert_eq!(api.delete(&format!("/admin/hooks/{id}")).await.status, 204);
    assert_eq!(api.get(&format!("/admin/hooks/{id}")).await.status, 404);
    assert_eq!(
        api.post_empty(&format!("/admin/hooks/{id}/pings"))
            .await
            .status,
        404
    );
    assert!(fake.state().global_hooks().is_empty());
}

#[tokio::test]
async fn organization_and_global_hook_ids_never_collide() {
    let fake = FakeGitHub::start().await;
    let global = Api::new(&fake.ghes_uri())
        .post("/admin/hooks", hook_body("https://example.com/g"))
        .await;
    let org = Api::new(&fake.uri())
        .post("/orgs/octocat/hooks", hook_body("https://example.com/o"))
        .await;
    assert_ne!(global.body["id"], org.body["id"]);
    // A global hook is not an organization hook, and the reverse.
    let api = Api::new(&fake.ghes_uri());
    assert_eq!(
        api.get(&format!("/orgs/octocat/hooks/{}", global.body["id"]))
            .await
            .status,
        404
    );
    assert_eq!(
        api.get(&format!("/admin/hooks/{}", org.body["id"]))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn create_validates_like_organization_hooks() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.ghes_uri());
    let answer = api
        .post(
            "/admin/hooks",
            json!({ "name": "email", "config": { "url": "https://example.com" } }),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.body["errors"][0]["field"], "name");
}
