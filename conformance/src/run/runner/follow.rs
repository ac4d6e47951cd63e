//! Following a step's `Link` relation (`follow: next`) from the first page to the last, every
//! page checked like the first, none off the target, none seen twice, at most `max_pages`.

use std::collections::BTreeSet;

use hookspec_mock::table::Operation;
use serde_json::Value;
use url::Url;

use super::{CaseRun, Failed};
use crate::case::expect::Expectations;
use crate::check::link::{LinkEntry, link_url};
use crate::check::response::{self, transport_problem};
use crate::error::{Check, Problem, RequestLine};
use crate::target::http::Request;

impl CaseRun<'_> {
    /// Walks the `rel` links from the first page, checking every page like the first.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn follow(
        &mut self,
        operation: &Operation,
        rel: &str,
        first: &Request,
        first_links: &[LinkEntry],
        per_page: Option<usize>,
        expect: &Expectations,
        items: &mut Vec<Value>,
    ) -> Result<(), Failed> {
        let mut seen = BTreeSet::from([first.url.to_string()]);
        let mut links = first_links.to_vec();
        let mut page = 1usize;
        // On later pages a Link is expected only as far as the spec says; the last has no next.
        let mut page_expect = expect.clone();
        page_expect.link_expected = false;
        while let Some(next) = link_url(&links, rel).map(str::to_string) {
            page += 1;
            let url = self.next_page_url(rel, &next, &mut seen, page)?;
            let request = Request {
                method: "GET".into(),
                url,
                headers: first.headers.clone(),
                body: None,
            };
            let response = match self.send(&request).await {
                Ok(response) => response,
                Err(failure) => {
                    let problems = vec![transport_problem(&failure)];
                    self.record(operation, &request, Err(&failure), &problems);
                    return Err(Failed {
                        request: request.line(),
                        problems,
                        transport: true,
                    });
                }
            };
            let checked = response::check_response(operation, &response, &page_expect, per_page);
            self.record(operation, &request, Ok(&response), &checked.problems);
            self.notes.extend(checked.notes);
            if !checked.problems.is_empty() {
                let problems = checked
                    .problems
                    .into_iter()
                    .map(|mut p| {
                        p.message = format!("page {page}: {}", p.message);
                        p
                    })
                    .collect();
                return Err(Failed {
                    request: request.line(),
                    problems,
                    transport: false,
                });
            }
            if let Some(Value::Array(page_items)) = checked.json {
                items.extend(page_items);
            }
            links = checked.links;
        }
        Ok(())
    }

    /// The next page's URL, when the `rel` link may be followed: it parses, stays on the
    /// target, does not lead back to a page already seen, and is within the page limit.
    fn next_page_url(
        &self,
        rel: &str,
        next: &str,
        seen: &mut BTreeSet<String>,
        page: usize,
    ) -> Result<Url, Failed> {
        let runner = self.runner;
        let refuse = |message: String| {
            Failed::one(
                RequestLine {
                    method: "GET".into(),
                    url: next.to_owned(),
                },
                Problem::new(Check::Link, message),
            )
        };
        let url = Url::parse(next).map_err(|e| refuse(format!("rel={rel}: {e}")))?;
        if !runner.target.owns_url(&url) {
            return Err(refuse(format!(
                "rel={rel} points off the target {}: {url}",
                runner.target.base()
            )));
        }
        if !seen.insert(url.to_string()) {
            return Err(refuse(format!(
                "rel={rel} leads back to a page already seen: {url}"
            )));
        }
        if page > runner.options.max_pages {
            return Err(refuse(format!(
                "more than {} pages; stopped following",
                runner.options.max_pages
            )));
        }
        Ok(url)
    }
}
