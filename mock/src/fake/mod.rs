//! The stateful fake: a plain, synchronous request → response handler ([`Fake`]) over shared
//! in-memory state, with no HTTP server of its own. The wiremock adapter
//! ([`crate::FakeGitHub`]) and the standalone server ([`crate::serve`]) both call
//! [`Fake::handle`], so they behave identically.

mod config;
mod delivery;
mod errors;
mod faults;
mod handler;
mod http;
mod pagination;
mod render;
mod routes;
mod state;
mod validation;

pub use config::{FakeConfig, OrgRole, TokenConfig};
pub use delivery::signature_256;
pub use errors::StateError;
pub use faults::Fault;
pub use handler::Fake;
pub use http::{FakeRequest, FakeResponse};
pub use routes::OPERATION_IDS;
pub use state::{
    Delivery, DeliverySeed, FakeState, Hook, HookConfig, HookKind, HookSeed, RecordedRequest,
};
