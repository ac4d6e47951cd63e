//! Contract cases for GitHub's webhook-management REST API and the runner that checks a server
//! against them: the embedded fake by default, or any api.github.com-like or GHES server.
//!
//! A case is one YAML file (see `CASES.md`): steps naming spec operations, with the responses they
//! must get. The runner takes each operation's method, path, documented statuses, schemas and
//! headers from the operation table (`hookspec_mock::OPERATIONS`), so nothing here restates the
//! spec.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use hookspec_conformance::{embedded::Embedded, runner::{RunOptions, Runner}, suite};
//! use std::{sync::Arc, time::Duration};
//!
//! let embedded = Embedded::start().await;
//! let ledger = Arc::new(hookspec_conformance::safety::Ledger::new());
//! let run_id = hookspec_conformance::runner::new_run_id();
//! let runners = embedded
//!     .targets(Duration::from_secs(5))?
//!     .into_iter()
//!     .map(|t| Runner::with_ledger(t, RunOptions::default(), ledger.clone(), run_id.clone()))
//!     .collect::<Result<Vec<_>, _>>()?;
//! let entries = suite::collect(&suite::default_cases_dir(), &[])?;
//! let results = suite::run(&entries, &runners, |_, _, r| println!("{}", r.line())).await;
//! println!("{}", hookspec_conformance::report::Summary::of(&results));
//! # Ok(())
//! # }
//! ```

pub mod body_diff;
pub mod case;
pub mod checks;
mod cleanup;
pub mod embedded;
pub mod error;
pub mod expect;
pub mod harness;
pub mod http;
pub mod link;
pub mod load;
pub mod report;
pub mod request;
pub mod runner;
pub mod safety;
pub mod schema;
pub mod suite;
pub mod target;
pub mod vars;
