//! Deliveries per second: the fake's delivery engine sending pings to a loopback receiver,
//! beside a plain hyper-util client posting the same signed bytes with the engine's global bound (64 in
//! flight) on the same kind of runtime (one thread), in alternating rounds. The engine sends
//! at most 8 at once to any one receiver (its per-receiver lane), so to this single receiver
//! it has 8 in flight where the plain client has 64.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hookspec_mock::{Fake, FakeConfig, FakeRequest, HookSeed};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::Settings;
use crate::floor::{Floor, Seen};
use crate::load;

/// The engine's bound.
const IN_FLIGHT: usize = 64;

pub async fn deliveries(settings: &Settings) {
    let receiver = Floor::receiver();
    let total = settings.deliveries;
    let fake = Fake::new(FakeConfig {
        record_requests: false,
        // The pings are asked for in one burst, far faster than any receiver takes them: let
        // them all wait their turn rather than be recorded as refused.
        max_pending_deliveries: total,
        max_pending_bytes: usize::MAX,
        ..FakeConfig::default()
    });
    let state = fake.state();
    let hook = state.insert_org_hook(
        "octocat",
        HookSeed::new(format!("http://{}/hook", receiver.address))
            .secret("s3cret")
            .content_type("json"),
    );
    let ping = FakeRequest::new(
        "POST",
        "http://127.0.0.1:1",
        &format!("/orgs/octocat/hooks/{hook}/pings"),
    )
    .with_header("authorization", "Bearer bench");

    // Alternating rounds, as the request rows do, so that background load on a shared machine
    // falls on both alike: the fake (every ping answers 204 at once and is delivered in the
    // background), then a plain client posting the same bytes.
    const ROUNDS: usize = 8;
    let per_round = total.div_ceil(ROUNDS);
    let url = format!("http://{}/hook", receiver.address);
    let (mut fake_elapsed, mut plain_elapsed) = (Duration::ZERO, Duration::ZERO);
    let (mut fake_rounds, mut plain_rounds) = (Vec::new(), Vec::new());
    let (mut api_time, mut slowest_call) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..per_round {
            let sent = Instant::now();
            let response = fake.handle(&ping);
            slowest_call = slowest_call.max(sent.elapsed());
            assert_eq!(response.status, 204);
        }
        api_time += started.elapsed();
        state
            .wait_for_deliveries(settings.time_cap)
            .await
            .expect("every delivery recorded");
        fake_elapsed += started.elapsed();
        fake_rounds.push(per_round as f64 / started.elapsed().as_secs_f64());

        let seen: Seen = receiver.first.lock().unwrap().clone().expect("a delivery");
        let url = url.clone();
        let plain = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(plain_posts(url, seen, per_round))
        })
        .join()
        .unwrap();
        plain_elapsed += plain;
        plain_rounds.push(per_round as f64 / plain.as_secs_f64());
    }
    let records = state.deliveries(hook);
    assert!(records.iter().all(|d| d.status_code == 200));
    let total = per_round * ROUNDS;

    let fake_rate = total as f64 / fake_elapsed.as_secs_f64();
    let plain_rate = total as f64 / plain_elapsed.as_secs_f64();
    // As the request rows: the median over the rounds of each round's ratio.
    let ratio = load::median_ratio(&fake_rounds, &plain_rounds);
    println!(
        "\n== deliveries to a loopback receiver ({total} pings; plain client {IN_FLIGHT} in flight, engine 8 per receiver) =="
    );
    println!(
        "fake {fake_rate:.0}/s  plain hyper client {plain_rate:.0}/s  {ratio:.2}x (median of {ROUNDS} paired rounds)  {} (>= 0.8x)",
        load::verdict(ratio >= 0.8)
    );
    println!(
        "the {total} ping calls took {:.1} ms in all, the slowest {} (the API never waits for a delivery); {} records kept (cap per hook)",
        api_time.as_secs_f64() * 1e3,
        load::micros(slowest_call),
        records.len(),
    );
}

async fn plain_posts(url: String, seen: Seen, total: usize) -> Duration {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let bound = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..total {
        let permit = bound.clone().acquire_owned().await.unwrap();
        let (client, url, seen) = (client.clone(), url.clone(), seen.clone());
        tasks.spawn(async move {
            let mut request = hyper::Request::post(url.as_str());
            for (name, value) in &seen.headers {
                if name != "host" && name != "content-length" {
                    request = request.header(name, value);
                }
            }
            let request = request.body(Full::new(seen.body.clone())).unwrap();
            let response = client.request(request).await.expect("loopback post");
            assert!(response.status().is_success());
            let _ = response.into_body().collect().await;
            drop(permit);
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    started.elapsed()
}
