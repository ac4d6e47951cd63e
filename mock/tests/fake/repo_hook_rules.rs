//! Repository webhooks, each rule of creating and updating one on its own: `name`, the body,
//! duplicate URLs, the per-event limits of each product, the defaults and the event edits.

use hookspec_mock::{FakeGitHub, HookSeed};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use crate::repo_hooks::{HOOKS, REPO, first_error, ids};
use crate::support::Api;

#[tokio::test]
async fn name_is_optional_and_only_web_is_accepted() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let without = api
        .post(
            HOOKS,
            json!({ "active": false, "config": { "url": "https://example.com/1" } }),
        )
        .await;
    assert_eq!(without.status, 201, "{}", without.text);
    assert_eq!(without.body["name"], "web");
    let web = api
        .post(
            HOOKS,
            json!({ "name": "web", "active": false, "config": { "url": "https://example.com/2" } }),
        )
        .await;
    assert_eq!(web.status, 201, "{}", web.text);
    let email = api
        .post(
            HOOKS,
            json!({ "name": "email", "config": { "url": "https://example.com/3" } }),
        )
        .await;
    let error = first_error(&email);
    assert_eq!(error["field"], "name");
    assert_eq!(error["code"], "invalid");
    assert_eq!(fake.state().repo_hooks(REPO).len(), 2);
}

#[tokio::test]
async fn an_empty_or_null_body_is_refused_naming_config_and_a_config_without_url_naming_url() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    for body in [None, Some(b"null".to_vec()), Some(b"{}".to_vec())] {
        let answer = api
            .raw(
                "POST",
                HOOKS,
                body.clone(),
                &[("content-type", "application/json")],
            )
            .await;
        let error = first_error(&answer);
        assert_eq!(error["field"], "config", "{body:?}");
        assert_eq!(error["code"], "missing_field", "{body:?}");
        assert_eq!(error["resource"], "Hook", "{body:?}");
    }
    let no_url = api
        .post(HOOKS, json!({ "config": { "content_type": "json" } }))
        .await;
    let error = first_error(&no_url);
    assert_eq!(
        (&error["field"], &error["code"]),
        (&json!("url"), &json!("missing_field"))
    );
    assert!(fake.state().repo_hooks(REPO).is_empty());
}

#[tokio::test]
async fn a_second_hook_with_the_same_url_in_one_repository_is_refused() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let body = json!({ "active": false, "config": { "url": "https://example.com/hook" } });
    assert_eq!(api.post(HOOKS, body.clone()).await.status, 201);
    let again = api.post(HOOKS, body.clone()).await;
    let error = first_error(&again);
    assert_eq!(error["message"], "Hook already exists on this repository");
    assert_eq!(error["code"], "custom");
    // Another repository may have a hook with that URL.
    let elsewhere = api.post("/repos/octocat/other/hooks", body).await;
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.text);
    // Each repository lists its own hooks.
    let others = api.get("/repos/octocat/other/hooks").await;
    assert_eq!(ids(&others), [elsewhere.body["id"].as_u64().unwrap()]);
    assert_eq!(fake.state().repo_hooks(REPO).len(), 1);
    assert!(fake.state().repo_hooks("octocat/never-named").is_empty());
}

#[tokio::test]
async fn a_twenty_first_hook_on_one_event_is_refused_on_api_github_com_paths() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let create = |n: usize, events: Value| json!({ "active": false, "events": events, "config": { "url": format!("https://example.com/{n}") } });
    for n in 1..=20 {
        let answer = api.post(HOOKS, create(n, json!(["push"]))).await;
        assert_eq!(answer.status, 201, "hook {n}: {}", answer.text);
    }
    let twenty_first = api.post(HOOKS, create(21, json!(["push"]))).await;
    assert_eq!(
        first_error(&twenty_first)["message"],
        "The \"push\" event cannot have more than 20 hooks"
    );
    // Another event is not full.
    let other = api.post(HOOKS, create(22, json!(["issues"]))).await;
    assert_eq!(other.status, 201, "{}", other.text);
    // Nor may an update subscribe a 21st hook to `push`.
    let id = other.body["id"].as_u64().unwrap();
    let update = api
        .patch(&format!("{HOOKS}/{id}"), json!({ "add_events": ["push"] }))
        .await;
    assert_eq!(
        first_error(&update)["message"],
        "The \"push\" event cannot have more than 20 hooks"
    );
    assert_eq!(fake.state().repo_hooks(REPO).len(), 21);
}

