//! The validation proxy and record/replay, end to end on loopback: a reqwest client drives a
//! webhook lifecycle through the proxy in front of the fake (clean, recorded, replayed), and
//! through the proxy in front of a wiremock server answering wrong shapes (each break reported).

use std::path::{Path, PathBuf};
use std::time::Duration;

use hookspec_conformance::Check;
use hookspec_conformance::sequences;
use hookspec_conformance::{DEFAULT_MAX_BODY, HttpClient};
use hookspec_conformance::{ExchangeResult, Proxy, ProxyOptions};
use hookspec_conformance::{ReplayOptions, replay};
use hookspec_mock::FakeGitHub;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "ghp_proxyTestTokenNeverWritten0123456789";
const SECRET: &str = "hook-secret-never-written-42";

fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!("hookspec-{name}-{}-{nanos}", std::process::id()))
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = client
        .request(method, url)
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Accept", "application/vnd.github+json");
    if let Some(body) = body {
        request = request.json(&body);
    }
    match request.send().await {
        Ok(response) => response,
        Err(error) => panic!("{url}: {error}"),
    }
}

async fn json_of(response: reqwest::Response) -> Value {
    match response.json().await {
        Ok(json) => json,
        Err(error) => panic!("not JSON: {error}"),
    }
}

fn text_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_default()
}

/// Create three hooks, list them two a page following `Link`, get, update, ping, list the
/// deliveries and delete, every URL after the first taken from the answers; then ask for
/// something outside the spec.
async fn lifecycle(base: &str, fake: &FakeGitHub) {
    let client = reqwest::Client::new();
    let mut hooks = Vec::new();
    for port in [9, 10, 11] {
        let body = json!({"name": "web", "events": ["push"],
            "config": {"url": format!("http://127.0.0.1:{port}/webhook"), "content_type": "json", "secret": SECRET}});
        let response = send(
            &client,
            reqwest::Method::POST,
            &format!("{base}/orgs/octocat/hooks"),
            Some(body),
        )
        .await;
        assert_eq!(response.status(), 201);
        hooks.push(json_of(response).await);
    }
    let first = &hooks[0];
    assert!(text_at(first, "url").starts_with(base), "{first}");
    let page = send(
        &client,
        reqwest::Method::GET,
        &format!("{base}/orgs/octocat/hooks?per_page=2"),
        None,
    )
    .await;
    let link = page
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(link.contains(&format!("<{base}/")), "{link}");
    let next = link
        .split(['<', '>'])
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let second = send(&client, reqwest::Method::GET, &next, None).await;
    assert_eq!(json_of(second).await.as_array().map(Vec::len), Some(1));
    let hook_url = text_at(first, "url").to_string();
    assert_eq!(
        send(&client, reqwest::Method::GET, &hook_url, None)
            .await
            .status(),
        200
    );
    let update = json!({"active": true, "events": ["push", "pull_request"]});
    assert_eq!(
        send(&client, reqwest::Method::PATCH, &hook_url, Some(update))
            .await
            .status(),
        200
    );
    assert_eq!(
        send(
            &client,
            reqwest::Method::POST,
            text_at(first, "ping_url"),
            None
        )
        .await
        .status(),
        204
    );
    if let Err(error) = fake
        .state()
        .wait_for_deliveries(Duration::from_secs(10))
        .await
    {
        panic!("{error}");
    }
    let deliveries = send(
        &client,
        reqwest::Method::GET,
        text_at(first, "deliveries_url"),
        None,
    )
    .await;
    assert_eq!(deliveries.status(), 200);
    for hook in &hooks {
        assert_eq!(
            send(&client, reqwest::Method::DELETE, text_at(hook, "url"), None)
                .await
                .status(),
            204
        );
    }
}

fn failures(results: &[ExchangeResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| !r.passed() && !r.unmatched())
        .map(|r| format!("{}\n{:?}", r.line(), r.problems))
        .collect()
}

