//! The `hookspec-mock` binary beside the floor (a bare hyper server answering the same bytes):
//! GET one hook and a page of 30 hooks at concurrency 16; its peak memory after N requests that
//! include pings delivered to a loopback receiver; and Prism on the same GET when it is
//! installed.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::{Value, json};

use crate::Settings;
use crate::floor::{Canned, Floor};
use crate::load::{self, Call, Client, Connection, Target};

/// A running binary, killed when dropped.
pub struct Binary {
    child: Child,
    pub address: String,
}

impl Binary {
    /// The binary with `--port 0 --quiet`.
    pub fn start() -> Binary {
        // HOOKSPEC_BENCH_BINARY: another build of the binary (to compare before and after).
        let program = std::env::var("HOOKSPEC_BENCH_BINARY")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_hookspec-mock").to_owned());
        let mut child = Command::new(program)
            .args(["--port", "0", "--quiet"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the hookspec-mock binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("listening on http://")
            .expect("a listening line")
            .to_owned();
        std::thread::spawn(move || {
            let _ = std::io::copy(
                &mut stdout.into_inner().take(u64::MAX),
                &mut std::io::sink(),
            );
        });
        Binary { child, address }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates a hook through the API and returns its id.
pub async fn create_hook(connection: &mut Connection, body: Value) -> u64 {
    let call = Call::post("/orgs/octocat/hooks", &body.to_string());
    let (status, _, bytes) = connection.send(&call).await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&bytes));
    let created: Value = serde_json::from_slice(&bytes).unwrap();
    created["id"].as_u64().unwrap()
}

/// The subject's answer to `call`, as the floor will serve it.
pub async fn canned(address: &str, call: &Call) -> Canned {
    let mut connection = Connection::open(address).await;
    let (status, headers, body) = connection.send(call).await;
    Canned::from_parts(status, &headers, body)
}

pub async fn throughput(settings: &Settings) {
    println!(
        "\n== the binary vs the floor (bare hyper, same bytes), light hyper client, {} requests a run ==",
        settings.requests
    );
    load::header();
    let binary = Binary::start();
    let mut connection = Connection::open(&binary.address).await;
    for i in 0..30 {
        let events = if i < 20 { ["push"] } else { ["issues"] };
        create_hook(
            &mut connection,
            json!({ "name": "web", "events": events, "config": { "url": format!("https://example.com/hooks/{i}"), "secret": "s3cret", "content_type": "json" } }),
        )
        .await;
    }
    let repo_hook = {
        let body = json!({ "events": ["push"], "config": { "url": "https://example.com/hooks/repo", "secret": "s3cret", "content_type": "json" } });
        let call = Call::post("/repos/octocat/hello-world/hooks", &body.to_string());
        let (status, _, bytes) = connection.send(&call).await;
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&bytes));
        let created: Value = serde_json::from_slice(&bytes).unwrap();
        created["id"].as_u64().unwrap()
    };
    for (name, call) in [
        ("binary, GET one hook", Call::get("/orgs/octocat/hooks/1")),
        (
            "binary, GET one repository hook",
            Call::get(format!("/repos/octocat/hello-world/hooks/{repo_hook}")),
        ),
        ("binary, page of 30 hooks", Call::get("/orgs/octocat/hooks")),
    ] {
        let canned = canned(&binary.address, &call).await;
        let size = canned.body.len();
        let floor = Floor::start(canned);
        let targets = [
            Target {
                address: binary.address.clone(),
                call: call.clone(),
            },
            Target {
                address: floor.address.clone(),
                call,
            },
        ];
        let stats = load::interleaved(
            &targets,
            Client::Hyper,
            16,
            settings.requests,
            settings.time_cap,
        )
        .await;
        let goal = if size > 2000 { 0.5 } else { 0.6 };
        load::row(
            &format!("{name} ({size} B) vs floor"),
            16,
            &stats[0],
            &stats[1],
            goal,
        );
    }
}

