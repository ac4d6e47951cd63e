//! The `proxy`, `replay` and `record-to-case` subcommands of the binary: the first line names
//! the proxy's URL, Ctrl-C ends it with the reports written and the summary printed, the token
//! appears nowhere, and the checked-in recordings replay and convert from the command line.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hookspec_mock::FakeGitHub;

const BINARY: &str = env!("CARGO_BIN_EXE_hookspec-conformance");
const TOKEN: &str = "ghp_cliTokenThatMustNeverBePrinted987";

fn recordings() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/org_hook_lifecycle")
}

#[tokio::test]
async fn the_proxy_names_its_url_first_and_reports_on_ctrl_c() {
    let fake = FakeGitHub::start().await;
    let junit = std::env::temp_dir().join(format!("hookspec-proxy-{}.xml", std::process::id()));
    let markdown = junit.with_extension("md");
    let html = junit.with_extension("html");
    let mut child = match Command::new(BINARY)
        .args(["proxy", "--target", &fake.uri(), "--junit"])
        .arg(&junit)
        .arg("--markdown")
        .arg(&markdown)
        .arg("--html")
        .arg(&html)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => panic!("{error}"),
    };
    let Some(stdout) = child.stdout.take() else {
        panic!("no stdout")
    };
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let Some(url) = first.strip_prefix("listening on ") else {
        let _ = child.kill();
        panic!("first line: {first:?}");
    };
    let client = reqwest::Client::new();
    let created = client
        .post(format!("{url}/orgs/octocat/hooks"))
        .header("Authorization", format!("token {TOKEN}"))
        .body(r#"{"name":"web","config":{"url":"http://127.0.0.1:9/hook"}}"#)
        .send()
        .await;
    assert!(created.is_ok_and(|r| r.status() == 201));
    let broken = client
        .post(format!("{url}/orgs/octocat/hooks"))
        .header("Authorization", format!("token {TOKEN}"))
        .body(r#"{"name":"other","config":{"url":"http://127.0.0.1:9/other"}}"#)
        .send()
        .await;
    assert!(broken.is_ok_and(|r| r.status() == 422));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => {
                let _ = child.kill();
                panic!("the proxy did not stop after Ctrl-C: {other:?}");
            }
        }
    };
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    let out = rest.join("\n");
    assert_eq!(status.code(), Some(1), "{out}\n{stderr}");
    assert!(
        out.contains("PASS  #1 POST /orgs/octocat/hooks -> 201  orgs/create-webhook [dotcom]"),
        "{out}"
    );
    assert!(
        out.contains("FAIL  #2 POST /orgs/octocat/hooks -> 422  orgs/create-webhook [dotcom]"),
        "{out}"
    );
    assert_eq!(
        rest.last().map(String::as_str),
        Some("1 passed, 1 failed"),
        "{out}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap_or_default();
    assert!(xml.contains("proxy/0002 orgs/create-webhook"), "{xml}");
    // The proxy's traffic fills the coverage matrix of the Markdown and HTML reports.
    let summary = std::fs::read_to_string(&markdown).unwrap_or_default();
    assert!(
        summary.contains("| `orgs/create-webhook` | 201 | ✅ |"),
        "{summary}"
    );
    assert!(
        summary.contains("| `orgs/create-webhook` | 422 | ❌"),
        "{summary}"
    );
    let page = std::fs::read_to_string(&html).unwrap_or_default();
    assert!(page.contains("orgs/create-webhook"), "{page}");
    for text in [&out, &stderr, &xml, &summary, &page] {
        assert!(!text.contains(TOKEN));
    }
    for file in [&junit, &markdown, &html] {
        let _ = std::fs::remove_file(file);
    }
}

#[test]
fn replay_without_a_target_runs_the_recordings_against_the_embedded_fake() {
    let output = Command::new(BINARY)
        .arg("replay")
        .arg(recordings())
        .output();
    let Ok(output) = output else {
        panic!("cannot run")
    };
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        out.contains("PASS  replay/org_hook_lifecycle [dotcom]"),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("1 passed, 0 failed, 0 skipped"),
        "{out}"
    );
}

#[test]
fn a_recording_becomes_a_case_the_loader_accepts() {
    let output = Command::new(BINARY)
        .arg("record-to-case")
        .arg(recordings())
        .output();
    let Ok(output) = output else {
        panic!("cannot run")
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let case = hookspec_conformance::parse_case(std::path::Path::new("recorded.yaml"), &text);
    let Ok(case) = case else {
        panic!("{case:?}\n{text}")
    };
    assert_eq!(case.steps.len(), 12);
    assert!(text.contains("hook_id_1: body:/id"), "{text}");
}

#[test]
fn a_run_with_record_leaves_recordings_that_replay_clean_and_hold_no_token() {
    let dir = std::env::temp_dir().join(format!("hookspec-run-record-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = Command::new(BINARY)
        .args([
            "--filter",
            "lifecycle",
            "--product",
            "dotcom",
            "--token",
            TOKEN,
            "--record",
        ])
        .arg(&dir)
        .output();
    let Ok(run) = run else { panic!("cannot run") };
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        out.contains(&format!("recorded into {}", dir.display())),
        "{out}"
    );
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(!text.contains(TOKEN), "{}", entry.path().display());
        files += 1;
    }
    assert!(files > 10, "{files} recordings");
    let replay = Command::new(BINARY).arg("replay").arg(&dir).output();
    let Ok(replay) = replay else {
        panic!("cannot run")
    };
    let text = String::from_utf8_lossy(&replay.stdout);
    assert!(replay.status.success(), "{text}");
    assert!(text.ends_with("1 passed, 0 failed, 0 skipped\n"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
