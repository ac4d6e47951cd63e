//! A backlog to a receiver that never answers, beside the same work without one:
//!
//! - `fairness`: with N pings waiting on a receiver that holds every answer, how long a ping
//!   to another receiver takes to arrive, beside the same ping with no backlog; once with the
//!   api.github.com delivery timeout (10 s) and once with GHES's (30 s), both the product's own;
//! - `backlog-memory`: the binary's peak memory after M emits of 100 KB payloads to such a
//!   receiver, beside its memory at start.
//!
//! The held receiver is released at the end of each, so nothing waits for a timeout.

use std::time::{Duration, Instant};

use hookspec_mock::{Fake, FakeConfig, FakeRequest, HookSeed, Receiver, ReceiverAnswer};
use serde_json::json;

use crate::Settings;
use crate::binary::{Binary, create_hook, memory_kb};
use crate::load::{self, Call, Connection};

/// How long a ping to the other receiver may take with the backlog waiting.
const FAIR_GOAL: Duration = Duration::from_secs(1);

pub async fn fairness(settings: &Settings) {
    println!(
        "\n== fairness: a ping to one receiver while {} wait on another that never answers ==",
        settings.backlog
    );
    for (label, prefix) in [
        ("api.github.com, 10 s timeout", ""),
        ("GHES, 30 s timeout", "/api/v3"),
    ] {
        let (alone, behind) = fair_ping(settings.backlog, prefix).await;
        println!(
            "{label}: {} with the backlog, {} without  {} (< {} s)",
            load::micros(behind),
            load::micros(alone),
            load::verdict(behind < FAIR_GOAL),
            FAIR_GOAL.as_secs()
        );
    }
}

/// A ping's time to arrive at a fast receiver without, then with, `backlog` pings waiting on
/// a receiver that holds them; the pings go through paths under `prefix` (`/api/v3`: GHES's
/// 30 s timeout).
async fn fair_ping(backlog: usize, prefix: &str) -> (Duration, Duration) {
    let fake = Fake::new(FakeConfig {
        record_requests: false,
        ..FakeConfig::default()
    });
    let state = fake.state();
    let (slow, fast) = (
        Receiver::start().await.unwrap(),
        Receiver::start().await.unwrap(),
    );
    slow.answer(ReceiverAnswer::Hold(200));
    let slow_hook = state.insert_org_hook("octocat", HookSeed::new(slow.url()));
    let fast_hook = state.insert_org_hook("hubot", HookSeed::new(fast.url()));
    let ping = |org: &str, hook: u64| {
        let request = FakeRequest::new(
            "POST",
            "http://127.0.0.1:1",
            &format!("{prefix}/orgs/{org}/hooks/{hook}/pings"),
        )
        .with_header("authorization", "Bearer bench");
        assert_eq!(fake.handle(&request).status, 204);
    };
    // From the API call to the receiver having it: the `count`th delivery to the fast one.
    let fast_ping = |count: usize| {
        let started = Instant::now();
        ping("hubot", fast_hook);
        let fast = &fast;
        async move {
            let got = fast.wait_for(count, Duration::from_secs(60)).await;
            assert_eq!(got.len(), count, "the ping arrived");
            started.elapsed()
        }
    };

    // The first delivery starts the delivery thread and its clients: not part of either figure.
    let _ = fast_ping(1).await;
    let alone = fast_ping(2).await;
    for _ in 0..backlog {
        ping("octocat", slow_hook);
    }
    // Every backlog attempt the slow receiver's lane lets through is on its way before the
    // measured ping is sent.
    let _ = slow.wait_for(1, Duration::from_secs(60)).await;
    let behind = fast_ping(3).await;
    slow.release();
    state
        .wait_for_deliveries(Duration::from_secs(120))
        .await
        .expect("the backlog drains once released");
    (alone, behind)
}

pub async fn memory(settings: &Settings) {
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Hold(200));
    let binary = Binary::start();
    let pid = binary.pid();
    let at_start = memory_kb(pid);
    let mut connection = Connection::open(&binary.address).await;
    create_hook(
        &mut connection,
        json!({ "name": "web", "events": ["push"], "config": { "url": receiver.url(), "secret": "s", "content_type": "json" } }),
    )
    .await;
    let filler = "x".repeat(100 * 1024);
    let body = json!({ "ref": "refs/heads/main", "filler": filler }).to_string();
    let emit = Call::post("/_hookspec/orgs/octocat/events/push", &body);
    for _ in 0..settings.backlog_payloads {
        let (status, _, _) = connection.send(&emit).await;
        assert_eq!(status, 202);
    }
    let (_, _, pending) = connection
        .send(&Call::get("/_hookspec/deliveries/pending"))
        .await;
    let after = memory_kb(pid);
    receiver.release();
    drop(binary);

    println!(
        "\n== backlog memory: {} emits of 100 KB to a receiver that never answers (binary) ==",
        settings.backlog_payloads
    );
    match (at_start, after) {
        (Some((_, start)), Some((hwm, rss))) => {
            let mb = hwm as f64 / 1024.0;
            println!(
                "VmHWM {mb:.1} MB (VmRSS {:.1} MB) beside {:.1} MB at start; {} still queued  {} (< 150 MB)",
                rss as f64 / 1024.0,
                start as f64 / 1024.0,
                String::from_utf8_lossy(&pending),
                load::verdict(mb < 150.0),
            );
        }
        _ => println!("/proc/{pid}/status is not readable here: no memory figure"),
    }
}
