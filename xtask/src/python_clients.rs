//! The Python clients step of `cargo xtask ci`: real PyGithub, unchanged, against the
//! `hookspec-mock` binary. Creates a venv under `target/py-clients` (reused when present),
//! installs PyGithub into it from PyPI when it is missing, builds and starts the binary on a
//! free loopback port, runs each script in `downstream/clients/` with the base URL, and stops
//! the binary. Without `python3` on PATH the step says it skipped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use xtask::repo_root;

/// The scripts run, relative to the repository root.
const SCRIPTS: [&str; 2] = [
    "downstream/clients/pygithub_lifecycle.py",
    "downstream/clients/pygithub_repo_hooks.py",
];

/// How long the binary may take to print its address.
const START_WAIT: Duration = Duration::from_secs(30);
/// How long one script may run before it counts as failed (each has its own 10 s waits).
const SCRIPT_WAIT: Duration = Duration::from_secs(120);

/// How the scripts fared.
#[derive(Default)]
pub struct Outcome {
    /// Scripts that exited 0.
    pub passed: u64,
    /// Scripts that failed, or could not run.
    pub failed: u64,
    /// Scripts not run because there is no `python3`.
    pub skipped: u64,
}

/// Runs the step; prints what it does and one closing line.
pub fn run() -> Outcome {
    println!("==> python clients (PyGithub against the hookspec-mock binary)");
    let started = Instant::now();
    let outcome = run_scripts();
    println!(
        "==> python clients took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "python-clients: {} passed, {} failed, {} skipped",
        outcome.passed, outcome.failed, outcome.skipped
    );
    outcome
}

fn run_scripts() -> Outcome {
    let all_failed = Outcome {
        failed: SCRIPTS.len() as u64,
        ..Outcome::default()
    };
    if !succeeds(
        Command::new("python3")
            .arg("--version")
            .stdout(Stdio::null()),
    ) {
        println!("skipped: python3 not found");
        return Outcome {
            skipped: SCRIPTS.len() as u64,
            ..Outcome::default()
        };
    }
    let target = target_dir();
    let Some(python) = ensure_venv(&target.join("py-clients")) else {
        return all_failed;
    };
    println!("==> cargo build -p hookspec-mock --features cli");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    if !succeeds(
        Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "hookspec-mock",
                "--features",
                "cli",
            ])
            .current_dir(repo_root()),
    ) {
        eprintln!("error: cannot build the hookspec-mock binary");
        return all_failed;
    }
    let binary = target.join("debug").join("hookspec-mock");
    let Some((mut server, base)) = start_binary(&binary) else {
        return all_failed;
    };
    let mut outcome = Outcome::default();
    for script in SCRIPTS {
        println!("==> {} {script} {base}", python.display());
        let mut command = Command::new(&python);
        command.arg(script).arg(&base).current_dir(repo_root());
        if run_bounded(&mut command, SCRIPT_WAIT) {
            outcome.passed += 1;
        } else {
            eprintln!("error: {script} failed");
            outcome.failed += 1;
        }
    }
    stop(&mut server);
    outcome
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else `target/` in the repository.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// The venv's python with PyGithub importable: reuses `venv`, creates it and installs
/// PyGithub when needed; `None` (having said why) when that fails.
fn ensure_venv(venv: &Path) -> Option<PathBuf> {
    let python = venv.join("bin").join("python");
    if !python.exists() {
        println!("==> python3 -m venv {}", venv.display());
        if !succeeds(Command::new("python3").arg("-m").arg("venv").arg(venv)) {
            eprintln!("error: cannot create a venv in {}", venv.display());
            return None;
        }
    }
    let importable = |python: &Path| {
        succeeds(
            Command::new(python)
                .args(["-c", "import github"])
                .stderr(Stdio::null()),
        )
    };
    if !importable(&python) {
        println!("==> pip install PyGithub (into {})", venv.display());
        let installed = succeeds(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "PyGithub",
        ]));
        if !installed || !importable(&python) {
            eprintln!("error: installing PyGithub failed; the Python clients cannot run");
            return None;
        }
    }
    Some(python)
}

/// Starts the binary on a free loopback port; it and its base URL, read from its first line.
fn start_binary(binary: &Path) -> Option<(Child, String)> {
    let spawned = Command::new(binary)
        .args(["--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            eprintln!("error: cannot start {}: {error}", binary.display());
            return None;
        }
    };
    let (sender, first_line) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        // Reads every line, so the pipe never fills; the first one is the address.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
    }
    let base = first_line
        .recv_timeout(START_WAIT)
        .ok()
        .and_then(|line| line.strip_prefix("listening on ").map(str::to_owned));
    match base {
        Some(base) => Some((child, base)),
        None => {
            eprintln!("error: the hookspec-mock binary did not say where it listens");
            stop(&mut child);
            None
        }
    }
}

/// Runs `command` to its end, killing it (and counting it failed) after `limit`.
fn run_bounded(command: &mut Command, limit: Duration) -> bool {
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("error: cannot run {command:?}: {error}");
            return false;
        }
    };
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) => {
                eprintln!("error: still running after {limit:?}; stopped");
                stop(&mut child);
                return false;
            }
            Err(error) => {
                eprintln!("error: waiting for {command:?}: {error}");
                return false;
            }
        }
    }
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn succeeds(command: &mut Command) -> bool {
    command.status().is_ok_and(|status| status.success())
}
