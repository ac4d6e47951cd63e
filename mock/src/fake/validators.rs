//! The validators of an answer: its `ETag` (from the body's bytes) and a hook's
//! `Last-Modified`, computed where an answer is made or kept ready.

use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// The validator of a body: `W/"<hex SHA-256>"`, or without `W/` when `strong`.
pub(crate) fn etag(body: &[u8], strong: bool) -> String {
    let digest = hex::encode(Sha256::digest(body));
    if strong {
        format!("\"{digest}\"")
    } else {
        format!("W/\"{digest}\"")
    }
}

/// An HTTP date (`Tue, 06 Sep 2011 20:39:23 GMT`).
pub(crate) fn http_date(at: time::OffsetDateTime) -> String {
    httpdate::fmt_http_date(SystemTime::from(at))
}
