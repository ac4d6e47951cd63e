//! The Python clients step of `cargo xtask ci`: real PyGithub and githubkit, unchanged, against
//! the `hookspec-mock` binary. Creates a venv under `target/py-clients` (reused when present),
//! installs the clients into it from PyPI when they are missing, builds and starts the binary on
//! a free loopback port with a generated GitHub App (`--generate-app`, its private key in the
//! venv's folder), runs each script in `downstream/clients/` with the base URL (and the app's id
//! and key for the App-hook script), and stops the binary. Without `python3` on PATH the step
//! says it skipped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use xtask::repo_root;

/// The scripts run, relative to the repository root: each with the path its base URL ends in
/// (`/api/v3` for GHES paths), and whether it is given the generated app (its id and private
/// key file) after the base URL.
const SCRIPTS: [(&str, &str, bool); 4] = [
    ("downstream/clients/pygithub_lifecycle.py", "", false),
    ("downstream/clients/pygithub_repo_hooks.py", "", false),
    (
        "downstream/clients/pygithub_repo_hooks.py",
        "/api/v3",
        false,
    ),
    ("downstream/clients/githubkit_app_hook.py", "", true),
];

/// The GitHub App the binary is started with (`--generate-app`) for the App-hook script.
const APP_ID: &str = "1";

/// What `pip install` gets: PyGithub, and githubkit with PyJWT for app auth. githubkit 0.16
/// allows hishel 2.0.0 but imports a name hishel 2 no longer has, so hishel stays below 2.
const PACKAGES: [&str; 3] = ["PyGithub", "githubkit[auth-app]", "hishel<2"];
/// What must import for the scripts to run.
const IMPORT_CHECK: &str = "import github, githubkit, jwt; from githubkit import AppAuthStrategy";

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
    println!("==> python clients (PyGithub and githubkit against the hookspec-mock binary)");
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
    let venv = target.join("py-clients");
    let Some(python) = ensure_venv(&venv) else {
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
    let app_key = venv.join(format!("app-{APP_ID}.pem"));
    let Some((mut server, base)) = start_binary(&binary, &app_key) else {
        return all_failed;
    };
    let mut outcome = Outcome::default();
    for (script, prefix, with_app) in SCRIPTS {
        let base = format!("{base}{prefix}");
        let mut command = Command::new(&python);
        command.arg(script).arg(&base).current_dir(repo_root());
        let mut shown = format!("{} {script} {base}", python.display());
        if with_app {
            command.arg(APP_ID).arg(&app_key);
            shown = format!("{shown} {APP_ID} {}", app_key.display());
        }
        println!("==> {shown}");
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

/// The venv's python with the clients importable: reuses `venv`, creates it and installs
/// [`PACKAGES`] when needed; `None` (having said why) when that fails.
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
                .args(["-c", IMPORT_CHECK])
                .stderr(Stdio::null()),
        )
    };
    if !importable(&python) {
        println!(
            "==> pip install {} (into {})",
            PACKAGES.join(" "),
            venv.display()
        );
        let installed = succeeds(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .args(PACKAGES),
        );
        if !installed || !importable(&python) {
            eprintln!("error: installing the Python clients failed; they cannot run");
            return None;
        }
    }
    Some(python)
}

/// Starts the binary on a free loopback port with app [`APP_ID`], whose new private key it
/// writes to `app_key`; it and its base URL, read from its first line.
fn start_binary(binary: &Path, app_key: &Path) -> Option<(Child, String)> {
    let mut generate_app = std::ffi::OsString::from(format!("{APP_ID}="));
    generate_app.push(app_key);
    let spawned = Command::new(binary)
        .args(["--port", "0", "--quiet", "--generate-app"])
        .arg(generate_app)
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
