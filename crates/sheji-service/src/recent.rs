//! Values a node remembers for a few seconds: list totals, public organization records, the
//! session policy. Each node keeps its own (nothing here is needed by another node); a write on
//! the node empties what it changed, so the writer reads its change at once, and other nodes
//! catch up when the entries expire. Time comes from the caller (the injected clock).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// A bounded map whose entries expire after a fixed time.
#[derive(Debug)]
pub(crate) struct Recent<K, V> {
    ttl: Duration,
    /// Entries kept at most; the map is emptied past that (simpler than eviction, and a
    /// refill costs one read per entry).
    limit: usize,
    entries: Mutex<HashMap<K, (DateTime<Utc>, V)>>,
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    /// Entries live `ttl_seconds`; at most `limit` are kept.
    pub(crate) fn new(ttl_seconds: i64, limit: usize) -> Self {
        Self { ttl: Duration::seconds(ttl_seconds), limit, entries: Mutex::default() }
    }

    /// The value for `key` if it was put less than the time to live before `now`.
    pub(crate) fn get<Q>(&self, key: &Q, now: DateTime<Utc>) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let entries = self.entries.lock().ok()?;
        entries.get(key).filter(|(at, _)| now - *at < self.ttl).map(|(_, v)| v.clone())
    }

    /// Remembers `value` for `key` from `now`.
    pub(crate) fn put(&self, key: K, value: V, now: DateTime<Utc>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.limit {
                entries.clear();
            }
            entries.insert(key, (now, value));
        }
    }

    /// Forgets everything (after a write that changed what the entries hold).
    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn entries_expire_are_bounded_and_clear() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap();
        let recent: Recent<String, u64> = Recent::new(5, 2);
        recent.put("a".to_owned(), 1, t0);
        assert_eq!(recent.get("a", t0 + Duration::seconds(4)), Some(1));
        assert_eq!(recent.get("a", t0 + Duration::seconds(5)), None, "expired at the time to live");
        recent.put("b".to_owned(), 2, t0);
        recent.put("c".to_owned(), 3, t0);
        assert_eq!(recent.get("a", t0), None, "past the limit the map starts afresh");
        assert_eq!(recent.get("c", t0), Some(3));
        recent.clear();
        assert_eq!(recent.get("c", t0), None);
    }
}
