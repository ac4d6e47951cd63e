//! The accept loop of every server here (the fake over hyper, the test receiver, the
//! conformance proxy): connections handed on until shutdown, at most a bounded number open at
//! once, with a pause after an accept error so that running out of file descriptors does not
//! spin a core.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long the loop waits after an accept error before trying again: long enough that an
/// exhausted descriptor table is not hammered, short enough that a freed one is soon used.
const PAUSE_AFTER_ERROR: Duration = Duration::from_millis(10);

/// One of the open connections an [`accept_loop_bounded`] allows: hold it for as long as the
/// connection is open; dropping it lets the loop accept another.
#[derive(Debug)]
pub struct ConnectionSlot {
    /// Only held: dropping it frees the slot.
    _permit: OwnedSemaphorePermit,
}

/// Accepts connections on `listener` and hands each to `serve` (with `TCP_NODELAY` set) until
/// `shutdown` completes, with at most `max_connections` open at once: each is handed to
/// `serve` with its [`ConnectionSlot`], and once all slots are taken the loop stops accepting
/// until one is dropped. Connections past the bound wait in the listener's backlog instead of
/// being refused, while the open ones keep being served. A bound of 0 is taken as 1.
pub async fn accept_loop_bounded<F>(
    listener: &TcpListener,
    max_connections: usize,
    shutdown: F,
    mut serve: impl FnMut(TcpStream, ConnectionSlot),
) where
    F: Future<Output = ()>,
{
    let slots = Arc::new(Semaphore::new(
        max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A slot first, then the connection: with every slot taken nothing is accepted, so a
        // flood of connections costs the kernel's backlog, not this process's descriptors.
        let slot = tokio::select! {
            () = &mut shutdown => return,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(permit) => ConnectionSlot { _permit: permit },
                // Never closed; if it were, nothing more could be served.
                Err(_) => return,
            },
        };
        tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    serve(stream, slot);
                }
                Err(_) => tokio::time::sleep(PAUSE_AFTER_ERROR).await,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// With a bound of 2 and five clients, no more than two connections are ever handed on
    /// while their slots are held, and every client is served once slots are let go.
    #[tokio::test]
    async fn past_the_bound_connections_wait_until_a_slot_is_freed() -> std::io::Result<()> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let open = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (handed, mut accepted) = tokio::sync::mpsc::unbounded_channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn({
            let (open, most) = (open.clone(), most.clone());
            async move {
                let stopped = async move {
                    let _ = stopped.await;
                };
                accept_loop_bounded(&listener, 2, stopped, |stream, slot| {
                    let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    let _ = handed.send((stream, slot));
                })
                .await;
            }
        });
        let mut clients = Vec::new();
        for _ in 0..5 {
            clients.push(TcpStream::connect(address).await?);
        }
        let mut held = Vec::new();
        for _ in 0..5 {
            let Some(connection) = accepted.recv().await else {
                panic!("the accept loop stopped");
            };
            held.push(connection);
            if held.len() == 2 {
                // Let go of the oldest connection: its slot frees, and the loop may take the next.
                open.fetch_sub(1, Ordering::SeqCst);
                drop(held.remove(0));
            }
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        let _ = stop.send(());
        let _ = server.await;
        Ok(())
    }
}
