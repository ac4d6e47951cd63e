//! The hooks of an organization (or the GHES global hooks), in id order, kept cheap to read:
//! each hook's JSON is ready on the wire ([`WireHook`], rendered on first read and forgotten
//! whenever the hook is borrowed mutably), positions are indexed so that a page costs the same
//! whatever the list's length, and recent answers (the body and its ETag) are remembered until
//! anything in the list changes. Every change goes through this type, so no cache can outlive
//! what it was rendered from.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use super::model::Hook;
use super::render;
use super::validators;
use super::wire::{self, WireHook};

/// How many pages a list remembers.
const PAGES_KEPT: usize = 8;

/// An answer ready to send: the body and its weak ETag (the SHA-256 of exactly these bytes).
#[derive(Debug)]
pub(crate) struct Ready {
    pub body: Vec<u8>,
    pub etag: String,
    /// A single hook's `Last-Modified` (lists have none).
    pub last_modified: Option<String>,
}

impl Ready {
    fn new(body: Vec<u8>, last_modified: Option<String>) -> Arc<Ready> {
        let etag = validators::etag(&body, false);
        Arc::new(Ready {
            body,
            etag,
            last_modified,
        })
    }
}

/// A hook's answer alone: the base URL and login it was built for, and the answer.
type SingleAnswer = (String, Option<String>, Arc<Ready>);

/// One stored hook and what is ready for it.
struct Entry {
    hook: Hook,
    wire: OnceLock<Option<Arc<WireHook>>>,
    /// The last answer for this hook alone, with the base URL and login it was built for.
    single: Mutex<Option<SingleAnswer>>,
}

impl Entry {
    fn new(hook: Hook) -> Entry {
        Entry {
            hook,
            wire: OnceLock::new(),
            single: Mutex::new(None),
        }
    }

    /// The hook's wire parts for organization `login`, when it renders to the expected shape.
    fn wire(&self, login: Option<&str>) -> Option<&WireHook> {
        let ready = self
            .wire
            .get_or_init(|| WireHook::render(&self.hook, login).map(Arc::new))
            .as_deref()?;
        ready.is_for(login).then_some(ready)
    }

    /// Appends the hook's JSON on `api_base` (escaped: `escaped_base`).
    fn write(&self, api_base: &str, escaped_base: &[u8], login: Option<&str>, out: &mut Vec<u8>) {
        match self.wire(login) {
            Some(wire) => wire.write(escaped_base, out),
            None => {
                let view = render::hook_view(&self.hook, api_base, login);
                if serde_json::to_writer(&mut *out, &view).is_err() {
                    out.extend_from_slice(b"null");
                }
            }
        }
    }
}

/// Which page a remembered answer is.
#[derive(PartialEq, Eq)]
struct PageKey {
    api_base: String,
    login: Option<String>,
    start: usize,
    per_page: usize,
}

/// Hooks by id, oldest first.
#[derive(Default)]
pub(crate) struct HookMap {
    entries: BTreeMap<u64, Entry>,
    /// The ids in ascending order, for pages by position.
    order: Vec<u64>,
    pages: Mutex<VecDeque<(PageKey, Arc<Ready>)>>,
}

impl HookMap {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn get(&self, id: &u64) -> Option<&Hook> {
        self.entries.get(id).map(|entry| &entry.hook)
    }

    pub(crate) fn contains_key(&self, id: &u64) -> bool {
        self.entries.contains_key(id)
    }

    /// The hook to change: what was ready for it, and every remembered page, is forgotten.
    pub(crate) fn get_mut(&mut self, id: &u64) -> Option<&mut Hook> {
        let entry = self.entries.get_mut(id)?;
        entry.wire = OnceLock::new();
        entry.single = Mutex::new(None);
        self.pages = Mutex::default();
        Some(&mut entry.hook)
    }

    pub(crate) fn insert(&mut self, id: u64, hook: Hook) {
        self.pages = Mutex::default();
        if self.entries.insert(id, Entry::new(hook)).is_none() {
            let at = self.order.partition_point(|&other| other < id);
            self.order.insert(at, id);
        }
    }

    pub(crate) fn remove(&mut self, id: &u64) -> Option<Hook> {
        let entry = self.entries.remove(id)?;
        self.pages = Mutex::default();
        if let Ok(at) = self.order.binary_search(id) {
            self.order.remove(at);
        }
        Some(entry.hook)
    }

    /// Every hook, oldest first.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Hook> + Clone {
        self.entries.values().map(|entry| &entry.hook)
    }

    /// The JSON array of the hooks at positions `start..start + per_page`, on `api_base`,
    /// for organization `login` (`None` for global hooks), with its ETag.
    pub(crate) fn page(
        &self,
        api_base: &str,
        login: Option<&str>,
        start: usize,
        per_page: usize,
    ) -> Arc<Ready> {
        let key = PageKey {
            api_base: api_base.to_owned(),
            login: login.map(str::to_owned),
            start,
            per_page,
        };
        let mut pages = crate::sync::lock(&self.pages);
        if let Some((_, ready)) = pages.iter().find(|(kept, _)| *kept == key) {
            return ready.clone();
        }
        let ids = self
            .order
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take(per_page);
        let escaped = wire::escape(api_base);
        let mut body = Vec::with_capacity(2 + ids.len() * 512);
        body.push(b'[');
        for (n, entry) in ids.filter_map(|id| self.entries.get(id)).enumerate() {
            if n > 0 {
                body.push(b',');
            }
            entry.write(api_base, &escaped, login, &mut body);
        }
        body.push(b']');
        let ready = Ready::new(body, None);
        if pages.len() >= PAGES_KEPT {
            pages.pop_front();
        }
        pages.push_back((key, ready.clone()));
        ready
    }

    /// The JSON of hook `id` on `api_base` for organization `login`, with its ETag and
    /// `Last-Modified`.
    pub(crate) fn one(&self, id: &u64, api_base: &str, login: Option<&str>) -> Option<Arc<Ready>> {
        let entry = self.entries.get(id)?;
        let mut single = crate::sync::lock(&entry.single);
        if let Some((base, for_login, ready)) = single.as_ref()
            && base == api_base
            && for_login.as_deref() == login
        {
            return Some(ready.clone());
        }
        let escaped = wire::escape(api_base);
        let mut body = Vec::with_capacity(512);
        entry.write(api_base, &escaped, login, &mut body);
        let modified = validators::http_date(entry.hook.updated_at);
        let ready = Ready::new(body, Some(modified));
        *single = Some((api_base.to_owned(), login.map(str::to_owned), ready.clone()));
        Some(ready)
    }
}

impl Clone for HookMap {
    fn clone(&self) -> Self {
        let mut copy = HookMap::default();
        for (id, entry) in &self.entries {
            copy.insert(*id, entry.hook.clone());
        }
        copy
    }
}

impl fmt::Debug for HookMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(id, entry)| (id, &entry.hook)))
            .finish()
    }
}
