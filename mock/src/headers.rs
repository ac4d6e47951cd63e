//! Every header name the fake answers with, reads from a request, or sends with a delivery, as
//! a typed constant: the one place each is spelt. Answers and requests use `http`'s
//! [`HeaderName`] (lower case, as HTTP/1 servers send them); deliveries also keep the spelling
//! GitHub shows in the deliveries API (`X-GitHub-Event`), as a [`DeliveryHeader`].

use hyper::header;
pub use hyper::header::HeaderName;

/// `Content-Type`.
pub const CONTENT_TYPE: HeaderName = header::CONTENT_TYPE;
/// `Cache-Control`.
pub const CACHE_CONTROL: HeaderName = header::CACHE_CONTROL;
/// `Vary`.
pub const VARY: HeaderName = header::VARY;
/// `ETag`.
pub const ETAG: HeaderName = header::ETAG;
/// `Last-Modified`.
pub const LAST_MODIFIED: HeaderName = header::LAST_MODIFIED;
/// `Location`, on a 201.
pub const LOCATION: HeaderName = header::LOCATION;
/// `Link`, GitHub's pagination.
pub const LINK: HeaderName = header::LINK;
/// `Connection`: `close` on an answer after which the server closes the connection.
pub const CONNECTION: HeaderName = header::CONNECTION;
/// `Allow`: the methods a control endpoint's path has, on its 405.
pub const ALLOW: HeaderName = header::ALLOW;
/// `Retry-After`, on a rate-limited answer.
pub const RETRY_AFTER: HeaderName = header::RETRY_AFTER;
/// `X-Accepted-OAuth-Scopes`: the scopes the operation accepts.
pub const X_ACCEPTED_OAUTH_SCOPES: HeaderName = HeaderName::from_static("x-accepted-oauth-scopes");
/// `X-OAuth-Scopes`: the scopes a classic token holds.
pub const X_OAUTH_SCOPES: HeaderName = HeaderName::from_static("x-oauth-scopes");
/// `X-GitHub-Api-Version-Selected`: the API version the answer is in.
pub const X_GITHUB_API_VERSION_SELECTED: HeaderName =
    HeaderName::from_static("x-github-api-version-selected");
/// `X-GitHub-Media-Type`: the media type served, from the request's `Accept`.
pub const X_GITHUB_MEDIA_TYPE: HeaderName = HeaderName::from_static("x-github-media-type");
/// `X-RateLimit-Limit`.
pub const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// `X-RateLimit-Remaining`.
pub const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// `X-RateLimit-Reset`.
pub const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
/// `X-RateLimit-Used`.
pub const X_RATELIMIT_USED: HeaderName = HeaderName::from_static("x-ratelimit-used");
/// `X-RateLimit-Resource`.
pub const X_RATELIMIT_RESOURCE: HeaderName = HeaderName::from_static("x-ratelimit-resource");
/// `X-GitHub-Request-Id`.
pub const X_GITHUB_REQUEST_ID: HeaderName = HeaderName::from_static("x-github-request-id");

/// `Accept` of a request.
pub const ACCEPT: HeaderName = header::ACCEPT;
/// `Authorization` of a request.
pub const AUTHORIZATION: HeaderName = header::AUTHORIZATION;
/// `Host` of a request: the base URL the fake writes its URLs on.
pub const HOST: HeaderName = header::HOST;
/// `If-None-Match` of a conditional request.
pub const IF_NONE_MATCH: HeaderName = header::IF_NONE_MATCH;
/// `If-Modified-Since` of a conditional request.
pub const IF_MODIFIED_SINCE: HeaderName = header::IF_MODIFIED_SINCE;
/// `X-GitHub-Api-Version` of a request.
pub const X_GITHUB_API_VERSION: HeaderName = HeaderName::from_static("x-github-api-version");

/// A header of a webhook delivery: the name as GitHub shows it in a delivery's
/// `request.headers`, and as `http` sends it.
#[derive(Debug, Clone)]
pub struct DeliveryHeader {
    /// GitHub's spelling (`X-GitHub-Event`).
    pub name: &'static str,
    /// The same name for `http` (lower case).
    pub http: HeaderName,
}

impl DeliveryHeader {
    const fn new(name: &'static str, lower: &'static str) -> DeliveryHeader {
        DeliveryHeader {
            name,
            http: HeaderName::from_static(lower),
        }
    }
}

