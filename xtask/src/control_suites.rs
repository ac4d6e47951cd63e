//! The control-API suites step of `cargo xtask ci`: test suites in Python (`unittest`) and
//! JavaScript (`node --test`), standard library only, in `downstream/clients/control/`, that
//! use the `hookspec-mock` binary as a user in another language would. Each suite starts the
//! binary itself (with its seed file) from the path in `HOOKSPEC_MOCK`; this builds it, runs
//! each suite in its folder with a time limit, and reads from the runner's own output how many
//! tests passed, failed and skipped, and the names of the failed ones. A suite whose runner
//! (python3, node) is missing says it skipped.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use xtask::repo_root;

use crate::outside::{self, Outcome};

/// One suite: where it lives, what runs it and how to read its output.
struct Suite {
    /// Its name in the closing line.
    label: &'static str,
    /// Its folder, relative to the repository root; the runner's working directory.
    folder: &'static str,
    /// The runner, found on PATH.
    program: &'static str,
    /// The runner's arguments.
    args: &'static [&'static str],
    /// How to count its tests from its output.
    read: fn(&[String]) -> Counted,
}

const SUITES: [Suite; 2] = [
    Suite {
        label: "control-python",
        folder: "downstream/clients/control/python",
        program: "python3",
        args: &["-m", "unittest", "-v", "test_control"],
        read: read_unittest,
    },
    Suite {
        label: "control-js",
        folder: "downstream/clients/control/js",
        program: "node",
        args: &["--test", "--test-reporter=tap", "control.test.mjs"],
        read: read_tap,
    },
];

/// How long one suite may run; its own waits for deliveries are a few seconds each.
const SUITE_WAIT: Duration = Duration::from_secs(180);

/// What a runner's output says.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counted {
    outcome: Outcome,
    /// The names of the failed tests, as the runner spells them.
    failures: Vec<String>,
}

