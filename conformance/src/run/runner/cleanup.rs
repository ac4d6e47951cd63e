//! Cleaning up after a case or a run: deleting what the ledger says was created, and sweeping
//! the collections of creates that got no answer for items carrying the run's marker.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::Runner;
use crate::case::vars::text_of;
use crate::check::link::{link_url, parse_link};
use crate::check::response::joined_header;
use crate::error::CleanupError;
use crate::run::request::base_headers;
use crate::run::safety;
use crate::show::preview;
use crate::target::http::Request;

#[derive(Debug, Default)]
/// What a cleanup did: what it failed to delete, and the requests and time it took.
pub(crate) struct CleanupOutcome {
    pub errors: Vec<CleanupError>,
    pub waited: Duration,
    pub requests: usize,
}

/// Deletes what `owner` (every owner, when `None`) left in the runner's ledger and sweeps the
/// collections of its unanswered creates; `file` names the case in errors.
pub(crate) async fn cleanup_owned(
    runner: &Runner,
    owner: Option<&str>,
    file: &Path,
) -> CleanupOutcome {
    let (created, pending) = runner.ledger().take(owner);
    let mut outcome = CleanupOutcome::default();
    for item in created {
        delete(runner, &item.url, file, &mut outcome).await;
    }
    for item in pending {
        sweep(runner, &item.collection, file, &mut outcome).await;
    }
    outcome
}

async fn delete(runner: &Runner, url: &Url, file: &Path, outcome: &mut CleanupOutcome) {
    let request = Request {
        method: "DELETE".into(),
        url: url.clone(),
        headers: base_headers(runner.target(), true),
        body: None,
    };
    let sent = runner
        .timed_send(&request, &mut outcome.waited, &mut outcome.requests)
        .await;
    let message = match sent {
        Ok(response) if (200..300).contains(&response.status) || response.status == 404 => {
            return;
        }
        Ok(response) => format!(
            "status {} (body: {})",
            response.status,
            preview(&response.body)
        ),
        Err(failure) => failure.to_string(),
    };
    // Not deleted: keep it in the ledger so a later cleanup_all tries again.
    runner.ledger().created("(cleanup)", url.clone());
    outcome.errors.push(CleanupError {
        file: file.to_path_buf(),
        request: request.line(),
        message,
    });
}

/// Lists `collection` page by page and deletes the items carrying this run's marker (the
/// result of creates whose response never arrived).
async fn sweep(runner: &Runner, collection: &Url, file: &Path, outcome: &mut CleanupOutcome) {
    let mut url = collection.clone();
    url.query_pairs_mut().append_pair("per_page", "100");
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    let mut next = Some(url);
    while let Some(url) = next.take() {
        if !seen.insert(url.to_string()) || seen.len() > runner.options().max_pages {
            break;
        }
        let request = Request {
            method: "GET".into(),
            url: url.clone(),
            headers: base_headers(runner.target(), true),
            body: None,
        };
        let response = match runner
            .timed_send(&request, &mut outcome.waited, &mut outcome.requests)
            .await
        {
            Ok(response) if response.status == 200 => response,
            Ok(response) => {
                outcome.errors.push(CleanupError {
                    file: file.to_path_buf(),
                    request: request.line(),
                    message: format!(
                        "cannot list to find hooks marked {} whose create got no answer: status {}",
                        runner.marker_url(),
                        response.status
                    ),
                });
                return;
            }
            Err(failure) => {
                outcome.errors.push(CleanupError {
                    file: file.to_path_buf(),
                    request: request.line(),
                    message: format!(
                        "cannot list to find hooks marked {} whose create got no answer: {failure}",
                        runner.marker_url()
                    ),
                });
                return;
            }
        };
        if let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&response.body) {
            for item in items {
                if safety::carries_marker(&item, runner.marker_url())
                    && let Some(id) = item.get("id").map(text_of)
                {
                    found.push(id);
                }
            }
        }
        next = joined_header(&response, "link")
            .and_then(|text| parse_link(&text).ok())
            .and_then(|links| link_url(&links, "next").map(str::to_string))
            .and_then(|text| Url::parse(&text).ok())
            .filter(|url| runner.target().owns_url(url));
    }
    for id in found {
        let mut url = collection.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push(&id);
        }
        runner.ledger().deleted(&url);
        delete(runner, &url, file, outcome).await;
    }
}
