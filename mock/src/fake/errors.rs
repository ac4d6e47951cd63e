//! Errors: the GitHub-shaped error answers of the HTTP API, and the library's own errors for
//! callers of [`FakeState`](crate::fake::FakeState).

use serde_json::{Map, Value, json};

/// An error from seeding or configuring a fake through [`FakeState`](crate::fake::FakeState).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// No organization or global hook has this id.
    #[error("no webhook with id {0}")]
    UnknownHook(u64),
    /// The operationId is not one of the 17 operations the fake serves.
    #[error("unknown operation `{0}` (expected one of hookspec_mock::OPERATION_IDS)")]
    UnknownOperation(String),
    /// A fault asked for a status code HTTP cannot carry.
    #[error("status {0} is not between 100 and 599")]
    InvalidStatus(u16),
}

/// Where GitHub's generic errors point.
pub(crate) const REST_DOCS: &str = "https://docs.github.com/rest";

/// One item of a `validation-error` body's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub resource: &'static str,
    pub field: &'static str,
    pub code: &'static str,
    pub message: Option<String>,
}

impl FieldError {
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

/// An error answer of the HTTP API, rendered exactly in GitHub's shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// 404 for unknown routes, organizations, hooks and deliveries, and for hidden endpoints.
    NotFound,
    /// 401 without an `Authorization` header.
    RequiresAuthentication,
    /// 401 for a token the fake does not know.
    BadCredentials,
    /// 400 for a body that is not JSON.
    ProblemsParsingJson,
    /// 400 for JSON that is not an object.
    BodyNotObject,
    /// 400 for an `X-GitHub-Api-Version` the product does not support.
    UnsupportedApiVersion {
        requested: String,
        supported: &'static [&'static str],
    },
    /// 400 with a message (a bad cursor).
    BadRequest {
        message: String,
        documentation_url: &'static str,
    },
    /// 422 `validation-error`.
    Validation {
        errors: Vec<FieldError>,
        documentation_url: &'static str,
    },
}

impl ApiError {
    pub(crate) fn status(&self) -> u16 {
        match self {
            ApiError::NotFound => 404,
            ApiError::RequiresAuthentication | ApiError::BadCredentials => 401,
            ApiError::ProblemsParsingJson
            | ApiError::BodyNotObject
            | ApiError::UnsupportedApiVersion { .. }
            | ApiError::BadRequest { .. } => 400,
            ApiError::Validation { .. } => 422,
        }
    }

    pub(crate) fn body(&self) -> Value {
        let status = self.status().to_string();
        match self {
            ApiError::NotFound => basic("Not Found", REST_DOCS, &status),
            ApiError::RequiresAuthentication => {
                basic("Requires authentication", REST_DOCS, &status)
            }
            ApiError::BadCredentials => basic("Bad credentials", REST_DOCS, &status),
            ApiError::ProblemsParsingJson => basic("Problems parsing JSON", REST_DOCS, &status),
            ApiError::BodyNotObject => basic("Body should be a JSON object", REST_DOCS, &status),
            ApiError::UnsupportedApiVersion {
                requested,
                supported,
            } => {
                let list: Vec<String> = supported
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
                basic(&message, REST_DOCS, &status)
            }
            ApiError::BadRequest {
                message,
                documentation_url,
            } => basic(message, documentation_url, &status),
            ApiError::Validation {
                errors,
                documentation_url,
            } => {
                let errors: Vec<Value> = errors
                    .iter()
                    .map(|e| {
                        let mut item = Map::new();
                        item.insert("resource".into(), e.resource.into());
                        item.insert("field".into(), e.field.into());
                        item.insert("code".into(), e.code.into());
                        if let Some(message) = &e.message {
                            item.insert("message".into(), message.clone().into());
                        }
                        Value::Object(item)
                    })
                    .collect();
                json!({
                    "message": "Validation Failed",
                    "errors": errors,
                    "documentation_url": documentation_url,
                    "status": status,
                })
            }
        }
    }
}

/// A `basic-error` body.
pub(crate) fn basic(message: &str, documentation_url: &str, status: &str) -> Value {
    json!({ "message": message, "documentation_url": documentation_url, "status": status })
}
