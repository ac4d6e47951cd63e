//! What a run may touch on a server: the resources it created (which it alone may change and
//! must delete), creates whose outcome is unknown (swept by marker afterwards), and the rules a
//! request must keep before it is sent.
//!
//! The rules: a request that changes state goes either to a collection, creating something
//! (its body's `url` fields must carry the run's marker), or to a resource this run created (or
//! below one). Anything else is refused before it is sent. Nothing here knows the spec's paths:
//! a create is a POST whose path has a DELETE one segment below it in the operation table.

use std::sync::Mutex;

use hookspec_mock::table::Operation;
use serde_json::Value;
use url::Url;

use crate::case::vars::text_of;
use crate::error::{Check, Problem};
use crate::target::http::{Request, Response};
use crate::target::server::Target;

/// The host of every run's marker URL; `.invalid` never resolves, so no delivery leaves.
pub const MARKER_HOST: &str = "hookspec-conformance.invalid";

/// The marker URL of a run: `https://hookspec-conformance.invalid/<run_id>`.
pub fn marker_url(run_id: &str) -> String {
    format!("https://{MARKER_HOST}/{run_id}")
}

/// A resource this run created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Which case run created it (`scenarios/x [dotcom]`).
    pub owner: String,
    /// Its URL (the DELETE operation's path, resolved, on the target).
    pub url: Url,
}

/// A create whose outcome is unknown (timeout, broken body, 5xx): the collection to search for
/// items carrying the run's marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Which case run sent it.
    pub owner: String,
    /// The collection URL (the list operation's).
    pub collection: Url,
}

#[derive(Debug, Default)]
struct Inner {
    /// Everything ever created (deleted or not): may be changed by this run.
    owned: Vec<Url>,
    /// Created and not yet deleted: to delete.
    live: Vec<Created>,
    /// Creates of unknown outcome.
    pending: Vec<Pending>,
}

/// The run's record of what it created, shared by every case and the Ctrl-C handler.
#[derive(Debug, Default)]
pub struct Ledger {
    inner: Mutex<Inner>,
}

fn key(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.as_str().trim_end_matches('/').to_string()
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(inner) => inner,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Records a resource the run created.
    pub fn created(&self, owner: &str, url: Url) {
        let mut inner = self.lock();
        inner.owned.push(url.clone());
        inner.live.push(Created {
            owner: owner.to_string(),
            url,
        });
    }

    /// Records that a resource was deleted (so cleanup leaves it alone).
    pub fn deleted(&self, url: &Url) {
        let wanted = key(url);
        self.lock().live.retain(|c| key(&c.url) != wanted);
    }

    /// Records a create whose outcome is unknown.
    pub fn pending(&self, owner: &str, collection: Url) {
        let mut inner = self.lock();
        let entry = Pending {
            owner: owner.to_string(),
            collection,
        };
        if !inner.pending.contains(&entry) {
            inner.pending.push(entry);
        }
    }

    /// Forgets a pending create whose outcome became known.
    pub fn resolved(&self, owner: &str, collection: &Url) {
        let wanted = key(collection);
        self.lock()
            .pending
            .retain(|p| !(p.owner == owner && key(&p.collection) == wanted));
    }

    /// Whether `url` is, or lies below, a resource this run created.
    pub fn owns(&self, url: &Url) -> bool {
        let wanted = key(url);
        self.lock().owned.iter().any(|owned| {
            let owned = key(owned);
            wanted == owned || wanted.starts_with(&format!("{owned}/"))
        })
    }

    /// Takes what `owner` left behind (newest first), or everything when `owner` is `None`.
    pub fn take(&self, owner: Option<&str>) -> (Vec<Created>, Vec<Pending>) {
        let mut inner = self.lock();
        let mine = |o: &str| owner.is_none_or(|owner| owner == o);
        let (taken, kept): (Vec<_>, Vec<_>) = inner.live.drain(..).partition(|c| mine(&c.owner));
        inner.live = kept;
        let (pending, kept): (Vec<_>, Vec<_>) =
            inner.pending.drain(..).partition(|p| mine(&p.owner));
        inner.pending = kept;
        (taken.into_iter().rev().collect(), pending)
    }

    /// How many created resources are not deleted yet.
    pub fn live_count(&self) -> usize {
        self.lock().live.len()
    }
}

impl Ledger {
    /// Refuses a state-changing request that is neither a marked create nor aimed at what this
    /// run created. `explicit_url` says the step gave a URL instead of the operation's path (a
    /// create must go to the path the operation table names).
    pub(crate) fn refuse_foreign_mutation(
        &self,
        operations: &'static [Operation],
        operation: &Operation,
        explicit_url: bool,
        request: &Request,
        body: Option<&Value>,
        marker: &str,
    ) -> Result<(), Problem> {
        if !operation.mutates() {
            return Ok(());
        }
        if let Some(body) = body
            && let Some((pointer, value)) = unmarked_url(body, marker)
        {
            return Err(Problem::new(
                Check::Safety,
                format!(
                    "refused: {pointer} is {value:?}, which does not carry this run's marker {marker}; write \"${{marker_url}}\" there"
                ),
            ));
        }
        if self.owns(&request.url) {
            return Ok(());
        }
        let is_create = delete_below(operations, operation).is_some();
        if is_create && !explicit_url {
            return Ok(());
        }
        Err(Problem::new(
            Check::Safety,
            format!(
                "refused: {} {} would change something this run did not create",
                request.method,
                request.url.path()
            ),
        ))
    }

