//! What the fake refuses as GitHub does, and says why: bodies that cannot be read, names
//! GitHub could not have issued, and `/_hookspec/` requests addressed to a foreign host; and
//! log lines that stay one line per request whatever the request carries.

use std::time::Duration;

use hookspec_mock::{Fake, FakeConfig, FakeRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::binary::{Server, spawn};
use crate::support::Api;

const WAIT: Duration = Duration::from_secs(10);

/// Sends `raw` bytes to the binary, half-closes the connection, and reads the answer to its
/// end (the server closes a connection whose body it could not read): status and JSON body.
async fn raw_exchange(server: &Server, raw: &[u8]) -> (u16, serde_json::Value) {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(raw).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut answer))
        .await
        .expect("the server answers and closes the connection")
        .unwrap();
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or_else(|| panic!("no JSON body in {text:?}"));
    (status, body)
}

/// The log lines up to the one for the marker request `GET /marker` (a 404 the test sends
/// last), which proves every earlier request's line has been written.
async fn lines_until_marker(server: &Server) -> Vec<String> {
    assert_eq!(Api::new(&server.base).get("/marker").await.status, 404);
    let mut lines = Vec::new();
    loop {
        let line = server
            .lines
            .recv_timeout(WAIT)
            .expect("the marker request's log line");
        if line.starts_with("GET /marker 404 ") {
            return lines;
        }
        lines.push(line);
    }
}

#[tokio::test]
async fn a_malformed_chunked_body_answers_400_problems_parsing_json_saying_why() {
    let server = spawn(&[]);
    let (status, body) = raw_exchange(
        &server,
        b"POST /orgs/octocat/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: token t\r\n\
          Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Problems parsing JSON");
    assert_eq!(body["status"], "400");
    let lines = lines_until_marker(&server).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("POST /orgs/octocat/hooks 400 ")
            && lines[0].contains("(the body could not be read: ")
            && lines[0].contains("chunk"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_body_cut_short_answers_400_and_only_an_oversized_one_413() {
    let server = spawn(&[]);
    let (status, body) = raw_exchange(
        &server,
        b"POST /orgs/octocat/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: token t\r\n\
          Content-Length: 100\r\n\r\n{\"name\":",
    )
    .await;
    assert_eq!(
        (status, &body["message"]),
        (400, &"Problems parsing JSON".into())
    );

    let oversized = vec![b' '; hookspec_mock::MAX_BODY_BYTES + 1];
    let answer = Api::new(&server.base)
        .raw("POST", "/orgs/octocat/hooks", Some(oversized), &[])
        .await;
    assert_eq!(answer.status, 413, "{}", answer.text);

    let lines = lines_until_marker(&server).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains(" 400 ") && lines[0].contains("(the body could not be read: "));
    assert!(lines[1].contains(" 413 ") && lines[1].ends_with("(the body is over 1048576 bytes)"));
}

#[tokio::test]
async fn a_name_github_could_not_have_issued_answers_404_naming_the_rule() {
    let server = spawn(&[]);
    let api = Api::new(&server.base);
    let answer = api.get("/orgs/a%2Fb/hooks").await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body["message"], "Not Found");
    let answer = api.get("/repos/octocat/hello%20world/hooks").await;
    assert_eq!(answer.status, 404);
    let lines = lines_until_marker(&server).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].ends_with(
            "(organization `a/b` is not a GitHub login: a login may only contain alphanumeric characters or single hyphens, and cannot begin or end with a hyphen)"
        ),
        "{lines:?}"
    );
    assert!(
        lines[1].ends_with(
            "(repository `hello world` is not a GitHub repository name: a repository name may only contain ASCII letters, digits, `.`, `-` and `_`)"
        ),
        "{lines:?}"
    );
}

#[test]
fn a_refused_name_is_never_created_on_first_use() {
    let fake = Fake::default();
    for path in [
        "/orgs/a%2Fb/hooks",
        "/orgs/-octocat/hooks",
        "/repos/octocat/%2E%2E/hooks",
        "/repos/octo--cat/hello/hooks",
    ] {
        let answer = fake.handle(
            &FakeRequest::new("GET", "http://127.0.0.1:1", path)
                .with_header("Authorization", "token t"),
        );
        assert_eq!(answer.status, 404, "{path}");
        assert!(
            answer
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("is not a GitHub")),
            "{path}: {:?}",
            answer.reason
        );
    }
    assert_eq!(fake.state().orgs(), ["octocat"]);
}

#[test]
fn seeding_from_rust_accepts_any_name_as_given() {
    // Tests seed what they mean to test; only names arriving over HTTP are checked.
    let fake = Fake::default();
    fake.state().add_org("not/a-login");
    assert!(fake.state().orgs().contains(&"not/a-login".to_owned()));
}

#[tokio::test]
async fn control_characters_from_a_request_stay_escaped_on_one_log_line() {
    let server = spawn(&[]);
    let api = Api::new(&server.base);
    assert_eq!(api.get("/orgs/a%0Aforged/hooks").await.status, 404);
    assert_eq!(api.get("/orgs/a%1B%5B31mred/hooks").await.status, 404);
    let lines = lines_until_marker(&server).await;
    assert_eq!(lines.len(), 2, "one line per request: {lines:?}");
    assert!(
        lines[0].starts_with("GET /orgs/a%0Aforged/hooks 404 ")
            && lines[0].contains("(organization `a\\nforged` is not a GitHub login"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("(organization `a\\x1b[31mred` is not a GitHub login")
            && !lines[1].contains('\u{1b}'),
        "{lines:?}"
    );
}

#[tokio::test]
async fn the_control_endpoints_refuse_a_foreign_host_unless_it_is_allowed() {
    let server = spawn(&["--allowed-host", "mock"]);
    let api = Api::new(&server.base);
    let pending = "/_hookspec/deliveries/pending";
    assert_eq!(api.get(pending).await.status, 200, "127.0.0.1 is loopback");
    for host in ["localhost:1", "[::1]:80"] {
        let answer = api.raw("GET", pending, None, &[("Host", host)]).await;
        assert_eq!(answer.status, 200, "{host}");
    }
    let refused = api
        .raw("GET", pending, None, &[("Host", "rebound.example:8080")])
        .await;
    assert_eq!(refused.status, 403);
    let message = refused.body["message"].as_str().unwrap_or_default();
    assert!(message.contains("--allowed-host"), "{}", refused.text);
    let allowed = api
        .raw("GET", pending, None, &[("Host", "mock:8080")])
        .await;
    assert_eq!(allowed.status, 200);

    let lines = lines_until_marker(&server).await;
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with(&format!("GET {pending} 403 "))
                && line.contains("Host: \"rebound.example:8080\" is not one")),
        "{lines:?}"
    );
}

#[test]
fn the_in_process_fake_keeps_its_control_endpoints_and_honours_its_allowed_hosts() {
    let fake = Fake::new(FakeConfig {
        allowed_control_hosts: vec!["fake.internal".to_owned()],
        ..FakeConfig::default()
    });
    let pending = |base: &str| {
        fake.handle(&FakeRequest::new(
            "GET",
            base,
            "/_hookspec/deliveries/pending",
        ))
        .status
    };
    assert_eq!(pending("http://127.0.0.1:4321"), 200);
    assert_eq!(pending("http://fake.internal:80"), 200);
    assert_eq!(pending("http://attacker.example"), 403);
}
