//! octocrab, unchanged, drives the fake's repository webhooks: all 12 operations through
//! octocrab's typed `repos(owner, repo).hooks()` API, on api.github.com paths and on GHES
//! paths, with a real receiver behind the hook that checks every delivery's signature.
//! Walk: create (the signed creation ping) → list → get → update (`add_events` and
//! `remove_events`, a new secret) → config get/update → test push (a `push` arrives) → ping →
//! list deliveries → get one → redeliver it → delete → a get answers 404.

// A test that cannot unwrap should fail right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use hookspec_mock::{FakeGitHub, ReceivedDelivery, Receiver};
use octocrab::Octocrab;
use octocrab::models::hooks::{Config, ContentType, Hook};
use octocrab::models::webhook_events::WebhookEventType;
use serde_json::{Value, json};

const OWNER: &str = "octocat";
const REPO: &str = "hello-world";
/// How long a delivery may take to arrive or to be recorded.
const DELIVERY_WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn octocrab_drives_repository_webhooks_on_api_github_com_paths() {
    let fake = FakeGitHub::start().await;
    repo_hook_walk(&fake, &fake.uri(), false).await;
}

#[tokio::test]
async fn octocrab_drives_repository_webhooks_on_ghes_paths() {
    let fake = FakeGitHub::start().await;
    repo_hook_walk(&fake, &fake.ghes_uri(), true).await;
}

/// An octocrab client as its users build one for GitHub or a GHES (`…/api/v3`).
fn client(base: &str) -> Octocrab {
    Octocrab::builder()
        .base_uri(base)
        .unwrap()
        .personal_token("any-token".to_owned())
        .build()
        .unwrap()
}

/// The status of an octocrab error that GitHub answered, as octocrab's users read it.
fn github_status(error: &octocrab::Error) -> Option<u16> {
    match error {
        octocrab::Error::GitHub { source, .. } => Some(source.status_code.as_u16()),
        _ => None,
    }
}

/// What every delivery of a repository hook carries, on either product.
fn assert_repository_delivery(delivery: &ReceivedDelivery, event: &str, ghes: bool) {
    assert_eq!(delivery.event(), Some(event), "{:?}", delivery.headers);
    assert_eq!(
        delivery.signature_256_valid,
        Some(true),
        "{event}: signed with the hook's secret"
    );
    assert_eq!(
        delivery.header("X-GitHub-Hook-Installation-Target-Type"),
        Some("repository"),
        "{event}: {:?}",
        delivery.headers
    );
    let payload = delivery.payload().unwrap();
    assert_eq!(
        delivery.header("X-GitHub-Hook-Installation-Target-ID"),
        payload["repository"]["id"]
            .as_u64()
            .map(|id| id.to_string())
            .as_deref(),
        "{event}: the target is the repository: {payload}"
    );
    assert_eq!(
        delivery.header("X-GitHub-Enterprise-Version").is_some(),
        ghes,
        "{event}: GHES names its version, api.github.com does not: {:?}",
        delivery.headers
    );
}

