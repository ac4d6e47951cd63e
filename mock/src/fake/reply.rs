//! What an operation handler gets ([`Context`]: the request, the base URL to build URLs on, the
//! time, the routed operation and its path parameters) and what it gives back ([`Reply`]).

use crate::headers::{self, HeaderName};
use std::borrow::Cow;

use time::OffsetDateTime;

use super::github_error::ApiError;
use super::hook_store::Ready;
use super::http::FakeRequest;
use super::http::Header;
use super::routes::Route;
use crate::table::Product;

/// How many headers the pipeline adds at most to a reply's own: `Content-Type`, caching, scopes,
/// API version, media type, rate limit, request id.
pub(crate) const COMMON_HEADERS: usize = 16;

/// What an operation answers before the pipeline adds the common headers.
pub(crate) struct Reply {
    pub status: u16,
    /// The body, already serialized as JSON.
    pub body: Option<Vec<u8>>,
    pub headers: Vec<Header>,
    /// Why a 4xx was answered, in plain words.
    pub reason: Option<String>,
    /// The weak ETag of `body`, when it was computed with the body (a ready answer).
    pub etag: Option<String>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: &impl serde::Serialize) -> Reply {
        let body = serde_json::to_vec(body).unwrap_or_default();
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
            reason: None,
            etag: None,
        }
    }

    pub(crate) fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: None,
            headers: Vec::new(),
            reason: None,
            etag: None,
        }
    }

    /// A 200 with a ready answer: its body, the ETag computed over exactly those bytes, and a
    /// single hook's `Last-Modified`.
    pub(crate) fn ready(ready: &Ready) -> Reply {
        let reply = Reply {
            status: 200,
            body: Some(ready.body.clone()),
            // Room for the ETag, Last-Modified and the pipeline's headers: one allocation.
            headers: Vec::with_capacity(COMMON_HEADERS + 2),
            reason: None,
            etag: Some(ready.etag.clone()),
        };
        match &ready.last_modified {
            Some(modified) => reply.header(headers::LAST_MODIFIED, modified.clone()),
            None => reply,
        }
    }

    /// The reply with one more header; `name` in lower case.
    pub(crate) fn header(mut self, name: HeaderName, value: String) -> Reply {
        self.headers.push((name, Cow::Owned(value)));
        self
    }
}

impl Reply {
    /// GitHub's answer for `error`; `documentation_url` is the routed operation's page.
    pub(crate) fn error(error: &ApiError, documentation_url: Option<&str>) -> Reply {
        let mut reply = Reply::json(error.status(), &error.body(documentation_url));
        reply.reason = Some(error.reason());
        reply
    }
}

/// Everything an operation needs to know about the request.
#[derive(Clone)]
pub(crate) struct Context<'a> {
    pub request: &'a FakeRequest,
    /// The client's base URL plus the product's path prefix: where the URLs we return start.
    pub api_base: Cow<'a, str>,
    pub now: OffsetDateTime,
    pub route: &'a Route,
    /// The product the request addressed (its path prefix).
    pub product: Product,
    /// The GitHub App a JWT authenticated, on app endpoints.
    pub app: Option<u64>,
}

impl Context<'_> {
    /// The URL the client called, without its query (for `Link`).
    pub(crate) fn request_url(&self) -> String {
        format!(
            "{}{}",
            self.request.base_url.trim_end_matches('/'),
            self.request.path
        )
    }

    /// The `{org}` path parameter (404 when the route has none).
    pub(crate) fn org(&self) -> Result<&str, ApiError> {
        self.route
            .params
            .org
            .as_deref()
            .ok_or_else(|| ApiError::not_found("the route has no {org}"))
    }

    /// The `{owner}/{repo}` path parameters, as one `owner/name` (404 when the route has none).
    pub(crate) fn repo(&self) -> Result<String, ApiError> {
        self.route
            .params
            .full_repo_name()
            .ok_or_else(|| ApiError::not_found("the route has no {owner}/{repo}"))
    }

    /// The `{hook_id}` path parameter.
    pub(crate) fn hook_id(&self) -> Result<u64, ApiError> {
        self.route
            .params
            .hook_id
            .ok_or_else(|| ApiError::not_found("the route has no {hook_id}"))
    }

    /// The `{delivery_id}` path parameter.
    pub(crate) fn delivery_id(&self) -> Result<u64, ApiError> {
        self.route
            .params
            .delivery_id
            .ok_or_else(|| ApiError::not_found("the route has no {delivery_id}"))
    }
}
