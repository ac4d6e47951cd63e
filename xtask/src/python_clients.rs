//! The Python clients step of `cargo xtask ci`: real PyGithub and githubkit, unchanged, against
//! the `hookspec-mock` binary. Creates a venv under `target/py-clients` (reused when present),
//! installs the clients into it from PyPI when they are missing, builds and starts the binary on
//! a free loopback port with a generated GitHub App (`--generate-app`, its private key in the
//! venv's folder), runs each script in `downstream/clients/` with the base URL (and the app's id
//! and key for the App-hook script), and stops the binary. Without `python3` on PATH the step
//! says it skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use xtask::repo_root;

use crate::outside::{self, Outcome, run_bounded, stop, succeeds};

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

/// How long one script may run before it counts as failed (each has its own 10 s waits).
const SCRIPT_WAIT: Duration = Duration::from_secs(120);

/// Runs the step; prints what it does and one closing line.
pub fn run() -> Outcome {
    println!("==> python clients (PyGithub and githubkit against the hookspec-mock binary)");
    let started = Instant::now();
    let outcome = run_scripts();
    println!(
        "==> python clients took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    outcome.print("python-clients");
    outcome
}

fn run_scripts() -> Outcome {
    let all_failed = Outcome::failed(SCRIPTS.len() as u64);
    if !outside::found("python3") {
        println!("skipped: python3 not found");
        return Outcome::skipped(SCRIPTS.len() as u64);
    }
    let venv = outside::target_dir().join("py-clients");
    let Some(python) = ensure_venv(&venv) else {
        return all_failed;
    };
    let Some(binary) = outside::build_binary() else {
        return all_failed;
    };
    let app_key = venv.join(format!("app-{APP_ID}.pem"));
    // App APP_ID with a new key pair, its private key written for the App-hook script.
    let mut generate_app = std::ffi::OsString::from(format!("{APP_ID}="));
    generate_app.push(&app_key);
    let args = ["--quiet".into(), "--generate-app".into(), generate_app];
    let Some((mut server, base)) = outside::start_binary(&binary, &args) else {
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
