//! Running a case against a target: builds each step's request from the operation table and the
//! variables, refuses what could touch foreign resources, sends it, checks the response,
//! follows `Link` pages, captures values, and deletes whatever the case created, failure or not.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hookspec_mock::operation::Operation;
use serde_json::Value;
use url::Url;

use crate::case::{Case, Step};
use crate::checks;
use crate::error::{CaseError, Check, CleanupError, Problem, Problems, RequestLine, StepError};
use crate::expect::Expectations;
use crate::http::{self, HttpClient, HttpFailure, Request, Response, preview};
use crate::link::{self, LinkEntry, link_url};
use crate::load::{self, CaseFile};
use crate::report::{CaseResult, Outcome};
use crate::safety::{self, Ledger};
use crate::target::Target;
use crate::vars::{CaptureSource, Vars, text_of};

/// The API version sent when a case does not set `X-GitHub-Api-Version` itself.
pub const DEFAULT_API_VERSION: &str = "2022-11-28";

/// How a runner behaves, apart from its target.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The operation table (normally `hookspec_mock::OPERATIONS`).
    pub operations: &'static [Operation],
    /// Run only cases marked `read_only` (others are skipped).
    pub read_only: bool,
    /// The largest body read.
    pub max_body: usize,
    /// The most pages a `follow` step walks.
    pub max_pages: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            operations: hookspec_mock::OPERATIONS,
            read_only: false,
            max_body: http::DEFAULT_MAX_BODY,
            max_pages: 100,
        }
    }
}

