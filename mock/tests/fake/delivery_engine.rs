//! The delivery engine end to end: real POSTs to a loopback receiver, signed over the exact
//! bytes sent (checked here by an independent HMAC), and a deliveries API that reports what
//! the receiver really answered: a status, a closed port, a hang, a dropped connection. The
//! payloads' schemas and signature traps are in `delivery_payloads.rs`, the engine's bounds
//! and fairness in `delivery_bounds.rs`.

use std::time::Duration;

use hmac::{KeyInit, Mac};
use hookspec_mock::{FakeConfig, FakeGitHub, HookSeed, Receiver, ReceiverAnswer};
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::support::{Api, WAIT, settle};

/// A delivery timeout no test reaches: a held delivery stays on its way until released.
pub(crate) const HOUR: Duration = Duration::from_secs(3600);

/// `sha256=<hex>` and `sha1=<hex>` computed here, without the fake's code.
pub(crate) fn independent_signatures(secret: &str, body: &[u8]) -> (String, String) {
    let mut sha256 = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    sha256.update(body);
    let mut sha1 = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    sha1.update(body);
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    (
        format!("sha256={}", hex(&sha256.finalize().into_bytes())),
        format!("sha1={}", hex(&sha1.finalize().into_bytes())),
    )
}

/// The outcome texts of `hook`'s delivery records, oldest first.
pub(crate) fn statuses(fake: &FakeGitHub, hook: u64) -> Vec<String> {
    fake.state()
        .deliveries(hook)
        .into_iter()
        .map(|d| d.status)
        .collect()
}

#[tokio::test]
async fn creating_a_hook_sends_a_signed_ping_to_its_url() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let api = Api::new(&fake.uri());
    let created = api
        .post(
            "/orgs/octocat/hooks",
            json!({ "name": "web", "config": { "url": receiver.url(), "content_type": "json", "secret": "s3cret" } }),
        )
        .await;
    assert_eq!(created.status, 201);
    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let ping = &got[0];
    assert_eq!(ping.method, "POST");
    assert_eq!(ping.event(), Some("ping"));
    assert_eq!(ping.header("content-type"), Some("application/json"));
    assert!(
        ping.header("user-agent")
            .is_some_and(|ua| ua.starts_with("GitHub-Hookshot/"))
    );
    assert_eq!(
        ping.header("x-github-hook-id"),
        Some(created.body["id"].to_string().as_str())
    );
    assert_eq!(
        ping.header("x-github-hook-installation-target-type"),
        Some("organization")
    );
    assert!(
        ping.header("x-github-hook-installation-target-id")
            .is_some()
    );
    let (sha256, sha1) = independent_signatures("s3cret", &ping.body);
    assert_eq!(ping.header("x-hub-signature-256"), Some(sha256.as_str()));
    assert_eq!(ping.header("x-hub-signature"), Some(sha1.as_str()));
    let payload = ping.payload().unwrap();
    assert_eq!(payload["hook_id"], created.body["id"]);
    assert_eq!(payload["hook"]["config"]["secret"], "********");
    assert_eq!(payload["organization"]["login"], "octocat");
    assert_eq!(payload["sender"]["type"], "User");
    assert!(payload["zen"].is_string());

    settle(&fake).await;
    let hook = created.body["id"].as_u64().unwrap();
    let records = fake.state().deliveries(hook);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].guid, ping.guid().unwrap());
    assert_eq!(
        (records[0].status.as_str(), records[0].status_code),
        ("OK", 200)
    );
    assert_eq!(records[0].response_payload, "hookspec receiver: 200");
}

#[tokio::test]
async fn the_records_request_headers_are_the_headers_the_receiver_got() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let hook = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new(receiver.url())
            .content_type("json")
            .secret("s3cret"),
    );
    let record = ping_and_settle(&fake, hook).await;
    let got = receiver.wait_for(1, WAIT).await;
    let on_the_wire: std::collections::BTreeMap<String, String> = got[0]
        .headers
        .iter()
        .filter(|(name, _)| name != "host" && name != "content-length")
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let recorded: std::collections::BTreeMap<String, String> = record
        .request_headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
        .collect();
    assert_eq!(recorded, on_the_wire);
    // Each value the delivery wrote for itself, not a fixed text.
    assert_eq!(recorded["x-github-delivery"], record.guid);
    assert_eq!(recorded["x-github-hook-id"], hook.to_string());
    let (sha256, sha1) = independent_signatures("s3cret", &got[0].body);
    assert_eq!(
        (
            &recorded["x-hub-signature-256"],
            &recorded["x-hub-signature"]
        ),
        (&sha256, &sha1)
    );
}

