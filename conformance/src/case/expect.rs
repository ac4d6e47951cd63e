//! What a step expects of its response: the case's `expect` block with its variables filled in
//! and its patterns compiled, ready for the checks.

use std::collections::BTreeSet;

use regex::Regex;
use serde_json::Value;

use crate::case::format::Expect;
use crate::case::vars::Vars;
use crate::error::{Check, Problem};

/// A step's expectations with its variables filled in and its patterns compiled.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The expected status.
    pub status: u16,
    /// Header name and the pattern its value must match.
    pub headers: Vec<(String, Regex)>,
    /// Headers that must be absent.
    pub absent_headers: Vec<String>,
    /// The expected body.
    pub body: Option<Value>,
    /// Fields of `body` the response lacks are notes, not failures.
    pub partial: bool,
    /// Pointers compared only for presence.
    pub ignore: BTreeSet<String>,
    /// Pointer and the pattern its value's text must match.
    pub matches: Vec<(String, Regex)>,
    /// Pointer and the length of the array there.
    pub count: Vec<(String, usize)>,
    /// Items the array body must contain (checked across pages by the runner).
    pub contains: Vec<Value>,
    /// Pointer within each item and its pattern.
    pub each: Vec<(String, Regex)>,
    /// Pointers that must not exist.
    pub absent: Vec<String>,
    /// Whether to validate against the schema.
    pub schema: bool,
    /// Whether the case expects a `Link` header (it captures a relation or names the header).
    pub link_expected: bool,
}

impl Expectations {
    /// Expects `status` and nothing more than the spec documents for it: how the proxy checks
    /// live traffic, where no case says what to expect.
    pub(crate) fn of_status(status: u16) -> Self {
        Expectations {
            status,
            headers: Vec::new(),
            absent_headers: Vec::new(),
            body: None,
            partial: false,
            ignore: BTreeSet::new(),
            matches: Vec::new(),
            count: Vec::new(),
            contains: Vec::new(),
            each: Vec::new(),
            absent: Vec::new(),
            schema: true,
            link_expected: false,
        }
    }

    /// Fills in variables and compiles patterns.
    pub fn resolve(expect: &Expect, vars: &Vars) -> Result<Self, Problem> {
        let case_problem = |e: String| Problem::new(Check::Case, e);
        let compile = |what: &str, pattern: &str| -> Result<Regex, Problem> {
            let text = vars
                .interpolate_regex(pattern)
                .map_err(|e| case_problem(format!("{what}: {e}")))?;
            Regex::new(&text).map_err(|e| case_problem(format!("{what}: {e}")))
        };
        let json = |value: &Value| {
            vars.interpolate_json(value)
                .map_err(|e| case_problem(e.to_string()))
        };
        let headers = expect
            .headers
            .iter()
            .map(|(name, pattern)| Ok((name.clone(), compile(&format!("header {name}"), pattern)?)))
            .collect::<Result<Vec<_>, Problem>>()?;
        let link_expected = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("link"))
            || expect.capture.values().any(|s| s.starts_with("link:"));
        Ok(Expectations {
            status: expect.status,
            headers,
            absent_headers: expect.absent_headers.clone(),
            body: expect.body.as_ref().map(json).transpose()?,
            partial: expect.partial,
            ignore: expect.ignore.iter().cloned().collect(),
            matches: expect
                .matches
                .iter()
                .map(|(p, re)| Ok((p.clone(), compile(&format!("match {p}"), re)?)))
                .collect::<Result<_, Problem>>()?,
            count: expect.count.iter().map(|(p, n)| (p.clone(), *n)).collect(),
            contains: expect
                .contains
                .iter()
                .map(json)
                .collect::<Result<_, Problem>>()?,
            each: expect
                .each
                .iter()
                .map(|(p, re)| Ok((p.clone(), compile(&format!("each {p}"), re)?)))
                .collect::<Result<_, Problem>>()?,
            absent: expect.absent.clone(),
            schema: expect.schema,
            link_expected,
        })
    }

    /// Whether anything expected needs the body as JSON.
    pub(crate) fn wants_json(&self) -> bool {
        self.body.is_some()
            || !self.matches.is_empty()
            || !self.count.is_empty()
            || !self.contains.is_empty()
            || !self.each.is_empty()
            || !self.absent.is_empty()
            || !self.ignore.is_empty()
    }
}
