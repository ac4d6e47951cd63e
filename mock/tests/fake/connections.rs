//! The bounds on the servers' connections: a client that opens connections and sends nothing,
//! half a request head or half a body, or that holds every slot, cannot keep others from being
//! served. The bounds here are 100 ms so that the tests are quick; they assert only that
//! connections are closed and requests served, never how soon.

use std::net::SocketAddr;
use std::time::Duration;

use hookspec_mock::{ConnectionLimits, Fake, Receiver, RequestLog, serve_with_limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const SHORT: Duration = Duration::from_millis(100);
/// Longer than any test here runs, so that only the bound under test can close a connection.
const LONG: Duration = Duration::from_secs(3600);

/// A fake served within `limits`; it stops when the sender is dropped.
async fn serve(limits: ConnectionLimits) -> (SocketAddr, oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve_with_limits(
        listener,
        Fake::default(),
        RequestLog::Quiet,
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    (address, stop)
}

fn limits(
    max_connections: usize,
    header: Duration,
    body: Duration,
    idle: Duration,
) -> ConnectionLimits {
    ConnectionLimits {
        max_connections,
        header_read_timeout: header,
        body_read_timeout: body,
        idle_timeout: idle,
    }
}

/// Everything the server sends until it closes the connection (a reset counts as closed).
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&got).into_owned(),
            Ok(n) => got.extend_from_slice(&buffer[..n]),
        }
    }
}

/// Reads one answer off a keep-alive connection: its head and as much body as it announces.
async fn one_answer(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        assert_ne!(
            n,
            0,
            "closed before answering: {}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                return text;
            }
        }
    }
}

const GET_HOOKS: &[u8] =
    b"GET /orgs/octocat/hooks HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer t\r\n\r\n";

#[tokio::test]
async fn idle_connections_holding_every_slot_are_closed_and_a_waiting_request_is_then_served() {
    let (address, _stop) = serve(limits(2, SHORT, LONG, LONG)).await;
    let mut idle = [
        TcpStream::connect(address).await.unwrap(),
        TcpStream::connect(address).await.unwrap(),
    ];
    // Waits in the backlog until a slot frees: the idle ones are closed by the header bound.
    let answer = reqwest::get(format!("http://{address}/orgs/octocat/hooks"))
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    for stream in &mut idle {
        assert_eq!(
            until_closed(stream).await,
            "",
            "an idle connection gets no answer"
        );
    }
}

#[tokio::test]
async fn past_the_bound_a_client_already_connected_keeps_being_served() {
    let (address, _stop) = serve(limits(2, LONG, LONG, LONG)).await;
    let mut served = TcpStream::connect(address).await.unwrap();
    served.write_all(GET_HOOKS).await.unwrap();
    assert!(one_answer(&mut served).await.starts_with("HTTP/1.1 200"));
    // The second slot, held; a third client waits behind it.
    let _holding = TcpStream::connect(address).await.unwrap();
    let _waiting = TcpStream::connect(address).await.unwrap();
    served.write_all(GET_HOOKS).await.unwrap();
    assert!(one_answer(&mut served).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_half_sent_request_head_gets_its_connection_closed() {
    let (address, _stop) = serve(limits(8, SHORT, LONG, LONG)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /orgs/octocat/hooks HTTP/1.1\r\nHost: fake\r\nAuthor")
        .await
        .unwrap();
    let got = until_closed(&mut stream).await;
    assert!(!got.contains("200"), "{got}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_its_request() {
    let (address, _stop) = serve(limits(8, SHORT, LONG, LONG)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(GET_HOOKS).await.unwrap();
    assert!(one_answer(&mut stream).await.starts_with("HTTP/1.1 200"));
    assert_eq!(until_closed(&mut stream).await, "");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_problems_parsing_json_and_closed() {
    let (address, _stop) = serve(limits(8, LONG, SHORT, LONG)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            b"POST /orgs/octocat/hooks HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer t\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":",
        )
        .await
        .unwrap();
    let got = until_closed(&mut stream).await;
    assert!(got.starts_with("HTTP/1.1 400"), "{got}");
    assert!(
        got.contains(r#""message":"Problems parsing JSON""#),
        "{got}"
    );
    assert!(
        got.to_ascii_lowercase().contains("connection: close"),
        "{got}"
    );
}

#[tokio::test]
async fn a_connection_on_which_nothing_moves_is_closed_by_the_idle_bound() {
    // The head bound is out of the way: only the idle one can close this connection.
    let (address, _stop) = serve(limits(8, LONG, LONG, SHORT)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    assert_eq!(until_closed(&mut stream).await, "");
}

#[tokio::test]
async fn the_receiver_bounds_its_connections_the_same_way() {
    let receiver = Receiver::start_with_limits(limits(1, SHORT, SHORT, LONG))
        .await
        .unwrap();
    let address = receiver.url();
    let address = address
        .trim_start_matches("http://")
        .trim_end_matches("/webhook");
    // The one slot, held by a half-sent head until the head bound closes it.
    let mut half_sent = TcpStream::connect(address).await.unwrap();
    half_sent
        .write_all(b"POST /webhook HTTP/1.1\r\n")
        .await
        .unwrap();
    let delivered = reqwest::Client::new()
        .post(receiver.url())
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status(), 200);
    until_closed(&mut half_sent).await;

    // A body that stops arriving is answered 408 and not recorded as a delivery.
    let mut truncated = TcpStream::connect(address).await.unwrap();
    truncated
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: r\r\nContent-Length: 10\r\n\r\n{}")
        .await
        .unwrap();
    let got = until_closed(&mut truncated).await;
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert_eq!(receiver.received().len(), 1);
}
