//! What `tests/cases.rs` runs for each case file: the target from the environment
//! (`HOOKSPEC_TARGET`, `HOOKSPEC_TOKEN`, `HOOKSPEC_ORG`, `HOOKSPEC_PRODUCT`, `HOOKSPEC_TIMEOUT`)
//! or, without `HOOKSPEC_TARGET`, a fresh embedded fake per case file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::case::load;
use crate::error::TargetError;
use crate::report::Outcome;
use crate::run::options::RunOptions;
use crate::run::session::Run;
use crate::target::embedded::Embedded;
use crate::target::server::{DEFAULT_TIMEOUT, Target, parse_product};

/// A case file that failed under the harness: the failure text of every product it ran on.
#[derive(Debug, thiserror::Error)]
#[error("{}:\n{message}", file.display())]
pub struct HarnessError {
    /// The case file.
    pub file: PathBuf,
    /// What failed.
    pub message: String,
}

fn harness_error(file: &Path, message: impl Into<String>) -> HarnessError {
    HarnessError {
        file: file.to_path_buf(),
        message: message.into(),
    }
}

/// The target named by the environment, if `HOOKSPEC_TARGET` is set.
pub fn target_from_env() -> Result<Option<Target>, TargetError> {
    let Some(url) = std::env::var("HOOKSPEC_TARGET")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    let product = match std::env::var("HOOKSPEC_PRODUCT") {
        Ok(text) if !text.is_empty() => parse_product(&text)?,
        _ => hookspec_mock::Product::Dotcom,
    };
    let mut target = Target::new(&url, product)?.with_timeout(timeout_from_env());
    if let Ok(token) = std::env::var("HOOKSPEC_TOKEN")
        && !token.is_empty()
    {
        target = target.with_token(token);
    }
    if let Ok(org) = std::env::var("HOOKSPEC_ORG")
        && !org.is_empty()
    {
        target = target.with_org(org);
    }
    if let Ok(repo) = std::env::var("HOOKSPEC_REPO")
        && !repo.is_empty()
    {
        target = target.with_repo(repo)?;
    }
    Ok(Some(target))
}

fn timeout_from_env() -> Duration {
    std::env::var("HOOKSPEC_TIMEOUT")
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Runs one case file on every product it applies to; `Err` carries every failure's text.
pub fn run_case_file(path: &Path) -> Result<(), HarnessError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| harness_error(path, format!("cannot start a tokio runtime: {e}")))?;
    runtime.block_on(run_case_file_async(path))
}

async fn run_case_file_async(path: &Path) -> Result<(), HarnessError> {
    let file = load::load(None, path).map_err(|e| harness_error(path, e.to_string()))?;
    let target = target_from_env().map_err(|e| harness_error(path, e.to_string()))?;
    // The fake lives as long as this function.
    let mut embedded = None;
    let targets = match target {
        Some(target) => vec![target],
        None => {
            let started = embedded.insert(Embedded::start().await);
            started
                .targets(timeout_from_env())
                .map_err(|e| harness_error(path, e.to_string()))?
        }
    };
    let run =
        Run::new(targets, RunOptions::default()).map_err(|e| harness_error(path, e.to_string()))?;
    let mut failures = Vec::new();
    let mut ran = 0usize;
    let mut reasons = Vec::new();
    for runner in run.runners() {
        let result = runner.run(&file).await;
        match &result.outcome {
            Outcome::Passed => ran += 1,
            Outcome::Skipped(reason) => {
                reasons.push(format!("{}: {reason}", result.display_name()))
            }
            Outcome::Failed(_) => {
                ran += 1;
                failures.push(format!(
                    "{}\n{}",
                    result.line(),
                    result.failure_text().unwrap_or_default()
                ));
            }
        }
    }
    drop(embedded);
    if ran == 0 {
        eprintln!("skipped {}", reasons.join("; "));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(harness_error(path, failures.join("\n\n")))
    }
}
