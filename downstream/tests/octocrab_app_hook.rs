//! octocrab, unchanged, authenticated as a GitHub App (`OctocrabBuilder::app`, which signs a
//! fresh RS256 JWT for every request) drives the fake's App webhook: all five operations through
//! octocrab's typed `apps().webhook()` API, on api.github.com paths and on GHES paths, with a
//! real receiver behind the hook that checks every delivery's signature.
//! Walk: get the config (as generated: no URL) → update it (the receiver's URL, a secret,
//! `json`) → an `installation` event arrives, signed, aimed at the app → list deliveries → get
//! one → redeliver it (the same GUID arrives again). And a personal token gets 401, as on GitHub.

// A test that cannot unwrap should fail right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use hookspec_mock::{FakeGitHub, HookSeed, ReceivedDelivery, Receiver};
use octocrab::Octocrab;
use octocrab::models::AppId;
use octocrab::models::apps::UpdateWebhookConfig;
use octocrab::models::hooks::ContentType;
use octocrab::models::webhook_events::WebhookEventType;
use serde_json::{Value, json};

const APP_ID: u64 = 4242;
/// How long a delivery may take to arrive or to be recorded.
const DELIVERY_WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn octocrab_as_an_app_drives_its_webhook_on_api_github_com_paths() {
    let fake = FakeGitHub::start().await;
    app_hook_walk(&fake, &fake.uri(), false).await;
}

#[tokio::test]
async fn octocrab_as_an_app_drives_its_webhook_on_ghes_paths() {
    let fake = FakeGitHub::start().await;
    app_hook_walk(&fake, &fake.ghes_uri(), true).await;
}

#[tokio::test]
async fn octocrab_with_a_personal_token_gets_401_on_the_app_hook() {
    let fake = FakeGitHub::start().await;
    fake.state()
        .generate_app(APP_ID, HookSeed::new(""))
        .unwrap();
    for base in [fake.uri(), fake.ghes_uri()] {
        let octocrab = Octocrab::builder()
            .base_uri(base.as_str())
            .unwrap()
            .personal_token("ghp_16C7e42F292c6912E7710c838347Ae178B4a".to_owned())
            .build()
            .unwrap();
        let refused = octocrab.apps().webhook().get_config().await.unwrap_err();
        match &refused {
            octocrab::Error::GitHub { source, .. } => {
                assert_eq!(source.status_code.as_u16(), 401, "{base}: {refused:?}");
                assert_eq!(source.message, "A JSON web token could not be decoded");
            }
            other => panic!("{base}: not an answer from GitHub: {other:?}"),
        }
    }
}

/// An octocrab client authenticated as app [`APP_ID`] with its private key, as its users build
/// one for GitHub or a GHES (`…/api/v3`).
fn app_client(base: &str, private_key_pem: &str) -> Octocrab {
    Octocrab::builder()
        .base_uri(base)
        .unwrap()
        .app_from_rsa_pem(AppId(APP_ID), private_key_pem)
        .unwrap()
        .build()
        .unwrap()
}

/// What every delivery to an App's webhook carries.
fn assert_app_delivery(delivery: &ReceivedDelivery, event: &str) {
    assert_eq!(delivery.event(), Some(event), "{:?}", delivery.headers);
    assert_eq!(
        delivery.signature_256_valid,
        Some(true),
        "{event}: signed with the hook's secret"
    );
    assert_eq!(
        delivery.header("X-GitHub-Hook-Installation-Target-Type"),
        Some("integration"),
        "{event}: {:?}",
        delivery.headers
    );
    assert_eq!(
        delivery.header("X-GitHub-Hook-Installation-Target-ID"),
        Some(APP_ID.to_string().as_str()),
        "{event}: the target is the app: {:?}",
        delivery.headers
    );
    assert_eq!(
        delivery.header("Content-Type"),
        Some("application/json"),
        "{event}: content_type json"
    );
}

