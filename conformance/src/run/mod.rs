//! A run of the cases: the session (run id, ledger, one runner per target), the runner that
//! builds each step's request, sends it within the safety rules and checks its answer, the
//! cleanup of what the run created, and the suite loop with its progress callback.

pub(crate) mod harness;
pub(crate) mod options;
pub(crate) mod request;
pub(crate) mod runner;
pub(crate) mod safety;
pub(crate) mod session;
pub(crate) mod suite;
