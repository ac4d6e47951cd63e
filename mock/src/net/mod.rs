//! Networking the fake, its receiver and `hookspec-conformance` share: the TLS client (one
//! configuration, one connector) and the accept loop of every server.

mod accept;
mod tls;

pub use accept::accept_loop;
pub use tls::{TlsSetupError, client, client_config, https_connector};
