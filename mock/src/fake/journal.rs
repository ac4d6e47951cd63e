//! The request journal: every answered request in arrival order, for
//! [`FakeState::requests`](crate::FakeState::requests) and `GET /_hookspec/requests`, bounded by
//! count and by bytes, the oldest dropped first. Its entries keep whole bodies (up to the 1 MiB
//! a request may carry), so a count alone would let a client that sends large bodies hold
//! gigabytes.

use std::collections::VecDeque;

use super::http::FakeRequest;
use super::model::RecordedRequest;
use crate::table::OperationId;

/// One entry of the request journal: the request as recorded, and what routing read from it.
///
/// Its texts (method, path, query, the organization and repository the path names, each
/// header's name and value) are kept one after the other in one string: a journal keeps ten
/// thousand entries by default and drops its oldest at every request, and a dozen strings
/// apiece, each allocated and freed on its own, made the allocator a fifth of an in-process
/// request's instructions (callgrind, `profile_inprocess`).
#[derive(Debug, Clone)]
pub(crate) struct JournalRecord {
    /// The operation, when the path routed to one.
    pub operation: Option<OperationId>,
    /// The status the fake answered with.
    pub status: u16,
    /// Why the fake answered a 4xx, in plain words.
    pub reason: Option<String>,
    /// The texts, one after the other.
    text: String,
    /// Where each text ends in `text`: method, path, query, organization, repository, then
    /// each header's name and value.
    ends: Vec<usize>,
    /// Which of query, organization and repository there are (an empty one is still one).
    present: [bool; 3],
    body: Vec<u8>,
}

/// What a new entry is made of: the request (whose `body` the caller hands over), the
/// operation it routed to and the organization and repository its path names, and the
/// answer's status (and, for a 4xx, its reason).
pub(crate) struct Recorded<'a> {
    pub operation: Option<OperationId>,
    pub org: Option<&'a str>,
    pub repo: Option<&'a str>,
    pub request: &'a FakeRequest,
    pub body: Vec<u8>,
    pub status: u16,
    pub reason: Option<String>,
}

impl Recorded<'_> {
    /// The length of the entry's joined texts.
    fn text_length(&self) -> usize {
        let request = self.request;
        let optional = [request.query.as_deref(), self.org, self.repo];
        request.method.len()
            + request.path.len()
            + optional
                .iter()
                .flatten()
                .map(|text| text.len())
                .sum::<usize>()
            + request
                .headers
                .iter()
                .map(|(name, value)| name.len() + value.len())
                .sum::<usize>()
    }

    /// What the entry weighs (see [`JournalRecord::weight`]) with texts of `text_length`.
    fn weight(&self, text_length: usize) -> usize {
        self.body.len() + text_length + self.reason.as_ref().map_or(0, String::len)
    }
}

/// The places of the optional texts in `present`, and after how many texts they come.
const QUERY: usize = 0;
const ORG: usize = 1;
const REPO: usize = 2;
const BEFORE_OPTIONAL: usize = 2;
/// How many texts come before the headers.
const BEFORE_HEADERS: usize = 5;

impl JournalRecord {
    /// The entry for `new`, whose texts are `length` long, written into `spare`'s buffers
    /// when it gives some (an entry the journal just dropped) and they are not much larger
    /// than needed.
    fn write(spare: Option<JournalRecord>, new: Recorded<'_>, length: usize) -> JournalRecord {
        let request = new.request;
        let optional = [request.query.as_deref(), new.org, new.repo];
        let count = BEFORE_HEADERS + 2 * request.headers.len();
        let (mut text, mut ends) = match spare {
            Some(JournalRecord {
                mut text, mut ends, ..
            }) if text.capacity() <= 2 * length.max(512) => {
                text.clear();
                ends.clear();
                (text, ends)
            }
            _ => (String::with_capacity(length), Vec::with_capacity(count)),
        };
        let mut add = |part: &str| {
            text.push_str(part);
            ends.push(text.len());
        };
        add(&request.method);
        add(&request.path);
        for part in optional {
            add(part.unwrap_or_default());
        }
        for (name, value) in &request.headers {
            add(name);
            add(value);
        }
        JournalRecord {
            operation: new.operation,
            status: new.status,
            reason: new.reason,
            text,
            ends,
            present: optional.map(|part| part.is_some()),
            body: new.body,
        }
    }

    /// The `index`th text.
    fn part(&self, index: usize) -> &str {
        let start = match index.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or_default(),
            None => 0,
        };
        let end = self.ends.get(index).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }

    fn optional(&self, which: usize) -> Option<&str> {
        self.present[which].then(|| self.part(BEFORE_OPTIONAL + which))
    }

    /// The organization the path names.
    pub(crate) fn org(&self) -> Option<&str> {
        self.optional(ORG)
    }

    /// The repository (`owner/name`) the path names.
    pub(crate) fn repo(&self) -> Option<&str> {
        self.optional(REPO)
    }

    /// The request's header names and values as received.
    fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let count = self.ends.len().saturating_sub(BEFORE_HEADERS) / 2;
        (0..count).map(|at| {
            let name = BEFORE_HEADERS + 2 * at;
            (self.part(name), self.part(name + 1))
        })
    }

    /// The request as [`FakeState::requests`](crate::FakeState::requests) shows it.
    pub(crate) fn request(&self) -> RecordedRequest {
        RecordedRequest {
            method: self.part(0).to_owned(),
            path: self.part(1).to_owned(),
            query: self.optional(QUERY).map(str::to_owned),
            headers: self
                .headers()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
            body: self.body.clone(),
            status: self.status,
            reason: self.reason.clone(),
        }
    }

    /// The bytes of text the entry keeps: the body, the headers, the path and query, and what
    /// was read from them.
    fn weight(&self) -> usize {
        self.body.len() + self.text.len() + self.reason.as_ref().map_or(0, String::len)
    }
}