fn assert_nothing_secret_in(dir: &Path, hosts: &[&str]) {
    for sequence in sequences(dir).unwrap_or_default() {
        for (file, _) in &sequence.steps {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            assert!(!text.contains(TOKEN), "{} holds the token", file.display());
            assert!(
                !text.contains(SECRET),
                "{} holds the hook secret",
                file.display()
            );
            for host in hosts {
                assert!(!text.contains(host), "{} holds {host}", file.display());
            }
        }
    }
}

/// With `HOOKSPEC_WRITE_RECORDINGS=1`, copies a recording made here into
/// `conformance/recordings/NAME` (how the checked-in ones were made).
fn save_recording(dir: &Path, name: &str) {
    if std::env::var_os("HOOKSPEC_WRITE_RECORDINGS").is_none() {
        return;
    }
    let into = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(name);
    let _ = std::fs::remove_dir_all(&into);
    let _ = std::fs::create_dir_all(&into);
    for (file, _) in &sequences(dir).unwrap_or_default()[0].steps {
        if let Some(name) = file.file_name() {
            let _ = std::fs::copy(file, into.join(name));
        }
    }
}

async fn replay_dir(dir: &Path, base: String) -> hookspec_conformance::CaseResult {
    let found = match sequences(dir) {
        Ok(found) => found,
        Err(error) => panic!("{error}"),
    };
    let Ok(client) = HttpClient::new(Duration::from_secs(10), DEFAULT_MAX_BODY) else {
        panic!("client")
    };
    let mut options = ReplayOptions::new(base);
    options.token = Some("replay-token".into());
    options.get_attempts = 30;
    replay(&found[0], &options, &client).await
}

