//! Benchmark of the fake beside a bare wiremock server, printed as figures and ratios:
//!
//! - requests/s and p50/p99 latency for GET one hook and POST a hook, at concurrency 1 and 16,
//!   against `FakeGitHub` and against a bare `MockServer` with one static mock for the same path;
//! - the time to start the fake vs the bare server;
//! - a list request with 10 000 hooks in state vs an empty list;
//! - peak memory (VmHWM) of the `hookspec-mock` binary after N requests.
//!
//! `cargo bench -p hookspec-mock --bench fake` runs it fully (N = 1 000 000). Smaller runs:
//! `HOOKSPEC_BENCH_MEMORY_REQUESTS=50000 HOOKSPEC_BENCH_REQUESTS=2000 cargo bench -p hookspec-mock --bench fake`.
//! `HOOKSPEC_BENCH_ONLY=handler,start,throughput,list,memory` picks sections. Everything is on
//! loopback, and every loop is bounded in count and in time. Run without
//! `--bench` (as `cargo test --benches` does) it only smoke-tests itself with tiny counts.

// A benchmark that cannot set itself up should stop right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hookspec_mock::{FakeGitHub, HookSeed};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// How much to do.
struct Settings {
    /// Requests per throughput measurement.
    requests: usize,
    /// Requests sent to the binary before reading its peak memory.
    memory_requests: usize,
    /// Starts measured per server kind.
    starts: usize,
    /// The longest any one measurement may run.
    time_cap: Duration,
}

fn settings() -> Settings {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.replace('_', "").parse().ok())
            .unwrap_or(default)
    };
    if std::env::args().any(|arg| arg == "--bench") {
        Settings {
            requests: env("HOOKSPEC_BENCH_REQUESTS", 4000),
            memory_requests: env("HOOKSPEC_BENCH_MEMORY_REQUESTS", 1_000_000),
            starts: env("HOOKSPEC_BENCH_STARTS", 30),
            time_cap: Duration::from_secs(env("HOOKSPEC_BENCH_TIME_CAP_SECS", 900) as u64),
        }
    } else {
        Settings {
            requests: 64,
            memory_requests: 500,
            starts: 3,
            time_cap: Duration::from_secs(30),
        }
    }
}

/// Throughput and latency of one run.
struct Stats {
    count: usize,
    rps: f64,
    p50: Duration,
    p99: Duration,
}

