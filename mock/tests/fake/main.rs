//! Tests of the fake through HTTP (reqwest against `FakeGitHub`) and through its handler
//! directly, one module per concern. One test binary keeps linking cheap.

// A test that cannot unwrap should fail right there, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_hook;
mod beyond_the_schema;
mod binary;
mod binary_seed;
mod concurrency;
mod connections;
mod control_api;
mod control_state;
mod control_waits;
mod deliveries;
mod delivery_bounds;
mod delivery_engine;
mod delivery_payloads;
mod delivery_tls;
mod errors;
mod event_payloads;
mod faults;
mod global_hooks;
mod never_panics;
mod org_hooks;
mod pagination;
mod refusals;
mod repo_hook_events;
mod repo_hook_rules;
mod repo_hooks;
mod roles;
mod schema;
mod support;
