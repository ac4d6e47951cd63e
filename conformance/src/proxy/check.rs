//! What the proxy checks beyond what every response gets: a request's query parameters and body
//! against the operation's schemas (so GitHub's rules such as `name: web` too) and its API
//! version; and each exchange's result, as a line and as a case result for the reports.

use std::path::PathBuf;
use std::time::Duration;

use hookspec_mock::Product;
use hookspec_mock::table::{Operation, ParameterLocation};
use serde_json::Value;

use crate::case::expect::Expectations;
use crate::check::response::check_response;
use crate::error::{CaseError, Check, Problem, Problems, RequestLine, StepError};
use crate::report::CaseResult;
use crate::secrets::{self, Secrets};
use crate::target::http::{HttpFailure, Response};
use hookspec_mock::table::Routed;

use super::received::Received;

/// The request's query parameters and body against the operation on `product`.
pub fn check_request(
    operation: &Operation,
    product: Product,
    query: &[(String, String)],
    body: &[u8],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, value) in query {
        let Some(parameter) = operation.parameter(ParameterLocation::Query, name, product) else {
            problems.push(Problem::new(
                Check::Request,
                format!(
                    "query parameter {name:?} is not documented for {} on {}",
                    operation.id,
                    product.id()
                ),
            ));
            continue;
        };
        let json = match parameter.schema_type {
            "integer" | "number" => match value.parse::<f64>() {
                Ok(_) => serde_json::from_str(value).unwrap_or(Value::String(value.clone())),
                Err(_) => Value::String(value.clone()),
            },
            "boolean" => match value.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(value.clone()),
            },
            _ => Value::String(value.clone()),
        };
        if let Ok(validator) = crate::check::schema::validator(parameter.schema).as_ref() {
            let errors = crate::check::schema::errors(validator, &json);
            if !errors.is_empty() {
                problems.push(Problem::new(
                    Check::Request,
                    format!("query parameter {name}={value:?}: {}", errors.join("; ")),
                ));
            }
        }
    }
    match (operation.request_schema, body.is_empty()) {
        (Some(_), true) => problems.push(Problem::new(
            Check::Request,
            format!("no body, but the spec documents one for {}", operation.id),
        )),
        (Some(schema), false) => match serde_json::from_slice::<Value>(body) {
            Err(error) => problems.push(
                Problem::new(Check::Request, format!("the body is not JSON ({error})"))
                    .with_detail(crate::show::preview(body)),
            ),
            Ok(json) => match crate::check::schema::validator(schema).as_ref() {
                Ok(validator) => {
                    let errors = crate::check::schema::errors(validator, &json);
                    if !errors.is_empty() {
                        problems.push(
                            Problem::new(
                                Check::Request,
                                format!(
                                    "the request body does not match the spec's schema for {}",
                                    operation.id
                                ),
                            )
                            .with_detail(errors.join("\n")),
                        );
                    }
                }
                Err(message) => problems.push(Problem::new(Check::Request, message.clone())),
            },
        },
        _ => {}
    }
    problems
}

/// An `X-GitHub-Api-Version` the product does not accept (GitHub answers 400 to it).
pub fn check_api_version(product: Product, version: Option<&str>) -> Option<Problem> {
    let version = version?;
    let accepted = product.api_versions();
    (!accepted.contains(&version)).then(|| {
        Problem::new(
            Check::Request,
            format!(
                "X-GitHub-Api-Version {version:?} is not one {} accepts ({})",
                product.id(),
                accepted.join(", ")
            ),
        )
    })
}

/// One exchange the proxy saw and what its checks found: the unit reports are built from.
#[derive(Debug, Clone)]
pub struct ExchangeResult {
    /// Its position in the session, from 1.
    pub number: usize,
    /// The request's method.
    pub method: String,
    /// The request's path and query as the client sent them.
    pub path: String,
    /// The operation id, when one matched.
    pub operation: Option<&'static str>,
    /// The product the path addresses, when an operation matched.
    pub product: Option<Product>,
    /// The status the target answered (`None`: no answer).
    pub status: Option<u16>,
    /// What breaks the contract.
    pub problems: Vec<Problem>,
    /// What is worth knowing but not wrong.
    pub notes: Vec<String>,
    /// From receiving the request to answering it.
    pub duration: Duration,
    /// The exchange as reports show it (request, response, problems), for a matched operation.
    pub exchange: Option<crate::report::Exchange>,
}

impl ExchangeResult {
    /// The result with every secret `secrets` knows masked.
    pub(crate) fn mask(&mut self, secrets: &Secrets) {
        self.path = secrets.mask(&self.path);
        secrets.mask_problems(&mut self.problems);
        for note in &mut self.notes {
            *note = secrets.mask(note);
        }
        if let Some(exchange) = &mut self.exchange {
            exchange.mask(secrets);
        }
    }

    /// Whether an operation matched and nothing broke the contract.
    pub fn passed(&self) -> bool {
        self.operation.is_some() && self.problems.is_empty()
    }

    /// Whether no operation of the spec matched (forwarded all the same).
    pub fn unmatched(&self) -> bool {
        self.operation.is_none()
    }

