//! Variables of a case run and `${name}` interpolation, plus the capture sources that fill them
//! (`body:<pointer>`, `header:<Name>`, `link:<rel>`).

use std::collections::BTreeMap;

use serde_json::Value;

/// Why a `${...}` could not be replaced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VarError {
    /// The variable is not defined (yet).
    #[error("unknown variable ${{{name}}} (known: {known})")]
    Unknown {
        /// The name used.
        name: String,
        /// The variables defined at that point, comma-separated.
        known: String,
    },
    /// A `${` without its `}`.
    #[error("unterminated ${{ in {0:?}")]
    Unterminated(String),
}

/// The variables of one case run: the target's, the run's, and what steps captured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vars(BTreeMap<String, Value>);

impl Vars {
    /// No variables.
    pub fn new() -> Self {
        Vars(BTreeMap::new())
    }

    /// The variables set before a case's first step (see `CASES.md`).
    pub(crate) fn for_run(
        org: &str,
        repo: Option<&str>,
        marker_url: &str,
        run_id: &str,
        product: &str,
    ) -> Self {
        let mut vars = Vars::new();
        vars.set("org", Value::String(org.to_string()));
        if let Some((owner, name)) = repo.and_then(|repo| repo.split_once('/')) {
            vars.set("owner", Value::String(owner.to_string()));
            vars.set("repo", Value::String(name.to_string()));
        }
        vars.set("marker_url", Value::String(marker_url.to_string()));
        vars.set("run_id", Value::String(run_id.to_string()));
        vars.set("product", Value::String(product.to_string()));
        vars
    }

    /// Sets `name` to a JSON value (a captured id stays a number).
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.0.insert(name.into(), value);
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// The text of `name` (strings as they are, other values as JSON).
    pub fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).map(text_of)
    }

    fn unknown(&self, name: &str) -> VarError {
        VarError::Unknown {
            name: name.to_string(),
            known: self.0.keys().cloned().collect::<Vec<_>>().join(", "),
        }
    }

    /// Replaces every `${name}` in `text` with the variable's text, each passed through `escape`.
    fn replace(&self, text: &str, escape: impl Fn(&str) -> String) -> Result<String, VarError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(VarError::Unterminated(text.to_string()));
            };
            let name = &after[..end];
            let value = self.text(name).ok_or_else(|| self.unknown(name))?;
            out.push_str(&escape(&value));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `text` with its variables replaced.
    pub fn interpolate(&self, text: &str) -> Result<String, VarError> {
        self.replace(text, str::to_string)
    }

    /// A regex with its variables replaced by their text, escaped so it matches literally.
    pub fn interpolate_regex(&self, pattern: &str) -> Result<String, VarError> {
        self.replace(pattern, regex::escape)
    }

    /// A JSON value with variables replaced in every string. A string that is exactly one
    /// `${name}` takes the variable's JSON value, so `id: "${hook_id}"` compares as a number.
    pub fn interpolate_json(&self, value: &Value) -> Result<Value, VarError> {
        Ok(match value {
            Value::String(text) => match whole_variable(text) {
                Some(name) => self.get(name).cloned().ok_or_else(|| self.unknown(name))?,
                None => Value::String(self.interpolate(text)?),
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.interpolate_json(item))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.interpolate_json(v)?)))
                    .collect::<Result<_, VarError>>()?,
            ),
            other => other.clone(),
        })
    }
}

/// `name` when `text` is exactly `${name}`.
fn whole_variable(text: &str) -> Option<&str> {
    let name = text.strip_prefix("${")?.strip_suffix('}')?;
    (!name.contains('}') && !name.contains("${")).then_some(name)
}

/// The text of a JSON value: a string as it is, anything else as compact JSON.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Where a capture takes its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureSource {
    /// A JSON pointer into the body (`body:/id`).
    Body(String),
    /// A response header (`header:Location`).
    Header(String),
    /// The URL of a `Link` relation (`link:next`).
    Link(String),
}

impl CaptureSource {
    /// Parses `body:<pointer>`, `header:<Name>` or `link:<rel>`.
    pub fn parse(source: &str) -> Result<Self, String> {
        let (kind, rest) = source.split_once(':').ok_or_else(|| {
            format!("{source:?} is not body:<pointer>, header:<Name> or link:<rel>")
        })?;
        match kind {
            "body" if rest.is_empty() || rest.starts_with('/') => Ok(Self::Body(rest.to_string())),
            "body" => Err(format!("{rest:?} is not a JSON pointer")),
            "header" if !rest.trim().is_empty() => Ok(Self::Header(rest.trim().to_string())),
            "link" if !rest.trim().is_empty() => Ok(Self::Link(rest.trim().to_string())),
            _ => Err(format!(
                "{source:?} is not body:<pointer>, header:<Name> or link:<rel>"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        let mut vars = Vars::new();
        vars.set("org", json!("octo.cat"));
        vars.set("hook_id", json!(42));
        vars
    }

    #[test]
    fn strings_take_the_text_of_variables() {
        let text = vars().interpolate("/orgs/${org}/hooks/${hook_id}");
        assert_eq!(text, Ok("/orgs/octo.cat/hooks/42".to_string()));
    }

    #[test]
    fn a_whole_variable_keeps_its_json_type() {
        let value = vars().interpolate_json(&json!({"id": "${hook_id}", "u": "x/${hook_id}"}));
        assert_eq!(value, Ok(json!({"id": 42, "u": "x/42"})));
    }

    #[test]
    fn regexes_match_variables_literally() {
        let pattern = vars().interpolate_regex("^/orgs/${org}$");
        assert_eq!(pattern, Ok(r"^/orgs/octo\.cat$".to_string()));
    }

    #[test]
    fn an_unknown_variable_lists_the_known_ones() {
        let error = vars().interpolate("${nope}").err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("unknown variable ${nope} (known: hook_id, org)")
        );
    }

    #[test]
    fn capture_sources_parse() {
        assert_eq!(
            CaptureSource::parse("body:/0/id"),
            Ok(CaptureSource::Body("/0/id".into()))
        );
        assert_eq!(
            CaptureSource::parse("link:next"),
            Ok(CaptureSource::Link("next".into()))
        );
        assert!(CaptureSource::parse("body:id").is_err());
        assert!(CaptureSource::parse("cookie:x").is_err());
    }
}