#[tokio::test]
async fn a_lifecycle_through_the_proxy_in_front_of_the_fake_has_no_violations_and_replays_cleanly()
{
    let fake = FakeGitHub::start().await;
    let dir = temp_dir("recording");
    let mut options = ProxyOptions::new(fake.uri());
    options.record = Some(dir.clone());
    let proxy = match Proxy::start(options).await {
        Ok(proxy) => proxy,
        Err(error) => panic!("{error}"),
    };
    let base = proxy.url();
    lifecycle(&base, &fake).await;
    let outside = reqwest::get(format!("{base}/user?access_token={TOKEN}")).await;
    assert!(outside.is_ok());
    let results = proxy.stop().await;
    assert_eq!(failures(&results), Vec::<String>::new());
    assert_eq!(results.len(), 13);
    assert!(results[12].unmatched(), "{}", results[12].line());
    assert!(results.iter().all(|r| !r.line().contains(TOKEN)));
    assert_eq!(
        hookspec_conformance::summary_line(&results),
        "12 passed, 0 failed, 1 unmatched"
    );
    assert_nothing_secret_in(&dir, &[&fake.uri(), &base]);
    save_recording(&dir, "org_hook_lifecycle");

    // The same flow replayed against a fresh fake: nothing differs.
    let again = FakeGitHub::start().await;
    let result = replay_dir(&dir, again.uri()).await;
    assert!(
        result.passed(),
        "{}",
        result.failure_text().unwrap_or_default()
    );

    // Against a fake whose update answers another shape, the replay names the step and fields.
    let changed = FakeGitHub::start().await;
    Mock::given(method("PATCH"))
        .and(path_regex(r"^/orgs/octocat/hooks/\d+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1, "active": "yes"})))
        .mount(changed.server())
        .await;
    let result = replay_dir(&dir, changed.uri()).await;
    let text = result.failure_text().unwrap_or_default();
    assert!(text.contains("orgs/update-webhook"), "{text}");
    assert!(
        text.contains("/active: recorded a boolean (true), got a string"),
        "{text}"
    );
    assert!(text.contains("/events: missing"), "{text}");
    assert!(!text.contains(TOKEN));

    // The recording becomes a case the loader accepts.
    let sequence = &sequences(&dir).unwrap_or_default()[0];
    let case = hookspec_conformance::to_case(sequence, Path::new("recorded.yaml"));
    assert!(case.is_ok(), "{case:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_broken_server_behind_the_proxy_has_each_break_reported_with_its_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "text/plain"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "one"})))
        .mount(&server)
        .await;
    let created = hookspec_mock::table::find_operation("orgs/create-webhook")
        .and_then(|op| op.response(201))
        .and_then(|r| r.examples.first())
        .map(|e| e.json)
        .unwrap_or_default();
    Mock::given(method("POST"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(created, "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(418))
        .mount(&server)
        .await;
    let proxy = match Proxy::start(ProxyOptions::new(server.uri())).await {
        Ok(proxy) => proxy,
        Err(error) => panic!("{error}"),
    };
    let base = proxy.url();
    let client = reqwest::Client::new();
    send(
        &client,
        reqwest::Method::GET,
        &format!("{base}/orgs/octocat/hooks"),
        None,
    )
    .await;
    send(
        &client,
        reqwest::Method::GET,
        &format!("{base}/orgs/octocat/hooks/1"),
        None,
    )
    .await;
    let body = json!({"name": "other", "config": {"url": "http://127.0.0.1:9/"}});
    send(
        &client,
        reqwest::Method::POST,
        &format!("{base}/orgs/octocat/hooks"),
        Some(body),
    )
    .await;
    send(
        &client,
        reqwest::Method::DELETE,
        &format!("{base}/orgs/octocat/hooks/1"),
        None,
    )
    .await;
    let results = proxy.stop().await;
    let found: Vec<(Option<&str>, Vec<Check>)> = results
        .iter()
        .map(|r| (r.operation, r.problems.iter().map(|p| p.check).collect()))
        .collect();
    assert_eq!(
        found,
        vec![
            (Some("orgs/list-webhooks"), vec![Check::ContentType]),
            (Some("orgs/get-webhook"), vec![Check::Schema]),
            (
                Some("orgs/create-webhook"),
                vec![Check::Request, Check::Header]
            ),
            (Some("orgs/delete-webhook"), vec![Check::Status]),
        ]
    );
    let lines: Vec<String> = results.iter().map(ExchangeResult::line).collect();
    assert!(
        lines[3].starts_with(
            "FAIL  #4 DELETE /orgs/octocat/hooks/1 -> 418  orgs/delete-webhook [dotcom]"
        ),
        "{lines:?}"
    );
    let problems = format!("{:?}", results[2].problems);
    assert!(problems.contains("\\\"other\\\""), "{problems}");
    assert!(problems.contains("Location is missing"), "{problems}");
}

#[tokio::test]
async fn global_hooks_on_ghes_paths_pass_the_proxy_and_replay_cleanly() {
    let fake = FakeGitHub::start().await;
    let dir = temp_dir("ghes-recording");
    let mut options = ProxyOptions::new(fake.uri());
    options.record = Some(dir.clone());
    let proxy = match Proxy::start(options).await {
        Ok(proxy) => proxy,
        Err(error) => panic!("{error}"),
    };
    let base = format!("{}/api/v3", proxy.url());
    let client = reqwest::Client::new();
    let body = json!({"name": "web", "events": ["organization", "user"],
        "config": {"url": "http://127.0.0.1:9/global", "content_type": "json", "secret": SECRET}});
    let created = send(
        &client,
        reqwest::Method::POST,
        &format!("{base}/admin/hooks"),
        Some(body),
    )
    .await;
    assert_eq!(created.status(), 201);
    let hook = json_of(created).await;
    let url = text_at(&hook, "url").to_string();
    assert!(url.starts_with(&base), "{hook}");
    assert_eq!(
        send(
            &client,
            reqwest::Method::GET,
            &format!("{base}/admin/hooks"),
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        send(&client, reqwest::Method::GET, &url, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        send(&client, reqwest::Method::DELETE, &url, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        send(&client, reqwest::Method::GET, &url, None)
            .await
            .status(),
        404
    );
    let results = proxy.stop().await;
    assert_eq!(failures(&results), Vec::<String>::new());
    assert!(
        results
            .iter()
            .all(|r| r.product == Some(hookspec_mock::Product::Ghes))
    );
    assert_nothing_secret_in(&dir, &[&fake.uri()]);
    save_recording(&dir, "ghes_global_hook_lifecycle");
    let again = FakeGitHub::start().await;
    let result = replay_dir(&dir, again.uri()).await;
    assert!(
        result.passed(),
        "{}",
        result.failure_text().unwrap_or_default()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
