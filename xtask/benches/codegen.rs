//! Benchmark of the generator and of what it costs users to compile (a bench binary that
//! prints its figures; `cargo bench -p xtask --bench codegen`).
//!
//! 1. `xtask gen` and `xtask gen --check` wall time on the real spec (built binary, median of
//!    runs), beside the same binary's `--version` as the process-start baseline.
//! 2. The clean build of `hookspec-mock` in a scratch copy of the workspace: once in full
//!    (dependencies included), then the crate alone with its generated code and again with the
//!    models and stubs emptied, so the ratio shows what the generated code adds.
//!
//! Set `HOOKSPEC_BENCH_SKIP_BUILD=1` to measure only the generator.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time_command(program: &Path, args: &[&str], runs: usize) -> Duration {
    let samples = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new(program).args(args).output().map(|o| o.status);
            assert!(
                matches!(status, Ok(s) if s.success()),
                "{} {args:?} failed: {status:?}",
                program.display()
            );
            started.elapsed()
        })
        .collect();
    median(samples)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("{}: {e}", from.display()))
        .flatten()
    {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let target = to.join(&name);
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("{}: {e}", target.display()));
        }
    }
}

/// Runs `cargo <args> -p hookspec-mock --target-dir <target_dir>` in `workspace`; its wall time.
fn cargo_mock(workspace: &Path, target_dir: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .args(["--quiet", "-p", "hookspec-mock", "--target-dir"])
        .arg(target_dir)
        .current_dir(workspace)
        .status();
    assert!(
        matches!(status, Ok(s) if s.success()),
        "cargo {args:?} failed: {status:?}"
    );
    started.elapsed()
}

fn cargo_build(workspace: &Path, target_dir: &Path) -> Duration {
    cargo_mock(workspace, target_dir, &["build", "--lib"])
}

fn cargo_clean_mock(workspace: &Path, target_dir: &Path) {
    cargo_mock(workspace, target_dir, &["clean"]);
}

fn main() {
    let xtask = PathBuf::from(env!("CARGO_BIN_EXE_xtask"));
    let baseline = time_command(&xtask, &["--version"], 15);
    let generate = time_command(&xtask, &["gen"], 15);
    let check = time_command(&xtask, &["gen", "--check"], 15);
    println!(
        "process start (xtask --version): {:8.1} ms  (baseline)",
        ms(baseline)
    );
    println!(
        "xtask gen:                       {:8.1} ms  ({:.1}x baseline; target < 300 ms)",
        ms(generate),
        ms(generate) / ms(baseline)
    );
    println!(
        "xtask gen --check:               {:8.1} ms  ({:.1}x baseline)",
        ms(check),
        ms(check) / ms(baseline)
    );

    if std::env::var_os("HOOKSPEC_BENCH_SKIP_BUILD").is_some() {
        return;
    }
    let root = xtask::repo_root();
    let scratch = std::env::temp_dir().join(format!("hookspec-build-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let workspace = scratch.join("workspace");
    let target_dir = scratch.join("target");
    copy_tree(&root, &workspace);

    let full = cargo_build(&workspace, &target_dir);
    cargo_clean_mock(&workspace, &target_dir);
    let with_generated = cargo_build(&workspace, &target_dir);

    let generated = workspace.join("mock/src/generated");
    let header = "// emptied for the build benchmark\n";
    std::fs::write(generated.join("models.rs"), header).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(generated.join("stubs.rs"), header).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(generated.join("round_trip.rs"), header).unwrap_or_else(|e| panic!("{e}"));
    cargo_clean_mock(&workspace, &target_dir);
    let without_generated = cargo_build(&workspace, &target_dir);

    println!(
        "clean build of hookspec-mock with its dependencies: {:8.1} s",
        full.as_secs_f64()
    );
    println!(
        "hookspec-mock alone, with generated models+stubs:   {:8.1} s",
        with_generated.as_secs_f64()
    );
    println!(
        "hookspec-mock alone, models+stubs emptied:          {:8.1} s  (with/without = {:.2}x)",
        without_generated.as_secs_f64(),
        with_generated.as_secs_f64() / without_generated.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&scratch);
}