    /// Records what a response says about creates and deletes: a create answered with an id is
    /// owned and to be deleted; one answered without (or with a 5xx) stays pending, to be found
    /// by its marker; a delete of something owned leaves nothing to delete.
    pub(crate) fn record_response(
        &self,
        owner: &str,
        operation: &Operation,
        is_create: bool,
        request: &Request,
        response: &Response,
    ) {
        let status = response.status;
        let mut collection = request.url.clone();
        collection.set_query(None);
        if is_create {
            let id = serde_json::from_slice::<Value>(&response.body)
                .ok()
                .and_then(|json| json.get("id").map(text_of))
                .filter(|id| !id.is_empty());
            match (status, id) {
                (200..=299, Some(id)) => {
                    let mut url = collection.clone();
                    if let Ok(mut segments) = url.path_segments_mut() {
                        segments.pop_if_empty().push(&id);
                    }
                    self.created(owner, url);
                    self.resolved(owner, &collection);
                }
                // Created (or maybe) without an id to delete it by: stays pending, to be found
                // by its marker at cleanup.
                (200..=299, None) | (500..=599, _) => {}
                _ => self.resolved(owner, &collection),
            }
        } else if operation.method == "DELETE"
            && ((200..300).contains(&status) || status == 404)
            && self.owns(&request.url)
        {
            self.deleted(&request.url);
        }
    }
}

/// Refuses a URL a step gives that is not on the target (a `Link` from elsewhere, say).
pub(crate) fn refuse_off_target(target: &Target, url: &Url) -> Result<(), Problem> {
    if target.owns_url(url) {
        Ok(())
    } else {
        Err(Problem::new(
            Check::Safety,
            format!("refused: {url} is not on the target {}", target.base()),
        ))
    }
}

/// Every string under a key named `url` in `body` must start with the marker; returns the
/// first offender's pointer and value.
pub fn unmarked_url(body: &Value, marker: &str) -> Option<(String, String)> {
    fn walk(value: &Value, pointer: &str, marker: &str) -> Option<(String, String)> {
        match value {
            Value::Object(map) => map.iter().find_map(|(k, v)| {
                let child = format!("{pointer}/{k}");
                match v {
                    Value::String(text) if k == "url" && !text.starts_with(marker) => {
                        Some((child, text.clone()))
                    }
                    Value::String(_) => None,
                    other => walk(other, &child, marker),
                }
            }),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, &format!("{pointer}/{i}"), marker)),
            _ => None,
        }
    }
    walk(body, "", marker)
}

/// Whether a listed item carries the marker (`config.url` starting with it).
pub fn carries_marker(item: &Value, marker: &str) -> bool {
    item.pointer("/config/url")
        .and_then(Value::as_str)
        .is_some_and(|url| url.starts_with(marker))
}

/// The DELETE operation one `{parameter}` segment below `create` (`/orgs/{org}/hooks` →
/// `/orgs/{org}/hooks/{hook_id}`), which makes `create` a create.
pub(crate) fn delete_below(
    operations: &'static [Operation],
    create: &Operation,
) -> Option<&'static Operation> {
    if create.method != "POST" {
        return None;
    }
    operations
        .iter()
        .find(|op| op.method == "DELETE" && op.is_item_of(create))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_create_of_org_hooks_has_its_delete_one_segment_below() {
        use hookspec_mock::table::{OPERATIONS, find_operation};
        let create = find_operation("orgs/create-webhook");
        let delete = create.and_then(|create| delete_below(OPERATIONS, create));
        assert_eq!(delete.map(|op| op.id), Some("orgs/delete-webhook"));
        let list = find_operation("orgs/list-webhooks");
        assert!(
            list.and_then(|list| delete_below(OPERATIONS, list))
                .is_none()
        );
    }
    use serde_json::json;

    #[test]
    fn a_created_resource_and_what_lies_below_it_are_owned() -> Result<(), url::ParseError> {
        let ledger = Ledger::new();
        ledger.created("a", Url::parse("http://h/orgs/o/hooks/7")?);
        assert!(ledger.owns(&Url::parse("http://h/orgs/o/hooks/7")?));
        assert!(ledger.owns(&Url::parse("http://h/orgs/o/hooks/7/config")?));
        assert!(!ledger.owns(&Url::parse("http://h/orgs/o/hooks/70")?));
        assert!(!ledger.owns(&Url::parse("http://h/orgs/o/hooks/1")?));
        ledger.deleted(&Url::parse("http://h/orgs/o/hooks/7")?);
        assert_eq!(ledger.live_count(), 0);
        assert!(
            ledger.owns(&Url::parse("http://h/orgs/o/hooks/7")?),
            "still ours after delete"
        );
        Ok(())
    }

    #[test]
    fn take_returns_an_owners_resources_newest_first() -> Result<(), url::ParseError> {
        let ledger = Ledger::new();
        ledger.created("a", Url::parse("http://h/x/1")?);
        ledger.created("b", Url::parse("http://h/x/2")?);
        ledger.created("a", Url::parse("http://h/x/3")?);
        let (taken, _) = ledger.take(Some("a"));
        let urls: Vec<_> = taken.iter().map(|c| c.url.path().to_string()).collect();
        assert_eq!(urls, vec!["/x/3", "/x/1"]);
        assert_eq!(ledger.live_count(), 1);
        Ok(())
    }

    #[test]
    fn urls_without_the_marker_are_found() {
        let marker = "https://hookspec-conformance.invalid/r1";
        let body = json!({"config": {"url": "https://example.com"}});
        assert_eq!(
            unmarked_url(&body, marker),
            Some(("/config/url".to_string(), "https://example.com".to_string()))
        );
        let body = json!({"config": {"url": format!("{marker}/x")}, "events": ["push"]});
        assert_eq!(unmarked_url(&body, marker), None);
    }
}
