//! Replay: sends recorded sequences to a server (the embedded fake by default), normalises its
//! answers as the recording was, and reports every difference in status, headers and body the
//! way the runner reports a case: one case per sequence, one step per exchange.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::error::{CaseError, Check, Problem, Problems, RequestLine, StepError};
use crate::record::normalize::Normalizer;
use crate::record::recording::{RecordedResponse, Recording, Sequence, normalize_response};
use crate::report::CaseResult;
use crate::target::http::{HttpClient, Request};
use crate::target::server::TargetApp;
use hookspec_mock::table::Access;

/// How many differences of one body are listed before they are summed up.
const DIFFERENCES_SHOWN: usize = 20;

/// Where and how to replay.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// The server's base URL (`http://127.0.0.1:8080`, `https://HOST/api/v3`).
    pub base: String,
    /// Sent as `Authorization: Bearer` on steps that were recorded with credentials.
    pub token: Option<String>,
    /// What `${org}` stands for.
    pub org: String,
    /// The GitHub App whose fresh JWT replaces the recording's stripped credentials on App
    /// steps (the token is sent on the others).
    pub app: Option<TargetApp>,
    /// A GET whose answer differs is asked again this many times, 100 ms apart, for what a
    /// server does in the background (a delivery showing up).
    pub get_attempts: usize,
    /// Headers added to (or replacing those of) every request (`--header`).
    pub headers: Vec<(String, String)>,
}

impl ReplayOptions {
    /// Options for `base` with no token, the org `octocat` and 20 GET attempts.
    pub fn new(base: impl Into<String>) -> Self {
        ReplayOptions {
            base: base.into(),
            token: None,
            org: crate::target::server::DEFAULT_ORG.to_string(),
            app: None,
            get_attempts: 20,
            headers: Vec::new(),
        }
    }
}