#[tokio::test]
async fn a_form_hook_sends_the_url_encoded_payload_signed_over_the_form_bytes() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let hook = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new(receiver.url())
            .content_type("form")
            .secret("k"),
    );
    let api = Api::new(&fake.uri());
    api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    let got = receiver.wait_for(1, WAIT).await;
    let ping = &got[0];
    assert_eq!(
        ping.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(ping.body.starts_with(b"payload=%7B"));
    let (sha256, _) = independent_signatures("k", &ping.body);
    assert_eq!(ping.header("x-hub-signature-256"), Some(sha256.as_str()));
    assert_eq!(ping.payload().unwrap()["hook_id"], hook);
}

#[tokio::test]
async fn a_hook_without_a_secret_gets_no_signature_headers() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    Api::new(&fake.uri())
        .post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    let ping = &receiver.wait_for(1, WAIT).await[0];
    assert_eq!(ping.header("x-hub-signature-256"), None);
    assert_eq!(ping.header("x-hub-signature"), None);
}

#[tokio::test]
async fn a_receiver_answering_500_is_a_failed_delivery_with_its_answer_recorded() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Status(500));
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    let api = Api::new(&fake.uri());
    api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    settle(&fake).await;
    let record = &fake.state().deliveries(hook)[0];
    assert_eq!(
        (record.status.as_str(), record.status_code),
        ("Invalid HTTP Response: 500", 500)
    );
    assert_eq!(record.response_payload, "hookspec receiver: 500");
    assert_eq!(&record.response_headers["content-type"], "text/plain");
    let failures = api
        .get(&format!(
            "/orgs/octocat/hooks/{hook}/deliveries?status=failure"
        ))
        .await;
    assert_eq!(failures.body.as_array().map(Vec::len), Some(1));
    let successes = api
        .get(&format!(
            "/orgs/octocat/hooks/{hook}/deliveries?status=success"
        ))
        .await;
    assert_eq!(successes.body, json!([]));
}

#[tokio::test]
async fn a_closed_port_is_a_connection_the_network_refused() {
    let fake = FakeGitHub::start().await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let hook = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new(format!("http://127.0.0.1:{port}/hook")),
    );
    let record = &ping_and_settle(&fake, hook).await;
    // GitHub's troubleshooting docs: a refused connection is "failed to connect to network";
    // "failed to connect to host" is a host that cannot be reached at all.
    assert_eq!(
        (record.status.as_str(), record.status_code),
        ("failed to connect to network", 502)
    );
}

/// Pings `hook` and waits for its record: the hook's newest.
async fn ping_and_settle(fake: &FakeGitHub, hook: u64) -> hookspec_mock::Delivery {
    Api::new(&fake.uri())
        .post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    settle(fake).await;
    fake.state().deliveries(hook).pop().unwrap()
}

/// A fake delivering with `timeout` to a receiver that holds every answer until released,
/// and a ping on its way there: the fake, the receiver and the hook's id.
async fn ping_a_holding_receiver(timeout: Duration) -> (FakeGitHub, Receiver, u64) {
    let fake = FakeGitHub::start_with(FakeConfig::default().with_delivery_timeout(timeout)).await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Hold(200));
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    let ping = Api::new(&fake.uri())
        .post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    assert_eq!(ping.status, 204);
    (fake, receiver, hook)
}

