//! Contract cases for GitHub's webhook-management REST API and the runner that checks a server
//! against them: the embedded fake by default, or any api.github.com-like or GHES server.
//!
//! A case is one YAML file (see `CASES.md`): steps naming spec operations, with the responses they
//! must get. The runner takes each operation's method, path, documented statuses, schemas and
//! headers from the operation table (`hookspec_mock::table::OPERATIONS`), so nothing here restates the
//! spec.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use hookspec_conformance::{embedded::Embedded, run::{Run, RunOptions}, suite};
//! use std::time::Duration;
//!
//! let embedded = Embedded::start().await;
//! // One runner per product the fake serves, sharing the run's id and ledger.
//! let run = Run::new(embedded.targets(Duration::from_secs(5))?, RunOptions::default())?;
//! let entries = suite::collect_embedded(&[]); // or suite::collect(folder, &[])?
//! let results = suite::run(&entries, run.runners(), |_, _, r| println!("{}", r.line())).await;
//! run.cleanup_all().await;
//! println!("{}", hookspec_conformance::report::Summary::of(&results));
//! # Ok(())
//! # }
//! ```

pub mod body_diff;
pub mod case;
pub mod checks;
mod cleanup;
pub mod commands;
pub mod embedded;
pub mod error;
pub mod expect;
pub mod harness;
pub mod http;
pub mod link;
pub mod load;
pub mod normalize;
pub mod proxy;
pub mod record;
pub mod replay;
pub mod report;
pub mod request;
pub mod run;
pub mod runner;
pub mod safety;
pub mod schema;
pub mod suite;
pub mod target;
pub mod to_case;
pub mod vars;
