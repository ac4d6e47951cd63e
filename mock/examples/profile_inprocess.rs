//! One side of the in-process benchmark row alone, for a profiler: `FakeGitHub` (`fake`) or a
//! bare wiremock mock answering the same bytes (`bare`), GET one hook, N requests from C
//! light hyper connections. Instructions per request, repeatable whatever else the machine
//! does (divide the total by N; start-up is the same on both sides):
//!
//! ```text
//! cargo build --profile bench -p hookspec-mock --example profile_inprocess
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.fake target/release/examples/profile_inprocess fake 3000
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.bare target/release/examples/profile_inprocess bare 3000
//! callgrind_annotate --inclusive=yes --tree=calling /tmp/cg.fake | less
//! ```
//!
//! or time on the server thread at concurrency 16: `perf record -F 4999 -g target/release/examples/profile_inprocess fake 40000 16`.

// A profiling harness that cannot set itself up should stop right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use hookspec_mock::{FakeGitHub, HookSeed};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

#[path = "../benches/fake/bare.rs"]
mod bare;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let usage = "usage: profile_inprocess fake|bare REQUESTS [CONCURRENCY]";
    let which = std::env::args().nth(1).expect(usage);
    assert!(which == "fake" || which == "bare", "{usage}");
    let n: usize = std::env::args().nth(2).expect(usage).parse().expect(usage);
    // HOOKSPEC_BENCH_NO_RECORD, as in the bench: the fake keeps no requests.
    let fake = FakeGitHub::start_with(hookspec_mock::FakeConfig {
        record_requests: std::env::var_os("HOOKSPEC_BENCH_NO_RECORD").is_none(),
        ..Default::default()
    })
    .await;
    fake.state().insert_org_hook(
        "octocat",
        HookSeed::new("https://example.com/hook").secret("s3cret"),
    );
    let p = "/orgs/octocat/hooks/1";
    // A server of its own, so that a profile of either side shows only that side.
    let bare = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(p))
        .respond_with(bare::same_answer(&fake, p))
        .mount(&bare)
        .await;
    let address = if which == "fake" {
        fake.uri()
    } else {
        bare.uri()
    };
    let address = address.trim_start_matches("http://").to_owned();
    let conc: usize = std::env::args()
        .nth(3)
        .map(|c| c.parse().unwrap())
        .unwrap_or(1);
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let address = address.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(conn);
            for _ in 0..n / conc {
                sender.ready().await.unwrap();
                let request = hyper::Request::builder()
                    .method("GET")
                    .uri(p)
                    .header("host", address.as_str())
                    .header("authorization", "Bearer bench")
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::new()))
                    .unwrap();
                let response = sender.send_request(request).await.unwrap();
                assert_eq!(response.status(), 200);
                let _ = response.into_body().collect().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    eprintln!(
        "{which}: {:.1}µs per request",
        started.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    tokio::task::yield_now().await;
    std::process::exit(0);
}
