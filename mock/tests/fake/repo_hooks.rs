//! Repository webhooks as GitHub serves them: a hook's whole life on api.github.com and GHES
//! paths (create, the creation ping, list, get, update with `add_events`/`remove_events`, the
//! config endpoints, the test push, ping, deliveries, redelivery, `last_response`, the `meta`
//! a deleted hook gets), then each rule on its own.

use std::time::Duration;

use hookspec_mock::{
    FakeConfig, FakeGitHub, HookSeed, OperationId, ReceivedDelivery, Receiver, ReceiverAnswer,
    TokenConfig,
};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use crate::support::{Answer, Api};

const WAIT: Duration = Duration::from_secs(10);
const REPO: &str = "octocat/hello-world";
const HOOKS: &str = "/repos/octocat/hello-world/hooks";

async fn settle(fake: &FakeGitHub) {
    fake.state().wait_for_deliveries(WAIT).await.unwrap();
}

/// Waits for the `count`th delivery at `receiver` and returns it.
async fn nth(receiver: &Receiver, count: usize) -> ReceivedDelivery {
    let got = receiver.wait_for(count, WAIT).await;
    assert!(
        got.len() >= count,
        "waited for {count} deliveries, got {}: {:?}",
        got.len(),
        got.iter().map(ReceivedDelivery::event).collect::<Vec<_>>()
    );
    got[count - 1].clone()
}

/// The spec's schema for the `event` delivery operation `operation` causes (its callback).
fn callback_validator(operation: &str, event: &str) -> jsonschema::Validator {
    let callback = hookspec_mock::table::OPERATIONS
        .iter()
        .filter(|op| op.id == operation)
        .flat_map(|op| op.callbacks.iter())
        .find(|callback| callback.event == event)
        .unwrap_or_else(|| panic!("the spec describes no {event} delivery for {operation}"));
    let schema: Value = serde_json::from_str(callback.payload_schema).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// The OAuth scopes the spec lists for `operation`, as GitHub joins them in a header.
fn spec_scopes(operation: &str) -> String {
    hookspec_mock::table::OPERATIONS
        .iter()
        .find(|op| op.id == operation)
        .unwrap_or_else(|| panic!("no operation {operation}"))
        .oauth_scopes
        .join(", ")
}

fn assert_valid(validator: &jsonschema::Validator, payload: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(payload)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?} in {payload}");
}

fn ids(answer: &Answer) -> Vec<u64> {
    answer
        .body
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {}", answer.text))
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect()
}

/// The first `errors[]` entry of a 422.
fn first_error(answer: &Answer) -> &Value {
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        answer.body["message"], "Validation Failed",
        "{}",
        answer.text
    );
    &answer.body["errors"][0]
}

fn unused() -> Value {
    json!({ "code": null, "status": "unused", "message": null })
}

