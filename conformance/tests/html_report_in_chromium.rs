//! The HTML report as a browser sees it: rendered by headless Chromium (Debian's `chromium`
//! package), its DOM holds a matrix row for every operation and documented status, and a
//! screenshot is taken. Without `/usr/bin/chromium` (or `HOOKSPEC_CHROMIUM`) the test prints
//! `skipped: chromium not found` and passes, its name saying it may be skipped; `scripts/check-html-report.sh` does the same check by hand.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hookspec_mock::table::OPERATIONS;

const BINARY: &str = env!("CARGO_BIN_EXE_hookspec-conformance");

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("HOOKSPEC_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Runs headless Chromium on `page` with `extra` arguments; its stdout (through a file, so a
/// large DOM cannot fill a pipe nobody reads), or a panic after 120 s.
fn headless(chromium: &Path, profile: &Path, page: &Path, extra: &[&str]) -> String {
    let out_path = profile.with_extension("stdout");
    let out = std::fs::File::create(&out_path).unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::from(out))
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                panic!("chromium did not finish within 120 s");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(error) => panic!("{error}"),
        }
    }
    std::fs::read_to_string(&out_path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_html_report_renders_in_chromium_with_every_operation_in_the_matrix_or_is_skipped() {
    let Some(chromium) = chromium() else {
        println!("skipped: chromium not found");
        eprintln!(
            "skipped: chromium not found (apt-get install -y chromium, or set HOOKSPEC_CHROMIUM)"
        );
        return;
    };
    let dir = support::temp_dir("chromium");
    let page = dir.join("report.html");
    let output = Command::new(BINARY)
        .args(["--skip-tag", "many-hooks", "--html"])
        .arg(&page)
        .env_remove("HOOKSPEC_TOKEN")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success(), "{output:?}");

    let dom = headless(&chromium, &dir.join("profile"), &page, &["--dump-dom"]);
    assert!(dom.contains("<table class=\"matrix\">"), "{dom}");
    for operation in OPERATIONS {
        for response in operation.responses {
            let row = format!(
                "<tr data-operation=\"{}\" data-status=\"{}\">",
                operation.id, response.status
            );
            assert!(dom.contains(&row), "Chromium's DOM lacks {row}");
        }
    }
    let rows: usize = OPERATIONS.iter().map(|op| op.responses.len()).sum();
    assert_eq!(dom.matches("<tr data-operation=").count(), rows);
    assert!(!dom.contains("cell fail"), "the suite passes on the fake");

    let screenshot = dir.join("report.png");
    headless(
        &chromium,
        &dir.join("profile"),
        &page,
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,2000",
            "--hide-scrollbars",
        ],
    );
    let png = std::fs::read(&screenshot).unwrap_or_default();
    assert!(
        png.starts_with(b"\x89PNG"),
        "no screenshot at {}",
        screenshot.display()
    );
    eprintln!("screenshot: {}", screenshot.display());
}
