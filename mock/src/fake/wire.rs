//! Hooks kept ready on the wire: a hook's JSON is rendered once by the plain serializer
//! ([`render::hook_view`]) with an empty base URL, and split where the base URL goes (the start
//! of `ping_url`, `deliveries_url` and `url`), so that an answer is the parts joined with the
//! request's base URL, JSON-escaped once, spliced in. The bytes are the plain serializer's by
//! construction (serde_json escapes a string character by character, so the escape of
//! `base + path` is the escape of `base` followed by the escape of `path`); a test compares
//! them for every kind of answer anyway.

use super::model::Hook;
use super::render;

/// One hook's JSON, in parts around its base URLs.
#[derive(Debug)]
pub(crate) struct WireHook {
    /// The organization's login or repository's `owner/name` the URLs were rendered with
    /// (`None` for global hooks).
    login: Option<String>,
    /// The JSON with an empty base URL.
    json: Vec<u8>,
    /// Where in `json` the base URL goes, ascending.
    splices: Vec<usize>,
}

/// The keys of the URLs that start with the base URL, as serde_json writes them. A quote inside
/// a JSON string is always escaped, so these bytes only ever occur as keys; `"url":"` also
/// names the config's URL, which comes before the hook's own, hence the last occurrence.
const PING_URL: &[u8] = br#""ping_url":""#;
const DELIVERIES_URL: &[u8] = br#""deliveries_url":""#;
const TEST_URL: &[u8] = br#""test_url":""#;
const URL: &[u8] = br#""url":""#;

impl WireHook {
    /// `hook` rendered for organization `login` (`None` for a global hook); `None` when its
    /// JSON does not have the expected shape (the caller then renders it plainly).
    pub(crate) fn render(hook: &Hook, login: Option<&str>) -> Option<WireHook> {
        let json = serde_json::to_vec(&render::hook_view(hook, "", login)).ok()?;
        let after = |at: usize, key: &[u8]| at + key.len();
        let mut splices = vec![
            after(find(&json, PING_URL)?, PING_URL),
            after(rfind(&json, URL)?, URL),
        ];
        for key in [DELIVERIES_URL, TEST_URL] {
            if let Some(at) = find(&json, key) {
                splices.push(after(at, key));
            }
        }
        splices.sort_unstable();
        if !splices.windows(2).all(|pair| pair[0] < pair[1])
            || splices.iter().any(|&at| json.get(at) != Some(&b'/'))
        {
            return None;
        }
        Some(WireHook {
            login: login.map(str::to_owned),
            json,
            splices,
        })
    }

    /// Whether this rendering is for organization `login`.
    pub(crate) fn is_for(&self, login: Option<&str>) -> bool {
        self.login.as_deref() == login
    }

    /// Appends the hook's JSON with `escaped_base` (from [`escape`]) spliced in.
    pub(crate) fn write(&self, escaped_base: &[u8], out: &mut Vec<u8>) {
        let mut from = 0;
        for &at in &self.splices {
            out.extend_from_slice(&self.json[from..at]);
            out.extend_from_slice(escaped_base);
            from = at;
        }
        out.extend_from_slice(&self.json[from..]);
    }
}

/// `text` as it appears inside a JSON string written by serde_json (without the quotes).
pub(crate) fn escape(text: &str) -> Vec<u8> {
    let quoted = serde_json::to_vec(text).unwrap_or_default();
    match quoted.as_slice() {
        [b'"', inner @ .., b'"'] => inner.to_vec(),
        _ => Vec::new(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}
