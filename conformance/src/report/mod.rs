//! Results of case runs and how they are shown. A report is built from a list of
//! [`CaseResult`]s, each holding the [`Exchange`]s it made (operation, product, request line,
//! response status, problems); the runner fills them, and anything else that checks traffic (a
//! proxy, a replay) can make one result per exchange with [`CaseResult::from_exchange`].
//!
//! - [`text`]: one line per case, the failure text, the final `N passed, M failed` line;
//! - [`junit`]: JUnit XML for CI;
//! - [`markdown`]: a summary for CI step summaries;
//! - [`html`]: one self-contained page with the coverage matrix ([`coverage`]) and every case's
//!   exchanges.
//!
//! No report holds request headers (the token, `--header` values); an exchange keeps its request
//! with secrets masked ([`crate::secrets`]), and a report is masked again as a whole before it
//! leaves the process, for a secret a server might echo back.

use std::path::PathBuf;
use std::time::Duration;

use hookspec_mock::Product;

use crate::error::{CaseError, Problems, StepError};

mod coverage;
mod exchange;
mod html;
mod junit;
mod markdown;
mod text;

pub use crate::secrets::Secrets;
pub use exchange::Exchange;
pub use html::html as html_report;
pub use junit::junit as junit_report;
pub use markdown::markdown as markdown_report;
pub use text::Summary;

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
    pub file: PathBuf,
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
    /// The checked exchanges of its steps, in order (pages included; attempts a retry replaced
    /// and cleanup requests left out).
    pub exchanges: Vec<Exchange>,
}

impl CaseResult {
    /// The result of a case that has not run yet: passed so far, no time, no request. Every
    /// result starts here; what ran fills in the rest.
    pub(crate) fn start(name: String, file: PathBuf, product: Option<Product>) -> Self {
        CaseResult {
            name,
            file,
            product,
            outcome: Outcome::Passed,
            duration: Duration::ZERO,
            waited: Duration::ZERO,
            requests: 0,
            notes: Vec::new(),
            exchanges: Vec::new(),
        }
    }

    /// The result of a case not run, and why.
    pub(crate) fn skipped(
        name: String,
        file: PathBuf,
        product: Option<Product>,
        reason: String,
    ) -> Self {
        let mut result = CaseResult::start(name, file, product);
        result.outcome = Outcome::Skipped(reason);
        result
    }

    /// Ends the result with `errors`: passed when there are none.
    pub(crate) fn end_with(&mut self, errors: Vec<CaseError>) {
        self.outcome = if errors.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed(errors)
        };
    }

    /// A result for one exchange seen outside a case (a proxy, a replay): named after its
    /// request line, failed when it has problems, with those problems as a step error on
    /// `source` (the recording, or `(proxy)`).
    pub fn from_exchange(source: impl Into<PathBuf>, number: usize, exchange: Exchange) -> Self {
        let file = source.into();
        let mut result =
            CaseResult::start(exchange.request.to_string(), file, Some(exchange.product));
        if !exchange.passed() {
            result.end_with(vec![CaseError::Step(StepError {
                file: result.file.clone(),
                number,
                step: exchange.request.to_string(),
                operation: exchange
                    .operation
                    .clone()
                    .unwrap_or_else(|| "(no operation)".into()),
                request: exchange.request.clone(),
                problems: Problems(exchange.problems.clone()),
            })]);
        }
        result.duration = exchange.waited;
        result.waited = exchange.waited;
        result.requests = 1;
        result.exchanges = vec![exchange];
        result
    }

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
}

/// What a report says about the run as a whole (never a token or a header value).
#[derive(Debug, Clone, Default)]
pub struct ReportInfo {
    /// The heading: `hookspec-conformance run`, `hookspec-conformance proxy`.
    pub title: String,
    /// What was checked: `the embedded fake at http://127.0.0.1:1234 (dotcom, ghes)`.
    pub target: String,
    /// The run id, when there is one.
    pub run_id: Option<String>,
    /// Wall time of the whole run.
    pub duration: Duration,
    /// Problems outside any case (cleanup at the end of the run), one a line.
    pub run_errors: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Check, Problem, RequestLine};

    fn exchange(problems: Vec<Problem>) -> Exchange {
        Exchange {
            operation: None,
            product: Product::Ghes,
            request: RequestLine {
                method: "GET".into(),
                url: "http://127.0.0.1:1/api/v3/nowhere".into(),
            },
            request_body: None,
            status: Some(404),
            response_headers: Vec::new(),
            response_body: None,
            problems,
            waited: Duration::from_millis(3),
        }
    }

    #[test]
    fn an_exchange_outside_a_case_becomes_a_result_of_its_own() {
        let passed = CaseResult::from_exchange("(proxy)", 1, exchange(Vec::new()));
        assert!(passed.passed());
        assert_eq!(
            passed.display_name(),
            "GET http://127.0.0.1:1/api/v3/nowhere [ghes]"
        );
        let problem = Problem::new(Check::Case, "matches no operation of the spec");
        let failed = CaseResult::from_exchange("(proxy)", 2, exchange(vec![problem]));
        assert!(failed.failed());
        let text = failed.failure_text().unwrap_or_default();
        assert!(text.contains("(proxy): step 2"), "{text}");
        assert!(text.contains("matches no operation of the spec"), "{text}");
        assert_eq!(failed.exchanges.len(), 1);
    }
}