#[tokio::test]
async fn the_api_answers_while_the_receiver_still_holds_the_delivery() {
    let (fake, receiver, hook) = ping_a_holding_receiver(HOUR).await;
    assert_eq!(receiver.wait_for(1, WAIT).await.len(), 1);
    // The receiver has it and has not answered: on its way, and not yet recorded.
    assert_eq!(fake.state().pending_deliveries(), 1);
    assert!(fake.state().deliveries(hook).is_empty());
    receiver.release();
    settle(&fake).await;
    assert_eq!(fake.state().deliveries(hook)[0].status, "OK");
}

#[tokio::test]
async fn a_receiver_that_hangs_times_out_at_the_configured_timeout() {
    let (fake, _receiver, hook) = ping_a_holding_receiver(Duration::from_millis(200)).await;
    settle(&fake).await;
    let record = &fake.state().deliveries(hook)[0];
    assert_eq!(
        (record.status.as_str(), record.status_code),
        ("timed out", 504)
    );
    assert!(record.duration >= 0.2, "{}", record.duration);
}

#[tokio::test]
async fn a_receiver_that_stalls_its_answers_body_times_out_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A receiver that answers the head of a 10-byte body, sends 2 bytes, and stops there.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (done, finished) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0; 64 * 1024];
        let _ = stream.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nok";
        stream.write_all(head.as_bytes()).await.unwrap();
        // Held open, silent, until the test ends.
        let _ = finished.await;
    });
    let fake = FakeGitHub::start_with(
        FakeConfig::default().with_delivery_timeout(Duration::from_millis(200)),
    )
    .await;
    let hook = fake.state().insert_org_hook("octocat", HookSeed::new(url));
    let record = &ping_and_settle(&fake, hook).await;
    assert_eq!(
        (record.status.as_str(), record.status_code),
        ("timed out", 504)
    );
    drop(done);
}

#[tokio::test]
async fn an_answers_body_is_kept_up_to_64_kib_read_lossily_and_past_that_not_at_all() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A receiver whose first answer's body is 64 KiB, in two writes, starting with a byte
    // that is not UTF-8, and whose second answer's body is a byte longer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for length in [64 * 1024, 64 * 1024 + 1] {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = vec![0; 64 * 1024];
            let _ = stream.read(&mut request).await;
            let mut head =
                format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n")
                    .into_bytes();
            head.push(0xff);
            stream.write_all(&head).await.unwrap();
            stream.flush().await.unwrap();
            stream.write_all(&vec![b'a'; length - 1]).await.unwrap();
        }
    });
    let fake = FakeGitHub::start().await;
    let hook = fake.state().insert_org_hook("octocat", HookSeed::new(url));
    let kept = ping_and_settle(&fake, hook).await;
    assert_eq!((kept.status.as_str(), kept.status_code), ("OK", 200));
    assert_eq!(
        kept.response_payload,
        format!("\u{fffd}{}", "a".repeat(64 * 1024 - 1))
    );
    let too_long = &ping_and_settle(&fake, hook).await;
    assert_eq!(
        (too_long.status.as_str(), too_long.status_code),
        ("OK", 200)
    );
    assert_eq!(too_long.response_payload, "");
}

#[tokio::test]
async fn a_receiver_that_drops_the_connection_is_a_failed_delivery() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer_next(ReceiverAnswer::Close);
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    let api = Api::new(&fake.uri());
    api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    settle(&fake).await;
    let record = &fake.state().deliveries(hook)[0];
    assert_eq!(record.status_code, 502);
    assert_ne!(record.status, "OK");
    assert_eq!(receiver.received().len(), 1);
    // The broken connection is not kept: the next delivery goes over a new one.
    api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    settle(&fake).await;
    assert_eq!(fake.state().deliveries(hook)[1].status, "OK");
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_ne!(got[0].from, got[1].from);
}

#[tokio::test]
async fn redelivery_resends_the_same_payload_under_the_same_guid() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer_next(ReceiverAnswer::Status(502));
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()));
    let api = Api::new(&fake.uri());
    api.post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    settle(&fake).await;
    let failed = fake.state().deliveries(hook)[0].clone();
    assert_eq!(failed.status_code, 502);
    let again = api
        .post_empty(&format!(
            "/orgs/octocat/hooks/{hook}/deliveries/{}/attempts",
            failed.id
        ))
        .await;
    assert_eq!(again.status, 202);
    settle(&fake).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(got[0].guid(), got[1].guid());
    let records = fake.state().deliveries(hook);
    assert_eq!(records.len(), 2);
    assert!(records[1].redelivery);
    assert_eq!(
        (records[1].guid.as_str(), records[1].status_code),
        (failed.guid.as_str(), 200)
    );
}

