//! The delivery records the deliveries API reads, bounded twice: a number of records per hook
//! and a number of payload bytes in all. Past the byte bound the hook holding the most bytes
//! loses its oldest record first, so a hook flooded with large payloads forgets its own past,
//! not a quiet hook's.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Deref;

use super::model::Delivery;

/// Each hook's records (oldest first, sorted by id) and the payload bytes they hold.
#[derive(Debug, Default)]
pub(crate) struct DeliveryRecords {
    by_hook: BTreeMap<u64, VecDeque<Delivery>>,
    bytes_by_hook: BTreeMap<u64, usize>,
    bytes: usize,
}

/// The bounds a push keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordBounds {
    pub per_hook: usize,
    pub bytes: usize,
}

/// What a record weighs: its payload's text, the only part that grows with the event (the
/// headers and response are bounded by the sender).
fn weight(delivery: &Delivery) -> usize {
    delivery.request_payload.text().len() + delivery.response_payload.len()
}

impl DeliveryRecords {
    /// Stores `delivery` in id order (attempts finish in any order) and drops what the bounds
    /// no longer allow: returns it, for the caller to free after releasing the state's lock.
    pub(crate) fn push(&mut self, delivery: Delivery, bounds: RecordBounds) -> Vec<Delivery> {
        let hook_id = delivery.hook_id;
        let size = weight(&delivery);
        let list = self.by_hook.entry(hook_id).or_default();
        // Attempts end in about the order they were made, so a record's place is among the
        // last few: looked for from the back, over records still in the cache, not by halving
        // a thousand the API has not read since.
        let after = list.iter().rev().take_while(|d| d.id > delivery.id).count();
        list.insert(list.len() - after, delivery);
        *self.bytes_by_hook.entry(hook_id).or_default() += size;
        self.bytes += size;

        let excess = list.len().saturating_sub(bounds.per_hook.max(1));
        let mut dropped: Vec<Delivery> = list.drain(..excess).collect();
        self.forget_bytes(hook_id, dropped.iter().map(weight).sum());
        while self.bytes > bounds.bytes {
            match self.evict_from_heaviest() {
                Some(oldest) => dropped.push(oldest),
                None => break,
            }
        }
        dropped
    }

    /// Removes the oldest record of the hook holding the most bytes; a hook keeps its newest
    /// record whatever it weighs, so that the deliveries API still shows what just happened.
    fn evict_from_heaviest(&mut self) -> Option<Delivery> {
        let (&hook_id, _) = self
            .bytes_by_hook
            .iter()
            .filter(|(hook, _)| self.by_hook.get(hook).is_some_and(|list| list.len() > 1))
            .max_by_key(|(_, bytes)| **bytes)?;
        let oldest = self.by_hook.get_mut(&hook_id)?.pop_front()?;
        self.forget_bytes(hook_id, weight(&oldest));
        Some(oldest)
    }

    fn forget_bytes(&mut self, hook_id: u64, size: usize) {
        if let Some(held) = self.bytes_by_hook.get_mut(&hook_id) {
            *held = held.saturating_sub(size);
        }
        self.bytes = self.bytes.saturating_sub(size);
    }

    /// Removes a hook's records along with it; returns them, to free outside the lock.
    pub(crate) fn remove(&mut self, hook_id: &u64) -> Option<VecDeque<Delivery>> {
        let list = self.by_hook.remove(hook_id)?;
        let size = self.bytes_by_hook.remove(hook_id).unwrap_or_default();
        self.bytes = self.bytes.saturating_sub(size);
        Some(list)
    }

    /// Puts back a hook's records as they were (oldest first), replacing any it had; returns
    /// those, to free outside the lock. The bounds are the caller's to have kept.
    pub(crate) fn insert(
        &mut self,
        hook_id: u64,
        list: VecDeque<Delivery>,
    ) -> Option<VecDeque<Delivery>> {
        let old = self.remove(&hook_id);
        let size: usize = list.iter().map(weight).sum();
        *self.bytes_by_hook.entry(hook_id).or_default() += size;
        self.bytes += size;
        self.by_hook.insert(hook_id, list);
        old
    }

    /// The payload bytes the records hold.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

impl From<BTreeMap<u64, VecDeque<Delivery>>> for DeliveryRecords {
    fn from(by_hook: BTreeMap<u64, VecDeque<Delivery>>) -> Self {
        let mut records = DeliveryRecords::default();
        for (hook_id, list) in by_hook {
            let _ = records.insert(hook_id, list);
        }
        records
    }
}

/// Reads go straight to the map (hook id → records, oldest first); changes go through
/// [`DeliveryRecords::push`] and its siblings, which keep the byte counts true.
impl Deref for DeliveryRecords {
    type Target = BTreeMap<u64, VecDeque<Delivery>>;

    fn deref(&self) -> &Self::Target {
        &self.by_hook
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::DeliverySeed;
    use crate::fake::delivery::from_seed;

    fn record(id: u64, hook_id: u64, payload_len: usize) -> Delivery {
        let seed =
            DeliverySeed::new("push").payload(serde_json::json!({ "a": "x".repeat(payload_len) }));
        from_seed(id, hook_id, String::new(), seed)
    }

    #[test]
    fn past_the_byte_bound_the_heaviest_hook_loses_its_oldest_record() {
        let bounds = RecordBounds {
            per_hook: 100,
            bytes: 3_000,
        };
        let mut records = DeliveryRecords::default();
        let mut dropped = records.push(record(1, 7, 100), bounds);
        for id in 2..=10 {
            dropped.extend(records.push(record(id, 9, 1_000), bounds));
        }
        assert!(records.bytes() <= 3_000, "{}", records.bytes());
        assert_eq!(records[&7].len(), 1, "the quiet hook keeps its record");
        let kept: Vec<u64> = records[&9].iter().map(|d| d.id).collect();
        assert_eq!(kept, vec![9, 10]);
        assert!(dropped.iter().all(|d| d.hook_id == 9));
        assert_eq!(
            records.bytes(),
            records.values().flatten().map(weight).sum::<usize>()
        );
    }

    #[test]
    fn a_hook_keeps_its_newest_record_whatever_it_weighs() {
        let bounds = RecordBounds {
            per_hook: 100,
            bytes: 10,
        };
        let mut records = DeliveryRecords::default();
        let _ = records.push(record(1, 7, 500), bounds);
        let _ = records.push(record(2, 7, 500), bounds);
        assert_eq!(
            records[&7].iter().map(|d| d.id).collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(records.bytes(), weight(&records[&7][0]));
    }

    #[test]
    fn the_count_bound_and_forgetting_keep_the_byte_count_true() {
        let bounds = RecordBounds {
            per_hook: 2,
            bytes: usize::MAX,
        };
        let mut records = DeliveryRecords::default();
        for id in [3, 1, 2] {
            let _ = records.push(record(id, 7, 10), bounds);
        }
        let _ = records.push(record(4, 8, 10), bounds);
        assert_eq!(
            records[&7].iter().map(|d| d.id).collect::<Vec<_>>(),
            vec![2, 3]
        );
        let total: usize = records.values().flatten().map(weight).sum();
        assert_eq!(records.bytes(), total);
        let _ = records.remove(&7);
        assert_eq!(records.bytes(), weight(&records[&8][0]));
        let list = records.remove(&8).unwrap_or_default();
        let _ = records.insert(9, list);
        assert_eq!(records.bytes(), weight(&records[&9][0]));
    }
}
