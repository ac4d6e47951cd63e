//! Where requests go: the server a run checks (its URL, token, org, product, headers), the HTTP
//! client that sends to it, and the embedded fake that serves as the default server.

pub(crate) mod embedded;
pub(crate) mod http;
pub(crate) mod server;