/// What one request of a run is.
#[derive(Clone, Copy)]
enum Call {
    GetHook,
    PostHook,
    List(&'static str),
}

async fn send(client: &reqwest::Client, base: &str, call: Call) -> u16 {
    let request = match call {
        Call::GetHook => client.get(format!("{base}/orgs/octocat/hooks/1")),
        Call::PostHook => client
            .post(format!("{base}/orgs/octocat/hooks"))
            .json(&json!({ "name": "web", "config": { "url": "https://example.com/hook" } })),
        Call::List(path) => client.get(format!("{base}{path}")),
    };
    let response = request
        .bearer_auth("bench")
        .send()
        .await
        .expect("loopback request");
    let status = response.status().as_u16();
    let _ = response.bytes().await.expect("loopback body");
    status
}

/// Latencies of the requests of one or more runs, and the time they took.
#[derive(Default)]
struct Samples {
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Samples {
    fn stats(mut self) -> Stats {
        self.latencies.sort_unstable();
        let n = self.latencies.len();
        let at = |q: f64| {
            self.latencies
                .get(((n as f64 * q) as usize).min(n.saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        Stats {
            count: n,
            rps: n as f64 / self.elapsed.as_secs_f64().max(1e-9),
            p50: at(0.50),
            p99: at(0.99),
        }
    }
}

/// Sends `total` requests from `concurrency` tasks (stopping early at the time cap).
async fn drive(
    client: &reqwest::Client,
    base: &str,
    call: Call,
    concurrency: usize,
    total: usize,
    cap: Duration,
) -> Samples {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + cap;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, base, next) = (client.clone(), base.to_owned(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < total && Instant::now() < deadline {
                let sent = Instant::now();
                let status = send(&client, &base, call).await;
                assert!((200..300).contains(&status), "status {status}");
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    Samples {
        latencies,
        elapsed: started.elapsed(),
    }
}

/// Measures several targets in alternating rounds, so that background load on a shared
/// machine falls on all of them alike; `total` requests per target in all.
async fn interleaved(
    targets: &[(&str, Call)],
    concurrency: usize,
    total: usize,
    cap: Duration,
) -> Vec<Stats> {
    const ROUNDS: usize = 5;
    let clients: Vec<reqwest::Client> = targets.iter().map(|_| reqwest::Client::new()).collect();
    for ((base, call), client) in targets.iter().zip(&clients) {
        for _ in 0..20.min(total) {
            send(client, base, *call).await; // warm each connection pool
        }
    }
    let mut samples: Vec<Samples> = targets.iter().map(|_| Samples::default()).collect();
    for _ in 0..ROUNDS {
        for (((base, call), client), acc) in targets.iter().zip(&clients).zip(samples.iter_mut()) {
            let run = drive(
                client,
                base,
                *call,
                concurrency,
                total.div_ceil(ROUNDS),
                cap / ROUNDS as u32,
            )
            .await;
            acc.latencies.extend(run.latencies);
            acc.elapsed += run.elapsed;
        }
    }
    samples.into_iter().map(Samples::stats).collect()
}

/// Drops a wiremock server from a fresh scheduler tick. `MockServer`'s `Drop` blocks on a tokio
/// lock; in a task whose coop budget is spent (many awaits that were ready at once, as in a
/// tight start/drop loop) that poll never makes progress and spins, so yield first.
async fn drop_server<T>(server: T) {
    tokio::task::yield_now().await;
    drop(server);
}

fn micros(d: Duration) -> String {
    format!("{:.0}µs", d.as_secs_f64() * 1e6)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "meets target" } else { "MISSES target" }
}

/// A bare wiremock server with one static mock per path, answering exactly what the fake
/// answers (same status, headers and body), so that the comparison measures the fake's work and
/// not a difference in response size.
async fn bare_server(fake: &FakeGitHub) -> MockServer {
    use hookspec_mock::FakeRequest;
    let template = |request: FakeRequest| {
        let response = fake
            .fake()
            .handle(&request.with_header("authorization", "Bearer bench"));
        let mut template = ResponseTemplate::new(response.status);
        for (name, value) in &response.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        template.set_body_bytes(response.body)
    };
    let get = template(FakeRequest::new(
        "GET",
        &fake.uri(),
        "/orgs/octocat/hooks/1",
    ));
    let create = json!({ "name": "web", "config": { "url": "https://example.com/hook" } });
    let post = template(
        FakeRequest::new("POST", &fake.uri(), "/orgs/octocat/hooks").with_body(create.to_string()),
    );
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orgs/octocat/hooks/1"))
        .respond_with(get)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/orgs/octocat/hooks"))
        .respond_with(post)
        .mount(&server)
        .await;
    server
}

async fn throughput(settings: &Settings) {
    println!(
        "\n== throughput and latency ({} requests a run, reqwest on loopback) ==",
        settings.requests
    );
    println!(
        "{:<10} {:>4}  {:>26}  {:>26}  {:>7}",
        "request", "conc", "fake (req/s p50 p99)", "bare wiremock (req/s p50 p99)", "ratio"
    );
    for call in [Call::GetHook, Call::PostHook] {
        for concurrency in [1, 16] {
            // A fresh pair per run, so that neither carries the other's recorded requests.
            let fake = FakeGitHub::start().await;
            fake.state()
                .insert_org_hook("octocat", HookSeed::new("https://example.com/hook"));
            let bare = bare_server(&fake).await;
            let (fake_uri, bare_uri) = (fake.uri(), bare.uri());
            let mut stats = interleaved(
                &[(&fake_uri, call), (&bare_uri, call)],
                concurrency,
                settings.requests,
                settings.time_cap,
            )
            .await;
            let bare_stats = stats.pop().unwrap();
            let fake_stats = stats.pop().unwrap();
            let ratio = fake_stats.rps / bare_stats.rps;
            let name = match call {
                Call::GetHook => "GET hook",
                Call::PostHook => "POST hook",
                Call::List(_) => "list",
            };
            println!(
                "{name:<10} {concurrency:>4}  {:>8.0} {:>8} {:>8}  {:>8.0} {:>8} {:>8}  {ratio:>6.2}x  {} (>= 0.8x bare; {}+{} requests)",
                fake_stats.rps,
                micros(fake_stats.p50),
                micros(fake_stats.p99),
                bare_stats.rps,
                micros(bare_stats.p50),
                micros(bare_stats.p99),
                verdict(ratio >= 0.8),
                fake_stats.count,
                bare_stats.count,
            );
            drop_server(fake).await;
            drop_server(bare).await;
        }
    }
}

async fn start_time(settings: &Settings) {
    let mut fake_times = Vec::new();
    let mut bare_times = Vec::new();
    for _ in 0..settings.starts {
        let started = Instant::now();
        let fake = FakeGitHub::start().await;
        fake_times.push(started.elapsed());
        drop_server(fake).await;
        let started = Instant::now();
        let bare = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/orgs/octocat/hooks/1"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&bare)
            .await;
        bare_times.push(started.elapsed());
        drop_server(bare).await;
    }
    fake_times.sort_unstable();
    bare_times.sort_unstable();
    let (fake, bare) = (
        fake_times[fake_times.len() / 2],
        bare_times[bare_times.len() / 2],
    );
    let ratio = fake.as_secs_f64() / bare.as_secs_f64();
    println!("\n== start time (median of {}) ==", settings.starts);
    println!(
        "fake {}  bare {}  ratio {ratio:.2}x  {} (within 2x bare)",
        micros(fake),
        micros(bare),
        verdict(ratio <= 2.0)
    );
}

async fn list_cost(settings: &Settings) {
    let fake = FakeGitHub::start().await;
    let state = fake.state();
    state.add_org("empty");
    state.add_org("small");
    for i in 0..10_000 {
        state.insert_org_hook("octocat", HookSeed::new(format!("https://example.com/{i}")));
    }
    for i in 0..30 {
        state.insert_org_hook("small", HookSeed::new(format!("https://example.com/{i}")));
    }
    let runs = settings.requests / 2;
    let uri = fake.uri();
    let stats = interleaved(
        &[
            (&uri, Call::List("/orgs/octocat/hooks")),
            (
                &uri,
                Call::List("/orgs/octocat/hooks?per_page=100&page=100"),
            ),
            (&uri, Call::List("/orgs/small/hooks")),
            (&uri, Call::List("/orgs/empty/hooks")),
        ],
        1,
        runs,
        settings.time_cap,
    )
    .await;
    let (big, big_last, small, empty) = (&stats[0], &stats[1], &stats[2], &stats[3]);
    let ratio = big.p50.as_secs_f64() / empty.p50.as_secs_f64();
    println!("\n== list with 10 000 hooks in state (p50, concurrency 1, {runs} requests each) ==");
    println!("10k hooks, first page of 30:   {}", micros(big.p50));
    println!("10k hooks, last page of 100:   {}", micros(big_last.p50));
    println!("30 hooks, one page of 30:      {}", micros(small.p50));
    println!("empty list:                    {}", micros(empty.p50));
    println!(
        "10k vs empty {ratio:.2}x  {} (within 2x of empty); 10k vs 30 hooks (same page) {:.2}x",
        verdict(ratio <= 2.0),
        big.p50.as_secs_f64() / small.p50.as_secs_f64()
    );
}

/// Peak and current resident memory of a process, in kB, from /proc.
fn memory_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

async fn binary_memory(settings: &Settings) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookspec-mock"))
        .args(["--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the hookspec-mock binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("a listening line")
        .to_owned();
    std::thread::spawn(move || {
        let _ = std::io::copy(
            &mut stdout.into_inner().take(u64::MAX),
            &mut std::io::sink(),
        );
    });
    let pid = child.id();
    let before = memory_kb(pid);

    let client = reqwest::Client::new();
    let mut hook_ids = Vec::new();
    for i in 0..10 {
        let created: Value = client
            .post(format!("{base}/orgs/octocat/hooks"))
            .bearer_auth("bench")
            .json(&json!({ "name": "web", "config": { "url": format!("https://example.com/{i}"), "secret": "s" } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        hook_ids.push(created["id"].as_u64().unwrap());
    }
    let hook_ids = Arc::new(hook_ids);

    // A mix that keeps state bounded: reads, lists, updates, and creates each deleted again.
    let total = settings.memory_requests;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + settings.time_cap;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (client, base, next, hook_ids) =
            (client.clone(), base.clone(), next.clone(), hook_ids.clone());
        tasks.push(tokio::spawn(async move {
            let mut sent = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    return sent;
                }
                let hook = hook_ids[i % hook_ids.len()];
                let request = match i % 8 {
                    0..=3 => client.get(format!("{base}/orgs/octocat/hooks/{hook}")),
                    4 => client.get(format!("{base}/orgs/octocat/hooks?per_page=5")),
                    5 => client.patch(format!("{base}/orgs/octocat/hooks/{hook}/config")).json(&json!({ "insecure_ssl": "0" })),
                    6 => client.get(format!("{base}/api/v3/orgs/octocat/hooks/{hook}/config")),
                    _ => {
                        let created: Value = client
                            .post(format!("{base}/orgs/octocat/hooks"))
                            .bearer_auth("bench")
                            .json(&json!({ "name": "web", "config": { "url": "https://example.com/tmp" } }))
                            .send()
                            .await
                            .unwrap()
                            .json()
                            .await
                            .unwrap();
                        sent += 1;
                        client.delete(format!("{base}/orgs/octocat/hooks/{}", created["id"]))
                    }
                };
                let response = request.bearer_auth("bench").send().await.unwrap();
                assert!(response.status().is_success(), "{}", response.status());
                let _ = response.bytes().await.unwrap();
                sent += 1;
            }
        }));
    }
    let mut sent = 0;
    for task in tasks {
        sent += task.await.unwrap();
    }
    let elapsed = started.elapsed();
    let after = memory_kb(pid);
    let _ = child.kill();
    let _ = child.wait();

    println!("\n== hookspec-mock binary memory ==");
    match (before, after) {
        (Some((_, rss_before)), Some((hwm, rss))) => {
            let mb = hwm as f64 / 1024.0;
            println!(
                "{sent} requests in {:.1}s ({:.0} req/s, concurrency 16): VmHWM {mb:.1} MB (VmRSS {:.1} MB, {:.1} MB at start)  {} (under 100 MB after 1M requests)",
                elapsed.as_secs_f64(),
                sent as f64 / elapsed.as_secs_f64(),
                rss as f64 / 1024.0,
                rss_before as f64 / 1024.0,
                verdict(mb < 100.0),
            );
            if sent < 1_000_000 {
                println!(
                    "(N = {sent}: set HOOKSPEC_BENCH_MEMORY_REQUESTS=1000000 for the full figure)"
                );
            }
        }
        _ => println!("/proc/{pid}/status is not readable here: no memory figure"),
    }
}

/// The handler alone, without HTTP: how much of a request's time is the fake's own work.
fn handler_cost(settings: &Settings) {
    use hookspec_mock::{Fake, FakeRequest};
    let fake = Fake::default();
    let state = fake.state();
    state.add_org("empty");
    state.add_org("sink");
    for i in 0..10_000 {
        state.insert_org_hook("octocat", HookSeed::new(format!("https://example.com/{i}")));
    }
    let request = |method: &str, path: &str, body: &str| {
        FakeRequest::new(method, "http://127.0.0.1:1", path)
            .with_header("authorization", "Bearer bench")
            .with_header("accept", "*/*")
            .with_header("user-agent", "bench")
            .with_body(body.as_bytes().to_vec())
    };
    let create = r#"{"name":"web","config":{"url":"https://example.com/hook"}}"#;
    let cases = [
        ("GET one hook", request("GET", "/orgs/octocat/hooks/1", "")),
        ("POST a hook", request("POST", "/orgs/sink/hooks", create)),
        (
            "list 30 of 10k hooks",
            request("GET", "/orgs/octocat/hooks", ""),
        ),
        ("list an empty org", request("GET", "/orgs/empty/hooks", "")),
    ];
    let calls = settings.requests * 5;
    println!("\n== the handler alone, no HTTP (mean of {calls} calls) ==");
    for (name, request) in &cases {
        let started = Instant::now();
        for _ in 0..calls {
            let response = fake.handle(request);
            assert!(response.status < 300, "{name}: {}", response.status);
        }
        let each = started.elapsed() / calls as u32;
        println!("{name:<22} {:.1}µs", each.as_secs_f64() * 1e6);
    }

    // What wiremock calls per request: the fake's responder (request conversion, handler,
    // response template) beside the bare server's, a static template cloned.
    use wiremock::Respond;
    let responder = hookspec_mock::FakeResponder::new(fake.clone());
    let Ok(url) = url::Url::parse("http://127.0.0.1:1/orgs/octocat/hooks/1") else {
        return;
    };
    let mut headers = wiremock::http::HeaderMap::new();
    for (name, value) in [
        ("authorization", "Bearer bench"),
        ("accept", "*/*"),
        ("user-agent", "bench"),
        ("host", "127.0.0.1:1"),
    ] {
        if let (Ok(name), Ok(value)) = (
            wiremock::http::HeaderName::from_bytes(name.as_bytes()),
            wiremock::http::HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    let wiremock_request = wiremock::Request {
        url,
        method: wiremock::http::Method::GET,
        headers,
        body: Vec::new(),
    };
    let fixed = responder.respond(&wiremock_request);
    let timed = |respond: &dyn Respond| {
        let started = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(respond.respond(&wiremock_request));
        }
        started.elapsed() / calls as u32
    };
    let fake_each = timed(&responder);
    let bare_each = timed(&fixed);
    println!(
        "GET one hook through the wiremock responder {:.1}µs, a static template {:.1}µs",
        fake_each.as_secs_f64() * 1e6,
        bare_each.as_secs_f64() * 1e6
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let settings = settings();
    println!(
        "hookspec-mock benchmark (fake = FakeGitHub on wiremock; bare = MockServer with one static mock)"
    );
    let only = std::env::var("HOOKSPEC_BENCH_ONLY").unwrap_or_default();
    let run = |section: &str| only.is_empty() || only.split(',').any(|s| s.trim() == section);
    if run("handler") {
        handler_cost(&settings);
    }
    if run("start") {
        start_time(&settings).await;
    }
    if run("throughput") {
        throughput(&settings).await;
    }
    if run("list") {
        list_cost(&settings).await;
    }
    if run("memory") {
        binary_memory(&settings).await;
    }
}