/// Create, creation ping, list, get, update, config, test push, ping, deliveries, redelivery,
/// `last_response`, delete with its `meta`, and 404 afterwards, through `base` (`ghes`: the
/// fake's GHES base URL).
async fn whole_life(ghes: bool) {
    let fake = FakeGitHub::start().await;
    let base = if ghes { fake.ghes_uri() } else { fake.uri() };
    let api = Api::new(&base);
    let receiver = Receiver::start().await.unwrap();
    receiver.set_secret("s3cret");
    let config = json!({ "url": receiver.url(), "content_type": "json", "secret": "s3cret" });

    // Create: defaults applied, the secret masked, URLs on the base URL used.
    let created = api.post(HOOKS, json!({ "config": config })).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let hook = created.body["id"].as_u64().unwrap();
    let url = format!("{base}{HOOKS}/{hook}");
    assert_eq!(created.header("location"), Some(url.clone()));
    assert_eq!(created.body["type"], "Repository");
    assert_eq!(created.body["name"], "web");
    assert_eq!(created.body["active"], true);
    assert_eq!(created.body["events"], json!(["push"]));
    assert_eq!(
        created.body["config"],
        json!({ "content_type": "json", "insecure_ssl": "0", "secret": "********", "url": receiver.url() })
    );
    assert!(!created.text.contains("s3cret"));
    assert_eq!(created.body["url"], url);
    assert_eq!(created.body["test_url"], format!("{url}/test"));
    assert_eq!(created.body["ping_url"], format!("{url}/pings"));
    assert_eq!(created.body["deliveries_url"], format!("{url}/deliveries"));
    assert_eq!(created.body["last_response"], unused());
    assert_eq!(
        fake.state().repo_hook(REPO, hook).unwrap().config.secret,
        Some("s3cret".to_owned())
    );

    // The creation ping: signed, for the repository.
    let ping = nth(&receiver, 1).await;
    assert_eq!(ping.event(), Some("ping"));
    assert_eq!(ping.signature_256_valid, Some(true));
    assert_eq!(
        ping.header("x-github-hook-id"),
        Some(hook.to_string().as_str())
    );
    assert_eq!(
        ping.header("x-github-hook-installation-target-type"),
        Some("repository")
    );
    let payload = ping.payload().unwrap();
    let repo_id = payload["repository"]["id"].as_u64().unwrap();
    assert_eq!(
        ping.header("x-github-hook-installation-target-id"),
        Some(repo_id.to_string().as_str())
    );
    assert_eq!(payload["hook_id"], hook);
    assert_eq!(payload["hook"]["type"], "Repository");
    assert_eq!(payload["hook"]["config"]["secret"], "********");
    assert_eq!(payload["repository"]["full_name"], REPO);
    assert_eq!(payload["sender"]["type"], "User");
    assert!(payload.get("organization").is_none());
    assert_valid(
        &callback_validator("repos/create-webhook", "ping"),
        &payload,
    );
    for (name, expected) in [
        ("x-github-enterprise-version", "3.21.0"),
        ("x-github-enterprise-host", "127.0.0.1"),
    ] {
        assert_eq!(ping.header(name), ghes.then_some(expected), "{name}");
    }
    settle(&fake).await;

    // List and get.
    let list = api.get(HOOKS).await;
    assert_eq!(list.status, 200);
    assert_eq!(ids(&list), [hook]);
    let get = api.get(&format!("{HOOKS}/{hook}")).await;
    assert_eq!(get.status, 200);
    assert_eq!(get.body, list.body[0]);
    assert_eq!(
        get.body["last_response"],
        json!({ "code": 200, "status": "active", "message": "OK" })
    );

    // Update: `add_events` first, then `remove_events`; the config is sent again with its
    // secret, which an update otherwise removes.
    let updated = api
        .patch(
            &format!("{HOOKS}/{hook}"),
            json!({ "add_events": ["meta", "issues"], "remove_events": ["issues"], "config": config }),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.body["events"], json!(["push", "meta"]));
    assert_eq!(updated.body["config"]["secret"], "********");
    assert_eq!(updated.body["url"], url);

    // The config endpoints.
    let got = api.get(&format!("{HOOKS}/{hook}/config")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, updated.body["config"]);
    let patched = api
        .patch(
            &format!("{HOOKS}/{hook}/config"),
            json!({ "insecure_ssl": "1" }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        patched.body,
        json!({ "content_type": "json", "insecure_ssl": "1", "secret": "********", "url": receiver.url() })
    );
    assert_eq!(
        api.get(&format!("{HOOKS}/{hook}")).await.body["config"],
        patched.body
    );

    // The test push: a signed `push` of the repository, as the spec's schema describes it.
    let tested = api.post_empty(&format!("{HOOKS}/{hook}/tests")).await;
    assert_eq!(tested.status, 204, "{}", tested.text);
    let push = nth(&receiver, 2).await;
    assert_eq!(push.event(), Some("push"));
    assert_eq!(push.signature_256_valid, Some(true));
    let pushed = push.payload().unwrap();
    assert_eq!(pushed["repository"]["full_name"], REPO);
    assert_eq!(pushed["repository"]["id"], repo_id);
    assert_valid(
        &callback_validator("repos/test-push-webhook", "push"),
        &pushed,
    );

    // Ping.
    let pinged = api.post_empty(&format!("{HOOKS}/{hook}/pings")).await;
    assert_eq!(pinged.status, 204);
    let ping_again = nth(&receiver, 3).await;
    assert_eq!(ping_again.event(), Some("ping"));
    assert_eq!(ping_again.signature_256_valid, Some(true));
    settle(&fake).await;

    // Deliveries, newest first.
    let deliveries = api.get(&format!("{HOOKS}/{hook}/deliveries")).await;
    assert_eq!(deliveries.status, 200, "{}", deliveries.text);
    let events: Vec<&str> = deliveries
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["ping", "push", "ping"]);
    for delivery in deliveries.body.as_array().unwrap() {
        assert_eq!(delivery["repository_id"], repo_id, "{delivery}");
        assert_eq!(delivery["status_code"], 200);
    }
    let push_id = deliveries.body[1]["id"].as_u64().unwrap();
    let one = api
        .get(&format!("{HOOKS}/{hook}/deliveries/{push_id}"))
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["guid"], push.guid().unwrap());
    assert_eq!(one.body["event"], "push");
    assert_eq!(one.body["request"]["payload"], pushed);
    assert_eq!(
        one.body["request"]["headers"]["X-GitHub-Hook-Installation-Target-Type"],
        "repository"
    );

    // Redelivery: the same GUID, answered 202 this time, which `last_response` then shows.
    receiver.answer_next(ReceiverAnswer::Status(202));
    let redelivered = api
        .post_empty(&format!("{HOOKS}/{hook}/deliveries/{push_id}/attempts"))
        .await;
    assert_eq!(redelivered.status, 202, "{}", redelivered.text);
    let again = nth(&receiver, 4).await;
    assert_eq!(again.event(), Some("push"));
    assert_eq!(again.guid(), push.guid());
    assert_eq!(again.signature_256_valid, Some(true));
    settle(&fake).await;
    let redeliveries = api
        .get(&format!("{HOOKS}/{hook}/deliveries?redelivery=true"))
        .await;
    assert_eq!(redeliveries.body.as_array().map(Vec::len), Some(1));
    assert_eq!(redeliveries.body[0]["guid"], push.guid().unwrap());
    assert_eq!(
        api.get(&format!("{HOOKS}/{hook}")).await.body["last_response"],
        json!({ "code": 202, "status": "active", "message": "OK" })
    );

    // Delete: the hook subscribes to `meta`, so it hears of its own deletion first.
    let deleted = api.delete(&format!("{HOOKS}/{hook}")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(deleted.text, "");
    let meta = nth(&receiver, 5).await;
    assert_eq!(meta.event(), Some("meta"));
    assert_eq!(meta.signature_256_valid, Some(true));
    let meta_payload = meta.payload().unwrap();
    assert_eq!(meta_payload["action"], "deleted");
    assert_eq!(meta_payload["hook_id"], hook);
    assert_eq!(meta_payload["hook"]["type"], "Repository");
    assert_eq!(meta_payload["repository"]["full_name"], REPO);
    assert_valid(
        &callback_validator("repos/delete-webhook", "meta"),
        &meta_payload,
    );
    settle(&fake).await;

    // Gone.
    assert_eq!(api.get(&format!("{HOOKS}/{hook}")).await.status, 404);
    assert_eq!(
        api.get(&format!("{HOOKS}/{hook}/deliveries")).await.status,
        404
    );
    assert_eq!(ids(&api.get(HOOKS).await), Vec::<u64>::new());
    assert!(fake.state().repo_hooks(REPO).is_empty());
    assert_eq!(receiver.received().len(), 5);
}

#[tokio::test]
async fn a_repository_hook_lives_its_whole_life_on_api_github_com_paths() {
    whole_life(false).await;
}

#[tokio::test]
async fn a_repository_hook_lives_its_whole_life_on_ghes_paths() {
    whole_life(true).await;
}

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
            .get("X-GitHub-Enterprise-Version")
            .map(String::as_str),
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
