//! Values a node remembers for a few seconds: list totals, public organization records, the
//! session policy. Each node keeps its own (nothing here is needed by another node); a write on
//! the node empties what it changed, so the writer reads its change at once, and other nodes
//! catch up when the entries expire. Time comes from the caller (the injected clock).
//!
//! [`Kept`] holds the reads every write forgets: pages of lists and signed-in callers.

use std::any::Any;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// A bounded map whose entries expire after a fixed time.
#[derive(Debug)]
pub(crate) struct Recent<K, V> {
    ttl: Duration,
    /// Entries kept at most; the map is emptied past that (simpler than eviction, and a
    /// refill costs one read per entry).
    limit: usize,
    entries: Mutex<HashMap<K, (DateTime<Utc>, V)>>,
    /// Incremented by every [`Recent::clear`], so that a read begun before a write is not kept
    /// after it (it would hold what the write changed for the whole time to live).
    cleared: AtomicU64,
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    /// Entries live `ttl_seconds`; at most `limit` are kept.
    pub(crate) fn new(ttl_seconds: i64, limit: usize) -> Self {
        Self { ttl: Duration::seconds(ttl_seconds), limit, entries: Mutex::default(), cleared: AtomicU64::new(0) }
    }

    /// Taken before reading what will be put with [`Recent::put_unless_cleared`].
    pub(crate) fn stamp(&self) -> u64 {
        self.cleared.load(Ordering::Acquire)
    }

    /// Remembers `value` unless the map was cleared since `stamp` was taken: the value may
    /// then predate a write.
    pub(crate) fn put_unless_cleared(&self, key: K, value: V, now: DateTime<Utc>, stamp: u64) {
        if let Ok(mut entries) = self.entries.lock() {
            if self.cleared.load(Ordering::Acquire) != stamp {
                return;
            }
            if entries.len() >= self.limit {
                entries.clear();
            }
            entries.insert(key, (now, value));
        }
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
            self.cleared.fetch_add(1, Ordering::AcqRel);
            entries.clear();
        }
    }
}

/// How long a page of a list, or a signed-in caller, is reused when this node writes nothing.
pub(crate) const KEPT_TTL_SECONDS: i64 = 5;
/// Pages of lists kept at most (a page is at most 200 rows: a few MiB in all, tens with long
/// descriptions).
const KEPT_PAGES_LIMIT: usize = 256;
/// Signed-in callers kept at most.
const KEPT_CALLERS_LIMIT: usize = 10_000;

/// Reads this node reuses until its next write, or for [`KEPT_TTL_SECONDS`]: pages of lists
/// and the callers behind session cookies and API tokens. Every committed unit of work empties
/// it, so whoever wrote reads their change at once on this node; another node sees it when
/// its copy expires (a page built from ordered ids kept the same five seconds: ten at most). A
/// caller is reused only for GET and HEAD requests (the web layer asks afresh for the others),
/// so a signed-out session or a disabled account can read for at most those seconds on another
/// node, and change nothing there but the read mark of a message it opens.
pub(crate) struct Kept {
    pages: Recent<String, Arc<dyn Any + Send + Sync>>,
    sessions: Recent<String, crate::identity::SessionCaller>,
    tokens: Recent<String, sheji_core::identity::Principal>,
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept").finish_non_exhaustive()
    }
}

impl Kept {
    pub(crate) fn new() -> Self {
        Self {
            pages: Recent::new(KEPT_TTL_SECONDS, KEPT_PAGES_LIMIT),
            sessions: Recent::new(KEPT_TTL_SECONDS, KEPT_CALLERS_LIMIT),
            tokens: Recent::new(KEPT_TTL_SECONDS, KEPT_CALLERS_LIMIT),
        }
    }

    /// Something was written on this node (call after the commit).
    pub(crate) fn forget(&self) {
        self.pages.clear();
        self.sessions.clear();
        self.tokens.clear();
    }

    pub(crate) fn pages(&self) -> &Recent<String, Arc<dyn Any + Send + Sync>> {
        &self.pages
    }

    pub(crate) fn sessions(&self) -> &Recent<String, crate::identity::SessionCaller> {
        &self.sessions
    }

    pub(crate) fn tokens(&self) -> &Recent<String, sheji_core::identity::Principal> {
        &self.tokens
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
        let stamp = recent.stamp();
        recent.clear();
        assert_eq!(recent.get("c", t0), None);
        recent.put_unless_cleared("d".to_owned(), 4, t0, stamp);
        assert_eq!(recent.get("d", t0), None, "read before the clear: not kept");
        recent.put_unless_cleared("d".to_owned(), 4, t0, recent.stamp());
        assert_eq!(recent.get("d", t0), Some(4));
    }
}
