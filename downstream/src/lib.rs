//! Exists only for its tests in `tests/`, which use hookspec-mock as a downstream project would.
