//! The JUnit XML report: one suite, one testcase per case and product.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{CaseResult, Outcome};
use crate::error::CaseError;

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