async fn repo_hook_walk(fake: &FakeGitHub, base: &str, ghes: bool) {
    let octocrab = client(base);
    let repo = octocrab.repos(OWNER, REPO);
    let hooks = repo.hooks();
    let receiver = Receiver::start().await.unwrap();
    receiver.set_secret("s3cret");
    let receiver_url = receiver.url();

    // Create: octocrab's own example, with a secret and two events.
    let created = repo
        .create_hook(Hook {
            name: "web".to_owned(),
            active: true,
            events: vec![WebhookEventType::Push, WebhookEventType::PullRequest],
            config: Config {
                url: receiver_url.clone(),
                content_type: Some(ContentType::Json),
                insecure_ssl: None,
                secret: Some("s3cret".to_owned()),
            },
            ..Hook::default()
        })
        .await
        .unwrap();
    let id = created.id;
    let hook_url = format!("{base}/repos/{OWNER}/{REPO}/hooks/{id}");
    assert_eq!(created.r#type, "Repository");
    assert_eq!(
        created.url.as_ref().map(|u| u.as_str()),
        Some(hook_url.as_str())
    );
    assert_eq!(
        created.test_url.as_ref().map(|u| u.as_str()),
        Some(format!("{hook_url}/test").as_str())
    );
    assert_eq!(created.config.secret.as_deref(), Some("********"));
    assert_eq!(
        created.events,
        [WebhookEventType::Push, WebhookEventType::PullRequest]
    );
    let pinged = receiver.wait_for(1, DELIVERY_WAIT).await;
    assert_eq!(pinged.len(), 1, "GitHub pings every new hook");
    assert_repository_delivery(&pinged[0], "ping", ghes);
    assert_eq!(pinged[0].payload().unwrap()["hook_id"], json!(id));

    // List and get.
    let listed = hooks.list().per_page(100u8).send().await.unwrap();
    assert_eq!(
        listed.items.iter().map(|h| h.id).collect::<Vec<_>>(),
        [id],
        "list"
    );
    // Once the creation ping's answer is recorded, `last_response` says how it went.
    fake.state()
        .wait_for_deliveries(DELIVERY_WAIT)
        .await
        .unwrap();
    let got = hooks.get(id).await.unwrap();
    let last = got.last_response.clone().unwrap();
    assert_eq!(
        (last.code, last.status.as_deref(), last.message.as_deref()),
        (Some(200), Some("active"), Some("OK"))
    );
    assert_eq!(
        Hook {
            last_response: None,
            ..got
        },
        Hook {
            last_response: None,
            ..created
        },
        "otherwise get answers what create did"
    );

    // Update: add and remove events, and a new secret (an update without one removes it).
    receiver.set_secret("n3w");
    let updated = hooks
        .update(id)
        .add_events(vec![WebhookEventType::Issues])
        .remove_events(vec![WebhookEventType::PullRequest])
        .url(receiver_url.clone())
        .content_type(ContentType::Json)
        .secret("n3w")
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.events,
        [WebhookEventType::Push, WebhookEventType::Issues]
    );
    assert!(updated.active);
    assert_eq!(updated.config.secret.as_deref(), Some("********"));

    // The configuration alone.
    let config = hooks.get_config(id).await.unwrap();
    assert_eq!(config.url, receiver_url);
    assert_eq!(config.content_type, Some(ContentType::Json));
    let config = hooks
        .update_config(id)
        .insecure_ssl("0")
        .send()
        .await
        .unwrap();
    assert_eq!(config.insecure_ssl.as_deref(), Some("0"));
    assert_eq!(
        config.secret.as_deref(),
        Some("********"),
        "a config update keeps the secret"
    );

    // Test push: the hook is subscribed to `push`, so one arrives.
    hooks.test(id).await.unwrap();
    let received = receiver.wait_for(2, DELIVERY_WAIT).await;
    assert_repository_delivery(&received[1], "push", ghes);
    let push = received[1].payload().unwrap();
    assert_eq!(
        push["repository"]["full_name"],
        format!("{OWNER}/{REPO}"),
        "{push}"
    );

    // Ping.
    hooks.ping(id).await.unwrap();
    let received = receiver.wait_for(3, DELIVERY_WAIT).await;
    assert_repository_delivery(&received[2], "ping", ghes);

    // Deliveries, newest first, each with the receiver's real answer.
    fake.state()
        .wait_for_deliveries(DELIVERY_WAIT)
        .await
        .unwrap();
    let deliveries = hooks.deliveries(id).list().send().await.unwrap().items;
    let events: Vec<_> = deliveries.iter().map(|d| d.event.clone()).collect();
    assert_eq!(
        events,
        [
            Some(WebhookEventType::Ping),
            Some(WebhookEventType::Push),
            Some(WebhookEventType::Ping)
        ]
    );
    assert!(
        deliveries
            .iter()
            .all(|d| (d.status.as_str(), d.status_code, d.redelivery) == ("OK", 200, false)),
        "{deliveries:?}"
    );
    let push_delivery = &deliveries[1];
    let detail = hooks.get_delivery(id, push_delivery.id).await.unwrap();
    assert_eq!(detail.guid, push_delivery.guid);
    assert_eq!(detail.event, "push");
    let headers = detail.request.headers.clone().unwrap_or(Value::Null);
    assert_eq!(headers["X-GitHub-Event"], "push", "{headers}");
    assert_eq!(
        headers["X-GitHub-Hook-Installation-Target-Type"], "repository",
        "{headers}"
    );
    assert_eq!(received[1].guid(), Some(detail.guid.as_str()));

    // Redeliver the push: the receiver gets the same GUID again, the list one more.
    hooks.redeliver(id, push_delivery.id).await.unwrap();
    let received = receiver.wait_for(4, DELIVERY_WAIT).await;
    assert_repository_delivery(&received[3], "push", ghes);
    assert_eq!(received[3].guid(), Some(push_delivery.guid.as_str()));
    fake.state()
        .wait_for_deliveries(DELIVERY_WAIT)
        .await
        .unwrap();
    let deliveries = hooks.deliveries(id).list().send().await.unwrap().items;
    assert_eq!(deliveries.len(), 4, "{deliveries:?}");
    assert!(deliveries[0].redelivery);
    assert_eq!(deliveries[0].guid, push_delivery.guid);

    // Delete; GitHub then answers 404 for the hook.
    hooks.delete(id).await.unwrap();
    let gone = hooks.get(id).await.unwrap_err();
    assert_eq!(github_status(&gone), Some(404), "{gone:?}");
    assert!(
        hooks.list().send().await.unwrap().items.is_empty(),
        "the hook is no longer listed"
    );
}