#[tokio::test]
async fn an_inactive_hook_sends_nothing() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new(receiver.url()).active(false));
    let api = Api::new(&fake.uri());
    let ping = api
        .post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    assert_eq!(ping.status, 204);
    let sent = fake
        .state()
        .emit_org_event("octocat", "push", json!({}))
        .unwrap();
    assert_eq!(sent, Vec::<u64>::new());
    settle(&fake).await;
    assert!(fake.state().deliveries(hook).is_empty());
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn an_emitted_push_reaches_only_the_hooks_subscribed_to_it() {
    let fake = FakeGitHub::start().await;
    let (push, issues, every) = (
        Receiver::start().await.unwrap(),
        Receiver::start().await.unwrap(),
        Receiver::start().await.unwrap(),
    );
    let state = fake.state();
    let push_hook = state.insert_org_hook("octocat", HookSeed::new(push.url()).events(["push"]));
    let issues_hook =
        state.insert_org_hook("octocat", HookSeed::new(issues.url()).events(["issues"]));
    let every_hook = state.insert_org_hook("octocat", HookSeed::new(every.url()).events(["*"]));
    let payload = json!({ "ref": "refs/heads/main", "repository": { "id": 42 } });
    let sent = state
        .emit_org_event("octocat", "push", payload.clone())
        .unwrap();
    assert_eq!(sent.len(), 2);
    settle(&fake).await;
    assert_eq!(push.received().len(), 1);
    assert_eq!(every.received().len(), 1);
    assert!(issues.received().is_empty());
    assert_eq!(push.received()[0].event(), Some("push"));
    assert_eq!(push.received()[0].payload(), Some(payload));
    assert!(state.deliveries(issues_hook).is_empty());
    for hook in [push_hook, every_hook] {
        let records = state.deliveries(hook);
        assert_eq!(records.len(), 1);
        assert_eq!(
            (records[0].event.as_str(), records[0].repository_id),
            ("push", Some(42))
        );
    }
    let listed = FakeGitHub::start_with(FakeConfig::default().only_orgs(["octocat"])).await;
    assert_eq!(
        listed
            .state()
            .emit_org_event("nobody", "push", json!({}))
            .unwrap_err()
            .to_string(),
        "no organization `nobody`"
    );
}

#[tokio::test]
async fn an_emitted_event_reaches_global_hooks_with_the_global_target_type() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    fake.state()
        .insert_global_hook(HookSeed::new(receiver.url()).events(["user"]));
    let sent = fake
        .state()
        .emit_global_event("user", json!({ "action": "created" }));
    assert_eq!(sent.len(), 1);
    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(
        got[0].header("x-github-hook-installation-target-type"),
        Some("global")
    );
    assert_eq!(got[0].event(), Some("user"));
}

#[tokio::test]
async fn a_non_loopback_url_is_refused_by_default_and_says_why() {
    let fake = FakeGitHub::start().await;
    let hook = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new("https://example.com/hook"));
    let ping = Api::new(&fake.uri())
        .post_empty(&format!("/orgs/octocat/hooks/{hook}/pings"))
        .await;
    assert_eq!(ping.status, 204);
    // Refused at once: nothing was sent, so nothing is pending.
    assert_eq!(fake.state().pending_deliveries(), 0);
    let record = &fake.state().deliveries(hook)[0];
    assert_eq!(record.status_code, 502);
    assert!(record.status.contains("loopback"), "{}", record.status);
    let failures = Api::new(&fake.uri())
        .get(&format!(
            "/orgs/octocat/hooks/{hook}/deliveries?status=failure"
        ))
        .await;
    assert_eq!(
        failures.body.as_array().map(Vec::len),
        Some(1),
        "a delivery that was not sent is a failure"
    );
    assert!(record.status.contains("example.com"), "{}", record.status);
}
