//! The delivery engine's bounds: records per hook, deliveries and payload bytes on their way,
//! the addresses a delivery may go to, and lanes that keep a slow receiver from delaying the
//! others.

use hookspec_mock::{
    FakeConfig, FakeGitHub, HookSeed, MAX_DELIVERIES_IN_FLIGHT,
    MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER, Receiver, ReceiverAnswer,
};
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::delivery_engine::{HOUR, statuses};
use crate::support::Api;
use crate::support::{WAIT, settle};

#[tokio::test]
async fn the_delivery_records_of_a_hook_are_capped() {
    let config = FakeConfig {
        max_deliveries_per_hook: 3,
        ..FakeConfig::default()
    };
    let fake = FakeGitHub::start_with(config).await;
    let receiver = Receiver::start().await.unwrap();
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    for _ in 0..5 {
        fake.state()
            .emit_org_event("octocat", "push", json!({}))
            .unwrap();
    }
    settle(&fake).await;
    let records = fake.state().deliveries(hook);
    assert_eq!(records.len(), 3);
    let ids: Vec<u64> = records.iter().map(|d| d.id).collect();
    assert_eq!(ids, [3, 4, 5], "the oldest go first");
}

#[tokio::test]
async fn past_the_pending_bound_a_delivery_is_recorded_as_failed_instead_of_queued() {
    let config = FakeConfig {
        max_pending_deliveries: 1,
        ..FakeConfig::default().with_delivery_timeout(HOUR)
    };
    let fake = FakeGitHub::start_with(config).await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Hold(200));
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    let api = Api::new(&fake.uri());
    for _ in 0..3 {
        api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
            .await;
    }
    // The first is held by the receiver; the other two found the bound reached.
    two_refused_then_one_delivered(&fake, &receiver, hook, "already on their way").await;
}

#[tokio::test]
async fn a_url_naming_localhost_is_delivered_once_its_addresses_are_checked() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let url = receiver.url().replace("127.0.0.1", "localhost");
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(url.as_str()));
    let ping = Api::new(&fake.uri())
        .post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    assert_eq!(ping.status, 204);
    assert_eq!(receiver.wait_for(1, WAIT).await.len(), 1);
    settle(&fake).await;
    let record = &fake.state().deliveries(hook)[0];
    assert_eq!((record.status.as_str(), record.status_code), ("OK", 200));
}

/// Of three deliveries to `hook`, the first held by `receiver`: the other two were recorded
/// as refused, saying `reason`, and once the receiver lets go, the first is recorded as OK.
async fn two_refused_then_one_delivered(
    fake: &FakeGitHub,
    receiver: &Receiver,
    hook: u64,
    reason: &str,
) {
    assert_eq!(fake.state().pending_deliveries(), 1);
    let refused = statuses(fake, hook);
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused.iter().all(|s| s.contains(reason)), "{refused:?}");
    receiver.release();
    settle(fake).await;
    let statuses = statuses(fake, hook);
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| *s == "OK").count(),
        1,
        "{statuses:?}"
    );
}

/// Deliveries to one receiver: `count` pushes emitted to a hook on `receiver` subscribed to
/// them, and the hook's id.
fn push_to(
    fake: &FakeGitHub,
    receiver: &Receiver,
    count: usize,
    payload: &serde_json::Value,
) -> u64 {
    let state = fake.state();
    let hook = state.insert_org_hook("octocat", HookSeed::new(receiver.url()).events(["push"]));
    for _ in 0..count {
        state
            .emit_org_event("octocat", "push", payload.clone())
            .unwrap();
    }
    hook
}

