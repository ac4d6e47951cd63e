//! The README's Rust examples, run as written (inside a test function), so the README cannot
//! drift from the API.

// A test that cannot unwrap should fail right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[tokio::test]
async fn the_readme_delivery_example_runs() -> Result<(), Box<dyn std::error::Error>> {
    // README, "Webhook deliveries, for real":
    use hookspec_mock::{FakeGitHub, HookSeed, Receiver, ReceiverAnswer};
    use std::time::Duration;

    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await?; // or your own receiver's URL
    receiver.set_secret("s3cret");
    receiver.answer_next(ReceiverAnswer::Status(500)); // the first delivery fails, then 200s
    let hook = fake.state().insert_org_hook(
        "my-org",
        HookSeed::new(receiver.url())
            .secret("s3cret")
            .events(["push"]),
    );
    fake.state().emit_org_event(
        "my-org",
        "push",
        serde_json::json!({ "ref": "refs/heads/main" }),
    )?;
    fake.state()
        .wait_for_deliveries(Duration::from_secs(5))
        .await?;
    assert_eq!(receiver.received()[0].signature_256_valid, Some(true));
    assert_eq!(
        fake.state().deliveries(hook)[0].status,
        "Invalid HTTP Response: 500"
    );
    Ok(())
}

#[tokio::test]
async fn the_readme_made_payload_example_runs() -> Result<(), Box<dyn std::error::Error>> {
    // README, "Emitting an event with a payload the fake makes":
    use hookspec_mock::{EventSource, FakeGitHub, HookSeed, Receiver};

    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await?;
    fake.state()
        .insert_org_hook("acme", HookSeed::new(receiver.url()).events(["issues"]));
    fake.state()
        .emit(&EventSource::org("acme"), "issues", Some("opened"))?;
    fake.state()
        .wait_for_deliveries(std::time::Duration::from_secs(5))
        .await?;
    let payload = receiver.received()[0].payload().unwrap_or_default();
    assert_eq!(payload["organization"]["login"], "acme"); // valid against GitHub's `issues.opened`
    Ok(())
}

#[tokio::test]
async fn the_readme_fake_example_runs_with_any_org() {
    // README, "Using the fake from Rust":
    let fake = hookspec_mock::FakeGitHub::start().await;
    let base = fake.uri();
    let answer = reqwest::Client::new()
        .post(format!("{base}/orgs/my-org/hooks"))
        .bearer_auth("t")
        .json(&serde_json::json!({ "name": "web", "config": { "url": "http://127.0.0.1:9/hook" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201);
    let hooks = fake.state().org_hooks("my-org");
    let calls = fake
        .state()
        .requests(hookspec_mock::OperationId::OrgsCreateWebhook);
    assert_eq!((hooks.len(), calls.len()), (1, 1));
}

#[tokio::test]
async fn the_readme_app_hook_example_runs() -> Result<(), Box<dyn std::error::Error>> {
    // README, "GitHub App webhooks":
    use hookspec_mock::{FakeGitHub, HookSeed, Receiver};
    use std::time::Duration;

    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await?;
    let key = fake
        .state()
        .generate_app(7, HookSeed::new(receiver.url()))?; // pinged on creation
    let client = reqwest::Client::new();
    let config: serde_json::Value = client
        .get(format!("{}/app/hook/config", fake.uri()))
        .bearer_auth(key.jwt_now(7)?)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(config["url"], receiver.url().as_str());
    fake.state().emit_app_event(
        7,
        "installation",
        serde_json::json!({ "action": "created" }),
    )?;
    let got = receiver.wait_for(2, Duration::from_secs(5)).await; // the ping, then it
    assert_eq!(
        got[1].header("X-GitHub-Hook-Installation-Target-Type"),
        Some("integration")
    );
    let expired = key.jwt("7", 1_700_000_000, 1_700_000_540)?; // any claims you like
    let answer = client
        .get(format!("{}/app/hook/config", fake.uri()))
        .bearer_auth(expired)
        .send()
        .await?;
    assert_eq!(answer.status(), 401);
    Ok(())
}
