//! GitHub's error answers in one place: the status → message table, the `basic-error` and
//! `validation-error` bodies, and [`ApiError`], the error answers the fake's operations give.
//! The fake, both servers and the typed stubs all build their error bodies here.

use serde_json::{Map, Value, json};

/// Where GitHub's generic errors point.
pub(crate) const REST_DOCS: &str = "https://docs.github.com/rest";

/// GitHub's message for an error status, as its `basic-error` bodies word it; other statuses
/// get their HTTP reason phrase.
pub fn message(status: u16) -> &'static str {
    match status {
        400 => "Problems parsing JSON",
        401 => "Requires authentication",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload too large",
        422 => "Validation Failed",
        429 => "API rate limit exceeded",
        500 => "Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => hyper::StatusCode::from_u16(status)
            .ok()
            .and_then(|code| code.canonical_reason())
            .unwrap_or("Server Error"),
    }
}

/// A `basic-error` body.
pub(crate) fn basic(message: &str, documentation_url: &str, status: u16) -> Value {
    json!({ "message": message, "documentation_url": documentation_url, "status": status.to_string() })
}

/// GitHub's usual body for an error `status` (`basic-error`, or `validation-error` with an
/// empty `errors` for 422); `None` for statuses that carry no body.
pub fn status_body(status: u16) -> Option<Value> {
    if matches!(status, 100..=199 | 204 | 304) {
        return None;
    }
    let mut body = basic(message(status), REST_DOCS, status);
    if status == 422
        && let Some(object) = body.as_object_mut()
    {
        object.insert("errors".into(), Value::Array(Vec::new()));
    }
    Some(body)
}

/// GitHub's body for a rate-limit answer (403 primary, 429 secondary).
pub(crate) fn rate_limit_body(status: u16) -> Value {
    if status == 429 {
        basic(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            status,
        )
    } else {
        basic(
            "API rate limit exceeded for user ID 1.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            status,
        )
    }
}

/// One item of a `validation-error` body's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub resource: &'static str,
    pub field: &'static str,
    pub code: &'static str,
    pub message: Option<String>,
}

impl FieldError {
    /// A rule GitHub enforces beyond the schema: `code: custom`, a message, no field.
    pub(crate) fn custom(resource: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            resource,
            field: "",
            code: "custom",
            message: Some(message.into()),
        }
    }

    pub(crate) fn missing(resource: &'static str, field: &'static str) -> Self {
        FieldError {
            resource,
            field,
            code: "missing_field",
            message: None,
        }
    }

    pub(crate) fn invalid(
        resource: &'static str,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            resource,
            field,
            code: "invalid",
            message: Some(message.into()),
        }
    }
}

/// An error answer of the HTTP API, rendered exactly in GitHub's shapes, with the reason in
/// plain words for the log line and the recorded request (GitHub's bodies do not carry it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// 404 for unknown routes, organizations, hooks and deliveries, and for hidden endpoints.
    NotFound { reason: String },
    /// 401 without an `Authorization` header.
    RequiresAuthentication,
    /// 401 for a token the fake does not accept.
    BadCredentials { reason: String },
    /// 401 for a GitHub App's JSON Web Token GitHub would refuse: its message, and why.
    JwtRefused {
        message: &'static str,
        reason: String,
    },
    /// 400 for a body that is not JSON.
    ProblemsParsingJson { reason: String },
    /// 400 for JSON that is not an object.
    BodyNotObject,
    /// 400 for an `X-GitHub-Api-Version` the product does not support.
    UnsupportedApiVersion {
        requested: String,
        supported: &'static [&'static str],
        product: &'static str,
    },
    /// 400 with a message (a bad cursor).
    BadRequest { message: String },
    /// 422 `validation-error`.
    Validation { errors: Vec<FieldError> },
}

impl ApiError {
    /// A 404 for `reason`.
    pub(crate) fn not_found(reason: impl Into<String>) -> ApiError {
        ApiError::NotFound {
            reason: reason.into(),
        }
    }

