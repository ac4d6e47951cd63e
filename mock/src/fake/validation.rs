//! Reading request bodies as GitHub does: an empty body is `{}`, anything else must be a JSON
//! object, and each field must have the documented type and values, or the answer is a 422
//! `validation-error` naming the resource, field and code.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::github_error::{ApiError, FieldError};
use super::model::{Hook, HookConfig, HookKind};

const RESOURCE: &str = "Hook";

/// The body as a JSON object: empty (or blank) means `{}`.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ApiError::BodyNotObject),
        Err(error) => Err(ApiError::ProblemsParsingJson {
            reason: format!("the body is not JSON: {error}"),
        }),
    }
}

/// The `config` object of a hook body, each field type-checked; absent or `null` fields are
/// `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConfigInput {
    pub url: Option<String>,
    pub content_type: Option<String>,
    pub secret: Option<String>,
    pub insecure_ssl: Option<String>,
}

/// A hook body (create or update), each field type-checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HookInput {
    pub name: Option<String>,
    pub config: Option<ConfigInput>,
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
}

impl HookInput {
    /// The hook a create body describes, with GitHub's defaults for what it omits.
    pub(crate) fn into_hook(self, id: u64, kind: HookKind, now: OffsetDateTime) -> Hook {
        let config = self.config.unwrap_or_default();
        let config = HookConfig::new(
            config.url.unwrap_or_default(),
            config.content_type,
            config.insecure_ssl,
            config.secret,
        );
        Hook::new(id, kind, self.active, self.events, config, now)
    }
}

/// Collects field errors so that one answer names them all.
#[derive(Debug, Default)]
pub(crate) struct Errors(Vec<FieldError>);

impl Errors {
    pub(crate) fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation { errors: self.0 })
        }
    }
}

fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !value.is_null())
}

fn string_field(
    object: &Map<String, Value>,
    key: &'static str,
    errors: &mut Errors,
) -> Option<String> {
    match present(object, key)? {
        Value::String(text) => Some(text.clone()),
        _ => {
            errors.push(FieldError::invalid(
                RESOURCE,
                key,
                format!("{key} must be a string"),
            ));
            None
        }
    }
}

/// Reads a `config` object (also the whole body of the config endpoints).
pub(crate) fn read_config(object: &Map<String, Value>, errors: &mut Errors) -> ConfigInput {
    let url = string_field(object, "url", errors);
    if let Some(url) = &url
        && !is_http_url(url)
    {
        errors.push(FieldError::invalid(
            RESOURCE,
            "url",
            "url must be an absolute http or https URL",
        ));
    }
    let content_type = string_field(object, "content_type", errors);
    if let Some(content_type) = &content_type
        && content_type != "json"
        && content_type != "form"
    {
        errors.push(FieldError::invalid(
            RESOURCE,
            "content_type",
            "content_type must be json or form",
        ));
    }
    let secret = string_field(object, "secret", errors);
    let insecure_ssl = match present(object, "insecure_ssl") {
        None => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        Some(_) => {
            errors.push(FieldError::invalid(
                RESOURCE,
                "insecure_ssl",
                "insecure_ssl must be a string or a number",
            ));
            None
        }
    };
    ConfigInput {
        url,
        content_type,
        secret,
        insecure_ssl,
    }
}

/// Reads a hook body (create or update).
pub(crate) fn read_hook(object: &Map<String, Value>, errors: &mut Errors) -> HookInput {
    let name = string_field(object, "name", errors);
    if let Some(name) = &name
        && name != "web"
    {
        errors.push(FieldError::invalid(
            RESOURCE,
            "name",
            "name must be \"web\"",
        ));
    }
    let config = match present(object, "config") {
        None => None,
        Some(Value::Object(config)) => Some(read_config(config, errors)),
        Some(_) => {
            errors.push(FieldError::invalid(
                RESOURCE,
                "config",
                "config must be an object",
            ));
            None
        }
    };
    let events = string_list(object, "events", errors);
    let active = match present(object, "active") {
        None => None,
        Some(Value::Bool(active)) => Some(*active),
        Some(_) => {
            errors.push(FieldError::invalid(
                RESOURCE,
                "active",
                "active must be a boolean",
            ));
            None
        }
    };
    HookInput {
        name,
        config,
        events,
        active,
    }
}

/// An array of strings under `key`, if given (an error names the field otherwise).
fn string_list(
    object: &Map<String, Value>,
    key: &'static str,
    errors: &mut Errors,
) -> Option<Vec<String>> {
    let strings = match present(object, key)? {
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    };
    if strings.is_none() {
        errors.push(FieldError::invalid(
            RESOURCE,
            key,
            format!("{key} must be an array of strings"),
        ));
    }
    strings
}

