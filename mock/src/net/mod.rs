//! Networking the fake, its receiver and `hookspec-conformance` share: the TLS client (one
//! configuration, one connector), the accept loop of every server and the bounds on their
//! connections.

mod accept;
mod connection;
mod tls;

pub use accept::{ConnectionSlot, accept_loop_bounded};
pub use connection::{BodyError, ConnectionLimits, read_body, serve_bounded, serve_connection};
pub use tls::{TlsSetupError, client_config, https_connector, https_connector_with_resolver};