#[tokio::test]
async fn ghes_paths_allow_a_twenty_first_hook_and_refuse_the_two_hundred_fifty_first() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.ghes_uri());
    let seed = |n: usize| HookSeed::new(format!("https://example.com/{n}")).active(false);
    for n in 1..=20 {
        fake.state().insert_repo_hook(REPO, seed(n));
    }
    let body = |n: usize| json!({ "active": false, "config": { "url": format!("https://example.com/{n}") } });
    let twenty_first = api.post(HOOKS, body(21)).await;
    assert_eq!(twenty_first.status, 201, "{}", twenty_first.text);
    for n in 22..=250 {
        fake.state().insert_repo_hook(REPO, seed(n));
    }
    assert_eq!(fake.state().repo_hooks(REPO).len(), 250);
    let two_hundred_fifty_first = api.post(HOOKS, body(251)).await;
    assert_eq!(
        first_error(&two_hundred_fifty_first)["message"],
        "The \"push\" event cannot have more than 250 hooks"
    );
    // The same repository through api.github.com paths counts 20.
    let dotcom = Api::new(&fake.uri()).post(HOOKS, body(252)).await;
    assert_eq!(
        first_error(&dotcom)["message"],
        "The \"push\" event cannot have more than 20 hooks"
    );
}

#[tokio::test]
async fn events_default_to_push_and_active_to_true() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let created = api
        .post(
            HOOKS,
            json!({ "config": { "url": "https://example.com/hook" } }),
        )
        .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.body["events"], json!(["push"]));
    assert_eq!(created.body["active"], true);
    assert_eq!(created.body["config"]["content_type"], "form");
    let hook = fake
        .state()
        .repo_hook(REPO, created.body["id"].as_u64().unwrap())
        .unwrap();
    assert_eq!(hook.events, ["push"]);
    assert!(hook.active);
}

#[tokio::test]
async fn add_events_are_added_then_remove_events_removed_and_events_replaces() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let id = fake
        .state()
        .insert_repo_hook(REPO, HookSeed::new("https://example.com/hook"));
    let hook = format!("{HOOKS}/{id}");
    for (body, expected) in [
        (
            json!({ "add_events": ["issues", "push"] }),
            json!(["push", "issues"]),
        ),
        (
            json!({ "add_events": ["fork"], "remove_events": ["fork", "push"] }),
            json!(["issues"]),
        ),
        (
            json!({ "events": ["create"], "add_events": ["delete"] }),
            json!(["create", "delete"]),
        ),
        (json!({ "events": ["push"] }), json!(["push"])),
    ] {
        let answer = api.patch(&hook, body.clone()).await;
        assert_eq!(answer.status, 200, "{body}: {}", answer.text);
        assert_eq!(answer.body["events"], expected, "{body}");
    }
    let wrong = api.patch(&hook, json!({ "remove_events": "push" })).await;
    assert_eq!(first_error(&wrong)["field"], "remove_events");
}

#[tokio::test]
async fn an_update_without_config_removes_the_secret() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let id = fake.state().insert_repo_hook(
        REPO,
        HookSeed::new("https://example.com/hook").secret("s3cret"),
    );
    let answer = api
        .patch(&format!("{HOOKS}/{id}"), json!({ "active": false }))
        .await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.body["config"].get("secret").is_none(),
        "{}",
        answer.text
    );
    assert_eq!(
        fake.state().repo_hook(REPO, id).unwrap().config.secret,
        None
    );
}
