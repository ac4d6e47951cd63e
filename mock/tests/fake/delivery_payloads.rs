//! What the delivery engine sends: events emitted through the control endpoint, ping payloads
//! valid against the spec's schema, and signature traps that catch a receiver verifying
//! re-serialized JSON.

use hookspec_mock::{FakeConfig, FakeGitHub, HookSeed, Receiver};
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::support::Api;
use crate::support::WAIT;

#[tokio::test]
async fn the_control_endpoint_emits_events_for_clients_in_any_language() {
    let fake = FakeGitHub::start_with(FakeConfig::default().only_orgs(["octocat"])).await;
    let receiver = Receiver::start().await.unwrap();
    fake.state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()).events(["issues"]));
    let client = reqwest::Client::new();
    let answer = client
        .post(format!(
            "{}/_hookspec/orgs/octocat/events/issues",
            fake.uri()
        ))
        .body(r#"{"action":"opened"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["deliveries"].as_array().map(Vec::len), Some(1));
    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(got[0].payload(), Some(json!({ "action": "opened" })));
    let pending: serde_json::Value = client
        .get(format!("{}/_hookspec/deliveries/pending", fake.uri()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(pending["pending"].is_u64());
    let unknown = client
        .post(format!("{}/_hookspec/orgs/nobody/events/push", fake.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let not_json = client
        .post(format!("{}/_hookspec/orgs/octocat/events/push", fake.uri()))
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
}

/// The schema the spec gives `event`'s payload (an operation's callback).
fn payload_validator(event: &str) -> jsonschema::Validator {
    let callback = hookspec_mock::table::OPERATIONS
        .iter()
        .flat_map(|op| op.callbacks.iter())
        .find(|callback| callback.event == event)
        .unwrap_or_else(|| panic!("the spec describes no {event} delivery"));
    let schema: serde_json::Value = serde_json::from_str(callback.payload_schema).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[tokio::test]
async fn every_ping_the_fake_sends_validates_against_the_spec_payload_schema() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let api = Api::new(&fake.uri());
    let ghes = Api::new(&fake.ghes_uri());
    for content_type in ["json", "form"] {
        // One URL per hook: GitHub refuses a second hook with the same URL.
        let url = format!("{}?{content_type}", receiver.url());
        let body = json!({ "name": "web", "config": { "url": url, "content_type": content_type, "secret": "s" } });
        let org = api.post("/orgs/octocat/hooks", body.clone()).await;
        api.post_empty(&format!("/orgs/octocat/hooks/{}/pings", org.body["id"]))
            .await;
        let global = ghes.post("/admin/hooks", body).await;
        ghes.post_empty(&format!("/admin/hooks/{}/pings", global.body["id"]))
            .await;
    }
    let got = receiver.wait_for(8, WAIT).await;
    assert_eq!(got.len(), 8);
    let validator = payload_validator("ping");
    assert!(
        !validator.is_valid(&json!({ "hook": { "id": "one" }, "sender": { "login": "x" } })),
        "the schema rejects what GitHub would not send"
    );
    for delivery in &got {
        let payload = delivery.payload().unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&payload)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:?} in {payload}");
    }
    // Organization pings carry the organization; global ones do not.
    let with_org = got
        .iter()
        .filter(|d| d.payload().unwrap().get("organization").is_some())
        .count();
    assert_eq!(with_org, 4);
}

#[tokio::test]
async fn signature_traps_catch_a_receiver_that_re_serializes_before_verifying() {
    let config = FakeConfig {
        signature_traps: true,
        ..FakeConfig::default()
    };
    let fake = FakeGitHub::start_with(config).await;
    let receiver = Receiver::start().await.unwrap();
    receiver.set_secret("s3cret");
    fake.state().insert_org_hook(
        "octocat",
        HookSeed::new(receiver.url())
            .content_type("json")
            .secret("s3cret")
            .events(["issues"]),
    );
    fake.state()
        .emit_org_event("octocat", "issues", json!({ "action": "opened" }))
        .unwrap();
    let got = &receiver.wait_for(1, WAIT).await[0];
    // Verifying the raw bytes works...
    assert_eq!(got.signature_256_valid, Some(true));
    let payload = got.payload().unwrap();
    assert_eq!(payload["action"], "opened");
    assert!(payload["hookspec_trap"].is_string());
    // ...re-serializing first does not.
    let reserialized = serde_json::to_vec(&payload).unwrap();
    let signature = got.header("x-hub-signature-256").unwrap();
    assert!(!hookspec_mock::verify_signature_256(
        "s3cret",
        &reserialized,
        signature
    ));
    // Off by default.
    let plain = FakeGitHub::start().await;
    let other = Receiver::start().await.unwrap();
    plain
        .state()
        .insert_org_hook("octocat", HookSeed::new(other.url()));
    plain
        .state()
        .emit_org_event("octocat", "push", json!({}))
        .unwrap();
    assert!(
        other.wait_for(1, WAIT).await[0]
            .payload()
            .unwrap()
            .get("hookspec_trap")
            .is_none()
    );
}
