//! Deliveries: pings and redeliveries are sent to a real receiver and recorded as GitHub shows
//! them; the list is newest first with cursor pagination and `status`/`redelivery` filters.

use hookspec_mock::signature_256;
use hookspec_mock::{DeliverySeed, FakeGitHub, HookSeed, Receiver};
use pretty_assertions::assert_eq;
use serde_json::Value;

use crate::support::{Api, settle};

fn ids(body: &Value) -> Vec<u64> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn ping_answers_204_and_records_a_signed_ping_delivery() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let api = Api::new(&fake.uri());
    let hook = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new(receiver.url())
            .content_type("json")
            .secret("s3cret"),
    );
    let ping = api
        .post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    assert_eq!(ping.status, 204);
    assert_eq!(ping.text, "");
    settle(&fake).await;

    let deliveries = fake.state().deliveries(hook);
    assert_eq!(deliveries.len(), 1);
    let delivery = &deliveries[0];
    assert_eq!(
        (
            delivery.event.as_str(),
            delivery.status.as_str(),
            delivery.status_code
        ),
        ("ping", "OK", 200)
    );
    assert!(!delivery.redelivery);
    assert_eq!(&delivery.request_headers["X-GitHub-Event"], "ping");
    assert_eq!(
        &delivery.request_headers["X-GitHub-Delivery"],
        delivery.guid
    );
    assert_eq!(
        delivery.request_headers["X-GitHub-Hook-ID"],
        hook.to_string()
    );
    let body = delivery.request_payload.to_string();
    assert_eq!(
        delivery.request_headers["X-Hub-Signature-256"],
        signature_256("s3cret", body.as_bytes())
    );
    assert_eq!(delivery.request_payload["hook_id"], hook);
    assert_eq!(
        delivery.request_payload["hook"]["config"]["secret"],
        "********"
    );

    let shown = api
        .get(&format!(
            "/orgs/octocat/hooks/{hook}/deliveries/{}",
            delivery.id
        ))
        .await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body["event"], "ping");
    assert_eq!(shown.body["action"], Value::Null);
    assert_eq!(shown.body["url"], receiver.url());
    assert_eq!(shown.body["request"]["headers"]["X-GitHub-Event"], "ping");
    assert_eq!(
        shown.body["request"]["payload"]["zen"],
        delivery.request_payload["zen"]
    );
    assert!(shown.body["response"]["headers"].is_object());
}

#[tokio::test]
async fn a_hook_without_a_secret_sends_no_signature() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    let api = Api::new(&fake.uri());
    assert_eq!(
        api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
            .await
            .status,
        204
    );
    settle(&fake).await;
    let delivery = &fake.state().deliveries(hook)[0];
    assert!(!delivery.request_headers.contains_key("X-Hub-Signature-256"));
    assert_eq!(
        &delivery.request_headers["content-type"],
        "application/x-www-form-urlencoded"
    );
}

