//! GitHub's documented pattern for missed webhooks ("Automatically redelivering failed
//! deliveries for an organization webhook"): a job lists a hook's deliveries, finds those that
//! failed and were not redelivered since, and redelivers each. Run here as a small job written
//! the way a downstream project would write it, against the fake and a receiver that fails
//! once and then succeeds.

// A test that cannot unwrap should fail right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use hookspec_mock::{FakeGitHub, HookSeed, Receiver, ReceiverAnswer};
use serde_json::{Value, json};

/// The job under test: one pass over the hook's deliveries (every page), redelivering each
/// failed delivery whose GUID has no later success. Returns the ids it redelivered.
async fn redeliver_failed(client: &reqwest::Client, hook_url: &str, token: &str) -> Vec<u64> {
    let mut deliveries: Vec<Value> = Vec::new();
    let mut next = Some(format!("{hook_url}/deliveries?per_page=100"));
    while let Some(url) = next.take() {
        let response = client.get(&url).bearer_auth(token).send().await.unwrap();
        next = response
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(|link| {
                link.split(", ").find_map(|part| {
                    let (url, rel) = part.split_once(">; rel=\"")?;
                    (rel.trim_end_matches('"') == "next")
                        .then(|| url.trim_start_matches('<').to_owned())
                })
            });
        let page: Vec<Value> = response.json().await.unwrap();
        deliveries.extend(page);
    }
    let succeeded: BTreeSet<&str> = deliveries
        .iter()
        .filter(|d| d["status"] == "OK")
        .filter_map(|d| d["guid"].as_str())
        .collect();
    let mut redelivered = Vec::new();
    for delivery in &deliveries {
        let guid = delivery["guid"].as_str().unwrap_or_default();
        if delivery["status"] == "OK" || succeeded.contains(guid) {
            continue;
        }
        let id = delivery["id"].as_u64().unwrap();
        let answer = client
            .post(format!("{hook_url}/deliveries/{id}/attempts"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202);
        redelivered.push(id);
    }
    redelivered
}

#[tokio::test]
async fn the_redeliver_job_resends_what_failed_until_the_receiver_has_everything() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer_next(ReceiverAnswer::Status(503)); // the first push fails
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()).events(["push"]));
    let state = fake.state();
    state
        .emit_org_event(
            "octocat",
            "push",
            json!({ "ref": "refs/heads/main", "after": "a1" }),
        )
        .unwrap();
    state
        .wait_for_deliveries(Duration::from_secs(10))
        .await
        .unwrap();
    state
        .emit_org_event(
            "octocat",
            "push",
            json!({ "ref": "refs/heads/main", "after": "b2" }),
        )
        .unwrap();
    state
        .wait_for_deliveries(Duration::from_secs(10))
        .await
        .unwrap();

    let client = reqwest::Client::new();
    let hook_url = format!("{}/orgs/octocat/hooks/{hook}", fake.uri());
    let first_pass = redeliver_failed(&client, &hook_url, "t").await;
    assert_eq!(first_pass.len(), 1, "one delivery failed");
    state
        .wait_for_deliveries(Duration::from_secs(10))
        .await
        .unwrap();

    // The receiver now has both pushes, the failed one twice under one GUID.
    let received = receiver.received();
    let afters: Vec<String> = received
        .iter()
        .map(|d| d.payload().unwrap()["after"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(afters, ["a1", "b2", "a1"]);
    assert_eq!(received[0].guid(), received[2].guid());

    // The deliveries API shows the redelivery's success, so a second pass has nothing to do.
    let failed = client
        .get(format!("{hook_url}/deliveries?status=failure"))
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["status"], "Invalid HTTP Response: 503");
    assert_eq!(
        redeliver_failed(&client, &hook_url, "t").await,
        Vec::<u64>::new()
    );
}