/// Replays `sequence` and returns it as a case result (named after its folder).
pub async fn replay(
    sequence: &Sequence,
    options: &ReplayOptions,
    client: &HttpClient,
) -> CaseResult {
    let started = Instant::now();
    let base = options.base.trim_end_matches('/').to_string();
    let mut normalizer = Normalizer::new(vec![base.clone()]);
    normalizer.bind("org", "org", &options.org);
    let mut errors = Vec::new();
    let mut waited = Duration::ZERO;
    let mut requests = 0;
    let mut exchanges = Vec::new();
    for (index, (file, recording)) in sequence.steps.iter().enumerate() {
        let step = StepFailure::new(file.clone(), index + 1, recording);
        let request = match build(&normalizer, recording, &base, options) {
            Ok(request) => request,
            Err(problem) => {
                errors.push(step.into_error(
                    RequestLine {
                        method: recording.request.method.clone(),
                        url: recording.request.path.clone(),
                    },
                    vec![problem],
                ));
                continue;
            }
        };
        let attempts = if recording.request.method == "GET" {
            options.get_attempts.max(1)
        } else {
            1
        };
        let mut problems = Vec::new();
        for attempt in 1..=attempts {
            requests += 1;
            let mut trial = normalizer.clone();
            let answer = client.send(&request).await;
            problems = match &answer {
                Ok(response) => {
                    waited += response.waited;
                    let actual = normalize_response(&mut trial, response);
                    compare(&recording.response, &actual)
                }
                Err(failure) => vec![Problem::new(Check::Transport, failure.to_string())],
            };
            if problems.is_empty() || attempt == attempts {
                normalizer = trial;
                // The exchange as reports show it, for the coverage matrix.
                let operation = recording
                    .operation
                    .as_deref()
                    .and_then(hookspec_mock::table::find_operation);
                let product = recording
                    .product
                    .as_deref()
                    .and_then(hookspec_mock::Product::from_id);
                if let (Some(operation), Some(product)) = (operation, product) {
                    exchanges.push(crate::report::Exchange::of(
                        operation,
                        product,
                        &request,
                        answer.as_ref(),
                        &problems,
                    ));
                }
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !problems.is_empty() {
            errors.push(step.into_error(request.line(), problems));
        }
    }
    let name = format!(
        "replay/{}",
        sequence
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let product = sequence
        .steps
        .first()
        .and_then(|(_, r)| r.product.as_deref())
        .and_then(hookspec_mock::Product::from_id);
    let mut result = CaseResult::start(name, sequence.dir.clone(), product);
    result.end_with(errors);
    result.duration = started.elapsed();
    result.waited = waited;
    result.requests = requests;
    result.exchanges = exchanges;
    result
}

struct StepFailure {
    file: PathBuf,
    number: usize,
    operation: String,
}

impl StepFailure {
    fn new(file: PathBuf, number: usize, recording: &Recording) -> Self {
        StepFailure {
            file,
            number,
            operation: recording
                .operation
                .clone()
                .unwrap_or_else(|| "unmatched".into()),
        }
    }

    fn into_error(self, request: RequestLine, problems: Vec<Problem>) -> CaseError {
        let step = self
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        CaseError::Step(StepError {
            file: self.file,
            number: self.number,
            step,
            operation: self.operation,
            request,
            problems: Problems(problems),
        })
    }
}

fn unbound(names: Vec<String>) -> Problem {
    Problem::new(
        Check::Case,
        format!(
            "no earlier answer gave a value for ${{{}}}",
            names.join("}, ${")
        ),
    )
}

/// The request of `recording` with the placeholders filled in.
fn build(
    normalizer: &Normalizer,
    recording: &Recording,
    base: &str,
    options: &ReplayOptions,
) -> Result<Request, Problem> {
    let recorded = &recording.request;
    let path = normalizer.fill(&recorded.path).map_err(unbound)?;
    let mut url = url::Url::parse(&format!("{base}{path}"))
        .map_err(|e| Problem::new(Check::Request, format!("{base}{path}: {e}")))?;
    if !recorded.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &recorded.query {
            pairs.append_pair(name, &normalizer.fill(value).map_err(unbound)?);
        }
    }
    let mut headers = Vec::new();
    for (name, value) in &recorded.headers {
        headers.push((name.clone(), normalizer.fill(value).map_err(unbound)?));
    }
    let on_the_app = recording
        .operation
        .as_deref()
        .and_then(hookspec_mock::table::find_operation)
        .is_some_and(|op| op.access == Access::App);
    match (recorded.auth, on_the_app, &options.app, &options.token) {
        (true, true, Some(app), _) => {
            let jwt = app.key.jwt_now(app.id).map_err(|e| {
                Problem::new(Check::Request, format!("cannot sign the app's JWT: {e}"))
            })?;
            headers.push(("authorization".into(), format!("Bearer {jwt}")));
        }
        (true, _, _, Some(token)) => {
            headers.push(("authorization".into(), format!("Bearer {token}")));
        }
        _ => {}
    }
    for (name, value) in &options.headers {
        headers.retain(|(have, _): &(String, String)| !have.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
    let body = match (&recorded.body, &recorded.raw_body) {
        (Some(json), _) => Some(
            serde_json::to_vec(&normalizer.fill_json(json).map_err(unbound)?)
                .map_err(|e| Problem::new(Check::Request, e.to_string()))?,
        ),
        (None, Some(text)) => Some(normalizer.fill(text).map_err(unbound)?.into_bytes()),
        (None, None) => None,
    };
    Ok(Request {
        method: recorded.method.clone(),
        url,
        headers,
        body,
    })
}

/// Every difference between a recorded response and a normalised actual one.
pub fn compare(recorded: &RecordedResponse, actual: &RecordedResponse) -> Vec<Problem> {
    let mut problems = Vec::new();
    if recorded.status != actual.status {
        problems.push(Problem::new(
            Check::Status,
            format!("recorded {}, got {}", recorded.status, actual.status),
        ));
    }
    for (name, value) in &recorded.headers {
        match actual.headers.get(name) {
            None => problems.push(Problem::new(
                Check::Header,
                format!("{name} is missing (recorded {value:?})"),
            )),
            // ETags are numbered by first appearance; two answers with the same body share
            // one, so the numbers may shift between runs while the bodies (compared below)
            // agree: any ETag matches any ETag.
            Some(got)
                if name == "etag" && got.starts_with("${etag_") && value.starts_with("${etag_") => {
            }
            Some(got) if got != value => problems.push(Problem::new(
                Check::Header,
                format!("{name}: recorded {value:?}, got {got:?}"),
            )),
            Some(_) => {}
        }
    }
    for (name, value) in &actual.headers {
        if !recorded.headers.contains_key(name) {
            problems.push(Problem::new(
                Check::Header,
                format!("{name}: {value:?} was not recorded"),
            ));
        }
    }
    let mut differences = Vec::new();
    match (&recorded.body, &actual.body) {
        (Some(want), Some(got)) => diff(want, got, "", &mut differences),
        (None, None) => {
            if recorded.raw_body != actual.raw_body {
                differences.push("the raw body differs".to_string());
            }
        }
        (Some(_), None) => {
            differences.push("(root): recorded a JSON body, got none or not JSON".into())
        }
        (None, Some(_)) => differences.push("(root): got a JSON body, none was recorded".into()),
    }
    if !differences.is_empty() {
        let total = differences.len();
        differences.truncate(DIFFERENCES_SHOWN);
        if total > DIFFERENCES_SHOWN {
            differences.push(format!("... and {} more", total - DIFFERENCES_SHOWN));
        }
        problems.push(
            Problem::new(
                Check::Body,
                format!("{total} difference(s) from the recorded body"),
            )
            .with_detail(differences.join("\n")),
        );
    }
    problems
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn diff(want: &Value, got: &Value, at: &str, out: &mut Vec<String>) {
    let here = if at.is_empty() { "(root)" } else { at };
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let path = format!("{at}/{key}");
                match b.get(key) {
                    Some(other) => diff(value, other, &path, out),
                    None => out.push(format!(
                        "{path}: missing (recorded {})",
                        crate::show::short(value)
                    )),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(format!(
                        "{at}/{key}: not recorded (got {})",
                        crate::show::short(value)
                    ));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{here}: recorded {} item(s), got {}",
                    a.len(),
                    b.len()
                ));
            }
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                diff(x, y, &format!("{at}/{index}"), out);
            }
        }
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            out.push(format!(
                "{here}: recorded {} ({}), got {} ({})",
                kind(a),
                crate::show::short(a),
                kind(b),
                crate::show::short(b)
            ));
        }
        (a, b) if a != b => out.push(format!(
            "{here}: recorded {}, got {}",
            crate::show::short(a),
            crate::show::short(b)
        )),
        _ => {}
    }
}