/// The entries, oldest first, and what they weigh together.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: VecDeque<JournalRecord>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl Journal {
    /// An empty journal keeping at most `max_entries` entries weighing at most `max_bytes`
    /// together (the newest entry is kept whole even when it alone weighs more).
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Journal {
        Journal {
            entries: VecDeque::new(),
            bytes: 0,
            max_entries,
            max_bytes,
        }
    }

    /// Whether it keeps anything at all.
    pub(crate) fn keeps_any(&self) -> bool {
        self.max_entries > 0
    }

    /// Adds an entry for `new` as the newest, dropping the oldest ones past either bound. The
    /// last one dropped lends its buffers to the new one: at every request the journal drops
    /// one entry and makes one, and reusing them saves allocating and freeing both.
    pub(crate) fn record(&mut self, new: Recorded<'_>) {
        if !self.keeps_any() {
            return;
        }
        let length = new.text_length();
        let weight = new.weight(length);
        let mut spare = None;
        while !self.entries.is_empty()
            && (self.entries.len() >= self.max_entries
                || self.bytes.saturating_add(weight) > self.max_bytes)
        {
            if let Some(dropped) = self.entries.pop_front() {
                self.bytes -= dropped.weight();
                spare = Some(dropped);
            }
        }
        let record = JournalRecord::write(spare, new, length);
        debug_assert_eq!(record.weight(), weight);
        self.bytes += weight;
        self.entries.push_back(record);
    }

    /// The entries, oldest first.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &JournalRecord> {
        self.entries.iter()
    }

    /// Forgets every entry.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
// A test that cannot unwrap should fail right there, loudly.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Records a `POST /x` with a body of `body` bytes.
    fn record(journal: &mut Journal, body: usize) {
        let request = FakeRequest::new("POST", "http://127.0.0.1:1", "/x");
        journal.record(Recorded {
            operation: None,
            org: None,
            repo: None,
            request: &request,
            body: vec![b'a'; body],
            status: 201,
            reason: None,
        });
    }

    fn bodies(journal: &Journal) -> Vec<usize> {
        journal.iter().map(|e| e.body.len()).collect()
    }

    #[test]
    fn an_entry_gives_back_the_request_it_was_made_from_in_reused_buffers_too() {
        // Two entries at most: from the third on, each reuses the buffers of one dropped.
        let mut journal = Journal::new(2, usize::MAX);
        for (path, org, repo) in [
            ("/orgs/octo/hooks?page=2", Some("octo"), None),
            ("/repos/o/r/hooks?", None, Some("o/r")),
            ("/x", Some(""), None),
            (
                "/orgs/a-much-longer-name-than-before/hooks",
                Some("a"),
                Some("b"),
            ),
        ] {
            let request = FakeRequest::new("get", "http://127.0.0.1:1", path)
                .with_header("Accept", "*/*")
                .with_header("X-Empty", "")
                .with_header("accept", "caf\u{e9}");
            journal.record(Recorded {
                operation: None,
                org,
                repo,
                request: &request,
                body: b"{}".to_vec(),
                status: 404,
                reason: Some("no hook".to_owned()),
            });
            let entry = journal.iter().next_back().unwrap();
            let (path, query) = match path.split_once('?') {
                Some((path, query)) => (path, Some(query.to_owned())),
                None => (path, None),
            };
            assert_eq!(
                entry.request(),
                RecordedRequest {
                    method: "GET".to_owned(),
                    path: path.to_owned(),
                    query,
                    headers: request.headers.clone(),
                    body: b"{}".to_vec(),
                    status: 404,
                    reason: Some("no hook".to_owned()),
                }
            );
            assert_eq!((entry.org(), entry.repo()), (org, repo));
        }
        assert_eq!(
            journal.bytes,
            journal.iter().map(JournalRecord::weight).sum::<usize>()
        );
    }

    #[test]
    fn the_oldest_entries_go_first_past_either_bound_and_the_weight_follows() {
        // Each entry weighs its body and 6 bytes of method and path.
        let mut journal = Journal::new(3, 100);
        for body in [10, 20, 30] {
            record(&mut journal, body);
        }
        assert_eq!(bodies(&journal), [10, 20, 30]);
        assert_eq!(journal.bytes, 60 + 3 * 6);
        // Past the count: the oldest goes.
        record(&mut journal, 1);
        assert_eq!(bodies(&journal), [20, 30, 1]);
        // Past the bytes: as many of the oldest as it takes.
        record(&mut journal, 60);
        assert_eq!(bodies(&journal), [1, 60]);
        assert_eq!(journal.bytes, 61 + 2 * 6);
        // One entry heavier than the bound alone is kept, alone.
        record(&mut journal, 500);
        assert_eq!(bodies(&journal), [500]);
        record(&mut journal, 2);
        assert_eq!(bodies(&journal), [2]);
        journal.clear();
        assert_eq!((journal.iter().count(), journal.bytes), (0, 0));
        // A journal that keeps nothing keeps nothing.
        let mut none = Journal::new(0, 100);
        record(&mut none, 1);
        assert_eq!(none.iter().count(), 0);
    }
}
