//! Running a suite: each case of a collection on every runner whose product it lists, one after
//! another, with a result for every case that is skipped or did not load.

use crate::case::suite::Entry;
use crate::error::{CaseError, LoadCause, LoadError};
use crate::report::CaseResult;
use crate::run::runner::Runner;

/// One planned run: an entry on a runner (or a skip / load failure without one).
#[derive(Debug, Clone, Copy)]
enum Planned {
    Run { entry: usize, runner: usize },
    Skip { entry: usize },
    Broken { entry: usize },
}

fn plan(entries: &[Entry], runners: &[Runner]) -> Vec<Planned> {
    let mut planned = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        match entry {
            Entry::Broken { .. } => planned.push(Planned::Broken { entry: index }),
            Entry::Loaded(file) => {
                let mut any = false;
                for (r, runner) in runners.iter().enumerate() {
                    if file.case.applies_to(runner.target().product) {
                        planned.push(Planned::Run {
                            entry: index,
                            runner: r,
                        });
                        any = true;
                    }
                }
                if !any {
                    planned.push(Planned::Skip { entry: index });
                }
            }
        }
    }
    planned
}

/// How many results `run` will produce for these entries and runners.
pub fn planned_count(entries: &[Entry], runners: &[Runner]) -> usize {
    plan(entries, runners).len()
}

/// Runs `entries` on `runners` in order, pushing each result onto `results` (so a caller that
/// stops the run early keeps what finished) and calling `progress(done, total, result)`.
pub async fn run_suite_into(
    entries: &[Entry],
    runners: &[Runner],
    results: &mut Vec<CaseResult>,
    mut progress: impl FnMut(usize, usize, &CaseResult),
) {
    let planned = plan(entries, runners);
    let total = planned.len();
    for (index, item) in planned.into_iter().enumerate() {
        let result = match item {
            Planned::Run { entry, runner } => match &entries[entry] {
                Entry::Loaded(file) => runners[runner].run(file).await,
                Entry::Broken { .. } => broken(&entries[entry]),
            },
            Planned::Skip { entry } => skipped(&entries[entry], runners),
            Planned::Broken { entry } => broken(&entries[entry]),
        };
        progress(index + 1, total, &result);
        results.push(result);
    }
}

/// Runs `entries` on `runners` in order and returns the results.
pub async fn run_suite(
    entries: &[Entry],
    runners: &[Runner],
    progress: impl FnMut(usize, usize, &CaseResult),
) -> Vec<CaseResult> {
    let mut results = Vec::new();
    run_suite_into(entries, runners, &mut results, progress).await;
    results
}

fn skipped(entry: &Entry, runners: &[Runner]) -> CaseResult {
    let (file, reason) = match entry {
        Entry::Loaded(file) => {
            let targets: Vec<&str> = runners.iter().map(|r| r.target().product.id()).collect();
            (
                file.path.clone(),
                format!(
                    "applies to {}; {} {}",
                    file.case.products.join(", "),
                    if targets.len() == 1 {
                        "this target is"
                    } else {
                        "the targets are"
                    },
                    targets.join(", ")
                ),
            )
        }
        Entry::Broken { error, .. } => (error.path.clone(), String::new()),
    };
    CaseResult::skipped(entry.name().to_string(), file, None, reason)
}

fn broken(entry: &Entry) -> CaseResult {
    let (file, errors) = match entry {
        Entry::Broken { error, .. } => (
            error.path.clone(),
            vec![CaseError::Load(LoadError {
                path: error.path.clone(),
                line: error.line,
                column: error.column,
                cause: LoadCause::Invalid {
                    step: None,
                    message: error.cause.to_string(),
                },
            })],
        ),
        Entry::Loaded(file) => (file.path.clone(), Vec::new()),
    };
    let mut result = CaseResult::start(entry.name().to_string(), file, None);
    result.end_with(errors);
    result
}
