//! Running a case on one target: each step's request sent once its safety is checked, the
//! response checked, retried while the step allows, `Link` pages followed, values captured; then
//! whatever the case created deleted, failure or not.

mod capture;
mod cleanup;
mod follow;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hookspec_mock::table::{Access, Operation};
use serde_json::Value;

use crate::case::expect::Expectations;
use crate::case::format::{Case, Step};
use crate::case::load::{self, CaseFile};
use crate::case::vars::Vars;
use crate::check::response::{self, transport_problem};
use crate::error::{CaseError, Check, CleanupError, Problem, Problems, RequestLine, StepError};
use crate::report::{CaseResult, Exchange};

use crate::run::options::RunOptions;
use crate::run::request::{self, StepRequest};
use crate::run::safety::{self, Ledger};
use crate::target::http::{HttpClient, HttpFailure, Request, Response};
use crate::target::server::Target;

/// Runs cases against one target. Cheap to share: every method takes `&self`.
#[derive(Debug)]
pub struct Runner {
    target: Target,
    http: HttpClient,
    ledger: Arc<Ledger>,
    options: RunOptions,
    run_id: String,
    marker: String,
}

/// Numbers the case runs of a process, so two runs of one case never share an owner key.
static CASE_RUNS: AtomicU64 = AtomicU64::new(0);

impl Runner {
    /// A runner sharing `ledger` and `run_id` with the other runners of a run
    /// ([`crate::run::session::Run::new`] makes them).
    pub(crate) fn in_run(
        target: Target,
        options: RunOptions,
        ledger: Arc<Ledger>,
        run_id: String,
    ) -> Result<Self, crate::error::TargetError> {
        let http = HttpClient::new(target.timeout, options.max_body)
            .map_err(crate::error::TargetError::Client)?;
        Ok(Runner {
            marker: safety::marker_url(&run_id),
            target,
            http,
            ledger,
            options,
            run_id,
        })
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The ledger of what this run created.
    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    /// The run id.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The marker URL every created hook carries.
    pub fn marker_url(&self) -> &str {
        &self.marker
    }

    /// How this runner behaves.
    pub(crate) fn options(&self) -> &RunOptions {
        &self.options
    }

    /// Why `case` does not run on this target, if it does not.
    pub fn skip_reason(&self, case: &Case) -> Option<String> {
        if !case.applies_to(self.target.product) {
            return Some(format!(
                "applies to {}; this target is {}",
                case.products.join(", "),
                self.target.product.id()
            ));
        }
        let operations = || {
            case.steps
                .iter()
                .filter_map(|step| hookspec_mock::table::find_operation(&step.operation))
        };
        let on_a_repository =
            operations().any(|op| op.path_parameter_names().any(|name| name == "owner"));
        if on_a_repository && self.target.repo.is_none() {
            return Some("works on a repository; give --repo OWNER/NAME to run it".into());
        }
        let on_the_app = || operations().filter(|op| op.access == Access::App);
        match &self.target.app {
            None if on_the_app().next().is_some() => {
                return Some(
                    "works on a GitHub App's webhook; give --app-id and --app-key to run it".into(),
                );
            }
            Some(app) if !app.disposable && on_the_app().any(|op| op.mutates()) => {
                return Some(
                    "changes the GitHub App's webhook (its configuration, or a redelivery to its receiver); runs only against the embedded fake's own app".into(),
                );
            }
            _ => {}
        }
        if self.options.read_only && !case.read_only {
            return Some("changes server state; --read-only runs only read-only cases".into());
        }
        if let Some(tag) = case
            .tags
            .iter()
            .find(|tag| self.options.skip_tags.contains(tag))
        {
            return Some(format!("tagged {tag}, skipped by --skip-tag"));
        }
        None
    }

    /// Runs one case and cleans up after it.
    pub async fn run(&self, file: &CaseFile) -> CaseResult {
        let started = Instant::now();
        let product = Some(self.target.product);
        if let Some(reason) = self.skip_reason(&file.case) {
            return CaseResult::skipped(file.name.clone(), file.path.clone(), product, reason);
        }
        let mut result = CaseResult::start(file.name.clone(), file.path.clone(), product);
        let sequence = CASE_RUNS.fetch_add(1, Ordering::Relaxed);
        let owner = format!("{} [{}] #{sequence}", file.name, self.target.product.id());
        let mut run = CaseRun {
            runner: self,
            file,
            owner,
            vars: self.initial_vars(),
            notes: Vec::new(),
            waited: Duration::ZERO,
            requests: 0,
            exchanges: Vec::new(),
        };
        let mut errors: Vec<CaseError> = Vec::new();
        for (index, step) in file.case.steps.iter().enumerate() {
            if let Err(error) = run.step(index + 1, step).await {
                errors.push(CaseError::Step(error));
                break;
            }
        }
        let cleanup = cleanup::cleanup_owned(self, Some(&run.owner), &file.path).await;
        run.requests += cleanup.requests;
        run.waited += cleanup.waited;
        errors.extend(cleanup.errors.into_iter().map(CaseError::Cleanup));
        result.end_with(errors);
        result.notes = run.notes;
        result.waited = run.waited;
        result.requests = run.requests;
        result.exchanges = run.exchanges;
        result.duration = started.elapsed();
        result
    }

    fn initial_vars(&self) -> Vars {
        Vars::for_run(
            &self.target.org,
            self.target.repo.as_deref(),
            &self.marker,
            &self.run_id,
            self.target.product.id(),
        )
    }

    /// Deletes everything left in the ledger by any case (after Ctrl-C or at the end of a run).
    pub async fn cleanup_all(&self) -> Vec<CleanupError> {
        cleanup::cleanup_owned(self, None, Path::new("(run)"))
            .await
            .errors
    }

    /// Sends `request`, adding the time waited and the request to the counts.
    pub(crate) async fn timed_send(
        &self,
        request: &Request,
        waited: &mut Duration,
        requests: &mut usize,
    ) -> Result<Response, HttpFailure> {
        let started = Instant::now();
        let outcome = self.http.send(request).await;
        *waited += started.elapsed();
        *requests += 1;
        outcome
    }
}

/// The state of one case run.
struct CaseRun<'a> {
    runner: &'a Runner,
    file: &'a CaseFile,
    owner: String,
    vars: Vars,
    notes: Vec<String>,
    waited: Duration,
    requests: usize,
    exchanges: Vec<Exchange>,
}

