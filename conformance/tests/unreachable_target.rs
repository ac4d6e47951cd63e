//! A target that is down, refuses connections or never answers gives each case a clear failed
//! result after one timeout per request it sent (one more for the sweep after an unanswered
//! create), never a hang. The tests count requests and read the failure, not the clock: a
//! timeout is known by its message, and a case that waits on a silent server at least as long as
//! its timeout says so in its duration.

mod support;

use std::time::Duration;

use hookspec_conformance::CaseResult;
use hookspec_conformance::Check;
use hookspec_conformance::Outcome;
use hookspec_conformance::run_suite;
use hookspec_mock::Product;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback address where nothing listens.
async fn closed_port() -> String {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => panic!("{error}"),
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => panic!("{error}"),
    };
    drop(listener);
    format!("http://{address}")
}

/// A loopback server that accepts connections and, after reading a request, sends `prefix`
/// (if any) and nothing more.
async fn silent_server(prefix: &'static [u8]) -> String {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => panic!("{error}"),
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => panic!("{error}"),
    };
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            if !prefix.is_empty() {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let _ = stream.write_all(prefix).await;
            }
            held.push(stream);
        }
    });
    format!("http://{address}")
}

/// Asserts that `result` failed saying `words`, after sending `requests` requests.
fn assert_failed_after(result: &CaseResult, requests: usize, words: &str) {
    let text = result.failure_text().unwrap_or_default();
    assert!(
        result.failed(),
        "{} should fail: {:?}",
        result.display_name(),
        result.outcome
    );
    assert!(text.contains(words), "{words:?} not in:\n{text}");
    assert_eq!(
        result.requests,
        requests,
        "{} sent {} request(s):\n{text}",
        result.display_name(),
        result.requests
    );
}

#[tokio::test]
async fn a_target_that_refuses_connections_fails_every_case_at_once() {
    let url = closed_port().await;
    let runners = vec![
        support::runner(&url, Product::Dotcom, Duration::from_secs(5)),
        support::runner(
            &format!("{url}/api/v3"),
            Product::Ghes,
            Duration::from_secs(5),
        ),
    ];
    let entries = support::all_cases();
    let results = run_suite(&entries, &runners, |_, _, _| {}).await;
    // Cases for a repository or an app this target was not given are skipped, not run.
    let ran: Vec<&CaseResult> = results
        .iter()
        .filter(|r| r.product.is_some() && !matches!(r.outcome, Outcome::Skipped(_)))
        .collect();
    assert!(!ran.is_empty());
    for result in ran {
        // One request: nothing is retried, and a create that never connected left nothing to
        // sweep for.
        assert_failed_after(result, 1, "cannot connect");
        let step = support::failed_step(result);
        assert!(step.has(Check::Transport));
        assert_eq!(step.number, 1);
    }
}

#[tokio::test]
async fn a_target_that_never_answers_fails_within_the_timeout() {
    let url = silent_server(b"").await;
    let timeout = Duration::from_millis(400);
    let runner = support::runner(&url, Product::Dotcom, timeout);
    // A read: one timeout.
    let read = runner
        .run(&support::scenario(
            "unknown_org_hook_answers_404_to_every_read",
        ))
        .await;
    assert_failed_after(&read, 1, "no complete response within 400 ms");
    assert!(read.duration >= timeout, "{:?}", read.duration);
    // A create: one timeout for it, and one for the sweep that looks for what it may have made.
    let create = runner
        .run(&support::scenario(
            "create_org_hook_rejects_a_name_other_than_web",
        ))
        .await;
    assert_failed_after(&create, 2, "no complete response within 400 ms");
    assert!(create.duration >= timeout * 2, "{:?}", create.duration);
    assert!(
        create
            .failure_text()
            .unwrap_or_default()
            .contains("cleanup: GET"),
        "the sweep's failure is reported too: {:?}",
        create.failure_text()
    );
}

#[tokio::test]
async fn a_target_that_stalls_after_the_headers_fails_within_the_timeout() {
    let url = silent_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[",
    )
    .await;
    let timeout = Duration::from_millis(400);
    let runner = support::runner(&url, Product::Dotcom, timeout);
    let result = runner
        .run(&support::scenario("request_without_a_token_answers_401"))
        .await;
    assert_failed_after(&result, 1, "no complete response within 400 ms");
    assert!(result.duration >= timeout, "{:?}", result.duration);
}
