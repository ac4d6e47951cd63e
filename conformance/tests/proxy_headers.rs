//! `--header` on the proxy and on replay: the header reaches the server on every request, and
//! appears in no recording and no report.

use hookspec_conformance::Outcome;
use hookspec_conformance::sequences;
use hookspec_conformance::{DEFAULT_MAX_BODY, HttpClient};
use hookspec_conformance::{Proxy, ProxyOptions};
use hookspec_conformance::{ReplayOptions, replay};
use hookspec_mock::FakeGitHub;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

const ACCESS_KEY: &str = "access-key-never-recorded";

#[tokio::test]
async fn the_proxy_adds_its_headers_to_what_it_forwards_and_records_none() {
    let fake = FakeGitHub::start().await;
    // Behind the "access proxy": without the header, the list answers 403.
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks"))
        .and(header("X-Access-Key", ACCESS_KEY))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("[]", "application/json; charset=utf-8"),
        )
        .with_priority(1)
        .mount(fake.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(ResponseTemplate::new(403))
        .with_priority(2)
        .mount(fake.server())
        .await;
    let record =
        std::env::temp_dir().join(format!("hookspec-proxy-headers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&record);
    let mut options = ProxyOptions::new(fake.uri());
    options.headers = vec![("X-Access-Key".into(), ACCESS_KEY.into())];
    options.record = Some(record.clone());
    let Ok(proxy) = Proxy::start(options).await else {
        panic!("the proxy starts");
    };
    let answer = reqwest::Client::new()
        .get(format!("{}/orgs/octocat/hooks", proxy.url()))
        .bearer_auth("t")
        .send()
        .await
        .map(|r| r.status().as_u16());
    let results = proxy.stop().await;
    assert_eq!(answer.ok(), Some(200));
    assert!(results[0].passed(), "{:?}", results[0].problems);
    let mut recorded = String::new();
    for entry in std::fs::read_dir(&record).into_iter().flatten().flatten() {
        recorded.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    assert!(recorded.contains("orgs/list-webhooks"), "{recorded}");
    assert!(!recorded.contains(ACCESS_KEY), "{recorded}");

    // Replay sends the header too: the recording replays clean only with it.
    let found = sequences(&record).unwrap_or_default();
    let Ok(client) = HttpClient::new(std::time::Duration::from_secs(5), DEFAULT_MAX_BODY) else {
        panic!("a client");
    };
    let mut plain = ReplayOptions::new(fake.uri());
    plain.get_attempts = 1;
    let without = replay(&found[0], &plain, &client).await;
    assert!(
        matches!(without.outcome, Outcome::Failed(_)),
        "403 without the header"
    );
    let mut with = ReplayOptions::new(fake.uri());
    with.headers = vec![("X-Access-Key".into(), ACCESS_KEY.into())];
    let replayed = replay(&found[0], &with, &client).await;
    assert!(
        matches!(replayed.outcome, Outcome::Passed),
        "{:?}",
        replayed.failure_text()
    );
    let _ = std::fs::remove_dir_all(&record);
}
