//! A step's request: method and path from the operation table, `{name}` segments, query,
//! headers and body filled from the step and the case's variables, on the target's base URL.

use hookspec_mock::table::{Access, Operation};
use serde_json::Value;
use url::Url;

use crate::case::format::Step;
use crate::case::load::no_value_for;
use crate::case::vars::Vars;
use crate::error::{Check, Problem};
use crate::run::safety;
use crate::target::http::Request;
use crate::target::server::Target;

/// The headers every request to `target` carries (the token's only when `auth`); a step's own
/// headers replace these by name. `X-GitHub-Api-Version` is the target product's default version
/// (the spec's product table) when a case does not set one. The target's own headers
/// (`--header`) replace these by name; without `auth` an `Authorization` among them is not sent.
pub(crate) fn base_headers(target: &Target, auth: bool) -> Vec<(String, String)> {
    let mut headers = vec![
        (
            "Accept".to_string(),
            "application/vnd.github+json".to_string(),
        ),
        (
            "X-GitHub-Api-Version".to_string(),
            target.product.default_api_version().to_string(),
        ),
    ];
    if auth && let Some(token) = &target.token {
        headers.push(("Authorization".to_string(), format!("Bearer {token}")));
    }
    for (name, value) in &target.headers {
        if !auth && name.eq_ignore_ascii_case("authorization") {
            continue;
        }
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
    headers
}

/// A step's request with what the checks and the safety rules need to know about it.
#[derive(Debug)]
pub(crate) struct StepRequest {
    /// The request to send.
    pub request: Request,
    /// The `per_page` its query asks for (no page may hold more).
    pub per_page: Option<usize>,
    /// Its body as JSON, when it is JSON (for the marker rule).
    pub body_json: Option<Value>,
}

/// The request of a step on `target`, its values taken from the step and `vars`.
pub(crate) fn build(
    target: &Target,
    operation: &Operation,
    step: &Step,
    vars: &Vars,
) -> Result<StepRequest, Problem> {
    let case = |message: String| Problem::new(Check::Case, message);
    let mut url = match &step.url {
        Some(text) => {
            let text = vars.interpolate(text).map_err(|e| case(e.to_string()))?;
            let url = Url::parse(&text)
                .map_err(|e| Problem::new(Check::Request, format!("url {text:?}: {e}")))?;
            safety::refuse_off_target(target, &url)?;
            url
        }
        None => path_url(target, operation, step, vars)?,
    };
    for (name, value) in &step.query {
        // Whether the parameter is documented for the case's products is checked at load.
        let value = vars.interpolate(value).map_err(|e| case(e.to_string()))?;
        url.query_pairs_mut().append_pair(name, &value);
    }
    let per_page = url
        .query_pairs()
        .find(|(k, _)| k == "per_page")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let mut headers = base_headers(target, step.auth);
    if step.auth && operation.access == Access::App {
        // The App's endpoints take the app's JWT, never a user's token.
        let app = target.app.as_ref().ok_or_else(|| {
            case("works on a GitHub App's webhook; give --app-id and --app-key".to_owned())
        })?;
        let jwt = app
            .key
            .jwt_now(app.id)
            .map_err(|e| Problem::new(Check::Request, format!("cannot sign the app's JWT: {e}")))?;
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
        headers.push(("Authorization".to_string(), format!("Bearer {jwt}")));
    }
    for (name, value) in &step.headers {
        let value = vars.interpolate(value).map_err(|e| case(e.to_string()))?;
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value));
    }
    let mut body_json = None;
    let body = match (&step.body, &step.raw_body) {
        (Some(body), _) => {
            let body = vars
                .interpolate_json(body)
                .map_err(|e| case(e.to_string()))?;
            let bytes = serde_json::to_vec(&body)
                .map_err(|e| Problem::new(Check::Request, e.to_string()))?;
            body_json = Some(body);
            Some(bytes)
        }
        (None, Some(raw)) => {
            let raw = vars.interpolate(raw).map_err(|e| case(e.to_string()))?;
            body_json = serde_json::from_str(&raw).ok();
            Some(raw.into_bytes())
        }
        (None, None) => None,
    };
    if body.is_some()
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    Ok(StepRequest {
        request: Request {
            method: operation.method.to_string(),
            url,
            headers,
            body,
        },
        per_page,
        body_json,
    })
}

/// The operation's path on the target, `{name}` filled from `path_params` or the variables.
fn path_url(
    target: &Target,
    operation: &Operation,
    step: &Step,
    vars: &Vars,
) -> Result<Url, Problem> {
    let mut url = target.base_url.clone();
    let segments_out = operation.fill_path(|name| {
        let value = match step.path_params.get(name) {
            Some(value) => vars
                .interpolate(value)
                .map_err(|e| Problem::new(Check::Case, e.to_string()))?,
            None => vars
                .text(name)
                .ok_or_else(|| Problem::new(Check::Case, no_value_for(name, operation.path)))?,
        };
        if value.is_empty() || value == "." || value == ".." {
            return Err(Problem::new(
                Check::Request,
                format!("{{{name}}} is {value:?}, which is not a path segment"),
            ));
        }
        Ok(value)
    })?;
    {
        let mut segments = url
            .path_segments_mut()
            .map_err(|()| Problem::new(Check::Request, "the target URL cannot take a path"))?;
        segments.pop_if_empty();
        for segment in &segments_out {
            segments.push(segment);
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookspec_mock::Product;

    #[test]
    fn a_target_header_replaces_the_runners_own_and_authorization_obeys_auth()
    -> Result<(), Box<dyn std::error::Error>> {
        let target = Target::new("https://api.github.com", Product::Dotcom)?
            .with_token("tok")
            .with_header("accept", "application/vnd.github.v3.full+json")
            .with_header("Authorization", "Basic xyz")
            .with_header("X-Access", "a");
        let with_auth = base_headers(&target, true);
        let value = |headers: &[(String, String)], name: &str| {
            headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            value(&with_auth, "Accept"),
            ["application/vnd.github.v3.full+json"]
        );
        assert_eq!(value(&with_auth, "Authorization"), ["Basic xyz"]);
        assert_eq!(value(&with_auth, "X-Access"), ["a"]);
        let without_auth = base_headers(&target, false);
        assert!(value(&without_auth, "Authorization").is_empty());
        assert_eq!(value(&without_auth, "X-Access"), ["a"]);
        Ok(())
    }
}
