//! A GitHub App's webhook: one hook per app, made with the app, reached through `/app/hook`
//! with the app's JSON Web Token. A correct JWT works; an expired one, one issued in the
//! future, one living longer than 10 minutes, one signed by another key, one naming an unknown
//! app and a user's token each get GitHub's 401, with the reason recorded.

use std::time::Duration;

use hookspec_mock::{AppKey, FakeGitHub, HookSeed, OperationId, Receiver};
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::support::Api;

const APP: u64 = 42;
const WAIT: Duration = Duration::from_secs(10);

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A fake with app [`APP`] whose hook delivers to `receiver` (signed with `s3cret`), and the
/// app's private key.
async fn fake_with_app(receiver: &Receiver) -> (FakeGitHub, AppKey) {
    let fake = FakeGitHub::start().await;
    receiver.set_secret("s3cret");
    let key = fake
        .state()
        .generate_app(
            APP,
            HookSeed::new(receiver.url())
                .secret("s3cret")
                .content_type("json")
                .events(["installation"]),
        )
        .unwrap();
    (fake, key)
}

#[tokio::test]
async fn the_app_reads_and_updates_its_hook_config_with_a_correct_jwt() {
    let receiver = Receiver::start().await.unwrap();
    let (fake, key) = fake_with_app(&receiver).await;
    for (base, before, after) in [(fake.uri(), "0", "1"), (fake.ghes_uri(), "1", "0")] {
        let api = Api::new(&base).token(Some(&key.jwt_now(APP).unwrap()));
        let config = api.get("/app/hook/config").await;
        assert_eq!(config.status, 200, "{}", config.text);
        assert_eq!(
            config.body,
            json!({ "content_type": "json", "insecure_ssl": before, "secret": "********", "url": receiver.url() })
        );
        let updated = api
            .patch("/app/hook/config", json!({ "insecure_ssl": after }))
            .await;
        assert_eq!(updated.status, 200);
        assert_eq!(updated.body["insecure_ssl"], after);
        assert_eq!(updated.body["url"], json!(receiver.url()));
    }
    // The client id names the app as well as its id does.
    let by_client_id = key
        .jwt(
            &hookspec_mock::GitHubApp::default_client_id(APP),
            now() - 60,
            now() + 540,
        )
        .unwrap();
    let answer = Api::new(&fake.uri())
        .token(Some(&by_client_id))
        .get("/app/hook/config")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn each_bad_jwt_gets_githubs_401_and_a_recorded_reason() {
    let receiver = Receiver::start().await.unwrap();
    let (fake, key) = fake_with_app(&receiver).await;
    let other = AppKey::generate().unwrap();
    let app = APP.to_string();
    let cases = [
        (
            key.jwt(&app, now() - 700, now() - 100).unwrap(),
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
            "expired",
        ),
        (
            key.jwt(&app, now() + 600, now() + 900).unwrap(),
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
            "ahead of the fake's clock",
        ),
        (
            key.jwt(&app, now() - 60, now() + 1200).unwrap(),
            "'Expiration time' claim ('exp') is too far in the future",
            "10 minutes",
        ),
        (
            other.jwt(&app, now() - 60, now() + 540).unwrap(),
            "A JSON web token could not be decoded",
            "another key",
        ),
        (
            key.jwt("999", now() - 60, now() + 540).unwrap(),
            "A JSON web token could not be decoded",
            "no app",
        ),
        (
            "ghp_0123456789abcdefghijklmnopqrstuvwxyz".to_owned(),
            "A JSON web token could not be decoded",
            "not a JWT",
        ),
    ];
    for (token, message, why) in &cases {
        let answer = Api::new(&fake.uri())
            .token(Some(token))
            .get("/app/hook/config")
            .await;
        assert_eq!(answer.status, 401, "{why}: {}", answer.text);
        assert_eq!(answer.body["message"], *message, "{why}");
        assert!(answer.body["documentation_url"].is_string(), "{why}");
    }
    let recorded = fake
        .state()
        .requests(OperationId::AppsGetWebhookConfigForApp);
    assert_eq!(recorded.len(), cases.len());
    for (request, (token, _, why)) in recorded.iter().zip(&cases) {
        let reason = request.reason.clone().unwrap_or_default();
        assert!(reason.contains(why), "{why:?} not in {reason:?}");
        assert!(
            !reason.contains(token.as_str()),
            "the reason quotes the token"
        );
    }
    let none = Api::new(&fake.uri())
        .token(None)
        .get("/app/hook/config")
        .await;
    assert_eq!(none.status, 401);
}

#[tokio::test]
async fn the_apps_hook_is_pinged_when_set_up_and_gets_the_events_it_subscribes_to() {
    let receiver = Receiver::start().await.unwrap();
    let (fake, key) = fake_with_app(&receiver).await;
    let ping = &receiver.wait_for(1, WAIT).await[0];
    assert_eq!(ping.event(), Some("ping"));
    assert_eq!(ping.signature_256_valid, Some(true));
    let payload = ping.payload().unwrap();
    assert_eq!(payload["hook"]["type"], "App");
    assert_eq!(payload["hook"]["app_id"], APP);
    assert_eq!(
        ping.header("x-github-hook-installation-target-type"),
        Some("integration")
    );
    assert_eq!(
        ping.header("x-github-hook-installation-target-id"),
        Some(APP.to_string().as_str())
    );

    let sent = fake
        .state()
        .emit_app_event(APP, "installation", json!({ "action": "created" }))
        .unwrap();
    assert_eq!(sent.len(), 1);
    let unsubscribed = fake
        .state()
        .emit_app_event(APP, "issues", json!({ "action": "opened" }))
        .unwrap();
    assert!(unsubscribed.is_empty());
    let got = receiver.wait_for(2, WAIT).await;
    assert_eq!(got[1].event(), Some("installation"));
    fake.state().wait_for_deliveries(WAIT).await.unwrap();

    // The deliveries API shows both, newest first, and a redelivery keeps the GUID.
    let api = Api::new(&fake.uri()).token(Some(&key.jwt_now(APP).unwrap()));
    let listed = api.get("/app/hook/deliveries").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let events: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(events, ["installation", "ping"]);
    let id = listed.body[0]["id"].as_u64().unwrap();
    let one = api.get(&format!("/app/hook/deliveries/{id}")).await;
    assert_eq!(one.status, 200);
    let again = api
        .post_empty(&format!("/app/hook/deliveries/{id}/attempts"))
        .await;
    assert_eq!(again.status, 202);
    let got = receiver.wait_for(3, WAIT).await;
    assert_eq!(got[2].guid(), got[1].guid());
}

#[tokio::test]
async fn events_reach_the_apps_hook_over_the_control_api() {
    let receiver = Receiver::start().await.unwrap();
    let (fake, _key) = fake_with_app(&receiver).await;
    let emitted = Api::new(&fake.uri())
        .post(
            &format!("/_hookspec/apps/{APP}/events/installation"),
            json!({ "action": "deleted" }),
        )
        .await;
    assert_eq!(emitted.status, 202, "{}", emitted.text);
    let unknown = Api::new(&fake.uri())
        .post("/_hookspec/apps/7/events/installation", json!({}))
        .await;
    assert_eq!(unknown.status, 404);
    // The hook's ping and the event may be on their way together, so either may come first.
    let got = receiver.wait_for(2, WAIT).await;
    let installation = got
        .iter()
        .find(|delivery| delivery.event() == Some("installation"))
        .expect("the installation event");
    assert_eq!(installation.payload().unwrap()["action"], "deleted");
}
