//! The checks every response gets, whoever sent the request (a run's step, the proxy's client):
//! status, `Content-Type`, body against the spec's schema, documented and expected headers, the
//! `Link` header, and the body's content against what a step expects.

pub(crate) mod body_diff;
pub(crate) mod link;
pub(crate) mod response;
pub(crate) mod schema;
