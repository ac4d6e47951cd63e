//! The load generator: closed-loop tasks, each on its own keep-alive connection, sending one
//! request after another with a light hyper client (`hyper::client::conn::http1`), so that the
//! server's cost is what shows; and the same with reqwest, for the project's earlier figures.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

/// One request a run repeats.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: &'static str,
    pub path: String,
    pub body: Bytes,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Call {
        Call {
            method: "GET",
            path: path.into(),
            body: Bytes::new(),
        }
    }

    pub fn post(path: impl Into<String>, body: &str) -> Call {
        Call {
            method: "POST",
            path: path.into(),
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }
}

/// Which client sends the requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// One `hyper::client::conn::http1` connection per task.
    Hyper,
    /// One shared `reqwest::Client` (its pool), as the project's first bench drove it.
    Reqwest,
}

/// A server to measure: its address (`127.0.0.1:PORT`) and the request to send it.
#[derive(Clone, Debug)]
pub struct Target {
    pub address: String,
    pub call: Call,
}

/// Throughput and latency of one target over all rounds.
#[derive(Debug, Clone)]
pub struct Stats {
    pub count: usize,
    pub rps: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// Throughput in each round, in the order the rounds ran (empty for a single run).
    pub rounds: Vec<f64>,
}

#[derive(Default)]
struct Samples {
    latencies: Vec<Duration>,
    elapsed: Duration,
    rounds: Vec<f64>,
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
            rounds: self.rounds,
        }
    }
}

/// A keep-alive connection of the light client.
pub struct Connection {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
}

impl Connection {
    pub async fn open(address: &str) -> Connection {
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("loopback connect");
        stream.set_nodelay(true).unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        Connection {
            sender,
            host: address.to_owned(),
        }
    }

    /// Sends `call` and reads the whole answer: status, headers and body.
    pub async fn send(&mut self, call: &Call) -> (u16, hyper::HeaderMap, Bytes) {
        self.sender.ready().await.expect("connection ready");
        let request = hyper::Request::builder()
            .method(call.method)
            .uri(call.path.as_str())
            .header("host", self.host.as_str())
            .header("authorization", "Bearer bench")
            .header("content-type", "application/json")
            .body(Full::new(call.body.clone()))
            .unwrap();
        let response = self
            .sender
            .send_request(request)
            .await
            .expect("loopback request");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("loopback body").to_bytes();
        (parts.status.as_u16(), parts.headers, body)
    }
}

async fn reqwest_send(client: &reqwest::Client, target: &Target) -> u16 {
    let url = format!("http://{}{}", target.address, target.call.path);
    let request = match target.call.method {
        "GET" => client.get(url),
        _ => client
            .post(url)
            .header("content-type", "application/json")
            .body(target.call.body.clone()),
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

/// `total` requests to `target` from `concurrency` closed-loop tasks, stopping at `cap`.
async fn drive(
    target: &Target,
    client: Client,
    reqwest_client: &reqwest::Client,
    concurrency: usize,
    total: usize,
    cap: Duration,
) -> Samples {
    let next = Arc::new(AtomicUsize::new(0));
    let mut connections = Vec::new();
    for _ in 0..concurrency {
        connections.push(match client {
            Client::Hyper => Some(Connection::open(&target.address).await),
            Client::Reqwest => None,
        });
    }
    let started = Instant::now();
    let deadline = started + cap;
    let mut tasks = Vec::new();
    for mut connection in connections {
        let (target, next, reqwest_client) = (target.clone(), next.clone(), reqwest_client.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < total && Instant::now() < deadline {
                let sent = Instant::now();
                let status = match &mut connection {
                    Some(connection) => connection.send(&target.call).await.0,
                    None => reqwest_send(&reqwest_client, &target).await,
                };
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
        rounds: Vec::new(),
    }
}

/// Measures several targets in alternating rounds, so that background load on a shared
/// machine falls on all of them alike; `total` requests per target in all.
pub async fn interleaved(
    targets: &[Target],
    client: Client,
    concurrency: usize,
    total: usize,
    cap: Duration,
) -> Vec<Stats> {
    // Short rounds, so that a burst of background load falls on both sides rather than one.
    const ROUNDS: usize = 10;
    let reqwest_client = reqwest::Client::new();
    for target in targets {
        // Warm up: caches, pools, the allocator.
        drive(
            target,
            client,
            &reqwest_client,
            concurrency,
            50.min(total),
            cap,
        )
        .await;
    }
    let mut samples: Vec<Samples> = targets.iter().map(|_| Samples::default()).collect();
    for _ in 0..ROUNDS {
        for (target, acc) in targets.iter().zip(samples.iter_mut()) {
            let run = drive(
                target,
                client,
                &reqwest_client,
                concurrency,
                total.div_ceil(ROUNDS),
                cap / ROUNDS as u32,
            )
            .await;
            acc.rounds
                .push(run.latencies.len() as f64 / run.elapsed.as_secs_f64().max(1e-9));
            acc.latencies.extend(run.latencies);
            acc.elapsed += run.elapsed;
        }
    }
    samples.into_iter().map(Samples::stats).collect()
}

pub fn micros(d: Duration) -> String {
    format!("{:.0}µs", d.as_secs_f64() * 1e6)
}

pub fn verdict(ok: bool) -> &'static str {
    if ok { "meets goal" } else { "MISSES goal" }
}

/// The ratio of `subject` to `base`: the median over the rounds of each round's ratio to the
/// baseline round run just before or after it, so that a few rounds slowed by the host (this
/// is a shared two-core VM) do not decide the result; the ratio of the totals when there are
/// no rounds.
pub fn ratio(subject: &Stats, base: &Stats) -> f64 {
    if subject.rounds.is_empty() || subject.rounds.len() != base.rounds.len() {
        return subject.rps / base.rps;
    }
    median_ratio(&subject.rounds, &base.rounds)
}

/// The median of `subject[i] / base[i]`.
pub fn median_ratio(subject: &[f64], base: &[f64]) -> f64 {
    let mut ratios: Vec<f64> = subject
        .iter()
        .zip(base)
        .map(|(s, b)| s / b.max(1e-9))
        .collect();
    if ratios.is_empty() {
        return 0.0;
    }
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    if n % 2 == 1 {
        ratios[n / 2]
    } else {
        (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
    }
}

/// One row of a comparison: the measured system beside its baseline, by throughput (totals),
/// and their ratio (median of paired rounds, see [`ratio`]).
pub fn row(name: &str, conc: usize, subject: &Stats, base: &Stats, goal: f64) {
    let ratio = ratio(subject, base);
    println!(
        "{name:<44} {conc:>3}  {:>7.0} {:>6} {:>6}  {:>7.0} {:>6} {:>6}  {ratio:>5.2}x  {} (>= {goal}x; {}+{} req)",
        subject.rps,
        micros(subject.p50),
        micros(subject.p99),
        base.rps,
        micros(base.p50),
        micros(base.p99),
        verdict(ratio >= goal),
        subject.count,
        base.count,
    );
}

pub fn header() {
    println!(
        "{:<44} {:>3}  {:>21}  {:>21}  {:>6}",
        "measure", "c", "subject req/s p50 p99", "baseline req/s p50 p99", "ratio"
    );
    println!("(ratio: the median over alternating rounds of each round's throughput ratio)");
}