    /// `PASS  #3 GET /orgs/o/hooks -> 200  orgs/list-webhooks [dotcom]`, one line.
    pub fn line(&self) -> String {
        let verdict = if self.unmatched() {
            "????"
        } else if self.passed() {
            "PASS"
        } else {
            "FAIL"
        };
        let status = self
            .status
            .map_or_else(|| "no answer".to_string(), |s| s.to_string());
        let what = match (self.operation, self.product) {
            (Some(op), Some(product)) => format!("{op} [{}]", product.id()),
            _ => "matches no operation of the spec".to_string(),
        };
        format!(
            "{verdict}  #{} {} {} -> {status}  {what}",
            self.number, self.method, self.path
        )
    }

    /// The exchange as a case result, so the run's reports (JUnit, and any built from case
    /// results) show it: one case per exchange, its problems as one step's.
    pub fn to_case_result(&self) -> CaseResult {
        let name = format!(
            "proxy/{:04} {}",
            self.number,
            self.operation.unwrap_or("unmatched")
        );
        let file = PathBuf::from("proxy");
        let mut result = if self.problems.is_empty() && self.unmatched() {
            let reason = format!("{} {} matches no operation", self.method, self.path);
            CaseResult::skipped(name, file, self.product, reason)
        } else {
            CaseResult::start(name, file, self.product)
        };
        if !self.problems.is_empty() {
            result.end_with(vec![CaseError::Step(StepError {
                file: result.file.clone(),
                number: self.number,
                step: format!("{} {}", self.method, self.path),
                operation: self.operation.unwrap_or("unmatched").to_string(),
                request: RequestLine {
                    method: self.method.clone(),
                    url: self.path.clone(),
                },
                problems: Problems(self.problems.clone()),
            })]);
        }
        result.duration = self.duration;
        result.waited = self.duration;
        result.requests = 1;
        result.notes = self.notes.clone();
        result.exchanges = self.exchange.iter().cloned().collect();
        result
    }
}

/// `N passed, M failed` over exchanges (and `, K unmatched` when some matched no operation).
pub fn summary_line(results: &[ExchangeResult]) -> String {
    let passed = results.iter().filter(|r| r.passed()).count();
    let unmatched = results.iter().filter(|r| r.unmatched()).count();
    let failed = results.len() - passed - unmatched;
    if unmatched == 0 {
        format!("{passed} passed, {failed} failed")
    } else {
        format!("{passed} passed, {failed} failed, {unmatched} unmatched")
    }
}

/// The runner's checks on one exchange: the request against the operation it addresses (if
/// any), and the answer with the same checks every case's answers get.
pub(super) fn check_exchange(
    received: &Received,
    matched: Option<&Routed<'_>>,
    answer: &Result<Response, HttpFailure>,
) -> ExchangeResult {
    let mut result = ExchangeResult {
        number: 0,
        method: received.method.clone(),
        path: secrets::mask_url(&received.path_and_query),
        operation: matched.map(|m| m.operation.id),
        product: matched.map(|m| m.product),
        status: None,
        problems: Vec::new(),
        notes: Vec::new(),
        duration: Duration::ZERO,
        exchange: None,
    };
    if let Some(matched) = matched {
        result.problems = check_request(
            matched.operation,
            matched.product,
            &received.query,
            &received.body,
        );
        result.problems.extend(check_api_version(
            matched.product,
            received.api_version.as_deref(),
        ));
    }
    match answer {
        Ok(response) => {
            result.status = Some(response.status);
            if let Some(matched) = matched {
                let per_page = received
                    .query
                    .iter()
                    .find(|(k, _)| k == "per_page")
                    .and_then(|(_, v)| v.parse().ok());
                let expect = Expectations::of_status(response.status);
                let checked = check_response(matched.operation, response, &expect, per_page);
                result.problems.extend(checked.problems);
                result.notes = checked.notes;
            }
        }
        Err(failure) => result
            .problems
            .push(Problem::new(Check::Transport, failure.to_string())),
    }
    if let Some(matched) = matched {
        result.exchange = Some(crate::report::Exchange::of(
            matched.operation,
            matched.product,
            &received.outgoing,
            answer.as_ref(),
            &result.problems,
        ));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_version_the_product_does_not_accept_is_a_request_problem() {
        assert!(check_api_version(Product::Dotcom, Some("2022-11-28")).is_none());
        assert!(check_api_version(Product::Dotcom, Some("1999-01-01")).is_some());
    }

    #[test]
    fn a_create_body_with_another_name_than_web_is_a_request_problem() {
        let Some(found) = hookspec_mock::table::route("POST", "/orgs/acme/hooks", None) else {
            panic!("no match")
        };
        let body = br#"{"name":"other","config":{"url":"http://127.0.0.1:9/"}}"#;
        let problems = check_request(found.operation, found.product, &[], body);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problems = check_request(
            found.operation,
            found.product,
            &[("per_page".into(), "x".into())],
            br#"{"name":"web","config":{"url":"http://127.0.0.1:9/"}}"#,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