async fn app_hook_walk(fake: &FakeGitHub, base: &str, ghes: bool) {
    // The app is created with its hook; it has no URL yet, so nothing is pinged.
    let key = fake
        .state()
        .generate_app(APP_ID, HookSeed::new(""))
        .unwrap();
    let octocrab = app_client(base, key.private_key_pem());
    let webhook = octocrab.apps().webhook();
    let receiver = Receiver::start().await.unwrap();
    receiver.set_secret("s3cret");
    let receiver_url = receiver.url();

    let config = webhook.get_config().await.unwrap();
    assert_eq!(config.url, "");
    assert_eq!(config.secret, None);

    let update = UpdateWebhookConfig {
        url: Some(receiver_url.clone()),
        secret: Some("s3cret".to_owned()),
        content_type: Some("json".to_owned()),
        ..UpdateWebhookConfig::default()
    };
    let config = webhook.update_config(&update).await.unwrap();
    assert_eq!(config.url, receiver_url);
    assert_eq!(config.content_type, Some(ContentType::Json));
    assert_eq!(config.secret.as_deref(), Some("********"));
    let stored = fake.state().app_hook(APP_ID).unwrap();
    assert_eq!(stored.config.secret.as_deref(), Some("s3cret"));
    assert_eq!(webhook.get_config().await.unwrap(), config, "read back");

    // Something happens to the app: its webhook gets it (every app gets `installation`).
    let sent = fake
        .state()
        .emit_app_event(
            APP_ID,
            "installation",
            json!({ "action": "created", "installation": { "id": 77 } }),
        )
        .unwrap();
    assert_eq!(sent.len(), 1);
    let received = receiver.wait_for(1, DELIVERY_WAIT).await;
    assert_app_delivery(&received[0], "installation");
    assert_eq!(received[0].payload().unwrap()["action"], "created");

    // The deliveries, with the receiver's real answer.
    fake.state()
        .wait_for_deliveries(DELIVERY_WAIT)
        .await
        .unwrap();
    let deliveries = webhook.deliveries().per_page(100u8).send().await.unwrap();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let delivery = &deliveries[0];
    assert_eq!(delivery.event, Some(WebhookEventType::Installation));
    assert_eq!(
        (
            delivery.status.as_str(),
            delivery.status_code,
            delivery.redelivery
        ),
        ("OK", 200, false)
    );
    assert_eq!(delivery.action.as_deref(), Some("created"));
    assert_eq!(delivery.installation_id.map(|id| id.0), Some(77));
    assert_eq!(received[0].guid(), Some(delivery.guid.as_str()));

    let detail = webhook.delivery(delivery.id).await.unwrap();
    assert_eq!(detail.guid, delivery.guid);
    assert_eq!(detail.event, "installation");
    let headers = detail.request.headers.clone().unwrap_or(Value::Null);
    assert_eq!(headers["X-GitHub-Event"], "installation", "{headers}");
    assert_eq!(
        headers["X-GitHub-Hook-Installation-Target-Type"], "integration",
        "{headers}"
    );
    assert_eq!(
        headers["X-GitHub-Hook-Installation-Target-ID"],
        APP_ID.to_string(),
        "{headers}"
    );

    // Redeliver: the same GUID arrives again, through the hook as configured now.
    webhook.redeliver(delivery.id).await.unwrap();
    let received = receiver.wait_for(2, DELIVERY_WAIT).await;
    assert_app_delivery(&received[1], "installation");
    assert_eq!(received[1].guid(), Some(delivery.guid.as_str()));
    assert_eq!(
        received[1].header("X-GitHub-Enterprise-Version").is_some(),
        ghes,
        "a redelivery asked for on GHES paths comes from GHES: {:?}",
        received[1].headers
    );
    fake.state()
        .wait_for_deliveries(DELIVERY_WAIT)
        .await
        .unwrap();
    let deliveries = webhook.deliveries().send().await.unwrap();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert!(deliveries[0].redelivery);
    assert_eq!(deliveries[0].guid, delivery.guid);
    assert_eq!(deliveries[0].status, "OK");
}
