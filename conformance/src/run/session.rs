//! One run: its id, the ledger of what it creates, and one runner per target sharing both, so
//! a case on any product can only change what this run made and the cleanup finds all of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::run::options::RunOptions;

use crate::error::{CleanupError, TargetError};
use crate::run::runner::Runner;
use crate::run::safety::{self, Ledger};
use crate::target::server::Target;

/// A new run id: time and process, in hex (unique enough to tell runs apart on one server).
fn new_run_id() -> String {
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

/// One run against one or more targets (one per product of the embedded fake, or the one
/// server given): a fresh run id, its ledger, and a runner per target sharing both.
#[derive(Debug)]
pub struct Run {
    run_id: String,
    ledger: Arc<Ledger>,
    runners: Vec<Runner>,
}

impl Run {
    /// A run with a new run id and an empty ledger, and a runner for each of `targets`.
    pub fn new(
        targets: impl IntoIterator<Item = Target>,
        options: RunOptions,
    ) -> Result<Self, TargetError> {
        let run_id = new_run_id();
        let ledger = Arc::new(Ledger::new());
        let runners = targets
            .into_iter()
            .map(|target| Runner::in_run(target, options.clone(), ledger.clone(), run_id.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Run {
            run_id,
            ledger,
            runners,
        })
    }

    /// The runners, one per target, in the order the targets were given.
    pub fn runners(&self) -> &[Runner] {
        &self.runners
    }

    /// The runners, for a caller that keeps them apart from the run (each holds the ledger).
    pub fn into_runners(self) -> Vec<Runner> {
        self.runners
    }

    /// The ledger of what this run created, shared by every runner.
    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    /// The run id.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The marker URL every hook this run creates carries.
    pub fn marker_url(&self) -> String {
        safety::marker_url(&self.run_id)
    }

    /// Deletes everything left in the ledger, on every target (after Ctrl-C or at the end).
    pub async fn cleanup_all(&self) -> Vec<CleanupError> {
        let mut errors = Vec::new();
        for runner in &self.runners {
            errors.extend(runner.cleanup_all().await);
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookspec_mock::Product;

    #[test]
    fn the_runners_of_a_run_share_its_ledger_and_run_id() -> Result<(), Box<dyn std::error::Error>>
    {
        let targets = [
            Target::new("http://127.0.0.1:1", Product::Dotcom)?,
            Target::new("http://127.0.0.1:2", Product::Ghes)?,
        ];
        let run = Run::new(targets, RunOptions::default())?;
        assert_eq!(run.runners().len(), 2);
        for runner in run.runners() {
            assert_eq!(runner.run_id(), run.run_id());
            assert_eq!(runner.marker_url(), run.marker_url());
            assert!(Arc::ptr_eq(runner.ledger(), run.ledger()));
        }
        assert_ne!(Run::new([], RunOptions::default())?.run_id(), run.run_id());
        Ok(())
    }
}
