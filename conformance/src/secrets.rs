//! The one rule for secrets: what counts as one, and how each output hides it.
//!
//! A secret is the value of a credential header (`Authorization`, `Cookie`, any name with
//! `auth`, `token`, `secret` or `key`), of a credential query parameter (`access_token`,
//! `client_secret`...), of a `secret`, `password` or `token` field in a JSON body (a hook's
//! `config.secret`), and the token and `--header` values given to a run. Recordings write
//! [`PLACEHOLDER`] in their place, so a replay can send a value of its own; everything else (the
//! console, the proxy's lines, JUnit, Markdown, HTML) writes [`MASK`].
//!
//! Where a secret's place is known (a header, a query parameter, a body field) it is hidden
//! whatever its length; a value seen elsewhere (a server echoing a token in a body) is hidden
//! when it is at least [`SHORTEST`] characters long, since shorter ones are ordinary words.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::error::Problem;
use crate::show::escape_html;

/// What replaces a secret in reports, on the console and in the proxy's lines. GitHub shows a
/// hook's secret the same way.
pub const MASK: &str = "********";

/// What replaces a secret in recordings (a replay fills in a value of its own).
pub(crate) const PLACEHOLDER: &str = "${secret}";

/// Values shorter than this are not hidden where they are found by value alone: a short one
/// (`secret`, `s3cret`) is also an ordinary word of a report or a recording.
pub(crate) const SHORTEST: usize = 8;

/// A query parameter in a URL within any text: the `?name=` or `&name=` and the value.
static CREDENTIAL_IN_URL: LazyLock<Result<Regex, regex::Error>> =
    LazyLock::new(|| Regex::new(r#"([?&]([A-Za-z_]+)=)[^&\s"'<>#]+"#));

/// Whether a header of this name carries a credential.
pub(crate) fn is_credential_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["auth", "cookie", "token", "secret", "key"]
        .iter()
        .any(|word| name.contains(word))
}

/// Whether a query parameter of this name carries a credential.
pub(crate) fn is_credential_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "access_token" | "token" | "client_secret" | "client_id" | "api_key" | "key"
    ) || name.ends_with("_token")
        || name.ends_with("_secret")
}

/// Whether a JSON body field of this name holds a secret (a hook's `config.secret`).
pub(crate) fn is_secret_field(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "secret" | "password" | "token"
    )
}

/// `url` (a full URL or a path with its query) with the values of credential query
/// parameters replaced by [`MASK`].
pub(crate) fn mask_url(url: &str) -> String {
    let (head, fragment) = match url.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (url, None),
    };
    let Some((path, query)) = head.split_once('?') else {
        return url.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_credential_parameter(name) => format!("{name}={MASK}"),
            _ => pair.to_string(),
        })
        .collect();
    let mut out = format!("{path}?{}", pairs.join("&"));
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// `value` with every secret field replaced by `replacement` (GitHub's own [`MASK`] and empty
/// values are left as they are); the values replaced are passed to `found`.
pub(crate) fn mask_fields(value: &Value, replacement: &str, found: &mut dyn FnMut(&str)) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, child)| {
                    let masked = match child {
                        Value::String(text)
                            if is_secret_field(key) && !text.is_empty() && text != MASK =>
                        {
                            found(text);
                            Value::String(replacement.to_string())
                        }
                        other => mask_fields(other, replacement, found),
                    };
                    (key.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| mask_fields(item, replacement, found))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The secret values one session has seen, to hide wherever they turn up again.
#[derive(Clone, Default)]
pub struct Secrets {
    values: Vec<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} value(s))", self.values.len())
    }
}

impl Secrets {
    /// No secrets.
    pub fn new() -> Self {
        Secrets::default()
    }

    /// Adds a secret (one shorter than 8 characters is not hidden by value).
    pub fn add(&mut self, value: impl Into<String>) {
        let value = value.into();
        if value.chars().count() >= SHORTEST && !self.values.contains(&value) {
            self.values.push(value);
        }
    }

    /// Adds a header value given to a run (`--header`, `Authorization`): the whole value, and
    /// its credential alone when it follows a scheme (`Bearer abc`).
    pub fn add_header_value(&mut self, value: &str) {
        self.add(value.trim());
        if let Some((_, credential)) = value.trim().split_once(' ') {
            self.add(credential.trim());
        }
    }

