//! One HTTP/1 connection of a server here, served so that a client cannot hold it hostage: the
//! request head, the request body and any idle stretch each have a bound, after which the
//! connection is answered or closed, and the number of open connections is bounded by the
//! accept loop ([`super::accept_loop_bounded`]).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::ConnectionSlot;

/// The bounds on a server's connections. The defaults close an idle or half-sent request's
/// connection within 30 s: 10 s for the request head (which, between keep-alive requests, is
/// also how long an idle connection is kept), 20 s more for its body, and 30 s without a byte
/// moving either way while no request is being answered (a client that stops reading an
/// answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How many connections are open at once; past that, new ones wait to be accepted.
    pub max_connections: usize,
    /// How long a request's head (request line and headers) may take to arrive, from the
    /// moment the connection is ready for it: opened, or done with the previous request.
    pub header_read_timeout: Duration,
    /// How long a request's whole body may take to arrive once its head has.
    pub body_read_timeout: Duration,
    /// How long a connection is kept with no byte read or written while no request is being
    /// answered.
    pub idle_timeout: Duration,
}

impl ConnectionLimits {
    /// 4096 connections: room for a few thousand idle or slow clients beside the ones being
    /// served (2 000 idle connections measured at about 30 MB and no delay for a normal
    /// request), where a bound of 1024 let such a crowd hold a newcomer until the header timeout
    /// freed a slot (about 8 s measured). Past the bound, new connections wait to be accepted.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
    /// 10 s.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// 20 s.
    pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(20);
    /// 30 s.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: Self::DEFAULT_BODY_READ_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
        }
    }
}

/// Why a request body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// It is longer than the server reads.
    #[error("the body is over {0} bytes")]
    TooLarge(usize),
    /// It did not arrive in full within the bound.
    #[error("the body did not arrive in full within {0:?}")]
    TimedOut(Duration),
    /// The connection failed while it was being read.
    #[error("the body could not be read: {0}")]
    Failed(String),
}

/// The whole of `body`, if it is at most `max` bytes and arrives within `within`.
pub async fn read_body(body: Incoming, max: usize, within: Duration) -> Result<Bytes, BodyError> {
    match tokio::time::timeout(within, Limited::new(body, max).collect()).await {
        Err(_) => Err(BodyError::TimedOut(within)),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
            Err(BodyError::TooLarge(max))
        }
        Ok(Err(error)) => {
            // The causes say what was wrong (`invalid chunk size line`, an early end of file).
            let mut reason = error.to_string();
            let mut source = error.source();
            while let Some(cause) = source {
                reason.push_str(": ");
                reason.push_str(&cause.to_string());
                source = cause.source();
            }
            Err(BodyError::Failed(reason))
        }
    }
}

/// Serves HTTP/1 on every connection `listener` accepts until `shutdown` completes, each within
/// `limits` and answered by `handle` (given each request and the address its connection came
/// from, when the socket tells it): the accept loop and connection bounds every server here
/// (the fake over hyper, the test receiver, the conformance proxy) runs with.
pub async fn serve_bounded<F, H, A, B, E>(
    listener: &tokio::net::TcpListener,
    limits: ConnectionLimits,
    shutdown: F,
    handle: H,
) where
    F: Future<Output = ()>,
    H: Fn(hyper::Request<Incoming>, Option<SocketAddr>) -> A + Clone + Send + 'static,
    A: Future<Output = Result<hyper::Response<B>, E>> + Send + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    super::accept_loop_bounded(
        listener,
        limits.max_connections,
        shutdown,
        |stream, slot| {
            tokio::spawn(serve_connection(stream, slot, limits, handle.clone()));
        },
    )
    .await;
}

/// Serves HTTP/1 on `stream` with `handle` answering each request (and told the connection's
/// peer address once read from the socket), within `limits`, and frees `slot` when the
/// connection is closed.
pub async fn serve_connection<H, A, B, E>(
    stream: TcpStream,
    slot: ConnectionSlot,
    limits: ConnectionLimits,
    handle: H,
) where
    H: Fn(hyper::Request<Incoming>, Option<SocketAddr>) -> A + Send + 'static,
    A: Future<Output = Result<hyper::Response<B>, E>> + Send + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let activity = Arc::new(Activity::new());
    let peer = stream.peer_addr().ok();
    let service = service_fn({
        let activity = activity.clone();
        move |request: hyper::Request<Incoming>| {
            let answering = Answering::start(activity.clone());
            let answer = handle(request, peer);
            async move {
                let answer = answer.await;
                drop(answering);
                answer
            }
        }
    });
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .serve_connection(io, service);
    // Dropping the connection closes the socket: that is how an idle one is let go.
    tokio::select! {
        _ = connection => {}
        () = idle(&activity, limits.idle_timeout) => {}
    }
    drop(slot);
}

/// Completes once the connection has gone `bound` with no byte moved and no request being
/// answered. A request being answered (a fault's delay, a held delivery) is not idleness: the
/// other bounds cover how its body arrives.
async fn idle(activity: &Activity, bound: Duration) {
    loop {
        if activity.answering.load(Ordering::SeqCst) > 0 {
            // Answering ends with a touch, so the next wait starts from then.
            tokio::time::sleep(bound).await;
            continue;
        }
        let deadline = activity.last() + bound;
        if Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep_until(deadline).await;
    }
}

/// When a byte last moved on a connection, and how many of its requests are being answered.
#[derive(Debug)]
struct Activity {
    opened: Instant,
    /// Nanoseconds from `opened` to the last byte moved (or answer finished).
    last: AtomicU64,
    answering: AtomicUsize,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: Instant::now(),
            last: AtomicU64::new(0),
            answering: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let since = u64::try_from(self.opened.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last.store(since, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.opened + Duration::from_nanos(self.last.load(Ordering::Relaxed))
    }
}

/// A request being answered, for as long as it lives.
struct Answering(Arc<Activity>);

impl Answering {
    fn start(activity: Arc<Activity>) -> Answering {
        activity.answering.fetch_add(1, Ordering::SeqCst);
        Answering(activity)
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.touch();
        self.0.answering.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The connection's stream, noting every byte that moves.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