/// A new run id: time and process, in hex (unique enough to tell runs apart on one server).
pub fn new_run_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "run-{:x}-{:x}{}",
        nanos & 0xffff_ffff_ffff,
        std::process::id(),
        if count > 0 {
            format!("-{count}")
        } else {
            String::new()
        }
    )
}

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
    /// A runner with its own ledger and run id.
    pub fn new(target: Target, options: RunOptions) -> Result<Self, crate::error::TargetError> {
        Runner::with_ledger(target, options, Arc::new(Ledger::new()), new_run_id())
    }

    /// A runner sharing `ledger` and `run_id` with others (one per product of the embedded fake).
    pub fn with_ledger(
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

    /// Why `case` does not run on this target, if it does not.
    pub fn skip_reason(&self, case: &Case) -> Option<String> {
        let product = self.target.product.id();
        if !case.products.iter().any(|p| p == product) {
            return Some(format!(
                "applies to {}; this target is {product}",
                case.products.join(", ")
            ));
        }
        if self.options.read_only && !case.read_only {
            return Some("changes server state; --read-only runs only read-only cases".into());
        }
        None
    }

    /// Runs one case and cleans up after it.
    pub async fn run(&self, file: &CaseFile) -> CaseResult {
        let started = Instant::now();
        let mut result = CaseResult {
            name: file.name.clone(),
            file: file.path.clone(),
            product: Some(self.target.product),
            outcome: Outcome::Passed,
            duration: Duration::ZERO,
            waited: Duration::ZERO,
            requests: 0,
            notes: Vec::new(),
        };
        if let Some(reason) = self.skip_reason(&file.case) {
            result.outcome = Outcome::Skipped(reason);
            return result;
        }
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
        };
        let mut errors: Vec<CaseError> = Vec::new();
        for (index, step) in file.case.steps.iter().enumerate() {
            if let Err(error) = run.step(index + 1, step).await {
                errors.push(CaseError::Step(error));
                break;
            }
        }
        let cleanup = self.cleanup_owned(Some(&run.owner), &file.path).await;
        run.requests += cleanup.requests;
        run.waited += cleanup.waited;
        errors.extend(cleanup.errors.into_iter().map(CaseError::Cleanup));
        result.outcome = if errors.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed(errors)
        };
        result.notes = run.notes;
        result.waited = run.waited;
        result.requests = run.requests;
        result.duration = started.elapsed();
        result
    }

    fn initial_vars(&self) -> Vars {
        let mut vars = Vars::new();
        vars.set("org", Value::String(self.target.org.clone()));
        vars.set("marker_url", Value::String(self.marker.clone()));
        vars.set("run_id", Value::String(self.run_id.clone()));
        vars.set(
            "product",
            Value::String(self.target.product.id().to_string()),
        );
        vars
    }

    /// Deletes everything left in the ledger by any case (after Ctrl-C or at the end of a run).
    pub async fn cleanup_all(&self) -> Vec<CleanupError> {
        self.cleanup_owned(None, Path::new("(run)")).await.errors
    }

    async fn cleanup_owned(&self, owner: Option<&str>, file: &Path) -> CleanupOutcome {
        let (created, pending) = self.ledger.take(owner);
        let mut outcome = CleanupOutcome::default();
        for item in created {
            self.delete(&item.url, file, &mut outcome).await;
        }
        for item in pending {
            self.sweep(&item.collection, file, &mut outcome).await;
        }
        outcome
    }

    fn headers(&self, auth: bool) -> Vec<(String, String)> {
        let mut headers = vec![
            (
                "Accept".to_string(),
                "application/vnd.github+json".to_string(),
            ),
            (
                "X-GitHub-Api-Version".to_string(),
                DEFAULT_API_VERSION.to_string(),
            ),
        ];
        if auth && let Some(token) = &self.target.token {
            headers.push(("Authorization".to_string(), format!("Bearer {token}")));
        }
        headers
    }

    async fn timed_send(
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

    async fn delete(&self, url: &Url, file: &Path, outcome: &mut CleanupOutcome) {
        let request = Request {
            method: "DELETE".into(),
            url: url.clone(),
            headers: self.headers(true),
            body: None,
        };
        let sent = self
            .timed_send(&request, &mut outcome.waited, &mut outcome.requests)
            .await;
        let message = match sent {
            Ok(response) if (200..300).contains(&response.status) || response.status == 404 => {
                return;
            }
            Ok(response) => format!(
                "status {} (body: {})",
                response.status,
                preview(&response.body)
            ),
            Err(failure) => failure.to_string(),
        };
        // Not deleted: keep it in the ledger so a later cleanup_all tries again.
        self.ledger.created("(cleanup)", url.clone());
        outcome.errors.push(CleanupError {
            file: file.to_path_buf(),
            request: request.line(),
            message,
        });
    }

    /// Lists `collection` page by page and deletes the items carrying this run's marker (the
    /// result of creates whose response never arrived).
    async fn sweep(&self, collection: &Url, file: &Path, outcome: &mut CleanupOutcome) {
        let mut url = collection.clone();
        url.query_pairs_mut().append_pair("per_page", "100");
        let mut seen = BTreeSet::new();
        let mut found = Vec::new();
        let mut next = Some(url);
        while let Some(url) = next.take() {
            if !seen.insert(url.to_string()) || seen.len() > self.options.max_pages {
                break;
            }
            let request = Request {
                method: "GET".into(),
                url: url.clone(),
                headers: self.headers(true),
                body: None,
            };
            let response = match self
                .timed_send(&request, &mut outcome.waited, &mut outcome.requests)
                .await
            {
                Ok(response) if response.status == 200 => response,
                Ok(response) => {
                    outcome.errors.push(CleanupError {
                        file: file.to_path_buf(),
                        request: request.line(),
                        message: format!(
                            "cannot list to find hooks marked {} whose create got no answer: status {}",
                            self.marker, response.status
                        ),
                    });
                    return;
                }
                Err(failure) => {
                    outcome.errors.push(CleanupError {
                        file: file.to_path_buf(),
                        request: request.line(),
                        message: format!(
                            "cannot list to find hooks marked {} whose create got no answer: {failure}",
                            self.marker
                        ),
                    });
                    return;
                }
            };
            if let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&response.body) {
                for item in items {
                    if safety::carries_marker(&item, &self.marker)
                        && let Some(id) = item.get("id").map(text_of)
                    {
                        found.push(id);
                    }
                }
            }
            next = checks::joined_header(&response, "link")
                .and_then(|text| link::parse_link(&text).ok())
                .and_then(|links| link_url(&links, "next").map(str::to_string))
                .and_then(|text| Url::parse(&text).ok())
                .filter(|url| self.target.owns_url(url));
        }
        for id in found {
            let mut url = collection.clone();
            if let Ok(mut segments) = url.path_segments_mut() {
                segments.pop_if_empty().push(&id);
            }
            self.ledger.deleted(&url);
            self.delete(&url, file, outcome).await;
        }
    }
}

