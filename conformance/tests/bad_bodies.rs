//! A body that is not JSON, is cut short, or is huge is a failed check showing the start of
//! the body, never a panic.

mod support;

use std::time::Duration;

use hookspec_conformance::CaseFile;
use hookspec_conformance::Check;
use hookspec_conformance::DEFAULT_MAX_BODY;
use hookspec_mock::Product;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TIMEOUT: Duration = Duration::from_secs(5);

fn get_hook() -> CaseFile {
    support::inline(
        "get_hook",
        r#"
description: get one hook
products: [dotcom]
read_only: true
steps:
  - name: get hook 1
    operation: orgs/get-webhook
    path_params: { hook_id: "1" }
    expect: { status: 200 }
"#,
    )
}

async fn serve_json_bytes(body: Vec<u8>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_body_that_is_not_json_shows_its_start() {
    let server =
        serve_json_bytes(b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec()).await;
    let result = support::runner(&server.uri(), Product::Dotcom, TIMEOUT)
        .run(&get_hook())
        .await;
    support::assert_caught(
        &result,
        1,
        Check::Body,
        &[
            "not JSON",
            "it starts with: <html><body><h1>502 Bad Gateway",
        ],
    );
}

#[tokio::test]
async fn truncated_json_shows_its_start() {
    let server = serve_json_bytes(br#"{"id": 1, "name": "we"#.to_vec()).await;
    let result = support::runner(&server.uri(), Product::Dotcom, TIMEOUT)
        .run(&get_hook())
        .await;
    support::assert_caught(
        &result,
        1,
        Check::Body,
        &[
            "not JSON",
            "EOF",
            r#"it starts with: {"id": 1, "name": "we"#,
        ],
    );
}

#[tokio::test]
async fn bytes_that_are_not_text_are_shown_without_a_panic() {
    let server = serve_json_bytes(vec![0xff, 0xfe, 0x00, 0x01, b'{', 0xc3]).await;
    let result = support::runner(&server.uri(), Product::Dotcom, TIMEOUT)
        .run(&get_hook())
        .await;
    support::assert_caught(&result, 1, Check::Body, &["not JSON", "\u{fffd}"]);
}

#[tokio::test]
async fn a_transfer_cut_short_shows_what_arrived() {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => panic!("{error}"),
    };
    let url = match listener.local_addr() {
        Ok(address) => format!("http://{address}"),
        Err(error) => panic!("{error}"),
    };
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).await;
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\": 1, \"name\":",
                )
                .await;
            // Closing here leaves 983 promised bytes unsent.
        }
    });
    let result = support::runner(&url, Product::Dotcom, TIMEOUT)
        .run(&get_hook())
        .await;
    support::assert_caught(
        &result,
        1,
        Check::Body,
        &[
            "reading the body failed after 17 bytes",
            r#"it starts with: {"id": 1, "name":"#,
        ],
    );
}

#[tokio::test]
async fn a_huge_body_is_refused_past_the_limit() {
    let mut body = b"[".to_vec();
    while body.len() <= DEFAULT_MAX_BODY + 1024 {
        body.extend_from_slice(b"{\"id\": 1, \"name\": \"web\"},");
    }
    body.extend_from_slice(b"{}]");
    let server = serve_json_bytes(body).await;
    let result = support::runner(&server.uri(), Product::Dotcom, TIMEOUT)
        .run(&get_hook())
        .await;
    support::assert_caught(
        &result,
        1,
        Check::Body,
        &[
            &format!("larger than {DEFAULT_MAX_BODY} bytes"),
            r#"it starts with: [{"id": 1, "name": "web"},"#,
        ],
    );
}
