//! The case format and everything about a case before it runs: the YAML types, loading and
//! checking a file against the spec's operation table, variables and their interpolation, and
//! collecting the suite (the embedded cases and folders of them).

pub(crate) mod expect;
pub(crate) mod format;
pub(crate) mod load;
pub(crate) mod suite;
pub(crate) mod vars;
