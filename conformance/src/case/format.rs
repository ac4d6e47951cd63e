//! The case file format (see `conformance/CASES.md`): a request/response contract as data.

use std::collections::BTreeMap;

use hookspec_mock::Product;
use serde::{Deserialize, Serialize};

/// One case: a description, where it applies, and its steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case checks, in a sentence.
    pub description: String,
    /// Products the case applies to (`dotcom`, `ghes`); skipped elsewhere.
    pub products: Vec<String>,
    /// True when no step changes server state.
    #[serde(default)]
    pub read_only: bool,
    /// Labels a user can skip the case by (`--skip-tag`): `many-hooks` marks cases that create
    /// many hooks at once (only the run's own, and deleted afterwards).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The steps, run in order; the first failure ends the case.
    pub steps: Vec<Step>,
}

impl Case {
    /// Whether the case applies to `product`: it lists the product's id. Running, planning and
    /// skipping all ask this.
    pub fn applies_to(&self, product: Product) -> bool {
        self.products.iter().any(|id| id == product.id())
    }
}

/// One request and what its response must be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A short name shown in reports.
    pub name: String,
    /// The spec operationId the request exercises.
    pub operation: String,
    /// An absolute URL (usually `${next}` from a `Link` header) instead of the operation's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Values for the path template's `{name}` segments.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub path_params: BTreeMap<String, String>,
    /// Query-string parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// Extra request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Whether to send the target's token (default true).
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub auth: bool,
    /// A JSON request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// A raw request body, sent as is (for malformed-JSON cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_body: Option<String>,
    /// A `Link` relation (`next`) to follow until the response has none: every page gets the
    /// step's checks, `expect.contains` looks at the items of all pages together, captures come
    /// from the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow: Option<String>,
    /// Repeat the step while its checks fail (for things a server does asynchronously, such as
    /// recording a ping's delivery). Only for steps that do not change state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
    /// What the response must be.
    pub expect: Expect,
}

/// The expectations on one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The expected status.
    pub status: u16,
    /// Header name to a regex its value must match.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Headers that must be absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent_headers: Vec<String>,
    /// The expected body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// When true, fields of `body` that the response lacks are notes, not failures (the schema
    /// check still enforces required fields). Generated cases set it: an example shows fields
    /// (a secret, say) that the state a case creates need not have.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// JSON pointers whose values are not compared (they must still be present).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// JSON pointer to a regex the value's text must match.
    #[serde(default, rename = "match", skip_serializing_if = "BTreeMap::is_empty")]
    pub matches: BTreeMap<String, String>,
    /// JSON pointer to the expected length of the array there.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub count: BTreeMap<String, usize>,
    /// Items the body (an array) must contain: each is matched as a subset (every key given must
    /// be there with that value, other keys are free) against some item of the array.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contains: Vec<serde_json::Value>,
    /// For every item of the body (an array): JSON pointer within the item to a regex its text
    /// must match (for filters: every delivery listed with `status=success` has a 2xx/3xx code).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub each: BTreeMap<String, String>,
    /// JSON pointers that must not exist in the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
    /// Whether to validate the body against the spec's schema (default true).
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub schema: bool,
    /// Variable name to source: `body:<pointer>`, `header:<Name>` or `link:<rel>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub capture: BTreeMap<String, String>,
}

/// How often to repeat a step whose checks fail, and how long to wait between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// How many tries in all (at least 1).
    pub attempts: u32,
    /// Milliseconds to wait between tries.
    #[serde(default = "default_retry_delay_ms")]
    pub delay_ms: u64,
}

fn default_retry_delay_ms() -> u64 {
    500
}

fn default_true() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}
