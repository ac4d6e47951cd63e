//! The accept loop of every server here (the fake over hyper, the test receiver, the
//! conformance proxy): connections handed on until shutdown, with a pause after an accept
//! error so that running out of file descriptors does not spin a core.

use std::future::Future;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

/// How long the loop waits after an accept error before trying again: long enough that an
/// exhausted descriptor table is not hammered, short enough that a freed one is soon used.
const PAUSE_AFTER_ERROR: Duration = Duration::from_millis(10);

/// Accepts connections on `listener` and hands each to `serve` (with `TCP_NODELAY` set) until
/// `shutdown` completes. An accept error (out of file descriptors, a connection reset before it
/// was accepted) pauses the loop briefly instead of ending it.
pub async fn accept_loop<F>(listener: &TcpListener, shutdown: F, mut serve: impl FnMut(TcpStream))
where
    F: Future<Output = ()>,
{
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    serve(stream);
                }
                Err(_) => tokio::time::sleep(PAUSE_AFTER_ERROR).await,
            },
        }
    }
}
