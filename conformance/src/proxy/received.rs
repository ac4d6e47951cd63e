//! A request the proxy received, read whole: what it forwards, and the parts it checks.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::body::Incoming;
use url::Url;

use super::{HOP_BY_HOP, Shared, plain};
use crate::target::http::{DEFAULT_MAX_BODY, Request};

/// One request the proxy received, read whole: what it forwards, and the parts it checks.
pub(super) struct Received {
    pub method: String,
    pub path_and_query: String,
    pub api_version: Option<String>,
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub url: Url,
    pub outgoing: Request,
}

/// Reads the client's request whole, or answers why it cannot be forwarded.
pub(super) async fn receive(
    shared: &Shared,
    request: hyper::Request<Incoming>,
) -> Result<Received, hyper::Response<Full<Bytes>>> {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_string();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let within = shared.limits.body_read_timeout;
    let body = match hookspec_mock::net::read_body(body, DEFAULT_MAX_BODY, within).await {
        Ok(bytes) => bytes.to_vec(),
        Err(error) => {
            return Err(plain(
                400,
                format!("hookspec-conformance proxy: cannot read the request body: {error}"),
            ));
        }
    };
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str()))
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    let url = Url::parse(&format!("{}{path_and_query}", shared.target)).map_err(|error| {
        plain(
            400,
            format!("hookspec-conformance proxy: bad path: {error}"),
        )
    })?;
    let query = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let api_version = parts
        .headers
        .get(hookspec_mock::headers::X_GITHUB_API_VERSION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let outgoing = Request {
        method: method.clone(),
        url: url.clone(),
        headers,
        body: (!body.is_empty()).then(|| body.clone()),
    };
    Ok(Received {
        method,
        path_and_query,
        api_version,
        query,
        body,
        url,
        outgoing,
    })
}
