//! [`RunOptions`]: how a runner behaves, apart from its target.

use hookspec_mock::table::Operation;

use crate::target::http;

/// How a runner behaves, apart from its target.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The operation table (normally `hookspec_mock::table::OPERATIONS`).
    pub operations: &'static [Operation],
    /// Run only cases marked `read_only` (others are skipped).
    pub read_only: bool,
    /// Skip cases carrying any of these tags.
    pub skip_tags: Vec<String>,
    /// The largest body read.
    pub max_body: usize,
    /// The most pages a `follow` step walks.
    pub max_pages: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            operations: hookspec_mock::table::OPERATIONS,
            read_only: false,
            skip_tags: Vec::new(),
            max_body: http::DEFAULT_MAX_BODY,
            max_pages: 100,
        }
    }
}