#[derive(Debug, Default)]
struct CleanupOutcome {
    errors: Vec<CleanupError>,
    waited: Duration,
    requests: usize,
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
        let (request, per_page, body_json) = self
            .build(operation, step)
            .map_err(|problem| error(unbuilt(operation.method), vec![problem]))?;
        if let Err(problem) = self.check_safety(operation, step, &request, body_json.as_ref()) {
            return Err(error(request.line(), vec![problem]));
        }
        let expect = Expectations::resolve(&step.expect, &self.vars)
            .map_err(|problem| error(request.line(), vec![problem]))?;
        let attempts = step.retry.map(|r| r.attempts.max(1)).unwrap_or(1);
        let delay = Duration::from_millis(step.retry.map(|r| r.delay_ms).unwrap_or(0));
        let mut attempt = 1;
        loop {
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
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// The request of a step, the `per_page` it asks for, and its JSON body.
    fn build(
        &self,
        operation: &Operation,
        step: &Step,
    ) -> Result<(Request, Option<usize>, Option<Value>), Problem> {
        let runner = self.runner;
        let case = |message: String| Problem::new(Check::Case, message);
        let mut url = match &step.url {
            Some(text) => {
                let text = self
                    .vars
                    .interpolate(text)
                    .map_err(|e| case(e.to_string()))?;
                let url = Url::parse(&text)
                    .map_err(|e| Problem::new(Check::Request, format!("url {text:?}: {e}")))?;
                if !runner.target.owns_url(&url) {
                    return Err(Problem::new(
                        Check::Safety,
                        format!(
                            "refused: {url} is not on the target {}",
                            runner.target.base()
                        ),
                    ));
                }
                url
            }
            None => self.path_url(operation, step)?,
        };
        for (name, value) in &step.query {
            // Whether the parameter is documented for the case's products is checked at load.
            let value = self
                .vars
                .interpolate(value)
                .map_err(|e| case(e.to_string()))?;
            url.query_pairs_mut().append_pair(name, &value);
        }
        let per_page = url
            .query_pairs()
            .find(|(k, _)| k == "per_page")
            .and_then(|(_, v)| v.parse::<usize>().ok());
        let mut headers = runner.headers(step.auth);
        for (name, value) in &step.headers {
            let value = self
                .vars
                .interpolate(value)
                .map_err(|e| case(e.to_string()))?;
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value));
        }
        let mut body_json = None;
        let body = match (&step.body, &step.raw_body) {
            (Some(body), _) => {
                let body = self
                    .vars
                    .interpolate_json(body)
                    .map_err(|e| case(e.to_string()))?;
                let bytes = serde_json::to_vec(&body)
                    .map_err(|e| Problem::new(Check::Request, e.to_string()))?;
                body_json = Some(body);
                Some(bytes)
            }
            (None, Some(raw)) => {
                let raw = self
                    .vars
                    .interpolate(raw)
                    .map_err(|e| case(e.to_string()))?;
                body_json = serde_json::from_str(&raw).ok();
                Some(raw.into_bytes())
            }
            (None, None) => None,
        };
        if body.is_some()
            && !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        Ok((
            Request {
                method: operation.method.to_string(),
                url,
                headers,
                body,
            },
            per_page,
            body_json,
        ))
    }

    /// The operation's path on the target, `{name}` filled from `path_params` or the variables.
    fn path_url(&self, operation: &Operation, step: &Step) -> Result<Url, Problem> {
        let runner = self.runner;
        let mut url = runner.target.base_url.clone();
        let mut segments_out = Vec::new();
        for segment in operation.path.split('/').filter(|s| !s.is_empty()) {
            let mut text = String::new();
            let mut rest = segment;
            while let Some(open) = rest.find('{') {
                text.push_str(&rest[..open]);
                let Some(close) = rest[open..].find('}') else {
                    return Err(Problem::new(
                        Check::Case,
                        format!("unclosed {{ in the path template {}", operation.path),
                    ));
                };
                let name = &rest[open + 1..open + close];
                let value = match step.path_params.get(name) {
                    Some(value) => self
                        .vars
                        .interpolate(value)
                        .map_err(|e| Problem::new(Check::Case, e.to_string()))?,
                    None => self.vars.text(name).ok_or_else(|| {
                        Problem::new(
                            Check::Case,
                            format!(
                                "no value for {{{name}}} in {}: give path_params.{name} or capture {name} in an earlier step",
                                operation.path
                            ),
                        )
                    })?,
                };
                if value.is_empty() || value == "." || value == ".." {
                    return Err(Problem::new(
                        Check::Request,
                        format!("{{{name}}} is {value:?}, which is not a path segment"),
                    ));
                }
                text.push_str(&value);
                rest = &rest[open + close + 1..];
            }
            text.push_str(rest);
            segments_out.push(text);
        }
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| Problem::new(Check::Request, "the target URL cannot take a path"))?;
            segments.pop_if_empty();
            for segment in &segments_out {
                segments.push(segment);
            }
        }
        Ok(url)
    }

    /// Refuses a state-changing request that is neither a marked create nor aimed at what this
    /// run created.
    fn check_safety(
        &self,
        operation: &Operation,
        step: &Step,
        request: &Request,
        body: Option<&Value>,
    ) -> Result<(), Problem> {
        if !operation.mutates() {
            return Ok(());
        }
        let runner = self.runner;
        if let Some(body) = body
            && let Some((pointer, value)) = safety::unmarked_url(body, &runner.marker)
        {
            return Err(Problem::new(
                Check::Safety,
                format!(
                    "refused: {pointer} is {value:?}, which does not carry this run's marker {}; write \"${{marker_url}}\" there",
                    runner.marker
                ),
            ));
        }
        if runner.ledger.owns(&request.url) {
            return Ok(());
        }
        let is_create = safety::delete_below(runner.options.operations, operation).is_some();
        if is_create && step.url.is_none() {
            return Ok(());
        }
        Err(Problem::new(
            Check::Safety,
            format!(
                "refused: {} {} would change something this run did not create",
                request.method,
                request.url.path()
            ),
        ))
    }

    async fn send(&mut self, request: &Request) -> Result<Response, HttpFailure> {
        self.runner
            .timed_send(request, &mut self.waited, &mut self.requests)
            .await
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
        let is_create = safety::delete_below(runner.options.operations, operation).is_some();
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
                return Err(Failed {
                    request: request.line(),
                    problems: vec![transport_problem(&failure)],
                    transport: true,
                });
            }
        };
        self.record(operation, is_create, request, &response);
        let checked = checks::check_response(operation, &response, expect, per_page);
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
                checks::check_contains(&items, &expect.contains)
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
        capture(step, &response, checked.json.as_ref(), &checked.links)
            .map_err(|problem| Failed::one(request.line(), problem))
    }

    /// Records what a response says about creates and deletes.
    fn record(
        &self,
        operation: &Operation,
        is_create: bool,
        request: &Request,
        response: &Response,
    ) {
        let ledger = &self.runner.ledger;
        let status = response.status;
        let mut collection = request.url.clone();
        collection.set_query(None);
        if is_create {
            let id = serde_json::from_slice::<Value>(&response.body)
                .ok()
                .and_then(|json| json.get("id").map(text_of))
                .filter(|id| !id.is_empty());
            match (status, id) {
                (200..=299, Some(id)) => {
                    let mut url = collection.clone();
                    if let Ok(mut segments) = url.path_segments_mut() {
                        segments.pop_if_empty().push(&id);
                    }
                    ledger.created(&self.owner, url);
                    ledger.resolved(&self.owner, &collection);
                }
                // Created (or maybe) without an id to delete it by: stays pending, to be found
                // by its marker at cleanup.
                (200..=299, None) | (500..=599, _) => {}
                _ => ledger.resolved(&self.owner, &collection),
            }
        } else if operation.method == "DELETE"
            && ((200..300).contains(&status) || status == 404)
            && ledger.owns(&request.url)
        {
            ledger.deleted(&request.url);
        }
    }

    /// Walks the `rel` links from the first page, checking every page like the first.
    #[allow(clippy::too_many_arguments)]
    async fn follow(
        &mut self,
        operation: &Operation,
        rel: &str,
        first: &Request,
        first_links: &[LinkEntry],
        per_page: Option<usize>,
        expect: &Expectations,
        items: &mut Vec<Value>,
    ) -> Result<(), Failed> {
        let runner = self.runner;
        let mut seen = BTreeSet::from([first.url.to_string()]);
        let mut links = first_links.to_vec();
        let mut page = 1usize;
        // On later pages a Link is expected only as far as the spec says; the last has no next.
        let mut page_expect = expect.clone();
        page_expect.link_expected = false;
        while let Some(next) = link_url(&links, rel).map(str::to_string) {
            page += 1;
            let line = RequestLine {
                method: "GET".into(),
                url: next.clone(),
            };
            let url = Url::parse(&next).map_err(|e| {
                Failed::one(
                    line.clone(),
                    Problem::new(Check::Link, format!("rel={rel}: {e}")),
                )
            })?;
            if !runner.target.owns_url(&url) {
                return Err(Failed::one(
                    line,
                    Problem::new(
                        Check::Link,
                        format!(
                            "rel={rel} points off the target {}: {url}",
                            runner.target.base()
                        ),
                    ),
                ));
            }
            if !seen.insert(url.to_string()) {
                return Err(Failed::one(
                    line,
                    Problem::new(
                        Check::Link,
                        format!("rel={rel} leads back to a page already seen: {url}"),
                    ),
                ));
            }
            if page > runner.options.max_pages {
                return Err(Failed::one(
                    line,
                    Problem::new(
                        Check::Link,
                        format!(
                            "more than {} pages; stopped following",
                            runner.options.max_pages
                        ),
                    ),
                ));
            }
            let request = Request {
                method: "GET".into(),
                url,
                headers: first.headers.clone(),
                body: None,
            };
            let response = self.send(&request).await.map_err(|failure| Failed {
                request: request.line(),
                problems: vec![transport_problem(&failure)],
                transport: true,
            })?;
            let checked = checks::check_response(operation, &response, &page_expect, per_page);
            self.notes.extend(checked.notes);
            if !checked.problems.is_empty() {
                let problems = checked
                    .problems
                    .into_iter()
                    .map(|mut p| {
                        p.message = format!("page {page}: {}", p.message);
                        p
                    })
                    .collect();
                return Err(Failed {
                    request: request.line(),
                    problems,
                    transport: false,
                });
            }
            if let Some(Value::Array(page_items)) = checked.json {
                items.extend(page_items);
            }
            links = checked.links;
        }
        Ok(())
    }
}

