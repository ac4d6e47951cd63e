//! Benchmark of the fake, every row beside its baseline measured in the same run:
//!
//! - `binary`: the `hookspec-mock` binary vs the floor, a bare hyper server (inside this bench,
//!   on its own two-thread runtime) answering the same bytes: GET one hook and a page of 30
//!   hooks, concurrency 16;
//! - `inprocess`: `FakeGitHub` vs a bare wiremock `MockServer` answering the same bytes, GET one
//!   hook, at concurrency 16 and 1, driven by a light hyper client (one keep-alive connection
//!   per task) and by reqwest;
//! - `prism`: the binary vs Prism on the same GET (when `HOOKSPEC_BENCH_PRISM` names a `prism`
//!   executable, e.g. `node_modules/.bin/prism` after `npm install @stoplight/prism-cli`);
//! - `memory`: peak memory (VmHWM) of the binary after N requests, one in ten a ping delivered
//!   to a loopback receiver;
//! - `deliveries`: deliveries per second to a loopback receiver vs a plain hyper client posting
//!   the same signed bodies;
//! - `list`: a page of 100 from 10 000 hooks vs a page of 100 from 100 hooks;
//! - `fairness`: a ping to one receiver with N pings waiting on another that never answers, vs
//!   the same ping with none waiting (10 s and 30 s timeouts);
//! - `backlog-memory`: the binary's peak memory after M emits of 100 KB to such a receiver;
//! - `handler`, `start`: the handler alone without HTTP, and the time to start the fake.
//!
//! `cargo bench -p hookspec-mock --bench fake` runs it fully. Knobs: `HOOKSPEC_BENCH_REQUESTS`
//! (per throughput measurement, default 20 000), `HOOKSPEC_BENCH_MEMORY_REQUESTS` (default
//! 1 000 000), `HOOKSPEC_BENCH_DELIVERIES` (default 40 000, in rounds of 2 500), `HOOKSPEC_BENCH_STARTS` (30),
//! `HOOKSPEC_BENCH_BACKLOG` (pings waiting in the fairness rows, 1 000),
//! `HOOKSPEC_BENCH_BACKLOG_PAYLOADS` (100 KB emits in the backlog memory row, 2 000),
//! `HOOKSPEC_BENCH_TIME_CAP_SECS` (the longest one measurement may run, 900),
//! `HOOKSPEC_BENCH_BINARY` (another `hookspec-mock` executable to measure),
//! `HOOKSPEC_BENCH_NO_RECORD` (in-process fakes with `record_requests` off),
//! `HOOKSPEC_BENCH_ONLY=binary,inprocess,prism,memory,deliveries,list,handler,start,fairness,backlog-memory`. Everything
//! is on 127.0.0.1 and every loop is bounded in count and in time. Run without `--bench` (as
//! `cargo test --benches` does) it only smoke-tests itself with tiny counts.

// A benchmark that cannot set itself up should stop right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod backlog;
mod bare;
mod binary;
mod deliveries;
mod floor;
mod inprocess;
mod lists;
mod load;

use std::time::Duration;

/// How much to do.
pub struct Settings {
    /// Requests per throughput measurement.
    pub requests: usize,
    /// Requests sent to the binary before reading its peak memory.
    pub memory_requests: usize,
    /// Pings delivered in the deliveries measurement.
    pub deliveries: usize,
    /// Starts measured per server kind.
    pub starts: usize,
    /// Pings waiting on a receiver that never answers, in the fairness rows.
    pub backlog: usize,
    /// 100 KB payloads emitted to such a receiver, in the backlog memory row.
    pub backlog_payloads: usize,
    /// The longest any one measurement may run.
    pub time_cap: Duration,
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
            requests: env("HOOKSPEC_BENCH_REQUESTS", 20_000),
            memory_requests: env("HOOKSPEC_BENCH_MEMORY_REQUESTS", 1_000_000),
            deliveries: env("HOOKSPEC_BENCH_DELIVERIES", 40_000),
            starts: env("HOOKSPEC_BENCH_STARTS", 30),
            backlog: env("HOOKSPEC_BENCH_BACKLOG", 1000),
            backlog_payloads: env("HOOKSPEC_BENCH_BACKLOG_PAYLOADS", 2000),
            time_cap: Duration::from_secs(env("HOOKSPEC_BENCH_TIME_CAP_SECS", 900) as u64),
        }
    } else {
        Settings {
            requests: 64,
            memory_requests: 500,
            deliveries: 50,
            starts: 3,
            backlog: 20,
            backlog_payloads: 20,
            time_cap: Duration::from_secs(30),
        }
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let settings = settings();
    println!(
        "hookspec-mock benchmark: subject beside baseline, measured in the same run; ratio = subject/baseline throughput"
    );
    let only = std::env::var("HOOKSPEC_BENCH_ONLY").unwrap_or_default();
    let run = |section: &str| only.is_empty() || only.split(',').any(|s| s.trim() == section);
    if run("handler") {
        inprocess::handler_cost(&settings);
    }
    if run("binary") {
        binary::throughput(&settings).await;
    }
    if run("inprocess") {
        inprocess::throughput(&settings).await;
    }
    if run("prism") {
        binary::prism(&settings).await;
    }
    if run("list") {
        lists::list_cost(&settings).await;
    }
    if run("deliveries") {
        deliveries::deliveries(&settings).await;
    }
    if run("memory") {
        binary::memory(&settings).await;
    }
    if run("fairness") {
        backlog::fairness(&settings).await;
    }
    if run("backlog-memory") {
        backlog::memory(&settings).await;
    }
    if run("start") {
        inprocess::start_time(&settings).await;
    }
}
