//! The stateful fake: a plain, synchronous request → response handler ([`Fake`]) over shared
//! in-memory state, with no HTTP server of its own. The wiremock adapter
//! ([`crate::FakeGitHub`]) and the hyper server ([`crate::serve`]) both call [`Fake::handle`],
//! so they behave identically.
//!
//! A request goes through [`handler`]'s pipeline (product and API version, fault, authorization,
//! common headers, rate limit, request id, recording), which [`routes`] it from the generated
//! operation table and dispatches it to the module of its resource: [`org_hooks`],
//! [`deliveries`] or [`global_hooks`].

mod app_auth;
mod app_hook;
mod auth;
mod conditional;
mod config;
mod control;
mod deliveries;
mod delivery;
mod delivery_headers;
mod delivery_records;
mod emit;
mod events;
mod faults;
pub(crate) mod github_error;
mod github_headers;
mod global_hooks;
mod handler;
mod hook_store;
mod http;
mod journal;
mod model;
mod org_hooks;
mod outbound;
mod pagination;
mod payload;
mod payloads;
mod rate_limit;
mod render;
mod reply;
mod repo_hooks;
mod routes;
mod rules;
mod seeding;
mod state;
mod state_doc;
mod state_error;
mod validation;
mod validators;
mod wire;
#[cfg(test)]
mod wire_tests;

pub use app_auth::{AppKey, AppKeyError, GitHubApp};
pub use config::{FakeConfig, OrgRole, RepoRole, TokenConfig};
pub use delivery::sign::{signature_1, signature_256, verify_signature_1, verify_signature_256};
pub use delivery::{MAX_DELIVERIES_IN_FLIGHT, MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER};
pub use delivery_headers::DeliveryHeaders;
pub use emit::EventSource;
pub use faults::Fault;
pub use handler::Fake;
pub use http::{FakeRequest, FakeResponse};
pub(crate) use http::{Header, JSON_CONTENT_TYPE, header_pairs, header_str};
pub use model::{
    Delivery, DeliverySeed, Hook, HookConfig, HookKind, HookSeed, LastResponse, RecordedRequest,
};
pub use payload::Payload;
pub use state::{FakeState, StateError};
pub use state_doc::{StateDocument, StateDocumentError, StateFormat, parse_state_document};