/// Prism (`prism mock spec/...`) on the same GET, when `HOOKSPEC_BENCH_PRISM` names its
/// executable; the row is skipped otherwise.
pub async fn prism(settings: &Settings) {
    println!("\n== the binary vs Prism ==");
    let Ok(prism) = std::env::var("HOOKSPEC_BENCH_PRISM") else {
        println!(
            "skipped: set HOOKSPEC_BENCH_PRISM to a prism executable (npm install @stoplight/prism-cli)"
        );
        return;
    };
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Ok(mut child) = Command::new(&prism)
        .args(["mock", "--port", &port.to_string(), spec])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        println!("skipped: {prism} does not start");
        return;
    };
    let address = format!("127.0.0.1:{port}");
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while tokio::net::TcpStream::connect(&address).await.is_err() && Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let binary = Binary::start();
    let mut connection = Connection::open(&binary.address).await;
    create_hook(
        &mut connection,
        json!({ "name": "web", "config": { "url": "https://example.com/hook" } }),
    )
    .await;
    let call = Call::get("/orgs/octocat/hooks/1");
    let targets = [
        Target {
            address: binary.address.clone(),
            call: call.clone(),
        },
        Target { address, call },
    ];
    let stats = load::interleaved(
        &targets,
        Client::Hyper,
        16,
        settings.requests / 4,
        settings.time_cap,
    )
    .await;
    load::row(
        "binary vs Prism, GET one hook",
        16,
        &stats[0],
        &stats[1],
        10.0,
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Peak and current resident memory of a process, in kB, from /proc.
pub fn memory_kb(pid: u32) -> Option<(u64, u64)> {
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

pub async fn memory(settings: &Settings) {
    let receiver = Floor::receiver();
    let binary = Binary::start();
    let pid = binary.pid();
    let before = memory_kb(pid);
    let mut connection = Connection::open(&binary.address).await;
    let mut hook_ids = Vec::new();
    for i in 0..10 {
        let url = format!("http://{}/hook/{i}", receiver.address);
        hook_ids.push(
            create_hook(
                &mut connection,
                json!({ "name": "web", "config": { "url": url, "secret": "s", "content_type": "json" } }),
            )
            .await,
        );
    }
    let hook_ids = Arc::new(hook_ids);

    // A mix that keeps state bounded: reads, lists, config updates, delivery lists, pings that
    // deliver to the receiver (one request in ten), and creates each deleted again.
    let total = settings.memory_requests;
    let next = Arc::new(AtomicUsize::new(0));
    let pings = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + settings.time_cap;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (address, next, pings, hook_ids) = (
            binary.address.clone(),
            next.clone(),
            pings.clone(),
            hook_ids.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::open(&address).await;
            let mut sent = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    return sent;
                }
                let hook = hook_ids[i % hook_ids.len()];
                let call = match i % 20 {
                    0..=7 => Call::get(format!("/orgs/octocat/hooks/{hook}")),
                    8 | 9 => Call::get("/orgs/octocat/hooks?per_page=5"),
                    10 => Call {
                        method: "PATCH",
                        ..Call::post(
                            format!("/orgs/octocat/hooks/{hook}/config"),
                            r#"{"insecure_ssl":"0"}"#,
                        )
                    },
                    11 => Call::get(format!("/api/v3/orgs/octocat/hooks/{hook}/config")),
                    12..=15 => Call::get(format!("/orgs/octocat/hooks/{hook}/deliveries")),
                    16 | 17 => {
                        pings.fetch_add(1, Ordering::Relaxed);
                        Call::post(format!("/orgs/octocat/hooks/{hook}/pings"), "")
                    }
                    _ => {
                        let body = json!({ "name": "web", "events": ["issues"], "config": { "url": format!("https://example.com/tmp/{i}") } });
                        let id = create_hook(&mut connection, body).await;
                        sent += 1;
                        Call {
                            method: "DELETE",
                            ..Call::get(format!("/orgs/octocat/hooks/{id}"))
                        }
                    }
                };
                let (status, _, _) = connection.send(&call).await;
                assert!((200..300).contains(&status), "{} {}: {status}", call.method, call.path);
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
    let pings = pings.load(Ordering::Relaxed);
    drop(binary);

    println!("\n== hookspec-mock binary memory (light hyper client, concurrency 16) ==");
    match (before, after) {
        (Some((_, rss_before)), Some((hwm, rss))) => {
            let mb = hwm as f64 / 1024.0;
            println!(
                "{sent} requests incl. {pings} pings delivered to a loopback receiver, in {:.1}s ({:.0} req/s): VmHWM {mb:.1} MB (VmRSS {:.1} MB, {:.1} MB at start)  {} (< 100 MB)",
                elapsed.as_secs_f64(),
                sent as f64 / elapsed.as_secs_f64(),
                rss as f64 / 1024.0,
                rss_before as f64 / 1024.0,
                load::verdict(mb < 100.0),
            );
            if sent < 1_000_000 {
                println!(
                    "(N = {sent}: HOOKSPEC_BENCH_MEMORY_REQUESTS=1000000, the default, for the full figure)"
                );
            }
        }
        _ => println!("/proc/{pid}/status is not readable here: no memory figure"),
    }
}
