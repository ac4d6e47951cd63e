//! GitHub's documented pattern for missed webhooks ("Automatically redelivering failed
//! deliveries for a GitHub App webhook", and the same for an organization webhook): a job lists a
//! hook's deliveries in a time window, finds those that failed and were not delivered since, and
//! redelivers each once. Run here as a small job written the way a downstream project would write
//! it, against the fake's App webhook (authenticated as the app, with its JWT) and an
//! organization webhook (with a token), each behind a receiver that fails and then succeeds.

// A test that cannot unwrap should fail right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use hookspec_mock::{AppKey, FakeGitHub, HookSeed, Receiver, ReceiverAnswer};
use serde_json::{Value, json};

/// How the job authenticates to the deliveries API.
enum Credentials {
    /// A token, for an organization (or repository) hook.
    Token(String),
    /// A GitHub App's private key, for the App's own hook: a fresh JWT for every request, as the
    /// app's code makes them (GitHub's JWTs live 10 minutes at most).
    App { id: u64, key: AppKey },
}

impl Credentials {
    fn bearer(&self) -> String {
        match self {
            Credentials::Token(token) => token.clone(),
            Credentials::App { id, key } => key.jwt_now(*id).unwrap(),
        }
    }
}

/// The job under test, as GitHub documents it: one pass over the deliveries listed at
/// `deliveries_url` (`…/orgs/{org}/hooks/{id}/deliveries`, or `…/app/hook/deliveries` for a
/// GitHub App) delivered at or after `since` (RFC 3339 in UTC, as GitHub writes `delivered_at`,
/// so the strings compare as the times do), every page until the window ends; each failed
/// delivery whose GUID has no success in the window is redelivered once (the newest failed
/// attempt of that GUID). Returns the ids it redelivered.
async fn redeliver_failed(
    client: &reqwest::Client,
    deliveries_url: &str,
    credentials: &Credentials,
    since: &str,
) -> Vec<u64> {
    let mut deliveries: Vec<Value> = Vec::new();
    let mut next = Some(format!("{deliveries_url}?per_page=100"));
    while let Some(url) = next.take() {
        let response = client
            .get(&url)
            .bearer_auth(credentials.bearer())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "list deliveries: {url}");
        let link = response
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
        // Newest first: once a page reaches past the window, the later ones are all older.
        let in_window = |d: &Value| d["delivered_at"].as_str().unwrap_or_default() >= since;
        let ends_window = page.iter().any(|d| !in_window(d));
        deliveries.extend(page.into_iter().filter(in_window));
        if !ends_window {
            next = link;
        }
    }
    let succeeded: BTreeSet<&str> = deliveries
        .iter()
        .filter(|d| d["status"] == "OK")
        .filter_map(|d| d["guid"].as_str())
        .collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut redelivered = Vec::new();
    for delivery in &deliveries {
        let guid = delivery["guid"].as_str().unwrap_or_default();
        if delivery["status"] == "OK" || succeeded.contains(guid) || !done.insert(guid) {
            continue;
        }
        let id = delivery["id"].as_u64().unwrap();
        let answer = client
            .post(format!("{deliveries_url}/{id}/attempts"))
            .bearer_auth(credentials.bearer())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202);
        redelivered.push(id);
    }
    redelivered
}

/// The `delivered_at` of the oldest delivery listed at `deliveries_url`: a window that holds
/// them all.
async fn oldest_delivered_at(
    client: &reqwest::Client,
    deliveries_url: &str,
    credentials: &Credentials,
) -> String {
    let listed: Vec<Value> = client
        .get(format!("{deliveries_url}?per_page=100"))
        .bearer_auth(credentials.bearer())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    listed.last().unwrap()["delivered_at"]
        .as_str()
        .unwrap()
        .to_owned()
}

const WAIT: Duration = Duration::from_secs(10);
/// A window that starts after everything: nothing in it.
const FUTURE: &str = "9999-01-01T00:00:00Z";

