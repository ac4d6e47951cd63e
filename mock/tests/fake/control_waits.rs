//! Waiting for deliveries through the control API (`GET /_hookspec/deliveries?wait_ms=`): it
//! answers once every delivery is recorded, or at the deadline with the held ones pending, and
//! refuses a wait past its bound.

use std::time::Duration;

use hookspec_mock::{FakeConfig, Receiver, ReceiverAnswer};
use serde_json::json;

use crate::control_api::serve_fake;

#[tokio::test]
async fn waiting_for_deliveries_answers_once_they_are_recorded() {
    let served = serve_fake(FakeConfig::default()).await;
    let receiver = Receiver::start().await.unwrap();
    let api = &served.api;
    let hook = api.create_hook("octocat", &receiver.url()).await;
    let answer = api.get("/_hookspec/deliveries?wait_ms=10000").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["pending"], 0);
    let deliveries = answer.body["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "{}", answer.text);
    assert_eq!(deliveries[0]["hook_id"], hook);
    assert_eq!(deliveries[0]["event"], "ping");
    assert_eq!(deliveries[0]["status_code"], 200);
    assert_eq!(deliveries[0]["request"]["payload"]["hook_id"], hook);
    let filtered = api
        .get(&format!("/_hookspec/deliveries?hook_id={hook}&event=push"))
        .await;
    assert_eq!(filtered.body["deliveries"], json!([]));
}

#[tokio::test]
async fn waiting_for_a_held_delivery_answers_at_the_deadline_with_it_pending() {
    let served = serve_fake(FakeConfig::default()).await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Hold(200));
    let api = &served.api;
    api.create_hook("octocat", &receiver.url()).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let answer = api.get("/_hookspec/deliveries?wait_ms=50").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["pending"], 1);
    assert_eq!(answer.body["deliveries"], json!([]));
    receiver.release();

    let too_long = api.get("/_hookspec/deliveries?wait_ms=60001").await;
    assert_eq!(too_long.status, 422);
    assert!(
        too_long.body["message"]
            .as_str()
            .unwrap()
            .contains("wait_ms: must be at most 60000")
    );
    assert_eq!(
        api.get("/_hookspec/deliveries?wait_ms=soon").await.status,
        400
    );
    assert_eq!(api.get("/_hookspec/deliveries/pending").await.status, 200);
}
