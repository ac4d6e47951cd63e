//! The standalone `hookspec-mock` binary: spawned with `--port 0`, it prints
//! `listening on http://HOST:PORT` first, serves the same fake over hyper (the downstream
//! lifecycle walk passes against it on both prefixes), logs one line per request, and honours
//! its token flags. The binary is tested here because only this package's tests get
//! `CARGO_BIN_EXE_hookspec-mock`, which guarantees cargo built the current binary first.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[path = "../../../downstream/tests/support/lifecycle.rs"]
mod lifecycle;

use crate::support::Api;

/// A running binary, killed on drop; its output lines after the first arrive on `lines`.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    pub(crate) lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn spawn(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookspec-mock"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader
        .read_line(&mut first)
        .expect("the binary prints a first line");
    let base = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    Server { child, base, lines }
}

#[tokio::test]
async fn the_binary_passes_the_lifecycle_on_both_prefixes_and_logs_each_request() {
    let server = spawn(&[]);
    lifecycle::org_webhook_lifecycle(&server.base, "octocat", "any-token").await;
    lifecycle::org_webhook_lifecycle(&format!("{}/api/v3", server.base), "octocat", "any-token")
        .await;

    let line = server
        .lines
        .recv_timeout(Duration::from_secs(5))
        .expect("a log line per request");
    let parts: Vec<&str> = line.split(' ').collect();
    assert_eq!(parts[..3], ["POST", "/orgs/octocat/hooks", "201"], "{line}");
    assert!(parts[3].ends_with("ms"), "{line}");
}

#[tokio::test]
async fn the_binarys_token_flags_give_roles() {
    let server = spawn(&[
        "--token",
        "owner",
        "--member-token",
        "member",
        "--site-admin-token",
        "admin",
        "--org",
        "acme",
        "--quiet",
    ]);
    let owner = Api::new(&server.base).token(Some("owner"));
    assert_eq!(owner.get("/orgs/acme/hooks").await.status, 200);
    assert_eq!(
        owner.get("/orgs/octocat/hooks").await.status,
        404,
        "--org replaces the default organization"
    );
    assert_eq!(
        Api::new(&server.base)
            .token(Some("member"))
            .get("/orgs/acme/hooks")
            .await
            .status,
        404
    );
    assert_eq!(
        Api::new(&server.base)
            .token(Some("stranger"))
            .get("/orgs/acme/hooks")
            .await
            .status,
        401
    );
    let ghes = format!("{}/api/v3", server.base);
    assert_eq!(
        Api::new(&ghes)
            .token(Some("admin"))
            .get("/admin/hooks")
            .await
            .status,
        200
    );
    assert_eq!(
        Api::new(&ghes)
            .token(Some("owner"))
            .get("/admin/hooks")
            .await
            .status,
        404
    );
}

#[test]
fn the_binarys_help_explains_every_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_hookspec-mock"))
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--port",
        "--host",
        "--token",
        "--site-admin-token",
        "--member-token",
        "--org",
        "--allowed-host",
        "--max-connections",
        "--seed",
        "--journal-limit",
        "--journal-max-bytes",
        "/_hookspec/reset",
        "/_hookspec/state",
        "/_hookspec/requests",
        "/_hookspec/faults",
        "/_hookspec/deliveries",
        "--quiet",
    ] {
        assert!(
            help.contains(flag),
            "--help does not mention {flag}:\n{help}"
        );
    }
}

#[tokio::test]
async fn the_binary_delivers_emitted_events_and_logs_each_delivery() {
    let server = spawn(&[]);
    let receiver = hookspec_mock::Receiver::start().await.unwrap();
    receiver.set_secret("s3cret");
    let api = Api::new(&server.base);
    let created = api
        .post(
            "/orgs/octocat/hooks",
            serde_json::json!({ "name": "web", "events": ["issues"], "config": { "url": receiver.url(), "content_type": "json", "secret": "s3cret" } }),
        )
        .await;
    assert_eq!(created.status, 201);
    let emitted = api
        .post(
            "/_hookspec/orgs/octocat/events/issues",
            serde_json::json!({ "action": "opened" }),
        )
        .await;
    assert_eq!(emitted.status, 202, "{}", emitted.text);
    let got = receiver.wait_for(2, Duration::from_secs(10)).await;
    let events: Vec<Option<&str>> = got.iter().map(|d| d.event()).collect();
    assert_eq!(events, [Some("ping"), Some("issues")]);
    assert!(got.iter().all(|d| d.signature_256_valid == Some(true)));

    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut delivery_lines = Vec::new();
    while delivery_lines.len() < 2 && std::time::Instant::now() < deadline {
        if let Ok(line) = server.lines.recv_timeout(Duration::from_millis(200))
            && line.starts_with("delivery ")
        {
            delivery_lines.push(line);
        }
    }
    assert_eq!(delivery_lines.len(), 2, "{delivery_lines:?}");
    assert!(
        delivery_lines.iter().all(|line| line.ends_with(": 200 OK")
            && line.contains(&receiver.url())
            && !line.contains("s3cret")),
        "{delivery_lines:?}"
    );
}

#[tokio::test]
async fn the_binarys_log_line_says_why_it_answered_a_404_or_a_422() {
    let server = spawn(&["--org", "octocat"]);
    let api = Api::new(&server.base);
    assert_eq!(api.get("/orgs/acme/hooks").await.status, 404);
    assert_eq!(
        api.post(
            "/orgs/octocat/hooks",
            serde_json::json!({ "name": "web", "config": {} })
        )
        .await
        .status,
        422
    );
    let lines: Vec<String> = (0..2)
        .filter_map(|_| server.lines.recv_timeout(Duration::from_secs(5)).ok())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("GET /orgs/acme/hooks 404 ")
            && lines[0].ends_with("(unknown org `acme` (known: octocat))"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("POST /orgs/octocat/hooks 422 ")
            && lines[1].ends_with("(validation failed: `url` missing)"),
        "{lines:?}"
    );
}
