//! Repository webhooks and what reaches their receivers: test pushes and `meta` only to the
//! hooks subscribed, emitted events, which repositories exist, who may manage hooks, the GHES
//! headers and `last_response`.

use hookspec_mock::{
    FakeConfig, FakeGitHub, HookSeed, OperationId, Receiver, ReceiverAnswer, TokenConfig,
};
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::repo_hooks::{HOOKS, REPO, ids, nth, spec_scopes, unused};
use crate::support::Api;
use crate::support::settle;

#[tokio::test]
async fn an_unsubscribed_hook_gets_no_test_push_and_no_meta_but_a_wildcard_gets_both() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let unsubscribed = Receiver::start().await.unwrap();
    let wildcard = Receiver::start().await.unwrap();
    let quiet = fake
        .state()
        .insert_repo_hook(REPO, HookSeed::new(unsubscribed.url()).events(["issues"]));
    let all = fake
        .state()
        .insert_repo_hook(REPO, HookSeed::new(wildcard.url()).events(["*"]));
    for id in [quiet, all] {
        assert_eq!(
            api.post_empty(&format!("{HOOKS}/{id}/tests")).await.status,
            204
        );
        assert_eq!(api.delete(&format!("{HOOKS}/{id}")).await.status, 204);
    }
    settle(&fake).await;
    assert!(unsubscribed.received().is_empty());
    let heard: Vec<Option<String>> = wildcard
        .received()
        .iter()
        .map(|d| d.event().map(str::to_owned))
        .collect();
    assert_eq!(heard, [Some("push".to_owned()), Some("meta".to_owned())]);
}

#[tokio::test]
async fn emit_repo_event_reaches_only_the_hooks_subscribed_to_it() {
    let fake = FakeGitHub::start().await;
    let issues = Receiver::start().await.unwrap();
    let push = Receiver::start().await.unwrap();
    let hook = fake
        .state()
        .insert_repo_hook(REPO, HookSeed::new(issues.url()).events(["issues"]));
    fake.state()
        .insert_repo_hook(REPO, HookSeed::new(push.url()));
    let sent = fake
        .state()
        .emit_repo_event(
            REPO,
            "issues",
            json!({ "action": "opened", "repository": { "id": 7 } }),
        )
        .unwrap();
    settle(&fake).await;
    assert_eq!(sent.len(), 1);
    assert!(push.received().is_empty());
    let got = issues.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].event(), Some("issues"));
    assert_eq!(
        got[0].header("x-github-hook-installation-target-type"),
        Some("repository")
    );
    let record = &fake.state().deliveries(hook)[0];
    assert_eq!(record.id, sent[0]);
    assert_eq!(record.action.as_deref(), Some("opened"));

    let listed = FakeGitHub::start_with(FakeConfig::default().only_repos([REPO])).await;
    assert_eq!(
        listed
            .state()
            .emit_repo_event("octocat/nope", "issues", json!({})),
        Err(hookspec_mock::StateError::UnknownRepo(
            "octocat/nope".to_owned()
        ))
    );
}

#[tokio::test]
async fn only_listed_repositories_exist_when_repositories_are_listed() {
    let fake = FakeGitHub::start_with(FakeConfig::default().only_repos([REPO])).await;
    let api = Api::new(&fake.uri());
    assert_eq!(api.get(HOOKS).await.status, 200);
    // Names compare case-insensitively, as GitHub's do.
    assert_eq!(
        api.get("/repos/Octocat/Hello-World/hooks").await.status,
        200
    );
    let other = api.get("/repos/octocat/unknown/hooks").await;
    assert_eq!(other.status, 404);
    assert_eq!(other.body["message"], "Not Found");
    let created = api
        .post(
            "/repos/octocat/unknown/hooks",
            json!({ "config": { "url": "https://example.com/hook" } }),
        )
        .await;
    assert_eq!(created.status, 404);
    let recorded = fake.state().requests(OperationId::ReposListWebhooks);
    let reason = recorded[2].reason.as_deref().unwrap_or_default();
    assert!(
        reason.contains("unknown repository `octocat/unknown`"),
        "{reason}"
    );
    assert!(reason.contains(REPO), "{reason}");
    assert_eq!(
        fake.state().requests(OperationId::ReposCreateWebhook)[0].status,
        404
    );
}

