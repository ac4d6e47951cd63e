//! Contract cases for GitHub's webhook-management REST API and the runner that checks a server
//! against them: the embedded fake by default, or any api.github.com-like or GHES server.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use hookspec_conformance::{Embedded, Run, RunOptions, Summary, collect_embedded, run_suite};
//! use std::time::Duration;
//!
//! let embedded = Embedded::start().await;
//! // One runner per product the fake serves, sharing the run's id and ledger.
//! let run = Run::new(embedded.targets(Duration::from_secs(5))?, RunOptions::default())?;
//! let entries = collect_embedded(&["request_without_a_token".to_string()]);
//! let results = run_suite(&entries, run.runners(), |_, _, r| println!("{}", r.line())).await;
//! run.cleanup_all().await;
//! let summary = Summary::of(&results);
//! assert!(summary.ok(), "{summary}");
//! # Ok(())
//! # }
//! ```
//!
//! A case is one YAML file (see `CASES.md`): steps naming spec operations, with the responses they
//! must get. The runner takes each operation's method, path, documented statuses, schemas and
//! headers from the operation table (`hookspec_mock::table::OPERATIONS`, with its path-template
//! parser and router), so nothing here restates the spec.
//!
//! The modules follow a request's way through the crate, each folder using only those before
//! it: at the bottom `error`, `show` (how values are shown) and `secrets` (the one rule for what a secret is and how each output hides it); then
//! `target` (where requests go), `case` (the format, loading, variables, collecting), `check`
//! (what every response gets), `report` (results and renderers), `record` (recordings and
//! replay), and last `run` (sessions, runner, cleanup) and `proxy` (live traffic).

mod case;
mod check;
mod error;
mod proxy;
mod record;
mod report;
mod run;
mod secrets;
mod show;
mod target;
mod yaml_depth;

pub use case::format::{Case, Expect, Retry, Step};
pub use case::load::{CaseFile, load as load_case, parse as parse_case};
pub use case::suite::{
    EMBEDDED_ROOT, Entry, collect_embedded, collect_folder, collect_from, default_cases_dir,
};
pub use error::{
    CaseError, Check, CleanupError, LoadCause, LoadError, Problem, Problems, RequestLine,
    StepError, TargetError,
};
pub use proxy::{
    ExchangeResult, OnExchange, Proxy, ProxyError, ProxyOptions, record_through, summary_line,
};
pub use record::recording::{RecordError, Sequence, read_recording, sequences};
pub use record::replay::{ReplayOptions, replay};
pub use record::to_case::to_case;
pub use report::{
    CaseResult, Exchange, Outcome, ReportInfo, Secrets, Summary, html_report, junit_report,
    markdown_report,
};
pub use run::harness::{HarnessError, run_case_file, target_from_env};
pub use run::options::RunOptions;
pub use run::runner::Runner;
pub use run::safety::{Ledger, MARKER_HOST};
pub use run::session::Run;
pub use run::suite::{planned_count, run_suite, run_suite_into};
pub use target::embedded::{EMBEDDED_APP, EMBEDDED_TOKEN, Embedded};
pub use target::http::{DEFAULT_MAX_BODY, HttpClient, HttpFailure, Request, Response};
pub use target::server::{
    DEFAULT_ORG, DEFAULT_REPO, DEFAULT_TIMEOUT, Target, TargetApp, parse_base_url, parse_header,
    parse_product,
};
