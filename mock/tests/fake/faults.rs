//! Faults injected per operation: an error status with GitHub's body, a delay, a rate limit
//! with `Retry-After` and `X-RateLimit-*`, limited to a number of calls, and cleared.

use std::time::{Duration, Instant};

use hookspec_mock::table::UnknownOperation;
use hookspec_mock::{FakeGitHub, Fault, OperationId, StateError};
use pretty_assertions::assert_eq;

use crate::support::Api;

#[tokio::test]
async fn a_status_fault_answers_with_githubs_body_for_that_operation_only() {
    let fake = FakeGitHub::start().await;
    fake.state()
        .inject_fault(OperationId::OrgsListWebhooks, Fault::status(500))
        .unwrap();
    let api = Api::new(&fake.uri());
    let answer = api.get("/orgs/octocat/hooks").await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.body["message"], "Server Error");
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert!(answer.header("x-github-request-id").is_some());
    assert_eq!(
        api.get("/orgs/octocat/hooks").await.status,
        500,
        "faults last until cleared"
    );
    assert_eq!(
        api.create_hook("octocat", "https://example.com/hook").await,
        1
    );

    fake.state().clear_faults();
    assert_eq!(api.get("/orgs/octocat/hooks").await.status, 200);
}

#[tokio::test]
async fn a_fault_limited_by_times_fires_that_many_times() {
    let fake = FakeGitHub::start().await;
    fake.state()
        .inject_fault(OperationId::OrgsListWebhooks, Fault::status(502).times(2))
        .unwrap();
    let api = Api::new(&fake.uri());
    let statuses = [
        api.get("/orgs/octocat/hooks").await.status,
        api.get("/orgs/octocat/hooks").await.status,
        api.get("/orgs/octocat/hooks").await.status,
    ];
    assert_eq!(statuses, [502, 502, 200]);
}

#[tokio::test]
async fn a_rate_limit_fault_sends_retry_after_and_exhausted_rate_limit_headers() {
    let fake = FakeGitHub::start().await;
    fake.state()
        .inject_fault(
            OperationId::OrgsCreateWebhook,
            Fault::rate_limit(429, Duration::from_secs(30)),
        )
        .unwrap();
    fake.state()
        .inject_fault(
            OperationId::OrgsListWebhooks,
            Fault::rate_limit(403, Duration::from_secs(60)),
        )
        .unwrap();
    let api = Api::new(&fake.uri());

    let secondary = api
        .post(
            "/orgs/octocat/hooks",
            crate::support::hook_body("https://example.com"),
        )
        .await;
    assert_eq!(secondary.status, 429);
    assert_eq!(secondary.header("retry-after").as_deref(), Some("30"));
    assert_eq!(
        secondary.header("x-ratelimit-remaining").as_deref(),
        Some("0")
    );
    assert!(
        secondary.body["message"]
            .as_str()
            .unwrap()
            .contains("secondary rate limit")
    );

    let primary = api.get("/orgs/octocat/hooks").await;
    assert_eq!(primary.status, 403);
    assert_eq!(
        primary.header("x-ratelimit-remaining").as_deref(),
        Some("0")
    );
    let reset: i64 = primary
        .header("x-ratelimit-reset")
        .unwrap()
        .parse()
        .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(
        (now + 55..=now + 65).contains(&reset),
        "reset {reset} vs now {now}"
    );
    assert!(
        primary.body["message"]
            .as_str()
            .unwrap()
            .starts_with("API rate limit exceeded")
    );
    assert!(fake.state().org_hooks("octocat").is_empty());
}

#[tokio::test]
async fn a_delay_fault_answers_normally_but_late() {
    let fake = FakeGitHub::start().await;
    fake.state()
        .inject_fault(
            OperationId::OrgsListWebhooks,
            Fault::delay(Duration::from_millis(200)),
        )
        .unwrap();
    let api = Api::new(&fake.uri());
    let started = Instant::now();
    assert_eq!(api.get("/orgs/octocat/hooks").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn an_unknown_operation_id_or_an_impossible_status_is_an_error() {
    let fake = FakeGitHub::start().await;
    assert_eq!(
        "orgs/list-hooks".parse::<OperationId>(),
        Err(UnknownOperation("orgs/list-hooks".to_owned()))
    );
    assert_eq!(
        fake.state()
            .inject_fault(OperationId::OrgsListWebhooks, Fault::status(1000)),
        Err(StateError::InvalidStatus(1000))
    );
}
