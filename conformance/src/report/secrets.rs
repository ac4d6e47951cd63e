//! Secrets to mask in everything a run prints or writes: the token, and the values of
//! `--header`s that carry credentials. Reports never hold request headers; this catches a
//! server that echoes one back in a body or a header.

use super::html::escape;

/// What replaces a secret.
pub const MASK: &str = "********";

/// Secrets shorter than this are not masked (they would mask ordinary words).
const SHORTEST: usize = 6;

/// The secrets of a run.
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

    /// Adds `value` (ignored when it is shorter than six characters).
    pub fn add(&mut self, value: impl Into<String>) {
        let value = value.into();
        if value.chars().count() >= SHORTEST && !self.values.contains(&value) {
            self.values.push(value);
        }
    }

    /// Adds the value of a header whose name says it carries a credential (`Authorization`,
    /// `Cookie`, or any name containing `token`, `secret`, `key` or `auth`).
    pub fn add_header(&mut self, name: &str, value: &str) {
        let name = name.to_ascii_lowercase();
        if ["auth", "cookie", "token", "secret", "key"]
            .iter()
            .any(|word| name.contains(word))
        {
            self.add(value);
            // `Bearer abc`: the credential alone too.
            if let Some((_, credential)) = value.split_once(' ') {
                self.add(credential.trim());
            }
        }
    }

    /// `text` with every secret, as is or HTML-escaped, replaced by `********`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for value in &self.values {
            text = text.replace(value.as_str(), MASK);
            let escaped = escape(value);
            if escaped != *value {
                text = text.replace(escaped.as_str(), MASK);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_masked_as_is_and_html_escaped() {
        let mut secrets = Secrets::new();
        secrets.add("ghp_a&b<c");
        assert_eq!(
            secrets.redact("x ghp_a&b<c y ghp_a&amp;b&lt;c"),
            "x ******** y ********"
        );
    }

    #[test]
    fn credential_headers_are_secrets_and_others_are_not() {
        let mut secrets = Secrets::new();
        secrets.add_header("Authorization", "Bearer abcdef123");
        secrets.add_header("Accept", "application/json");
        assert_eq!(secrets.redact("abcdef123"), MASK);
        assert_eq!(secrets.redact("application/json"), "application/json");
    }

    #[test]
    fn short_values_are_not_masked() {
        let mut secrets = Secrets::new();
        secrets.add("json");
        assert_eq!(secrets.redact("json"), "json");
    }
}