#[tokio::test]
async fn redeliver_answers_202_and_records_a_redelivery_with_the_same_guid() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let api = Api::new(&fake.uri());
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    let original = fake
        .state()
        .insert_delivery(
            hook,
            DeliverySeed::new("issues")
                .action("opened")
                .status_code(500),
        )
        .unwrap();
    let answer = api
        .post_empty(&format!(
            "/orgs/octocat/hooks/{hook}/deliveries/{original}/attempts"
        ))
        .await;
    assert_eq!(answer.status, 202);
    assert!(answer.body.is_object());
    settle(&fake).await;

    let list = api
        .get(&format!("/orgs/octocat/hooks/{hook}/deliveries"))
        .await;
    assert_eq!(list.status, 200);
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["redelivery"], true);
    assert_eq!(items[0]["guid"], items[1]["guid"]);
    assert_eq!(items[0]["event"], "issues");
    assert_eq!(items[0]["action"], "opened");
    assert_eq!(items[0]["status_code"], 200);
    assert_eq!(items[1]["status"], "Invalid HTTP Response: 500");
    assert!(items[0].get("throttled_at").is_some());
    assert!(
        items[0].get("request").is_none(),
        "list items are summaries"
    );

    let missing = api
        .post_empty(&format!(
            "/orgs/octocat/hooks/{hook}/deliveries/999999/attempts"
        ))
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        api.get(&format!("/orgs/octocat/hooks/{hook}/deliveries/999999"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn deliveries_list_newest_first_and_pages_through_cursor_links() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new("https://example.com/hook"));
    let mut seeded: Vec<u64> = (0..5)
        .map(|_| {
            fake.state()
                .insert_delivery(hook, DeliverySeed::new("push"))
                .unwrap()
        })
        .collect();
    seeded.reverse();

    let first = api
        .get(&format!("/orgs/octocat/hooks/{hook}/deliveries?per_page=2"))
        .await;
    assert_eq!(ids(&first.body), seeded[0..2]);
    assert_eq!(first.link("prev"), None);
    let next = first.link("next").unwrap();
    assert!(
        next.starts_with(&format!(
            "{}/orgs/octocat/hooks/{hook}/deliveries?per_page=2&cursor=",
            fake.uri()
        )),
        "{next}"
    );

    let second = api.get(&next).await;
    assert_eq!(ids(&second.body), seeded[2..4]);
    let back = api.get(&second.link("prev").unwrap()).await;
    assert_eq!(ids(&back.body), seeded[0..2]);

    let third = api.get(&second.link("next").unwrap()).await;
    assert_eq!(ids(&third.body), seeded[4..5]);
    assert_eq!(third.link("next"), None);
}

#[tokio::test]
async fn deliveries_filter_by_status_and_by_redelivery() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new("https://example.com/hook"));
    let seed = |code: u16, redelivery: bool| {
        fake.state()
            .insert_delivery(
                hook,
                DeliverySeed::new("push")
                    .status_code(code)
                    .redelivery(redelivery),
            )
            .unwrap()
    };
    let (ok, redirect, not_found, error, redelivered) = (
        seed(200, false),
        seed(399, false),
        seed(400, false),
        seed(599, false),
        seed(201, true),
    );
    let base = format!("/orgs/octocat/hooks/{hook}/deliveries");

    assert_eq!(
        ids(&api.get(&format!("{base}?status=success")).await.body),
        [redelivered, redirect, ok]
    );
    assert_eq!(
        ids(&api.get(&format!("{base}?status=failure")).await.body),
        [error, not_found]
    );
    assert_eq!(
        ids(&api.get(&format!("{base}?redelivery=true")).await.body),
        [redelivered]
    );
    assert_eq!(
        ids(&api
            .get(&format!("{base}?redelivery=false&status=success"))
            .await
            .body),
        [redirect, ok]
    );

    let bad_status = api.get(&format!("{base}?status=sometimes")).await;
    assert_eq!(bad_status.status, 422);
    assert_eq!(bad_status.body["errors"][0]["field"], "status");
    let bad_cursor = api.get(&format!("{base}?cursor=garbage")).await;
    assert_eq!(bad_cursor.status, 400);
}

#[tokio::test]
async fn deleting_a_hook_forgets_its_deliveries() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new("https://example.com/hook"));
    api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    assert_eq!(fake.state().deliveries(hook).len(), 1);
    assert_eq!(
        api.delete(&format!("/orgs/octocat/hooks/{hook}"))
            .await
            .status,
        204
    );
    assert!(fake.state().deliveries(hook).is_empty());
    assert_eq!(
        api.get(&format!("/orgs/octocat/hooks/{hook}/deliveries"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn seeding_a_delivery_for_an_unknown_hook_is_an_error() {
    let fake = FakeGitHub::start().await;
    let error = fake
        .state()
        .insert_delivery(42, DeliverySeed::new("push"))
        .unwrap_err();
    assert_eq!(error.to_string(), "no webhook with id 42");
}
