//! The checks on one live exchange: which operation of the spec it is (method, path template,
//! product prefix), its request (query parameters and body against the operation's schemas, so
//! GitHub's rules such as `name: web` too), and its response with the runner's own checks.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use hookspec_mock::Product;
use hookspec_mock::table::{OPERATIONS, Operation, ParameterLocation};
use serde_json::Value;

use crate::checks::check_response;
use crate::error::{CaseError, Check, Problem, Problems, RequestLine, StepError};
use crate::expect::Expectations;
use crate::http::Response;
use crate::report::{CaseResult, Outcome};

/// An operation a request path addresses, with the product and the path parameters.
#[derive(Debug, Clone)]
pub struct Matched {
    /// The operation.
    pub operation: &'static Operation,
    /// The product whose prefix the path carries (or the one the proxy was told).
    pub product: Product,
    /// `{name}` of the template -> the segment's text.
    pub params: BTreeMap<String, String>,
}

/// The operation `method` and `path` (the full path, product prefix included) address. With
/// `product`, paths are read as that product's; otherwise the prefix decides.
pub fn find_operation(method: &str, path: &str, product: Option<Product>) -> Option<Matched> {
    let (product, rest) = match product {
        Some(product) => {
            let rest = path.strip_prefix(product.path_prefix()).unwrap_or(path);
            (product, rest)
        }
        None => Product::of_path(path)?,
    };
    OPERATIONS
        .iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method) && op.available_on(product))
        .find_map(|op| {
            match_template(op, rest).map(|params| Matched {
                operation: op,
                product,
                params,
            })
        })
}

fn match_template(operation: &Operation, path: &str) -> Option<BTreeMap<String, String>> {
    let params = operation.match_path(path)?;
    Some(
        params
            .into_iter()
            .map(|(name, segment)| (name.to_string(), segment.to_string()))
            .collect(),
    )
}

/// The request's query parameters and body against the operation on `product`.
pub fn check_request(
    operation: &Operation,
    product: Product,
    query: &[(String, String)],
    body: &[u8],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, value) in query {
        let Some(parameter) = operation.parameters.iter().find(|p| {
            p.location == ParameterLocation::Query
                && p.name == name
                && p.products.contains(&product)
        }) else {
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
        if let Ok(validator) = crate::schema::validator(parameter.schema).as_ref() {
            let errors = crate::schema::errors(validator, &json);
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
                    .with_detail(crate::http::preview(body)),
            ),
            Ok(json) => match crate::schema::validator(schema).as_ref() {
                Ok(validator) => {
                    let errors = crate::schema::errors(validator, &json);
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

/// `path` with the values of credential query parameters (`access_token`...) hidden, for
/// lines and reports.
pub fn redacted(path: &str) -> String {
    let Some((path, query)) = path.split_once('?') else {
        return path.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_credential(name) => format!("{name}=***"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

/// Whether a query parameter carries a credential.
pub fn is_credential(name: &str) -> bool {
    matches!(
        name,
        "access_token" | "token" | "client_secret" | "client_id"
    )
}

/// The response against the operation, as the runner checks a step that expects this status.
pub fn check_exchange_response(
    operation: &Operation,
    response: &Response,
    per_page: Option<usize>,
) -> (Vec<Problem>, Vec<String>) {
    let expect = Expectations {
        status: response.status,
        headers: Vec::new(),
        absent_headers: Vec::new(),
        body: None,
        partial: false,
        ignore: Default::default(),
        matches: Vec::new(),
        count: Vec::new(),
        contains: Vec::new(),
        each: Vec::new(),
        absent: Vec::new(),
        schema: true,
        link_expected: false,
    };
    let checked = check_response(operation, response, &expect, per_page);
    (checked.problems, checked.notes)
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
        let outcome = if self.problems.is_empty() {
            if self.unmatched() {
                Outcome::Skipped(format!(
                    "{} {} matches no operation",
                    self.method, self.path
                ))
            } else {
                Outcome::Passed
            }
        } else {
            Outcome::Failed(vec![CaseError::Step(StepError {
                file: PathBuf::from("proxy"),
                number: self.number,
                step: format!("{} {}", self.method, self.path),
                operation: self.operation.unwrap_or("unmatched").to_string(),
                request: RequestLine {
                    method: self.method.clone(),
                    url: self.path.clone(),
                },
                problems: Problems(self.problems.clone()),
            })])
        };
        CaseResult {
            name,
            file: PathBuf::from("proxy"),
            product: self.product,
            outcome,
            duration: self.duration,
            waited: self.duration,
            requests: 1,
            notes: self.notes.clone(),
            exchanges: self.exchange.iter().cloned().collect(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_found_by_method_path_and_prefix() {
        let found = find_operation("GET", "/api/v3/orgs/acme/hooks/12", None);
        let Some(found) = found else {
            panic!("no match")
        };
        assert_eq!(found.operation.id, "orgs/get-webhook");
        assert_eq!(found.product, Product::Ghes);
        assert_eq!(found.params.get("hook_id").map(String::as_str), Some("12"));
        assert!(find_operation("GET", "/orgs/acme/hooks/x", None).is_none());
        assert!(find_operation("GET", "/user", None).is_none());
        assert_eq!(
            redacted("/x?page=2&access_token=abc"),
            "/x?page=2&access_token=***"
        );
        assert!(check_api_version(Product::Dotcom, Some("2022-11-28")).is_none());
        assert!(check_api_version(Product::Dotcom, Some("1999-01-01")).is_some());
    }

    #[test]
    fn a_create_body_with_another_name_than_web_is_a_request_problem() {
        let Some(found) = find_operation("POST", "/orgs/acme/hooks", None) else {
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
