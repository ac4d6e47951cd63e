//! Normalising exchanges for recordings: what changes from one session to the next (ids, GUIDs,
//! timestamps, hosts, request ids, cursors, ETags) becomes a named placeholder (`${hook_id_1}`,
//! `${base}`, `${timestamp}`), the same value always the same name, so the relations between
//! steps survive; secrets become `${secret}` ([`crate::secrets`] says which). Replay normalises the server's answers the same
//! way and binds the names to the new values.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::Value;

use crate::secrets::{self, Secrets};

/// Kinds of values that get numbered placeholders (`${hook_id_1}`).
const NUMBERED: &[&str] = &["hook_id", "delivery_id", "guid", "cursor", "etag", "org"];

/// The value a replay sends for `${secret}`.
pub const REPLAYED_SECRET: &str = "hookspec-replayed-secret";

static HOOK_IN_URL: LazyLock<Regex> = LazyLock::new(|| re(r"/hooks/(\d+)"));
static DELIVERY_IN_URL: LazyLock<Regex> = LazyLock::new(|| re(r"/deliveries/(\d+)"));
static ORG_IN_URL: LazyLock<Regex> = LazyLock::new(|| re(r"/orgs/([^/?#>]+)"));
static CURSOR_IN_URL: LazyLock<Regex> = LazyLock::new(|| re(r"([?&]cursor=)([^&>;\s]+)"));
static TIMESTAMP: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$"));
static GUID: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| re(r"\$\{([a-z_]+[0-9]*)\}"));

fn re(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(regex) => regex,
        // The patterns above are constants checked by the tests.
        Err(error) => unreachable!("constant pattern {pattern:?}: {error}"),
    }
}

/// Values and their placeholder names, in both directions.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    bases: Vec<String>,
    names: BTreeMap<(String, String), String>,
    values: BTreeMap<String, String>,
    counters: BTreeMap<String, usize>,
    /// Secret values seen (tokens, hook secrets): scrubbed from anything written.
    pub(crate) secrets: Secrets,
}

impl Normalizer {
    /// A normaliser for which every URL starting with one of `bases` is on `${base}`; the first
    /// base is what `${base}` stands for when requests are rebuilt.
    pub fn new(bases: Vec<String>) -> Self {
        let mut normalizer = Normalizer {
            bases: bases
                .into_iter()
                .map(|b| b.trim_end_matches('/').to_string())
                .collect(),
            ..Normalizer::default()
        };
        if let Some(first) = normalizer.bases.first().cloned() {
            normalizer.values.insert("base".into(), first);
        }
        normalizer
            .values
            .insert("secret".into(), REPLAYED_SECRET.into());
        normalizer
    }

    /// Binds `${name}` to `value` ahead of time (`org` for a replay).
    pub fn bind(&mut self, kind: &str, name: &str, value: &str) {
        self.names
            .insert((kind.to_string(), value.to_string()), name.to_string());
        self.values.insert(name.to_string(), value.to_string());
        *self.counters.entry(kind.to_string()).or_insert(0) += 1;
    }

    /// The placeholder for `value` of `kind`: known, new when `allocate`, else `None`.
    pub fn name(&mut self, kind: &str, value: &str, allocate: bool) -> Option<String> {
        let key = (kind.to_string(), value.to_string());
        if let Some(name) = self.names.get(&key) {
            return Some(format!("${{{name}}}"));
        }
        if !allocate {
            return None;
        }
        let counter = self.counters.entry(kind.to_string()).or_insert(0);
        *counter += 1;
        let name = if kind == "org" && *counter == 1 {
            "org".to_string()
        } else {
            format!("{kind}_{counter}")
        };
        self.names.insert(key, name.clone());
        self.values.insert(name.clone(), value.to_string());
        Some(format!("${{{name}}}"))
    }

    /// Whether `name` is a numbered kind's placeholder (`hook_id_3`, `org`).
    pub fn is_relation(name: &str) -> bool {
        name == "org"
            || NUMBERED.iter().any(|kind| {
                name.strip_prefix(kind)
                    .is_some_and(|rest| rest.starts_with('_'))
            })
    }

