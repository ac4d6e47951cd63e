//! What the steps of `cargo xtask ci` that drive the `hookspec-mock` binary from another
//! language share: building the binary and finding it, starting it on a free loopback port and
//! reading where it listens, running a program with a time limit, and the count of passed,
//! failed and skipped that each such step adds to the run's totals.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use xtask::repo_root;

/// How long the binary may take to print its address.
const START_WAIT: Duration = Duration::from_secs(30);

/// How one step's programs or tests fared.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Passed.
    pub passed: u64,
    /// Failed, or could not run.
    pub failed: u64,
    /// Not run, because what runs them is missing.
    pub skipped: u64,
}

impl Outcome {
    /// `count` of them failed (a step that could not start counts all it would have run).
    pub fn failed(count: u64) -> Self {
        Self {
            failed: count,
            ..Self::default()
        }
    }

    /// `count` of them skipped.
    pub fn skipped(count: u64) -> Self {
        Self {
            skipped: count,
            ..Self::default()
        }
    }

    /// The sum of both.
    pub fn add(self, other: Self) -> Self {
        Self {
            passed: self.passed + other.passed,
            failed: self.failed + other.failed,
            skipped: self.skipped + other.skipped,
        }
    }

    /// Prints the closing line of step `label`.
    pub fn print(&self, label: &str) {
        println!(
            "{label}: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
    }
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else `target/` in the repository.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Builds the `hookspec-mock` binary (feature `cli`) and gives its path; `None`, having said
/// why, when the build fails.
pub fn build_binary() -> Option<PathBuf> {
    // Once a run: both client steps of `ci` use the same binary.
    static BUILT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            println!("==> cargo build -p hookspec-mock --features cli");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let built = succeeds(
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
            );
            if !built {
                eprintln!("error: cannot build the hookspec-mock binary");
                return None;
            }
            Some(target_dir().join("debug").join("hookspec-mock"))
        })
        .clone()
}

/// Whether `program` runs (`program --version` exits 0): how a step tells that python3 or
/// node is missing.
pub fn found(program: &str) -> bool {
    succeeds(
        Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

/// Starts `binary` with `--port 0` and `args`; it and its base URL, read from its first line
/// (`listening on http://HOST:PORT`). `None`, having said why, when it does not say.
pub fn start_binary(
    binary: &std::path::Path,
    args: &[std::ffi::OsString],
) -> Option<(Child, String)> {
    let spawned = Command::new(binary)
        .args(["--port", "0"])
        .args(args)
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
pub fn run_bounded(command: &mut Command, limit: Duration) -> bool {
    match command.spawn() {
        Ok(child) => wait_bounded(child, limit),
        Err(error) => {
            eprintln!("error: cannot run {command:?}: {error}");
            false
        }
    }
}

/// Runs `command` to its end, passing its output through and giving it back: stdout's lines
/// and stderr's, each in its own order. It runs in a process group of its own, so that when it
/// ends, or is killed after `limit`, whatever it started and left (a test suite's fake, its
/// receivers) goes too: their open ends of the pipes would otherwise keep this waiting.
/// `None` when it cannot start.
pub fn run_capturing(command: &mut Command, limit: Duration) -> Option<(bool, Vec<String>)> {
    use std::os::unix::process::CommandExt;
    let spawned = command
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            eprintln!("error: cannot run {command:?}: {error}");
            return None;
        }
    };
    let readers = [
        child.stdout.take().map(|out| pass_through(out, false)),
        child.stderr.take().map(|err| pass_through(err, true)),
    ];
    let leader = child.id();
    let success = wait_bounded(child, limit);
    // Whatever it started and left running (a fake a suite did not stop, or all of it when it
    // ran out of time) would hold the pipes open, and the readers with them: its group goes
    // too. The group outlives its leader while it has members, so its id names no other
    // process meanwhile.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{leader}")])
        .stderr(Stdio::null())
        .status();
    let mut lines = Vec::new();
    for reader in readers.into_iter().flatten() {
        lines.extend(reader.join().unwrap_or_default());
    }
    Some((success, lines))
}

/// Echoes what `source` writes, line by line, to our stdout (or stderr), and collects it.
fn pass_through(
    source: impl Read + Send + 'static,
    to_stderr: bool,
) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(source).lines().map_while(Result::ok) {
            if to_stderr {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
            lines.push(line);
        }
        lines
    })
}

/// Waits for `child` to end, killing it and answering false after `limit`.
fn wait_bounded(mut child: Child, limit: Duration) -> bool {
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
                eprintln!("error: waiting for a child process: {error}");
                return false;
            }
        }
    }
}

/// Stops a process this step started.
pub fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Whether `command` runs and exits 0.
pub fn succeeds(command: &mut Command) -> bool {
    command.status().is_ok_and(|status| status.success())
}

#[cfg(test)]
mod tests {
    use std::process::Command;
    use std::time::{Duration, Instant};

    use super::run_capturing;

    #[test]
    fn a_run_past_its_limit_is_stopped_with_what_it_started() {
        // The background sleep holds the output pipes open: unless it is killed too, reading
        // them would wait for it.
        let started = Instant::now();
        let mut command = Command::new("sh");
        command.args(["-c", "echo started; sleep 30 & sleep 30"]);
        let ran = run_capturing(&mut command, Duration::from_millis(300));
        assert_eq!(ran, Some((false, vec!["started".to_owned()])));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_run_gives_back_its_output_and_whether_it_passed() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let ran = run_capturing(&mut command, Duration::from_secs(30));
        assert_eq!(ran, Some((false, vec!["out".to_owned(), "err".to_owned()])));
    }
}
