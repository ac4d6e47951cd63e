//! The `hookspec-conformance` binary: its help, its output and exit codes, its JUnit report, and
//! its cleanup when stopped with Ctrl-C.

mod support;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use hookspec_conformance::MARKER_HOST;
use hookspec_mock::{FakeGitHub, Fault, OperationId};

const BINARY: &str = env!("CARGO_BIN_EXE_hookspec-conformance");

fn run(args: &[&str]) -> Output {
    match Command::new(BINARY)
        .args(args)
        .env_remove("HOOKSPEC_TOKEN")
        .output()
    {
        Ok(output) => output,
        Err(error) => panic!("cannot run {BINARY}: {error}"),
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const FAILING_CASE: &str = r#"
description: expects a status the fake never gives
products: [dotcom]
read_only: true
steps:
  - name: list hooks
    operation: orgs/list-webhooks
    expect: { status: 418 }
"#;

const PASSING_CASE: &str = r#"
description: lists hooks
products: [dotcom, ghes]
read_only: true
steps:
  - name: list hooks
    operation: orgs/list-webhooks
    expect: { status: 200 }
"#;

#[test]
fn help_explains_every_flag() {
    let output = run(&["--help"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for flag in [
        "--target",
        "--token",
        "--token-env",
        "--org",
        "--product",
        "--filter",
        "--read-only",
        "--junit",
        "--timeout",
        "--cases",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help:\n{text}");
    }
}

#[test]
fn a_clean_run_ends_with_the_summary_line_and_exit_zero() {
    let dir = support::temp_dir("clean");
    support::write(&dir, "a/lists_hooks.yaml", PASSING_CASE);
    let output = run(&["--cases", &dir.to_string_lossy()]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[1/2] PASS  a/lists_hooks [dotcom]")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[2/2] PASS  a/lists_hooks [ghes]")),
        "{text}"
    );
    assert_eq!(
        lines.last(),
        Some(&"2 passed, 0 failed, 0 skipped"),
        "{text}"
    );
}

#[test]
fn a_failure_exits_one_and_is_in_the_junit_report() {
    let dir = support::temp_dir("failing");
    support::write(&dir, "fails.yaml", FAILING_CASE);
    support::write(&dir, "passes.yaml", PASSING_CASE);
    let junit = dir.join("report.xml");
    let output = run(&[
        "--cases",
        &dir.to_string_lossy(),
        "--product",
        "dotcom",
        "--junit",
        &junit.to_string_lossy(),
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  fails [dotcom]"), "{text}");
    assert!(text.contains("expected 418, got 200"), "{text}");
    assert_eq!(
        text.lines().last(),
        Some("1 passed, 1 failed, 0 skipped"),
        "{text}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap_or_default();
    assert!(xml.contains(r#"<testcase name="fails [dotcom]""#), "{xml}");
    assert!(xml.contains("<failure"), "{xml}");
    assert!(xml.contains("expected 418, got 200"), "{xml}");
    assert!(xml.contains(r#"<testcase name="passes [dotcom]""#), "{xml}");
}

#[test]
fn read_only_skips_cases_that_change_state_and_says_why() {
    let dir = support::temp_dir("read-only");
    support::write(&dir, "passes.yaml", PASSING_CASE);
    support::write(
        &dir,
        "creates.yaml",
        &PASSING_CASE.replace("read_only: true", "read_only: false"),
    );
    let junit = dir.join("report.xml");
    let output = run(&[
        "--cases",
        &dir.to_string_lossy(),
        "--product",
        "ghes",
        "--read-only",
        "--junit",
        &junit.to_string_lossy(),
    ]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("SKIP  creates [ghes]  (changes server state; --read-only"),
        "{text}"
    );
    assert_eq!(
        text.lines().last(),
        Some("1 passed, 0 failed, 1 skipped"),
        "{text}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap_or_default();
    assert!(
        xml.contains("<skipped message=\"changes server state"),
        "{xml}"
    );
}

#[test]
fn a_filter_that_matches_nothing_is_a_usage_error() {
    let output = run(&["--filter", "no-such-case-anywhere"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("matches --filter no-such-case-anywhere")
    );
}

#[test]
fn a_target_without_an_org_is_a_usage_error() {
    let output = run(&["--target", "http://127.0.0.1:9"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--org is required"));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_deletes_what_the_run_created() {
    let fake = FakeGitHub::start().await;
    let state = fake.state();
    if let Err(error) = state.inject_fault(
        OperationId::OrgsGetWebhook,
        Fault::delay(Duration::from_secs(5)),
    ) {
        panic!("{error}");
    }
    let mut child = match Command::new(BINARY)
        .args([
            "--target",
            &fake.uri(),
            "--org",
            "octocat",
            "--token",
            "t",
            "--filter",
            "org_hook_lifecycle",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => panic!("{error}"),
    };
    let marked = || {
        state
            .org_hooks("octocat")
            .into_iter()
            .filter(|h| h.config.url.contains(MARKER_HOST))
            .count()
    };
    let started = Instant::now();
    while marked() == 0 && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(marked(), 1, "the run should have created its hook");
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let waited = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if waited.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => {
                let _ = child.kill();
                panic!("the binary did not stop after Ctrl-C: {other:?}");
            }
        }
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    let mut out = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut out);
    }
    assert_eq!(
        status.code(),
        Some(130),
        "{status:?}\nstdout:\n{out}\nstderr:\n{stderr}"
    );
    assert!(
        stderr.contains("interrupted: deleting the 1 resource(s)"),
        "{stderr}"
    );
    assert_eq!(marked(), 0, "the hook the run created is gone");
}