#[tokio::test]
async fn the_redeliver_job_resends_what_failed_to_a_github_apps_webhook() {
    const APP_ID: u64 = 31;
    let fake = FakeGitHub::start().await;
    let state = fake.state();
    let receiver = Receiver::start().await.unwrap();
    receiver.set_secret("s3cret");
    // The app is created with its hook, which GitHub pings; that ping succeeds.
    let key = state
        .generate_app(
            APP_ID,
            HookSeed::new(receiver.url())
                .secret("s3cret")
                .events(["issues"]),
        )
        .unwrap();
    receiver.wait_for(1, WAIT).await;
    state.wait_for_deliveries(WAIT).await.unwrap();

    // Three events; the receiver fails the first and the third.
    receiver.answer_next(ReceiverAnswer::Status(500));
    receiver.answer_next(ReceiverAnswer::Status(200));
    receiver.answer_next(ReceiverAnswer::Status(500));
    for number in [1, 2, 3] {
        state
            .emit_app_event(
                APP_ID,
                "issues",
                json!({ "action": "opened", "issue": { "number": number } }),
            )
            .unwrap();
        state.wait_for_deliveries(WAIT).await.unwrap();
    }

    let client = reqwest::Client::new();
    let deliveries_url = format!("{}/app/hook/deliveries", fake.uri());
    let app = Credentials::App { id: APP_ID, key };
    let since = oldest_delivered_at(&client, &deliveries_url, &app).await;

    // A window after the failures holds none of them.
    assert_eq!(
        redeliver_failed(&client, &deliveries_url, &app, FUTURE).await,
        Vec::<u64>::new()
    );

    let first_pass = redeliver_failed(&client, &deliveries_url, &app, &since).await;
    assert_eq!(first_pass.len(), 2, "two deliveries failed: {first_pass:?}");
    state.wait_for_deliveries(WAIT).await.unwrap();

    // The receiver has every issue now; each failed one twice under one GUID, none three times.
    let received = receiver.wait_for(6, WAIT).await;
    assert_eq!(received.len(), 6);
    // The redeliveries go out one after the other in the background: in either order.
    let number = |i: usize| received[i].payload().unwrap()["issue"]["number"].as_u64();
    let originals: Vec<_> = (1..4).map(number).collect();
    assert_eq!(originals, [Some(1), Some(2), Some(3)]);
    let mut again: Vec<_> = (4..6).map(number).collect();
    again.sort_unstable();
    assert_eq!(again, [Some(1), Some(3)]);
    for redelivered in &received[4..] {
        let original = if redelivered.payload().unwrap()["issue"]["number"] == 1 {
            &received[1]
        } else {
            &received[3]
        };
        assert_eq!(redelivered.guid(), original.guid(), "the same GUID");
    }
    for delivery in &received {
        assert_eq!(delivery.signature_256_valid, Some(true));
        assert_eq!(
            delivery.header("X-GitHub-Hook-Installation-Target-Type"),
            Some("integration")
        );
    }

    // Each failed delivery was redelivered exactly once, and that succeeded.
    let hook = state.app_hook(APP_ID).unwrap();
    let recorded = state.deliveries(hook.id);
    let redeliveries: Vec<_> = recorded.iter().filter(|d| d.redelivery).collect();
    assert_eq!(redeliveries.len(), 2, "{recorded:?}");
    assert!(
        redeliveries.iter().all(|d| d.status == "OK"),
        "{recorded:?}"
    );
    let failed: Vec<_> = recorded.iter().filter(|d| d.status != "OK").collect();
    assert_eq!(failed.len(), 2);
    assert!(
        failed
            .iter()
            .all(|f| redeliveries.iter().filter(|r| r.guid == f.guid).count() == 1)
    );

    // A second run finds nothing left to do.
    assert_eq!(
        redeliver_failed(&client, &deliveries_url, &app, &since).await,
        Vec::<u64>::new()
    );
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
    let deliveries_url = format!("{hook_url}/deliveries");
    let token = Credentials::Token("t".to_owned());
    let since = oldest_delivered_at(&client, &deliveries_url, &token).await;
    let first_pass = redeliver_failed(&client, &deliveries_url, &token, &since).await;
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
        redeliver_failed(&client, &deliveries_url, &token, &since).await,
        Vec::<u64>::new()
    );
}
