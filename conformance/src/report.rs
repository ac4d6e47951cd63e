//! Results of case runs and how they are shown: one line per case, the failure text, the final
//! `N passed, M failed, K skipped` line, and a JUnit XML report.

use std::fmt;
use std::time::Duration;

use hookspec_mock::Product;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::error::CaseError;
use crate::http::human;

/// How a case run ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every step and the cleanup passed.
    Passed,
    /// Something failed: the first failing step and any cleanup errors.
    Failed(Vec<CaseError>),
    /// Not run here, and why.
    Skipped(String),
}

/// The result of one case on one product.
#[derive(Debug)]
pub struct CaseResult {
    /// The case's name (`scenarios/org_hook_lifecycle`).
    pub name: String,
    /// The case file.
    pub file: std::path::PathBuf,
    /// The product it ran for, when it got that far.
    pub product: Option<Product>,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time, cleanup included.
    pub duration: Duration,
    /// Of which, time spent waiting for the server.
    pub waited: Duration,
    /// How many requests were sent (steps, pages, retries, cleanup).
    pub requests: usize,
    /// Things worth knowing that are not failures (fields a server adds).
    pub notes: Vec<String>,
}

impl CaseResult {
    /// The name with the product: `scenarios/x [dotcom]`.
    pub fn display_name(&self) -> String {
        match self.product {
            Some(product) => format!("{} [{}]", self.name, product.id()),
            None => self.name.clone(),
        }
    }

    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed)
    }

    /// Whether the case failed.
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
    }

    /// The errors, when it failed.
    pub fn errors(&self) -> &[CaseError] {
        match &self.outcome {
            Outcome::Failed(errors) => errors,
            _ => &[],
        }
    }

    /// The failure text (every error, one after another), or `None` when it did not fail.
    pub fn failure_text(&self) -> Option<String> {
        match &self.outcome {
            Outcome::Failed(errors) => Some(
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            _ => None,
        }
    }

    /// The one-line summary: `PASS  name [product]  12 ms`, `SKIP ... (reason)`.
    pub fn line(&self) -> String {
        let time = human(self.duration);
        match &self.outcome {
            Outcome::Passed => format!("PASS  {}  {time}", self.display_name()),
            Outcome::Failed(_) => format!("FAIL  {}  {time}", self.display_name()),
            Outcome::Skipped(reason) => format!("SKIP  {}  ({reason})", self.display_name()),
        }
    }
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases that were skipped.
    pub skipped: usize,
}

impl Summary {
    /// Counts `results`.
    pub fn of(results: &[CaseResult]) -> Self {
        let mut summary = Summary::default();
        for result in results {
            match result.outcome {
                Outcome::Passed => summary.passed += 1,
                Outcome::Failed(_) => summary.failed += 1,
                Outcome::Skipped(_) => summary.skipped += 1,
            }
        }
        summary
    }

    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// A JUnit XML report: one suite, one testcase per case and product, the failure text (with the
/// diff) in each failure, the reason in each skip, notes as the testcase's output.
pub fn junit(results: &[CaseResult], total: Duration) -> Report {
    let mut suite = TestSuite::new("hookspec-conformance");
    for result in results {
        let status = match &result.outcome {
            Outcome::Passed => TestCaseStatus::success(),
            Outcome::Failed(errors) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let first = errors.first().map(first_line).unwrap_or_default();
                status.set_message(first);
                status.set_type(
                    errors
                        .first()
                        .and_then(|e| e.as_step())
                        .and_then(|s| s.problems.0.first())
                        .map(|p| p.check.name())
                        .unwrap_or("error"),
                );
                status.set_description(result.failure_text().unwrap_or_default());
                status
            }
            Outcome::Skipped(reason) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(reason.as_str());
                status
            }
        };
        let mut case = TestCase::new(result.display_name(), status);
        case.set_classname(format!(
            "hookspec-conformance.{}",
            result.product.map(|p| p.id()).unwrap_or("all")
        ));
        case.set_time(result.duration);
        if !result.notes.is_empty() {
            case.set_system_out(result.notes.join("\n"));
        }
        suite.add_test_case(case);
    }
    suite.set_time(total);
    let mut report = Report::new("hookspec-conformance");
    report.set_time(total);
    report.add_test_suite(suite);
    report
}

fn first_line(error: &CaseError) -> String {
    let text = error.to_string();
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default().to_string();
    match lines.next() {
        Some(problem) => format!("{head} {}", problem.trim_start_matches([' ', '-'])),
        None => head,
    }
}
