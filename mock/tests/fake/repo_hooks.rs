//! Repository webhooks as GitHub serves them: a hook's whole life on api.github.com and GHES
//! paths (create, the creation ping, list, get, update with `add_events`/`remove_events`, the
//! config endpoints, the test push, ping, deliveries, redelivery, `last_response`, the `meta`
//! a deleted hook gets); each rule on its own is in `repo_hook_rules.rs` and what reaches a
//! repository's receivers in `repo_hook_events.rs`.

use hookspec_mock::{FakeGitHub, ReceivedDelivery, Receiver, ReceiverAnswer};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use crate::support::{Answer, Api, WAIT, settle};

pub(crate) const REPO: &str = "octocat/hello-world";
pub(crate) const HOOKS: &str = "/repos/octocat/hello-world/hooks";

/// Waits for the `count`th delivery at `receiver` and returns it.
pub(crate) async fn nth(receiver: &Receiver, count: usize) -> ReceivedDelivery {
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
pub(crate) fn spec_scopes(operation: &str) -> String {
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

pub(crate) fn ids(answer: &Answer) -> Vec<u64> {
    answer
        .body
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {}", answer.text))
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect()
}

/// The first `errors[]` entry of a 422.
pub(crate) fn first_error(answer: &Answer) -> &Value {
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        answer.body["message"], "Validation Failed",
        "{}",
        answer.text
    );
    &answer.body["errors"][0]
}

pub(crate) fn unused() -> Value {
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
