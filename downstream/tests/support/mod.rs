//! Helpers shared by the downstream tests.

pub mod lifecycle;