    /// Learns the secrets of a request a session saw: credential headers, credential query
    /// parameters and secret fields of a JSON body.
    pub(crate) fn learn_request<'a>(
        &mut self,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        query: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: &[u8],
    ) {
        for (name, value) in headers {
            if is_credential_header(name) {
                self.add_header_value(value);
            }
        }
        for (name, value) in query {
            if is_credential_parameter(name) {
                self.add(value);
            }
        }
        if let Ok(json) = serde_json::from_slice::<Value>(body) {
            mask_fields(&json, MASK, &mut |secret| self.add(secret));
        }
    }

    /// `text` with every secret replaced by `********` (as it is, HTML-escaped or
    /// percent-encoded), and the value of every credential query parameter in a URL too.
    pub fn mask(&self, text: &str) -> String {
        let text = self.replace(text, MASK);
        match CREDENTIAL_IN_URL.as_ref() {
            Ok(pattern) => pattern
                .replace_all(&text, |c: &regex::Captures<'_>| {
                    if is_credential_parameter(&c[2]) {
                        format!("{}{MASK}", &c[1])
                    } else {
                        c[0].to_string()
                    }
                })
                .into_owned(),
            Err(_) => text,
        }
    }

    /// `text` with every secret replaced by `replacement`, longest first so that a secret
    /// holding another is replaced whole.
    pub(crate) fn replace(&self, text: &str, replacement: &str) -> String {
        let mut forms: Vec<String> = Vec::new();
        for value in &self.values {
            forms.push(value.clone());
            forms.push(escape_html(value));
            forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
        }
        forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
        forms.dedup();
        // A mark no text holds, so a replacement is never matched again.
        const MARK: char = '\u{1}';
        let mut out = text.to_string();
        for form in &forms {
            out = out.replace(form.as_str(), &MARK.to_string());
        }
        out.replace(MARK, replacement)
    }

    /// Every message and detail of `problems` masked.
    pub(crate) fn mask_problems(&self, problems: &mut [Problem]) {
        for problem in problems {
            problem.message = self.mask(&problem.message);
            if let Some(detail) = &mut problem.detail {
                *detail = self.mask(detail);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_token_is_masked_as_is_html_escaped_and_percent_encoded() {
        let mut secrets = Secrets::new();
        secrets.add("ghp_a&b<c d");
        assert_eq!(
            secrets.mask("x ghp_a&b<c d y ghp_a&amp;b&lt;c d z ghp_a%26b%3Cc+d"),
            "x ******** y ******** z ********"
        );
    }

    #[test]
    fn the_credential_of_a_header_value_is_a_secret_on_its_own() {
        let mut secrets = Secrets::new();
        secrets.add_header_value("Bearer abcdef123");
        assert_eq!(secrets.mask("abcdef123"), MASK);
        assert_eq!(secrets.mask("application/json"), "application/json");
    }

    #[test]
    fn short_values_are_not_masked_by_value() {
        let mut secrets = Secrets::new();
        secrets.add("json");
        assert_eq!(secrets.mask("json"), "json");
    }

    #[test]
    fn credential_query_parameters_are_masked_in_urls_whatever_their_length() {
        assert_eq!(
            mask_url("/x?page=2&access_token=abc&client_secret=s"),
            format!("/x?page=2&access_token={MASK}&client_secret={MASK}")
        );
        assert_eq!(mask_url("/x?page=2"), "/x?page=2");
        let text = "GET http://h/user?access_token=abc&page=2 failed";
        assert_eq!(
            Secrets::new().mask(text),
            format!("GET http://h/user?access_token={MASK}&page=2 failed")
        );
    }

    #[test]
    fn a_request_teaches_its_header_parameter_and_body_secrets() {
        let mut secrets = Secrets::new();
        let body = br#"{"config":{"url":"http://x/","secret":"hook-secret-42"}}"#;
        secrets.learn_request(
            [("Authorization", "token ghp_request_token")],
            [("access_token", "query-token-1234")],
            body,
        );
        let text = "ghp_request_token query-token-1234 hook-secret-42";
        assert_eq!(secrets.mask(text), "******** ******** ********");
    }

    #[test]
    fn secret_fields_are_replaced_and_githubs_own_mask_is_kept() {
        let mut found = Vec::new();
        let masked = mask_fields(
            &json!({"config": {"secret": "s", "url": "u"}, "hooks": [{"secret": MASK}]}),
            PLACEHOLDER,
            &mut |s| found.push(s.to_string()),
        );
        assert_eq!(
            masked,
            json!({"config": {"secret": PLACEHOLDER, "url": "u"}, "hooks": [{"secret": MASK}]})
        );
        assert_eq!(found, ["s"]);
    }
}