    /// A string with hosts, orgs, ids and cursors in URLs replaced; a whole timestamp or GUID
    /// replaced too.
    pub fn text(&mut self, text: &str, allocate: bool) -> String {
        if TIMESTAMP.is_match(text) {
            return "${timestamp}".into();
        }
        if GUID.is_match(text) {
            return self
                .name("guid", text, allocate)
                .unwrap_or_else(|| text.to_string());
        }
        let mut out = text.to_string();
        for base in &self.bases {
            if !base.is_empty() {
                out = out.replace(base.as_str(), "${base}");
            }
        }
        if !out.contains('/') {
            return out;
        }
        // Orgs come from request paths and are bound at replay, so they are always named.
        out = self.replace(&ORG_IN_URL, &out, "org", "/orgs/", true);
        out = self.replace(&HOOK_IN_URL, &out, "hook_id", "/hooks/", allocate);
        out = self.replace(
            &DELIVERY_IN_URL,
            &out,
            "delivery_id",
            "/deliveries/",
            allocate,
        );
        let cursors = CURSOR_IN_URL.replace_all(&out, |c: &Captures| {
            let name = self.name("cursor", &c[2], allocate);
            format!("{}{}", &c[1], name.unwrap_or_else(|| c[2].to_string()))
        });
        cursors.into_owned()
    }

    fn replace(
        &mut self,
        regex: &Regex,
        text: &str,
        kind: &str,
        lead: &str,
        allocate: bool,
    ) -> String {
        regex
            .replace_all(text, |c: &Captures| {
                let value = &c[1];
                if value.starts_with("${") {
                    return c[0].to_string();
                }
                let name = self.name(kind, value, allocate);
                format!("{lead}{}", name.unwrap_or_else(|| value.to_string()))
            })
            .into_owned()
    }

    /// A JSON body with ids, GUIDs, timestamps, durations, signatures and secrets replaced.
    pub fn json(&mut self, value: &Value, allocate: bool) -> Value {
        self.json_at(value, None, None, allocate)
    }

    /// `id_kind` is what an `id` of the enclosing object is: a delivery's (the object has a
    /// `guid`), a hook's (it has a `config` or a `ping_url`), or nothing to replace (an
    /// organization or a user inside a payload keeps its id).
    fn json_at(
        &mut self,
        value: &Value,
        key: Option<&str>,
        id_kind: Option<&'static str>,
        allocate: bool,
    ) -> Value {
        let key_lower = key.map(str::to_ascii_lowercase).unwrap_or_default();
        match value {
            Value::Object(fields) => {
                let kind = if fields.contains_key("guid") {
                    Some("delivery_id")
                } else if fields.contains_key("config") || fields.contains_key("ping_url") {
                    Some("hook_id")
                } else {
                    None
                };
                let mut out = serde_json::Map::new();
                for (k, v) in fields {
                    out.insert(k.clone(), self.json_at(v, Some(k), kind, allocate));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.json_at(item, key, id_kind, allocate))
                    .collect(),
            ),
            Value::Number(number) => {
                let kind = match (key_lower.as_str(), id_kind) {
                    ("id", Some(kind)) => kind,
                    ("hook_id", _) => "hook_id",
                    ("duration", _) => return Value::String("${duration}".into()),
                    _ => return value.clone(),
                };
                match self.name(kind, &number.to_string(), allocate) {
                    Some(name) => Value::String(name),
                    None => value.clone(),
                }
            }
            Value::String(text) => {
                if secrets::is_secret_field(&key_lower) && text != secrets::MASK {
                    if !text.is_empty() {
                        self.secrets.add(text.clone());
                    }
                    return Value::String(secrets::PLACEHOLDER.into());
                }
                if key_lower.contains("signature") {
                    return Value::String("${signature}".into());
                }
                // A delivery's request headers name the hook as text.
                if key_lower == "x-github-hook-id"
                    && let Some(name) = self.name("hook_id", text, allocate)
                {
                    return Value::String(name);
                }
                Value::String(self.text(text, allocate))
            }
            other => other.clone(),
        }
    }

    /// A response header's value as recorded, or `None` when the header is not recorded.
    pub fn response_header(&mut self, name: &str, value: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        Some(match name.as_str() {
            "date" | "content-length" | "connection" | "keep-alive" | "transfer-encoding"
            | "server" | "set-cookie" | "authorization" | "cookie" => return None,
            // Depends on the kind of token (classic tokens only), which a replay may not share.
            "x-oauth-scopes" => return None,
            "x-github-request-id" => "${request_id}".into(),
            "last-modified" => "${last_modified}".into(),
            "etag" => self.name("etag", value, true).unwrap_or_default(),
            "x-ratelimit-remaining" | "x-ratelimit-reset" | "x-ratelimit-used" => {
                "${ratelimit}".into()
            }
            _ => self.text(value, true),
        })
    }