/// A failed attempt: the request it concerns and what went wrong.
struct Failed {
    request: RequestLine,
    problems: Vec<Problem>,
    /// No response arrived (retrying would only wait again).
    transport: bool,
}

impl Failed {
    fn one(request: RequestLine, problem: Problem) -> Self {
        Failed {
            request,
            problems: vec![problem],
            transport: false,
        }
    }
}

impl CaseRun<'_> {
    async fn step(&mut self, number: usize, step: &Step) -> Result<(), StepError> {
        let error = |request: RequestLine, problems: Vec<Problem>| StepError {
            file: self.file.path.clone(),
            number,
            step: step.name.clone(),
            operation: step.operation.clone(),
            request,
            problems: Problems(problems),
        };
        let unbuilt = |method: &str| RequestLine {
            method: method.to_string(),
            url: "(not sent)".to_string(),
        };
        let runner = self.runner;
        let operation = load::step_operation(runner.options.operations, &self.file.case, step)
            .map_err(|mismatch| {
                error(
                    unbuilt(mismatch.method.unwrap_or("?")),
                    vec![Problem::new(Check::Case, mismatch.message)],
                )
            })?;
        let StepRequest {
            request,
            per_page,
            body_json,
        } = request::build(&runner.target, operation, step, &self.vars)
            .map_err(|problem| error(unbuilt(operation.method), vec![problem]))?;
        // The run's own app (the embedded fake's) is the run's to change; a real one is never
        // reached by a mutating case (skipped above).
        let own_app = operation.access == Access::App
            && runner.target.app.as_ref().is_some_and(|app| app.disposable);
        if !own_app
            && let Err(problem) = runner.ledger.refuse_foreign_mutation(
                runner.options.operations,
                operation,
                step.url.is_some(),
                &request,
                body_json.as_ref(),
                &runner.marker,
            )
        {
            return Err(error(request.line(), vec![problem]));
        }
        let expect = Expectations::resolve(&step.expect, &self.vars)
            .map_err(|problem| error(request.line(), vec![problem]))?;
        let attempts = step.retry.map(|r| r.attempts.max(1)).unwrap_or(1);
        let delay = Duration::from_millis(step.retry.map(|r| r.delay_ms).unwrap_or(0));
        let mut attempt = 1;
        loop {
            let recorded = self.exchanges.len();
            match self
                .attempt(operation, step, &request, per_page, &expect)
                .await
            {
                Ok(captured) => {
                    for (name, value) in captured {
                        self.vars.set(name, value);
                    }
                    return Ok(());
                }
                Err(failed) if failed.transport || attempt >= attempts => {
                    let mut problems = failed.problems;
                    if attempts > 1 && !failed.transport {
                        problems.push(Problem::new(
                            Check::Case,
                            format!("still failing after {attempts} tries"),
                        ));
                    }
                    return Err(error(failed.request, problems));
                }
                Err(_) => {
                    // The report keeps the attempt that counted, not those a retry replaced.
                    self.exchanges.truncate(recorded);
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn send(&mut self, request: &Request) -> Result<Response, HttpFailure> {
        self.runner
            .timed_send(request, &mut self.waited, &mut self.requests)
            .await
    }

    /// Keeps the exchange for the reports (the coverage matrix, the HTML page).
    fn record(
        &mut self,
        operation: &Operation,
        request: &Request,
        outcome: Result<&Response, &HttpFailure>,
        problems: &[Problem],
    ) {
        let product = self.runner.target.product;
        let exchange = Exchange::of(operation, product, request, outcome, problems);
        self.exchanges.push(exchange);
    }

    /// One try of a step: send, record creates and deletes, check, follow pages, capture.
    async fn attempt(
        &mut self,
        operation: &Operation,
        step: &Step,
        request: &Request,
        per_page: Option<usize>,
        expect: &Expectations,
    ) -> Result<Vec<(String, Value)>, Failed> {
        let runner = self.runner;
        let is_create =
            crate::run::safety::delete_below(runner.options.operations, operation).is_some();
        let mut collection = request.url.clone();
        collection.set_query(None);
        if is_create {
            // Until the response says what happened (or if this future is dropped on Ctrl-C),
            // the collection is to be swept for hooks carrying the marker.
            runner.ledger.pending(&self.owner, collection.clone());
        }
        let sent = self.send(request).await;
        let response = match sent {
            Ok(response) => response,
            Err(failure) => {
                if is_create && !failure.maybe_received() {
                    runner.ledger.resolved(&self.owner, &collection);
                }
                let problems = vec![transport_problem(&failure)];
                self.record(operation, request, Err(&failure), &problems);
                return Err(Failed {
                    request: request.line(),
                    problems,
                    transport: true,
                });
            }
        };
        runner
            .ledger
            .record_response(&self.owner, operation, is_create, request, &response);
        let checked = response::check_response(operation, &response, expect, per_page);
        self.record(operation, request, Ok(&response), &checked.problems);
        self.notes.extend(checked.notes);
        if !checked.problems.is_empty() {
            return Err(Failed {
                request: request.line(),
                problems: checked.problems,
                transport: false,
            });
        }
        let mut items: Vec<Value> = match &checked.json {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        if let Some(rel) = &step.follow {
            self.follow(
                operation,
                rel,
                request,
                &checked.links,
                per_page,
                expect,
                &mut items,
            )
            .await?;
        }
        if !expect.contains.is_empty() {
            let problems = if step.follow.is_some() || matches!(checked.json, Some(Value::Array(_)))
            {
                response::check_contains(&items, &expect.contains)
            } else {
                vec![Problem::new(Check::Contains, "the body is not an array")]
            };
            if !problems.is_empty() {
                return Err(Failed {
                    request: request.line(),
                    problems,
                    transport: false,
                });
            }
        }
        capture::capture(step, &response, checked.json.as_ref(), &checked.links)
            .map_err(|problem| Failed::one(request.line(), problem))
    }
}