/// `Accept: */*`.
pub const DELIVERY_ACCEPT: DeliveryHeader = DeliveryHeader::new("Accept", "accept");
/// `User-Agent: GitHub-Hookshot/…`.
pub const DELIVERY_USER_AGENT: DeliveryHeader = DeliveryHeader::new("User-Agent", "user-agent");
/// `Content-Type`: `application/json` or `application/x-www-form-urlencoded`.
pub const DELIVERY_CONTENT_TYPE: DeliveryHeader =
    DeliveryHeader::new("content-type", "content-type");
/// `X-GitHub-Delivery`: the delivery's GUID.
pub const X_GITHUB_DELIVERY: DeliveryHeader =
    DeliveryHeader::new("X-GitHub-Delivery", "x-github-delivery");
/// `X-GitHub-Event`: the event's name.
pub const X_GITHUB_EVENT: DeliveryHeader = DeliveryHeader::new("X-GitHub-Event", "x-github-event");
/// `X-GitHub-Hook-ID`: the hook's id.
pub const X_GITHUB_HOOK_ID: DeliveryHeader =
    DeliveryHeader::new("X-GitHub-Hook-ID", "x-github-hook-id");
/// `X-GitHub-Hook-Installation-Target-ID`: the organization's (or repository's, app's) id.
pub const X_GITHUB_HOOK_INSTALLATION_TARGET_ID: DeliveryHeader = DeliveryHeader::new(
    "X-GitHub-Hook-Installation-Target-ID",
    "x-github-hook-installation-target-id",
);
/// `X-GitHub-Hook-Installation-Target-Type`: `organization`, `global`, ….
pub const X_GITHUB_HOOK_INSTALLATION_TARGET_TYPE: DeliveryHeader = DeliveryHeader::new(
    "X-GitHub-Hook-Installation-Target-Type",
    "x-github-hook-installation-target-type",
);
/// `X-Hub-Signature`: `sha1=` HMAC of the body.
pub const X_HUB_SIGNATURE: DeliveryHeader =
    DeliveryHeader::new("X-Hub-Signature", "x-hub-signature");
/// `X-Hub-Signature-256`: `sha256=` HMAC of the body.
pub const X_HUB_SIGNATURE_256: DeliveryHeader =
    DeliveryHeader::new("X-Hub-Signature-256", "x-hub-signature-256");

/// `X-GitHub-Enterprise-Version`: the GHES version that sent the delivery.
pub const X_GITHUB_ENTERPRISE_VERSION: DeliveryHeader =
    DeliveryHeader::new("X-GitHub-Enterprise-Version", "x-github-enterprise-version");
/// `X-GitHub-Enterprise-Host`: the host name of the GHES instance that sent it.
pub const X_GITHUB_ENTERPRISE_HOST: DeliveryHeader =
    DeliveryHeader::new("X-GitHub-Enterprise-Host", "x-github-enterprise-host");

/// Every delivery header the fake writes.
/// (A `static`, not a `const`: a `const` array of these is built and dropped at each use.)
pub static DELIVERY_HEADERS: [DeliveryHeader; 12] = [
    DELIVERY_ACCEPT,
    DELIVERY_USER_AGENT,
    DELIVERY_CONTENT_TYPE,
    X_GITHUB_DELIVERY,
    X_GITHUB_EVENT,
    X_GITHUB_HOOK_ID,
    X_GITHUB_HOOK_INSTALLATION_TARGET_ID,
    X_GITHUB_HOOK_INSTALLATION_TARGET_TYPE,
    X_HUB_SIGNATURE,
    X_HUB_SIGNATURE_256,
    X_GITHUB_ENTERPRISE_VERSION,
    X_GITHUB_ENTERPRISE_HOST,
];

/// The `http` name of a delivery header as a delivery records it: the constant's when it is
/// one of [`DELIVERY_HEADERS`] (no parsing or allocation), else parsed.
pub(crate) fn delivery_http_name(
    name: &str,
) -> Result<HeaderName, hyper::header::InvalidHeaderName> {
    match DELIVERY_HEADERS.iter().find(|header| header.name == name) {
        Some(header) => Ok(header.http.clone()),
        None => HeaderName::from_bytes(name.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_delivery_header_is_its_githubs_name_in_lower_case() {
        for header in &DELIVERY_HEADERS {
            assert_eq!(header.http.as_str(), header.name.to_ascii_lowercase());
            assert_eq!(
                delivery_http_name(header.name).ok(),
                Some(header.http.clone())
            );
        }
        assert_eq!(
            delivery_http_name("X-Other").ok(),
            HeaderName::from_bytes(b"x-other").ok()
        );
        assert!(delivery_http_name("bad name").is_err());
    }
}