/// The captures of a step, from the first response.
fn capture(
    step: &Step,
    response: &Response,
    json: Option<&Value>,
    links: &[LinkEntry],
) -> Result<Vec<(String, Value)>, Problem> {
    let mut captured = Vec::new();
    for (name, source) in &step.expect.capture {
        let source = CaptureSource::parse(source)
            .map_err(|e| Problem::new(Check::Case, format!("capture {name}: {e}")))?;
        let value = match &source {
            CaptureSource::Body(pointer) => json.and_then(|j| j.pointer(pointer)).cloned(),
            CaptureSource::Header(header) => response
                .header(header)
                .map(|v| Value::String(v.to_string())),
            CaptureSource::Link(rel) => link_url(links, rel).map(|u| Value::String(u.to_string())),
        };
        let Some(value) = value else {
            let (check, what) = match &source {
                CaptureSource::Body(pointer) => (
                    Check::Capture,
                    format!("the body has nothing at {pointer:?}"),
                ),
                CaptureSource::Header(header) => {
                    (Check::Header, format!("header {header} is missing"))
                }
                CaptureSource::Link(rel) => (
                    Check::Link,
                    if response.headers.get("link").is_some() {
                        format!("the Link header has no rel=\"{rel}\"")
                    } else {
                        format!("the Link header is missing (the case expects rel=\"{rel}\")")
                    },
                ),
            };
            return Err(Problem::new(
                check,
                format!("cannot capture {name}: {what}"),
            ));
        };
        captured.push((name.clone(), value));
    }
    Ok(captured)
}

/// A problem describing why no usable response arrived.
fn transport_problem(failure: &HttpFailure) -> Problem {
    match failure {
        HttpFailure::BodyBroken { received, .. } => Problem::new(Check::Body, failure.to_string())
            .with_detail(format!("it starts with: {}", preview(received))),
        HttpFailure::BodyTooLarge { start, .. } => Problem::new(Check::Body, failure.to_string())
            .with_detail(format!("it starts with: {}", preview(start))),
        other => Problem::new(Check::Transport, other.to_string()),
    }
}
