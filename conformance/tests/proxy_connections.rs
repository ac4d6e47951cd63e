//! The proxy holds against clients that open connections and send nothing or half a request:
//! such a connection is closed by the head or body bound, and a client waiting for the only
//! slot is served once it is. The bounds are 100 ms so that the test is quick; it asserts
//! only that connections are closed and requests served, never how soon.

use std::time::Duration;

use hookspec_conformance::{Proxy, ProxyOptions};
use hookspec_mock::{ConnectionLimits, FakeGitHub};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SHORT: Duration = Duration::from_millis(100);
/// Longer than the test runs, so that only the bound under test closes a connection.
const LONG: Duration = Duration::from_secs(3600);

async fn proxy(fake: &FakeGitHub) -> Proxy {
    let mut options = ProxyOptions::new(fake.uri());
    options.limits = ConnectionLimits {
        max_connections: 1,
        header_read_timeout: SHORT,
        body_read_timeout: SHORT,
        idle_timeout: LONG,
    };
    match Proxy::start(options).await {
        Ok(proxy) => proxy,
        Err(error) => panic!("proxy: {error}"),
    }
}

/// Everything the proxy sends until it closes the connection (a reset counts as closed).
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

async fn connect(proxy: &Proxy) -> TcpStream {
    let address = proxy.url().trim_start_matches("http://").to_owned();
    match TcpStream::connect(&address).await {
        Ok(stream) => stream,
        Err(error) => panic!("connect {address}: {error}"),
    }
}

#[tokio::test]
async fn a_silent_client_is_closed_and_the_next_one_is_served() {
    let fake = FakeGitHub::start().await;
    let proxy = proxy(&fake).await;
    let mut silent = connect(&proxy).await;
    // The only slot is the silent client's: this request waits until the head bound closes it.
    let waiting = tokio::spawn({
        let url = format!("{}/orgs/octocat/hooks", proxy.url());
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth("t")
                .send()
                .await
                .map(|response| response.status().as_u16())
        }
    });
    assert_eq!(until_closed(&mut silent).await, "");
    assert_eq!(waiting.await.ok().and_then(Result::ok), Some(200));
    let _ = proxy.stop().await;
}

#[tokio::test]
async fn half_a_body_is_answered_400_and_the_connection_closed() {
    let fake = FakeGitHub::start().await;
    let proxy = proxy(&fake).await;
    let mut client = connect(&proxy).await;
    let head = "POST /orgs/octocat/hooks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na";
    if let Err(error) = client.write_all(head.as_bytes()).await {
        panic!("write: {error}");
    }
    let answer = until_closed(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("did not arrive in full"), "{answer}");
    let _ = proxy.stop().await;
}
