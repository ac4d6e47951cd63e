//! In-process: `FakeGitHub` (the fake on wiremock) beside a bare wiremock static mock answering
//! the same bytes, driven by the light hyper client at concurrency 16 and 1, and by reqwest at
//! 1 (the project's first bench); the handler alone; the time to start.
//!
//! The static mock is mounted on the fake's own server, at `/bare` + the path (which the fake
//! never sees: wiremock answers from the first mock that matches, and the fake's is last). Both
//! sides then run on the same server thread. On separate servers each side had a thread of its
//! own, and on this VM a thread that the kernel wakes on the other, idle vCPU answers a request
//! at concurrency 1 in about 100 µs instead of 25 µs, whichever server it serves: which side
//! got the slow placement decided the c=1 ratio (0.41x to 0.93x from one run to the next).

use std::time::Instant;

use hookspec_mock::{FakeGitHub, FakeRequest, HookSeed};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::Settings;
use crate::bare::same_answer;
use crate::load::{self, Call, Client, Target};

/// Drops a wiremock server from a fresh scheduler tick. `MockServer`'s `Drop` blocks on a tokio
/// lock; in a task whose coop budget is spent that poll never makes progress and spins.
pub async fn drop_server<T>(server: T) {
    tokio::task::yield_now().await;
    drop(server);
}

fn address(uri: &str) -> String {
    uri.trim_start_matches("http://").to_owned()
}

pub async fn throughput(settings: &Settings) {
    println!(
        "\n== in-process: FakeGitHub vs bare wiremock (same bytes), {} requests a run ==",
        settings.requests
    );
    load::header();
    for (client, concurrency, name) in [
        (Client::Hyper, 16, "FakeGitHub GET one hook (hyper client)"),
        (Client::Hyper, 1, "FakeGitHub GET one hook (hyper client)"),
        (Client::Reqwest, 16, "FakeGitHub GET one hook (reqwest)"),
        (Client::Reqwest, 1, "FakeGitHub GET one hook (reqwest)"),
    ] {
        // A fresh pair per run, so that neither carries the other's recorded requests.
        let fake = if std::env::var("HOOKSPEC_BENCH_NO_RECORD").is_ok() {
            FakeGitHub::start_with(hookspec_mock::FakeConfig {
                record_requests: false,
                ..Default::default()
            })
            .await
        } else {
            FakeGitHub::start().await
        };
        fake.state().insert_org_hook(
            "octocat",
            HookSeed::new("https://example.com/hook").secret("s3cret"),
        );
        let hook = "/orgs/octocat/hooks/1";
        let bare = format!("/bare{hook}");
        Mock::given(method("GET"))
            .and(path(bare.as_str()))
            .respond_with(same_answer(&fake, hook))
            .mount(fake.server())
            .await;
        let targets = [
            Target {
                address: address(&fake.uri()),
                call: Call::get(hook),
            },
            Target {
                address: address(&fake.uri()),
                call: Call::get(bare),
            },
        ];
        let stats = load::interleaved(
            &targets,
            client,
            concurrency,
            settings.requests,
            settings.time_cap,
        )
        .await;
        load::row(
            &format!("{name} vs bare wiremock"),
            concurrency,
            &stats[0],
            &stats[1],
            0.8,
        );
        drop_server(fake).await;
    }
}

pub async fn start_time(settings: &Settings) {
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
        "fake {:.2}µs  bare {:.2}µs  ratio {ratio:.2}x  {} (within 2x bare)",
        fake.as_secs_f64() * 1e6,
        bare.as_secs_f64() * 1e6,
        load::verdict(ratio <= 2.0)
    );
}

/// The handler alone, without HTTP: how much of a request's time is the fake's own work.
pub fn handler_cost(settings: &Settings) {
    use hookspec_mock::Fake;
    let fake = Fake::new(hookspec_mock::FakeConfig {
        record_requests: false,
        ..hookspec_mock::FakeConfig::default()
    });
    let state = fake.state();
    state.add_org("empty");
    state.add_org("sink");
    for i in 0..10_000 {
        state.insert_org_hook(
            "octocat",
            HookSeed::new(format!("https://example.com/{i}")).secret("s3cret"),
        );
    }
    let repo_hook = state.insert_repo_hook(
        "octocat/hello-world",
        HookSeed::new("https://example.com/repo").secret("s3cret"),
    );
    let repo_hook_path = format!("/repos/octocat/hello-world/hooks/{repo_hook}");
    let request = |method: &str, path: &str, body: &str| {
        FakeRequest::new(method, "http://127.0.0.1:1", path)
            .with_header("authorization", "Bearer bench")
            .with_header("accept", "*/*")
            .with_header("user-agent", "bench")
            .with_body(body.as_bytes().to_vec())
    };
    let cases = [
        ("GET one hook", request("GET", "/orgs/octocat/hooks/1", "")),
        (
            "GET one repository hook",
            request("GET", &repo_hook_path, ""),
        ),
        (
            "GET one hook's config",
            request("GET", "/orgs/octocat/hooks/1/config", ""),
        ),
        (
            "list 30 of 10k hooks",
            request("GET", "/orgs/octocat/hooks", ""),
        ),
        (
            "list page 100 of 100 (10k)",
            request("GET", "/orgs/octocat/hooks?per_page=100&page=100", ""),
        ),
        ("list an empty org", request("GET", "/orgs/empty/hooks", "")),
    ];
    let calls = settings.requests * 5;
    println!("\n== the handler alone, no HTTP, recording off (mean of {calls} calls) ==");
    for (name, request) in &cases {
        let started = Instant::now();
        for _ in 0..calls {
            let response = fake.handle(request);
            assert!(response.status < 300, "{name}: {}", response.status);
        }
        let each = started.elapsed() / calls as u32;
        println!("{name:<28} {:.1}µs", each.as_secs_f64() * 1e6);
    }
}