/// A create's rule: a `config` is required, and with it its `url`.
fn require_config_url(object: &Map<String, Value>, input: &HookInput, errors: &mut Errors) {
    match (present(object, "config"), &input.config) {
        (None, _) => errors.push(FieldError::missing(RESOURCE, "config")),
        (Some(Value::Object(config)), Some(_)) if present(config, "url").is_none() => {
            errors.push(FieldError::missing(RESOURCE, "url"));
        }
        _ => {}
    }
}

/// An update's rule: a `config` given needs its `url`.
fn config_needs_url(object: &Map<String, Value>, errors: &mut Errors) {
    if let Some(Value::Object(config)) = present(object, "config")
        && present(config, "url").is_none()
    {
        errors.push(FieldError::missing(RESOURCE, "url"));
    }
}

/// A repository hook's update: the hook fields, and the events to add and remove.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RepoHookUpdate {
    pub hook: HookInput,
    pub add_events: Option<Vec<String>>,
    pub remove_events: Option<Vec<String>>,
}

/// Reads a repository hook's create: `name` is optional (only `web`); the body may be empty
/// or `null`; `config.url` is required, since a hook without a URL cannot deliver (GitHub's
/// description marks nothing required, and no source shows what it answers without one).
pub(crate) fn read_repo_create(body: &[u8]) -> Result<HookInput, ApiError> {
    let trimmed = body.trim_ascii();
    let object = if trimmed == b"null" {
        Map::new()
    } else {
        parse_object(body)?
    };
    let mut errors = Errors::default();
    let input = read_hook(&object, &mut errors);
    require_config_url(&object, &input, &mut errors);
    errors.finish()?;
    Ok(input)
}

/// Reads a repository hook's update: [`read_update`]'s fields and `add_events` /
/// `remove_events`.
pub(crate) fn read_repo_update(body: &[u8]) -> Result<RepoHookUpdate, ApiError> {
    let object = parse_object(body)?;
    let mut errors = Errors::default();
    let hook = read_hook(&object, &mut errors);
    config_needs_url(&object, &mut errors);
    let add_events = string_list(&object, "add_events", &mut errors);
    let remove_events = string_list(&object, "remove_events", &mut errors);
    errors.finish()?;
    Ok(RepoHookUpdate {
        hook,
        add_events,
        remove_events,
    })
}

/// Reads a hook body for a create: `name` and `config.url` are required.
pub(crate) fn read_create(body: &[u8]) -> Result<HookInput, ApiError> {
    let object = parse_object(body)?;
    let mut errors = Errors::default();
    let input = read_hook(&object, &mut errors);
    if present(&object, "name").is_none() {
        errors.push(FieldError::missing(RESOURCE, "name"));
    }
    require_config_url(&object, &input, &mut errors);
    errors.finish()?;
    Ok(input)
}

/// Reads a hook body for an update: every field optional, but a `config` needs its `url`.
pub(crate) fn read_update(body: &[u8]) -> Result<HookInput, ApiError> {
    let object = parse_object(body)?;
    let mut errors = Errors::default();
    let input = read_hook(&object, &mut errors);
    config_needs_url(&object, &mut errors);
    errors.finish()?;
    Ok(input)
}

/// Reads the body of the config-update endpoint: every field optional.
pub(crate) fn read_config_update(body: &[u8]) -> Result<ConfigInput, ApiError> {
    let object = parse_object(body)?;
    let mut errors = Errors::default();
    let input = read_config(&object, &mut errors);
    errors.finish()?;
    Ok(input)
}

fn is_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_errors(result: Result<HookInput, ApiError>) -> Vec<(&'static str, &'static str)> {
        match result {
            Err(ApiError::Validation { errors, .. }) => {
                errors.iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_body_reads_as_an_empty_object() {
        assert_eq!(parse_object(b""), Ok(Map::new()));
        assert_eq!(parse_object(b"  \n"), Ok(Map::new()));
    }

    #[test]
    fn a_body_that_is_not_json_is_a_parse_problem() {
        assert!(matches!(
            parse_object(b"{nope"),
            Err(ApiError::ProblemsParsingJson { .. })
        ));
        assert_eq!(parse_object(b"[1]"), Err(ApiError::BodyNotObject));
    }

    #[test]
    fn create_names_every_missing_field() {
        assert_eq!(
            field_errors(read_create(b"{}")),
            [("name", "missing_field"), ("config", "missing_field")]
        );
        assert_eq!(
            field_errors(read_create(br#"{"name":"web","config":{}}"#)),
            [("url", "missing_field")]
        );
    }

    #[test]
    fn create_rejects_events_that_are_not_strings() {
        let body = br#"{"name":"web","config":{"url":"http://x.test"},"events":["push",1]}"#;
        assert_eq!(field_errors(read_create(body)), [("events", "invalid")]);
    }

    #[test]
    fn insecure_ssl_may_be_a_string_or_a_number() {
        let body = br#"{"name":"web","config":{"url":"http://x.test","insecure_ssl":1}}"#;
        let input = read_create(body).map(|input| input.config.and_then(|c| c.insecure_ssl));
        assert_eq!(input, Ok(Some("1".to_owned())));
    }
}