/// Runs the step; prints what it does and one closing line per suite.
pub fn run() -> Outcome {
    println!(
        "==> control-API suites (Python unittest and node --test against the hookspec-mock binary)"
    );
    let started = Instant::now();
    let present: Vec<&Suite> = SUITES
        .iter()
        .filter(|suite| {
            let found = outside::found(suite.program);
            if !found {
                println!("skipped: {} not found", suite.program);
                Outcome::skipped(1).print(suite.label);
            }
            found
        })
        .collect();
    let mut total = Outcome::skipped((SUITES.len() - present.len()) as u64);
    if present.is_empty() {
        return total;
    }
    let Some(binary) = outside::build_binary() else {
        return total.add(Outcome::failed(present.len() as u64));
    };
    for suite in present {
        total = total.add(run_suite(suite, &binary));
    }
    println!(
        "==> control-API suites took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    total
}

fn run_suite(suite: &Suite, binary: &Path) -> Outcome {
    println!(
        "==> (cd {}; HOOKSPEC_MOCK={} {} {})",
        suite.folder,
        binary.display(),
        suite.program,
        suite.args.join(" ")
    );
    let mut command = Command::new(suite.program);
    command
        .args(suite.args)
        .env("HOOKSPEC_MOCK", binary)
        .current_dir(repo_root().join(suite.folder));
    let Some((success, lines)) = outside::run_capturing(&mut command, SUITE_WAIT) else {
        Outcome::failed(1).print(suite.label);
        return Outcome::failed(1);
    };
    let mut counted = (suite.read)(&lines);
    if !success && counted.outcome.failed == 0 {
        // The runner failed before it could report a test (it could not load the suite, or
        // ran out of time): the suite counts as one failure.
        counted.outcome.failed = 1;
        counted
            .failures
            .push(format!("{} (the runner failed)", suite.folder));
    }
    for name in &counted.failures {
        eprintln!("error: {}: failed: {name}", suite.label);
    }
    counted.outcome.print(suite.label);
    counted.outcome
}

/// Counts `python3 -m unittest -v` output: `Ran N tests`, a `FAIL: name` or `ERROR: name`
/// heading per failed test (or failed module set-up), and `skipped=N` in the last line.
fn read_unittest(lines: &[String]) -> Counted {
    let mut ran = 0;
    let mut skipped = 0;
    let mut failures = Vec::new();
    for line in lines {
        if let Some(name) = line
            .strip_prefix("FAIL: ")
            .or_else(|| line.strip_prefix("ERROR: "))
        {
            failures.push(name.to_owned());
        } else if let Some(rest) = line.strip_prefix("Ran ") {
            ran = leading_number(rest).unwrap_or(0);
        } else if line.starts_with("OK") || line.starts_with("FAILED") {
            if let Some((_, rest)) = line.split_once("skipped=") {
                skipped = leading_number(rest).unwrap_or(0);
            }
        }
    }
    let failed = failures.len() as u64;
    Counted {
        outcome: Outcome {
            passed: ran.saturating_sub(failed + skipped),
            failed,
            skipped,
        },
        failures,
    }
}

/// Counts `node --test --test-reporter=tap` output: its `# pass N`, `# fail N`,
/// `# cancelled N`, `# skipped N` and `# todo N` summary, and the `not ok N - name` line of
/// each failed test.
fn read_tap(lines: &[String]) -> Counted {
    let mut outcome = Outcome::default();
    let mut failures = Vec::new();
    for line in lines {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("not ok ") {
            let name = rest.split_once(" - ").map_or(rest, |(_, name)| name);
            failures.push(name.to_owned());
            continue;
        }
        let Some((key, count)) = line
            .strip_prefix("# ")
            .and_then(|rest| rest.split_once(' '))
            .and_then(|(key, count)| Some((key, leading_number(count)?)))
        else {
            continue;
        };
        match key {
            "pass" => outcome.passed += count,
            "fail" | "cancelled" => outcome.failed += count,
            "skipped" | "todo" => outcome.skipped += count,
            _ => {}
        }
    }
    Counted { outcome, failures }
}

/// The whole number `text` starts with.
fn leading_number(text: &str) -> Option<u64> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{Counted, Outcome, SUITES, read_tap, read_unittest};
    use xtask::repo_root;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn unittest_output_gives_passed_failed_skipped_and_the_failed_names() {
        let output = lines(
            "test_a (test_control.T.test_a) ... ok\n\
             test_b (test_control.T.test_b) ... FAIL\n\
             test_c (test_control.T.test_c) ... skipped 'no'\n\
             ======\n\
             FAIL: test_b (test_control.T.test_b)\n\
             ------\n\
             Ran 3 tests in 0.1s\n\
             \n\
             FAILED (failures=1, skipped=1)",
        );
        assert_eq!(
            read_unittest(&output),
            Counted {
                outcome: Outcome {
                    passed: 1,
                    failed: 1,
                    skipped: 1
                },
                failures: vec!["test_b (test_control.T.test_b)".into()],
            }
        );
    }

    #[test]
    fn a_failed_unittest_module_set_up_counts_as_a_failure() {
        let output =
            lines("ERROR: setUpModule (test_control)\nRan 0 tests in 0.0s\n\nFAILED (errors=1)");
        let counted = read_unittest(&output);
        assert_eq!(counted.outcome, Outcome::failed(1));
        assert_eq!(counted.failures, ["setUpModule (test_control)"]);
    }

    #[test]
    fn tap_output_gives_passed_failed_skipped_and_the_failed_names() {
        let output = lines(
            "TAP version 13\n\
             ok 1 - lists the seeded hook\n\
             not ok 2 - a fault fails the next create once\n\
             \x20 ---\n\
             ok 3 - skipped one # SKIP\n\
             1..3\n\
             # tests 3\n\
             # suites 0\n\
             # pass 1\n\
             # fail 1\n\
             # cancelled 0\n\
             # skipped 1\n\
             # todo 0\n\
             # duration_ms 12.5",
        );
        assert_eq!(
            read_tap(&output),
            Counted {
                outcome: Outcome {
                    passed: 1,
                    failed: 1,
                    skipped: 1
                },
                failures: vec!["a fault fails the next create once".into()],
            }
        );
    }

    /// The README's "From any language" shows the suites as they are: every line of its
    /// Python, JavaScript and YAML blocks is a line of the suites' files (`…` marks a cut).
    #[test]
    fn the_readmes_excerpts_of_the_suites_are_in_the_suites() {
        let root = repo_root();
        let read = |path: &std::path::Path| {
            std::fs::read_to_string(path)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        };
        let readme = read(&root.join("README.md"));
        let start = readme.find("## From any language").unwrap_or(0);
        let section = &readme[start..];
        let section = &section[..section[2..]
            .find("\n## ")
            .map_or(section.len(), |end| end + 2)];
        let mut sources = String::new();
        for suite in &SUITES {
            let folder = root.join(suite.folder);
            let files = std::fs::read_dir(&folder)
                .unwrap_or_else(|error| panic!("{}: {error}", folder.display()));
            // Files only: running a suite leaves folders beside them (Python's __pycache__).
            for file in files.flatten().filter(|entry| entry.path().is_file()) {
                sources.push_str(&read(&file.path()));
            }
        }
        sources.push_str(&read(&root.join("downstream/clients/control/seed.yaml")));
        let mut blocks = section.split("```").skip(1).step_by(2);
        let mut checked = 0;
        for block in blocks.by_ref() {
            let Some((language, body)) = block.split_once('\n') else {
                continue;
            };
            if !["python", "js", "yaml"].contains(&language) {
                continue;
            }
            for line in body.lines().map(str::trim) {
                if line.is_empty() || line == "# …" || line == "// …" {
                    continue;
                }
                assert!(
                    sources.lines().any(|source| source.trim() == line),
                    "README.md, From any language: `{line}` is in no file of the suites"
                );
                checked += 1;
            }
        }
        assert!(
            checked > 20,
            "README.md has no excerpts of the suites ({checked} lines)"
        );
    }
}
