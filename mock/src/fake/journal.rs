//! The request journal: every answered request in arrival order, for
//! [`FakeState::requests`](crate::FakeState::requests) and `GET /_hookspec/requests`, bounded by
//! count and by bytes, the oldest dropped first. Its entries keep whole bodies (up to the 1 MiB
//! a request may carry), so a count alone would let a client that sends large bodies hold
//! gigabytes.

use std::collections::VecDeque;

use super::model::RecordedRequest;
use crate::table::OperationId;

/// One entry of the request journal: the request as recorded, and what routing read from it.
#[derive(Debug, Clone)]
pub(crate) struct JournalRecord {
    /// The operation, when the path routed to one.
    pub operation: Option<OperationId>,
    /// The organization the path names.
    pub org: Option<String>,
    /// The repository (`owner/name`) the path names.
    pub repo: Option<String>,
    pub request: RecordedRequest,
}

impl JournalRecord {
    /// The bytes of text the entry keeps: the body, the headers, the path and query, and what
    /// was read from them.
    fn weight(&self) -> usize {
        let request = &self.request;
        let text = |text: &Option<String>| text.as_ref().map_or(0, String::len);
        request.body.len()
            + request
                .headers
                .iter()
                .map(|(name, value)| name.len() + value.len())
                .sum::<usize>()
            + request.method.len()
            + request.path.len()
            + text(&request.query)
            + text(&request.reason)
            + text(&self.org)
            + text(&self.repo)
    }
}

/// The entries, oldest first, each with its weight, and what they weigh together.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: VecDeque<(usize, JournalRecord)>,
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

    /// Adds `record` as the newest entry, dropping the oldest ones past either bound.
    pub(crate) fn push(&mut self, record: JournalRecord) {
        if !self.keeps_any() {
            return;
        }
        let weight = record.weight();
        while !self.entries.is_empty()
            && (self.entries.len() >= self.max_entries
                || self.bytes.saturating_add(weight) > self.max_bytes)
        {
            if let Some((oldest, _)) = self.entries.pop_front() {
                self.bytes -= oldest;
            }
        }
        self.bytes += weight;
        self.entries.push_back((weight, record));
    }

    /// The entries, oldest first.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &JournalRecord> {
        self.entries.iter().map(|(_, record)| record)
    }

    /// Forgets every entry.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: usize) -> JournalRecord {
        JournalRecord {
            operation: None,
            org: None,
            repo: None,
            request: RecordedRequest {
                method: "POST".to_owned(),
                path: "/x".to_owned(),
                query: None,
                headers: Vec::new(),
                body: vec![b'a'; body],
                status: 201,
                reason: None,
            },
        }
    }

    fn bodies(journal: &Journal) -> Vec<usize> {
        journal.iter().map(|e| e.request.body.len()).collect()
    }

    #[test]
    fn the_oldest_entries_go_first_past_either_bound_and_the_weight_follows() {
        // Each entry weighs its body and 6 bytes of method and path.
        let mut journal = Journal::new(3, 100);
        for body in [10, 20, 30] {
            journal.push(entry(body));
        }
        assert_eq!(bodies(&journal), [10, 20, 30]);
        assert_eq!(journal.bytes, 60 + 3 * 6);
        // Past the count: the oldest goes.
        journal.push(entry(1));
        assert_eq!(bodies(&journal), [20, 30, 1]);
        // Past the bytes: as many of the oldest as it takes.
        journal.push(entry(60));
        assert_eq!(bodies(&journal), [1, 60]);
        assert_eq!(journal.bytes, 61 + 2 * 6);
        // One entry heavier than the bound alone is kept, alone.
        journal.push(entry(500));
        assert_eq!(bodies(&journal), [500]);
        journal.push(entry(2));
        assert_eq!(bodies(&journal), [2]);
        journal.clear();
        assert_eq!((journal.iter().count(), journal.bytes), (0, 0));
        // A journal that keeps nothing keeps nothing.
        let mut none = Journal::new(0, 100);
        none.push(entry(1));
        assert_eq!(none.iter().count(), 0);
    }
}