    pub(crate) fn status(&self) -> u16 {
        match self {
            ApiError::NotFound { .. } => 404,
            ApiError::RequiresAuthentication
            | ApiError::BadCredentials { .. }
            | ApiError::JwtRefused { .. } => 401,
            ApiError::ProblemsParsingJson { .. }
            | ApiError::BodyNotObject
            | ApiError::UnsupportedApiVersion { .. }
            | ApiError::BadRequest { .. } => 400,
            ApiError::Validation { .. } => 422,
        }
    }

    /// Why, in plain words.
    pub(crate) fn reason(&self) -> String {
        match self {
            ApiError::NotFound { reason }
            | ApiError::BadCredentials { reason }
            | ApiError::JwtRefused { reason, .. }
            | ApiError::ProblemsParsingJson { reason } => reason.clone(),
            ApiError::RequiresAuthentication => "no Authorization header".to_owned(),
            ApiError::BodyNotObject => "the body is JSON but not an object".to_owned(),
            ApiError::UnsupportedApiVersion {
                requested,
                supported,
                product,
            } => format!(
                "API version `{requested}` is not supported on {product} (it accepts {})",
                supported.join(", ")
            ),
            ApiError::BadRequest { message } => message.clone(),
            ApiError::Validation { errors } => {
                let parts: Vec<String> = errors
                    .iter()
                    .map(|e| match (&e.message, e.code) {
                        (Some(message), "custom") => message.clone(),
                        (_, "missing_field") => format!("`{}` missing", e.field),
                        (Some(message), _) => format!("`{}` {}: {message}", e.field, e.code),
                        (None, code) => format!("`{}` {code}", e.field),
                    })
                    .collect();
                format!("validation failed: {}", parts.join("; "))
            }
        }
    }

    /// GitHub's body; `documentation_url` is the operation's page when the request was routed
    /// to one (GitHub's errors point there), else GitHub's generic page.
    pub(crate) fn body(&self, documentation_url: Option<&str>) -> Value {
        let status = self.status();
        let docs = documentation_url.unwrap_or(REST_DOCS);
        match self {
            ApiError::NotFound { .. } => basic(message(status), docs, status),
            ApiError::RequiresAuthentication => basic(message(status), REST_DOCS, status),
            ApiError::ProblemsParsingJson { .. } => basic(message(status), REST_DOCS, status),
            ApiError::BadCredentials { .. } => basic("Bad credentials", REST_DOCS, status),
            ApiError::JwtRefused { message, .. } => basic(message, REST_DOCS, status),
            ApiError::BodyNotObject => basic("Body should be a JSON object", REST_DOCS, status),
            ApiError::UnsupportedApiVersion {
                requested,
                supported,
                ..
            } => {
                // GitHub lists the newest version first and marks it.
                let mut newest_first = supported.to_vec();
                newest_first.sort_unstable_by(|a, b| b.cmp(a));
                let list: Vec<String> = newest_first
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        if i == 0 {
                            format!("\"{v}\" (most recent)")
                        } else {
                            format!("\"{v}\"")
                        }
                    })
                    .collect();
                let message = format!(
                    "The version you specified in the \"X-GitHub-Api-Version\" request header, \"{requested}\", is not a supported version. The following versions are currently supported: {}.",
                    list.join(", ")
                );
                basic(&message, REST_DOCS, status)
            }
            ApiError::BadRequest { message } => basic(message, docs, status),
            ApiError::Validation { errors } => {
                let errors: Vec<Value> = errors
                    .iter()
                    .map(|e| {
                        let mut item = Map::new();
                        item.insert("resource".into(), e.resource.into());
                        if !e.field.is_empty() {
                            item.insert("field".into(), e.field.into());
                        }
                        item.insert("code".into(), e.code.into());
                        if let Some(message) = &e.message {
                            item.insert("message".into(), message.clone().into());
                        }
                        Value::Object(item)
                    })
                    .collect();
                json!({
                    "message": message(status),
                    "errors": errors,
                    "documentation_url": docs,
                    "status": status.to_string(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_status_has_one_message_everywhere() {
        assert_eq!(message(404), "Not Found");
        assert_eq!(message(400), "Problems parsing JSON");
        assert_eq!(message(418), "I'm a teapot");
        assert_eq!(
            status_body(422).and_then(|body| body.get("errors").cloned()),
            Some(json!([]))
        );
        assert_eq!(status_body(204), None);
    }
}