#[tokio::test]
async fn a_receiver_that_holds_its_deliveries_delays_only_its_own() {
    let fake = FakeGitHub::start_with(FakeConfig::default().with_delivery_timeout(HOUR)).await;
    let slow = Receiver::start().await.unwrap();
    slow.answer(ReceiverAnswer::Hold(200));
    // More than the engine's global bound and far more than one receiver's.
    const HELD: usize = MAX_DELIVERIES_IN_FLIGHT + 44;
    let slow_hook = push_to(&fake, &slow, HELD, &json!({ "ref": "refs/heads/main" }));
    // The slow receiver has its share (its lane's bound) on the wire before the other
    // delivery is even queued.
    const SHARE: usize = MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER;
    assert_eq!(slow.wait_for(SHARE, WAIT).await.len(), SHARE);

    let quick = Receiver::start().await.unwrap();
    let quick_hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(quick.url()));
    let ping = Api::new(&fake.uri())
        .post_empty(&format!("/orgs/octocat/hooks/{quick_hook}/pings"))
        .await;
    assert_eq!(ping.status, 204);
    // Queued behind 200 deliveries that cannot finish, and delivered all the same.
    assert_eq!(quick.wait_for(1, WAIT).await.len(), 1);
    // The slow receiver still holds every one it got, and none of its deliveries is recorded.
    assert!(fake.state().deliveries(slow_hook).is_empty());
    assert!(fake.state().pending_deliveries() >= HELD);
    // No more than its share: the others wait in its lane, holding no global slot.
    assert_eq!(slow.received().len(), SHARE);

    slow.release();
    settle(&fake).await;
    let records = fake.state().deliveries(slow_hook);
    assert_eq!(records.len(), HELD);
    assert!(
        records
            .iter()
            .all(|d| d.status == "OK" && d.status_code == 200)
    );
    let quick_records = fake.state().deliveries(quick_hook);
    assert_eq!(quick_records.len(), 1);
    assert_eq!(quick_records[0].status, "OK");
    assert_eq!(slow.received().len(), HELD);
}

#[tokio::test]
async fn past_the_byte_bound_a_delivery_is_recorded_as_failed_instead_of_queued() {
    // Room for one of these payloads on its way, not two.
    let payload = json!({ "ref": "refs/heads/main", "filler": "x".repeat(1000) });
    let config = FakeConfig {
        max_pending_bytes: 1500,
        ..FakeConfig::default().with_delivery_timeout(HOUR)
    };
    let fake = FakeGitHub::start_with(config).await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Hold(200));
    let hook = push_to(&fake, &receiver, 3, &payload);
    // The first is held by the receiver; the other two found the byte bound reached.
    two_refused_then_one_delivered(
        &fake,
        &receiver,
        hook,
        "FakeConfig::max_pending_bytes (1500)",
    )
    .await;
    // Its bytes were released when it was recorded: another fits again.
    fake.state()
        .emit_org_event("octocat", "push", payload)
        .unwrap();
    settle(&fake).await;
    // Oldest first: the new one is the fourth.
    assert_eq!(fake.state().deliveries(hook).len(), 4);
    assert_eq!(fake.state().deliveries(hook)[3].status, "OK");
}

#[tokio::test]
async fn deliveries_made_one_after_another_arrive_in_the_order_they_were_made() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    // The ping of a new hook, then events at once: no more than a lane's bound wait, so they
    // go one at a time, in order, however fast the receiver answers.
    const EVENTS: usize = MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER - 1;
    let hook = Api::new(&fake.uri())
        .post(
            "/orgs/octocat/hooks",
            json!({ "name": "web", "events": ["push"], "config": { "url": receiver.url() } }),
        )
        .await;
    assert_eq!(hook.status, 201);
    for n in 1..=EVENTS {
        fake.state()
            .emit_org_event(
                "octocat",
                "push",
                json!({ "ref": format!("refs/heads/{n}") }),
            )
            .unwrap();
    }
    let got = receiver.wait_for(EVENTS + 1, WAIT).await;
    let seen: Vec<String> = got
        .iter()
        .map(|delivery| match delivery.event() {
            Some("push") => delivery.payload().unwrap()["ref"]
                .as_str()
                .unwrap()
                .to_owned(),
            other => format!("{other:?}"),
        })
        .collect();
    let mut made = vec![format!("{:?}", Some("ping"))];
    made.extend((1..=EVENTS).map(|n| format!("refs/heads/{n}")));
    assert_eq!(seen, made);
    // One after the other over one connection, not several connections racing.
    let connections: std::collections::BTreeSet<_> = got.iter().map(|d| d.from).collect();
    assert_eq!(connections.len(), 1, "{connections:?}");
    assert!(got[0].from.is_some());
}
