//! The terminal's view of a run: one line per case and the final `N passed, M failed, K
//! skipped` line.

use std::fmt;

use super::{CaseResult, Outcome};
use crate::show::human;

impl CaseResult {
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
