//! The fake over hyper: the same [`Fake`] served through hyper directly (no wiremock, so
//! nothing is kept per request), as the `hookspec-mock` binary runs it.

use std::convert::Infallible;
use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Instant;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::fake::github_error::{self, ApiError};
use crate::fake::{Fake, FakeResponse, JSON_CONTENT_TYPE};
use crate::headers;
use crate::log::escape;

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
    let local = listener.local_addr()?;
    crate::net::accept_loop(&listener, shutdown, |stream| {
        let fake = fake.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let fake = fake.clone();
                async move { Ok::<_, Infallible>(answer(&fake, request, local, log).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    })
    .await;
    Ok(())
}

async fn answer(
    fake: &Fake,
    request: hyper::Request<Incoming>,
    local: SocketAddr,
    log: RequestLog,
) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let response = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        // `Limited` reports its own limit and the body's errors (bad chunked encoding, the
        // connection cut mid-body) through one boxed type: only the former is "too large".
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => too_large(),
        Err(error) => unreadable(error.as_ref()),
        Ok(collected) => fake.handle_owned(super::fake_request(
            &parts.method,
            &path,
            parts.uri.query(),
            &parts.headers,
            collected.to_bytes().to_vec(),
            parts.uri.authority().map(ToString::to_string),
            || local.to_string(),
        )),
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
        let (method, path) = (escape(&method), escape(&path));
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

fn too_large() -> FakeResponse {
    let body = github_error::status_body(413).unwrap_or_default();
    FakeResponse {
        status: 413,
        headers: vec![(headers::CONTENT_TYPE, JSON_CONTENT_TYPE.into())],
        body: serde_json::to_vec(&body).unwrap_or_default(),
        delay: None,
        reason: Some(format!("the body is over {MAX_BODY_BYTES} bytes")),
    }
}

/// GitHub's 400 for input it cannot parse, for a body that could not be read to its end; the
/// reason names what went wrong (hyper's error and its causes, e.g. `invalid chunk size line`).
fn unreadable(error: &(dyn std::error::Error + 'static)) -> FakeResponse {
    let mut reason = format!("the body could not be read: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    let error = ApiError::ProblemsParsingJson { reason };
    FakeResponse {
        status: error.status(),
        headers: vec![(headers::CONTENT_TYPE, JSON_CONTENT_TYPE.into())],
        body: serde_json::to_vec(&error.body(None)).unwrap_or_default(),
        delay: None,
        reason: Some(error.reason()),
    }
}
