//! The floor: a bare hyper server that answers every request with fixed bytes (status, headers,
//! body), on its own two-thread runtime as a separate server process would be. It doubles as
//! the loopback webhook receiver: it keeps the first request it gets, so that the plain-client
//! baseline can post the same signed bytes.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};

/// The fixed answer.
#[derive(Clone, Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(hyper::header::HeaderName, hyper::header::HeaderValue)>,
    pub body: Bytes,
}

impl Canned {
    pub fn from_parts(status: u16, headers: &hyper::HeaderMap, body: Bytes) -> Canned {
        Canned {
            status,
            headers: headers
                .iter()
                .filter(|(name, _)| *name != "content-length" && *name != "date")
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            body,
        }
    }
}

/// A request the floor server received, as sent.
#[derive(Clone, Debug)]
pub struct Seen {
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

/// A running floor server; stops when dropped.
pub struct Floor {
    pub address: String,
    pub first: Arc<Mutex<Option<Seen>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Floor {
    pub fn start(canned: Canned) -> Floor {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let address = std_listener.local_addr().unwrap().to_string();
        let first: Arc<Mutex<Option<Seen>>> = Arc::default();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let keep = first.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                let canned = Arc::new(canned);
                let mut stopped = std::pin::pin!(stopped);
                loop {
                    tokio::select! {
                        _ = &mut stopped => return,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let _ = stream.set_nodelay(true);
                            let (canned, keep) = (canned.clone(), keep.clone());
                            tokio::spawn(async move {
                                let service = service_fn(move |request: hyper::Request<Incoming>| {
                                    let (canned, keep) = (canned.clone(), keep.clone());
                                    async move {
                                        let (parts, body) = request.into_parts();
                                        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                                        {
                                            let mut first = keep.lock().unwrap();
                                            if first.is_none() {
                                                *first = Some(Seen { headers: parts.headers, body });
                                            }
                                        }
                                        let mut response = hyper::Response::new(Full::new(canned.body.clone()));
                                        *response.status_mut() = hyper::StatusCode::from_u16(canned.status).unwrap();
                                        for (name, value) in &canned.headers {
                                            response.headers_mut().append(name.clone(), value.clone());
                                        }
                                        Ok::<_, Infallible>(response)
                                    }
                                });
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                            });
                        }
                    }
                }
            });
        });
        Floor {
            address,
            first,
            _stop: stop,
        }
    }

    /// A receiver answering 200 with a short body, as webhook receivers do.
    pub fn receiver() -> Floor {
        Floor::start(Canned {
            status: 200,
            headers: vec![(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("text/plain"),
            )],
            body: Bytes::from_static(b"ok"),
        })
    }
}

/// The pings the deliveries row asks for in one burst, a round of the row (its default 40 000
/// in 16 rounds), and `profile_deliveries` too.
pub const BURST: usize = 2500;

/// The deliveries row's baseline: a plain hyper-util client posting the bytes and headers the
/// receiver saw first, at most `in_flight` at once, on its own thread (`plain-client`) and
/// one-thread runtime; its connections stay open from one round to the next, as the engine
/// keeps its own.
pub struct PlainClient {
    jobs: std::sync::mpsc::Sender<(Seen, usize, std::sync::mpsc::Sender<Duration>)>,
}

impl PlainClient {
    pub fn start(url: String, in_flight: usize) -> PlainClient {
        let (jobs, queue) =
            std::sync::mpsc::channel::<(Seen, usize, std::sync::mpsc::Sender<Duration>)>();
        let spawned = std::thread::Builder::new()
            .name("plain-client".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let client: Client<_, Full<Bytes>> =
                    runtime.block_on(async { Client::builder(TokioExecutor::new()).build_http() });
                while let Ok((seen, total, reply)) = queue.recv() {
                    let took = runtime.block_on(posts(&client, &url, &seen, total, in_flight));
                    let _ = reply.send(took);
                }
            });
        spawned.unwrap();
        PlainClient { jobs }
    }

    /// `total` posts of `seen`; the time they took.
    pub fn posts(&self, seen: Seen, total: usize) -> Duration {
        let (reply, took) = std::sync::mpsc::channel();
        self.jobs.send((seen, total, reply)).unwrap();
        took.recv().unwrap()
    }
}

async fn posts(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    url: &str,
    seen: &Seen,
    total: usize,
    in_flight: usize,
) -> Duration {
    let bound = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..total {
        let permit = bound.clone().acquire_owned().await.unwrap();
        let (client, url, seen) = (client.clone(), url.to_owned(), seen.clone());
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

/// The deliveries row's subject: an in-process fake (recording no requests, with room for
/// `max_pending` deliveries on their way whatever their bytes) with a signed JSON org hook on
/// `url`, the request that pings it, and the hook's id.
pub fn ping_subject(
    url: &str,
    max_pending: usize,
) -> (hookspec_mock::Fake, hookspec_mock::FakeRequest, u64) {
    use hookspec_mock::{Fake, FakeConfig, FakeRequest, HookSeed};
    let fake = Fake::new(FakeConfig {
        record_requests: false,
        max_pending_deliveries: max_pending,
        max_pending_bytes: usize::MAX,
        ..FakeConfig::default()
    });
    let hook = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new(url).secret("s3cret").content_type("json"),
    );
    let ping = FakeRequest::new(
        "POST",
        "http://127.0.0.1:1",
        &format!("/orgs/octocat/hooks/{hook}/pings"),
    )
    .with_header("authorization", "Bearer bench");
    (fake, ping, hook)
}