#[tokio::test]
async fn repository_readers_and_members_get_404_and_repository_admins_200() {
    let config = FakeConfig::default()
        .with_token(TokenConfig::repo_admin("ghp_admin"))
        .with_token(TokenConfig::repo_reader("reader"))
        .with_token(TokenConfig::member("member"));
    let fake = FakeGitHub::start_with(config).await;
    let id = fake
        .state()
        .insert_repo_hook(REPO, HookSeed::new("https://example.com/hook"));
    let hook = format!("{HOOKS}/{id}");
    for token in ["reader", "member"] {
        let api = Api::new(&fake.uri()).token(Some(token));
        assert_eq!(api.get(HOOKS).await.status, 404, "{token}");
        assert_eq!(api.get(&hook).await.status, 404, "{token}");
        assert_eq!(
            api.get(&format!("{hook}/config")).await.status,
            404,
            "{token}"
        );
        assert_eq!(
            api.post(
                HOOKS,
                json!({ "config": { "url": "https://example.com/x" } })
            )
            .await
            .status,
            404,
            "{token}"
        );
        assert_eq!(
            api.post_empty(&format!("{hook}/tests")).await.status,
            404,
            "{token}"
        );
        assert_eq!(api.delete(&hook).await.status, 404, "{token}");
    }
    assert_eq!(fake.state().repo_hooks(REPO).len(), 1);

    let admin = Api::new(&fake.uri()).token(Some("ghp_admin"));
    let list = admin.get(HOOKS).await;
    assert_eq!(list.status, 200);
    assert_eq!(ids(&list), [id]);
    assert_eq!(
        list.header("x-accepted-oauth-scopes"),
        Some(spec_scopes("repos/list-webhooks"))
    );
    assert_eq!(
        list.header("x-oauth-scopes").as_deref(),
        Some("admin:repo_hook, read:repo_hook, repo, write:repo_hook")
    );
    let test = admin.post_empty(&format!("{hook}/tests")).await;
    assert_eq!(test.status, 204);
    assert_eq!(
        test.header("x-accepted-oauth-scopes"),
        Some(spec_scopes("repos/test-push-webhook"))
    );
    assert_eq!(admin.get(&hook).await.status, 200);
    let deleted = admin.delete(&hook).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        deleted.header("x-accepted-oauth-scopes"),
        Some(spec_scopes("repos/delete-webhook"))
    );
    // An admin of repositories is no organization owner.
    assert_eq!(admin.get("/orgs/octocat/hooks").await.status, 404);
}

#[tokio::test]
async fn ghes_deliveries_carry_both_enterprise_headers_and_api_github_com_ones_neither() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let id = fake
        .state()
        .insert_repo_hook(REPO, HookSeed::new(receiver.url()));
    let ping = |base: String| async move {
        let answer = Api::new(&base)
            .post_empty(&format!("{HOOKS}/{id}/pings"))
            .await;
        assert_eq!(answer.status, 204);
    };
    ping(fake.uri()).await;
    let dotcom = nth(&receiver, 1).await;
    ping(fake.ghes_uri()).await;
    let ghes = nth(&receiver, 2).await;
    ping(fake.uri().replace("127.0.0.1", "localhost") + "/api/v3").await;
    let by_name = nth(&receiver, 3).await;
    assert_eq!(dotcom.header("x-github-enterprise-version"), None);
    assert_eq!(dotcom.header("x-github-enterprise-host"), None);
    assert_eq!(ghes.header("x-github-enterprise-version"), Some("3.21.0"));
    assert_eq!(ghes.header("x-github-enterprise-host"), Some("127.0.0.1"));
    assert_eq!(
        by_name.header("x-github-enterprise-host"),
        Some("localhost")
    );
    for delivery in [&dotcom, &ghes, &by_name] {
        assert_eq!(
            delivery.header("x-github-hook-installation-target-type"),
            Some("repository")
        );
    }
    settle(&fake).await;
    let records = fake.state().deliveries(id);
    assert_eq!(
        records[1]
            .request_headers
            .get("X-GitHub-Enterprise-Version"),
        Some("3.21.0")
    );
}

#[tokio::test]
async fn last_response_shows_a_failed_delivery() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Status(500));
    let id = fake
        .state()
        .insert_repo_hook(REPO, HookSeed::new(receiver.url()));
    let api = Api::new(&fake.uri());
    let hook = format!("{HOOKS}/{id}");
    assert_eq!(api.get(&hook).await.body["last_response"], unused());
    assert_eq!(api.post_empty(&format!("{hook}/pings")).await.status, 204);
    settle(&fake).await;
    let failed =
        json!({ "code": 500, "status": "failed", "message": "Invalid HTTP Response: 500" });
    assert_eq!(api.get(&hook).await.body["last_response"], failed);
    assert_eq!(api.get(HOOKS).await.body[0]["last_response"], failed);
    assert_eq!(
        fake.state().repo_hook(REPO, id).unwrap().last_response.code,
        Some(500)
    );
}