    /// A request header's value as recorded, or `None` for headers recordings leave out
    /// (credentials, cookies, the user agent and anything else not about the API).
    pub fn request_header(&mut self, name: &str, value: &str) -> Option<String> {
        match name.to_ascii_lowercase().as_str() {
            "accept" | "content-type" | "x-github-api-version" | "if-modified-since" => {
                Some(value.to_string())
            }
            "if-none-match" => Some(self.name("etag", value, false).unwrap_or(value.to_string())),
            _ => None,
        }
    }

    /// `text` with every bound placeholder replaced by its value; the unbound ones are listed.
    pub fn fill(&self, text: &str) -> Result<String, Vec<String>> {
        let mut unbound = Vec::new();
        let filled = PLACEHOLDER.replace_all(text, |c: &Captures| match self.values.get(&c[1]) {
            Some(value) => value.clone(),
            None => {
                unbound.push(c[1].to_string());
                c[0].to_string()
            }
        });
        if unbound.is_empty() {
            Ok(filled.into_owned())
        } else {
            Err(unbound)
        }
    }

    /// A JSON value with placeholders filled in; a string that is exactly `${name}` of a number
    /// becomes that number again.
    pub fn fill_json(&self, value: &Value) -> Result<Value, Vec<String>> {
        Ok(match value {
            Value::String(text) => {
                let filled = self.fill(text)?;
                let whole = PLACEHOLDER
                    .captures(text)
                    .is_some_and(|c| c.get(0).is_some_and(|m| m.as_str() == text));
                match (whole, filled.parse::<u64>()) {
                    (true, Ok(number)) => Value::from(number),
                    _ => Value::String(filled),
                }
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.fill_json(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.fill_json(v)?)))
                    .collect::<Result<_, Vec<String>>>()?,
            ),
            other => other.clone(),
        })
    }

    /// `text` with every secret seen replaced by `${secret}`: a last resort for a token or
    /// secret a server echoes somewhere unexpected (the `secret` fields themselves are replaced
    /// where they are read). Short values are left alone, as [`crate::secrets`] says.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.replace(text, secrets::PLACEHOLDER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_urls_and_timestamps_become_placeholders_that_keep_relations() {
        let mut n = Normalizer::new(vec!["http://127.0.0.1:4000".into()]);
        let body = json!({"id": 7, "url": "http://127.0.0.1:4000/orgs/acme/hooks/7",
            "created_at": "2026-01-02T03:04:05Z", "config": {"secret": "********"}});
        let out = n.json(&body, true);
        assert_eq!(
            out,
            json!({"id": "${hook_id_1}", "url": "${base}/orgs/${org}/hooks/${hook_id_1}",
                "created_at": "${timestamp}", "config": {"secret": "********"}})
        );
        assert_eq!(
            n.fill("/orgs/${org}/hooks/${hook_id_1}"),
            Ok("/orgs/acme/hooks/7".into())
        );
        assert_eq!(n.fill_json(&json!("${hook_id_1}")), Ok(json!(7)));
        assert_eq!(n.fill("${hook_id_2}"), Err(vec!["hook_id_2".to_string()]));
        let link = n.text(
            "<http://127.0.0.1:4000/orgs/acme/hooks/7/deliveries?cursor=v1_99>; rel=\"next\"",
            true,
        );
        assert_eq!(
            link,
            "<${base}/orgs/${org}/hooks/${hook_id_1}/deliveries?cursor=${cursor_1}>; rel=\"next\""
        );
    }

    #[test]
    fn secrets_in_request_bodies_are_removed() {
        let mut n = Normalizer::new(vec![]);
        let out = n.json(
            &json!({"config": {"url": "http://x/", "secret": "hunter2hunter2"}}),
            false,
        );
        assert_eq!(out["config"]["secret"], "${secret}");
        assert_eq!(n.scrub("a hunter2hunter2 b"), "a ${secret} b");
        // A secret that is an ordinary word stays out of the keys of the recording.
        n.json(&json!({"secret": "secret"}), false);
        n.json(&json!({"secret": "secret"}), false);
        assert_eq!(n.scrub("secret: ${secret}"), "secret: ${secret}");
    }
}
