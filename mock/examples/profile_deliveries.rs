//! The deliveries benchmark row's subject alone, for a profiler: N pings through an org hook
//! to a bare hyper receiver, the fake's delivery engine sending them. Instructions per
//! delivery, repeatable on a busy machine (divide by N; compare with `plain`, a hyper client
//! posting the same bytes N times, as the row's baseline does):
//!
//! ```text
//! cargo build --profile bench -p hookspec-mock --example profile_deliveries
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.fake target/release/examples/profile_deliveries fake 3000
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.plain target/release/examples/profile_deliveries plain 3000
//! callgrind_annotate --inclusive=yes /tmp/cg.fake | less
//! ```
//!
//! Under valgrind the HMACs' SHA-1 and SHA-256 run their portable code, not the CPU's SHA
//! instructions, so there they weigh several times what they weigh natively (`perf record`
//! shows the native share).

// A profiling harness that cannot set itself up should stop right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::Duration;

#[path = "../benches/fake/floor.rs"]
#[allow(dead_code)]
mod floor;

fn main() {
    let usage = "usage: profile_deliveries fake|plain DELIVERIES";
    let which = std::env::args().nth(1).expect(usage);
    assert!(which == "fake" || which == "plain", "{usage}");
    let n: usize = std::env::args().nth(2).expect(usage).parse().expect(usage);
    let receiver = floor::Floor::receiver();
    let url = format!("http://{}/hook", receiver.address);
    // The bench row's subject.
    let (fake, ping, _hook) = floor::ping_subject(&url, n + 1);
    let state = fake.state();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // One delivery first, for the bytes the plain side posts.
    assert_eq!(fake.handle(&ping).status, 204);
    runtime
        .block_on(state.wait_for_deliveries(Duration::from_secs(60)))
        .unwrap();
    if which == "fake" {
        // In rounds, as the row asks for its pings: a burst, then a wait for every record.
        let mut left = n;
        while left > 0 {
            let round = left.min(floor::BURST);
            for _ in 0..round {
                assert_eq!(fake.handle(&ping).status, 204);
            }
            runtime
                .block_on(state.wait_for_deliveries(Duration::from_secs(600)))
                .unwrap();
            left -= round;
        }
    } else {
        let seen = receiver.first.lock().unwrap().clone().unwrap();
        // The bench row's baseline, with its bound on requests in flight.
        floor::PlainClient::start(url, 64).posts(seen, n);
    }
    print_thread_times(n);
}

/// Each thread's time on a CPU per delivery (Linux's `schedstat`), for comparing the two
/// sides without a profiler: the sending thread is `hookspec-delive` for the fake and
/// `plain-client` for `plain`, and `tokio-rt-worker` are the receiver's.
fn print_thread_times(n: usize) {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let on_cpu = std::fs::read_to_string(path.join("schedstat")).unwrap_or_default();
        let Some(Ok(nanos)) = on_cpu.split_whitespace().next().map(str::parse::<u64>) else {
            continue;
        };
        println!(
            "{:<16} {:>8.2} µs per delivery",
            name.trim(),
            nanos as f64 / 1e3 / n as f64
        );
    }
}
