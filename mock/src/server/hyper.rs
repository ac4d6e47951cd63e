//! The fake over hyper: the same [`Fake`] served through hyper directly (no wiremock, so
//! nothing is kept per request), as the `hookspec-mock` binary runs it.

use std::convert::Infallible;
use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Instant;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use tokio::net::TcpListener;

use crate::fake::github_error;
use crate::fake::{Fake, FakeResponse, JSON_CONTENT_TYPE};
use crate::headers;
use crate::log::escape;
use crate::net::{BodyError, ConnectionLimits};

/// The largest request body the server reads (GitHub's hook bodies are tiny).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How the server reports requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestLog {
    /// One line per request on standard output: method, path, status, time.
    #[default]
    Stdout,
    /// Nothing.
    Quiet,
}

/// Serves `fake` on `listener` until `shutdown` completes.
///
/// ```
/// # #[tokio::main]
/// # async fn main() -> std::io::Result<()> {
/// use hookspec_mock::{Fake, RequestLog, serve};
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let address = listener.local_addr()?;
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// let server = tokio::spawn(serve(listener, Fake::default(), RequestLog::Quiet, async move {
///     let _ = stopped.await;
/// }));
/// let response = reqwest::get(format!("http://{address}/orgs/octocat/hooks")).await.map_err(std::io::Error::other)?;
/// assert_eq!(response.status(), 401);
/// let _ = stop.send(());
/// # let _ = server.await;
/// # Ok(())
/// # }
/// ```
pub async fn serve<F>(
    listener: TcpListener,
    fake: Fake,
    log: RequestLog,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()>,
{
    serve_with_limits(listener, fake, log, ConnectionLimits::default(), shutdown).await
}

/// [`serve`] within `limits`: how many connections are open at once, and how long a request's
/// head, its body and an idle connection may take before the connection is answered or closed.
/// A body that does not arrive in full in time is answered as GitHub answers a body it cannot
/// parse: 400 `Problems parsing JSON`, and the connection is closed.
pub async fn serve_with_limits<F>(
    listener: TcpListener,
    fake: Fake,
    log: RequestLog,
    limits: ConnectionLimits,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()>,
{
    let local = listener.local_addr()?;
    let pool = super::RequestPool::default();
    crate::net::serve_bounded(&listener, limits, shutdown, move |request, _peer| {
        let (fake, pool) = (fake.clone(), pool.clone());
        async move {
            let answered = answer(&fake, &pool, request, local, log, limits).await;
            Ok::<_, Infallible>(answered)
        }
    })
    .await;
    Ok(())
}

async fn answer(
    fake: &Fake,
    pool: &super::RequestPool,
    request: hyper::Request<Incoming>,
    local: SocketAddr,
    log: RequestLog,
    limits: ConnectionLimits,
) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = crate::net::read_body(body, MAX_BODY_BYTES, limits.body_read_timeout).await;
    let response = match body {
        Err(error) => unread_body(&error),
        Ok(body) => {
            let mut request = pool.take();
            super::fill_request(
                &mut request,
                (&parts.method, parts.uri.path(), parts.uri.query()),
                &parts.headers,
                &body,
                || {
                    parts
                        .uri
                        .authority()
                        .map_or_else(|| local.to_string(), ToString::to_string)
                },
            );
            // A control request that waits for deliveries waits here, on the runtime, not
            // in the synchronous handler.
            if let Some(wait) = fake.wait_before(&request) {
                let _ = fake.state().wait_for_deliveries(wait).await;
            }
            let response = if fake.is_heavy(&request) {
                off_the_worker(|| fake.handle_lent(&mut request))
            } else {
                fake.handle_lent(&mut request)
            };
            pool.give_back(request);
            response
        }
    };
    if let Some(delay) = response.delay {
        tokio::time::sleep(delay).await;
    }
    let status = response.status;
    let mut builder = hyper::Response::builder().status(status);
    if let Some(headers) = builder.headers_mut() {
        headers.extend(super::answer_headers::to_http(&response.headers));
    }
    let http_response = builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())));
    if log == RequestLog::Stdout {
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        // The method, path and reason all come from the request (a reason quotes decoded
        // path segments): escaped, so that each request stays one line.
        let (method, path) = (escape(parts.method.as_str()), escape(parts.uri.path()));
        let mut stdout = std::io::stdout().lock();
        match &response.reason {
            Some(reason) => {
                let reason = escape(reason);
                let _ = writeln!(stdout, "{method} {path} {status} {elapsed:.3}ms ({reason})");
            }
            None => {
                let _ = writeln!(stdout, "{method} {path} {status} {elapsed:.3}ms");
            }
        }
        let _ = stdout.flush();
    }
    http_response
}

/// Runs `answer` after handing this worker's other tasks to another worker, on a multi-thread
/// runtime: a task woken while a worker is busy waits in that worker's next-task slot, which
/// no other worker takes from, so a request arriving during a long synchronous answer (a whole
/// state document, about 170 ms for 10 000 records) waited for all of it. A current-thread
/// runtime has no other worker; there it just runs.
fn off_the_worker<T>(answer: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|runtime| runtime.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(answer),
        _ => answer(),
    }
}

/// The answer to a request whose body was not read: 413 for one too large, as before; for one
/// that did not arrive in full (in time, or at all), GitHub's answer to a body it cannot parse,
/// 400 `Problems parsing JSON`, rather than a plain 408: clients of GitHub's API know that
/// answer and its `basic-error` body. Either way the connection is closed, since the rest of
/// the body may still be on its way.
fn unread_body(error: &BodyError) -> FakeResponse {
    let status = match error {
        BodyError::TooLarge(_) => 413,
        BodyError::TimedOut(_) | BodyError::Failed(_) => 400,
    };
    let body = github_error::status_body(status).unwrap_or_default();
    FakeResponse {
        status,
        headers: vec![
            (headers::CONTENT_TYPE, JSON_CONTENT_TYPE.into()),
            (headers::CONNECTION, "close".into()),
        ],
        body: serde_json::to_vec(&body).unwrap_or_default(),
        delay: None,
        reason: Some(error.to_string()),
    }
}
