//! Facet counting from tables kept in memory, one per index segment.
//!
//! tantivy's `FacetCollector` reads every matching document's facets from the bit-packed
//! facet column (an optional index, a monotonic mapping and a bit-unpacking per value); on a
//! common word that matches tens of thousands of documents this was a third of the time of
//! a search (BENCHMARKS.md). Here each segment's facets are read once, when the reader first
//! sees the segment, into one packed word per document ([`SegmentFacets`]): counting a match
//! is then one memory read and a few increments. Segments never change once written (deletions only hide documents, and the
//! collector only sees live ones), so a table stays valid for its segment's lifetime.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sheji_core::search::Dimension;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One segment's facets, one word per document: the word holds the document's values as
/// indexes into `names` (plus one; 0 ends the list), `bits` bits each, lowest first. One word
/// per document means one memory read per match, and the reads of a block of matches do not
/// wait on each other (a table of offsets into a list of values made two dependent reads
/// per match, and on matches spread over a million documents each one missed the cache).
/// A document with more values than fit is marked `OVERFLOW` and listed in `overflow`.
#[derive(Debug, Default)]
pub(super) struct SegmentFacets {
    words: Vec<u64>,
    bits: u32,
    overflow: HashMap<DocId, Vec<u32>>,
    names: Vec<(Dimension, String)>,
}

const OVERFLOW: u64 = u64::MAX;

impl SegmentFacets {
    /// Reads the facet column of `field` for every document of the segment.
    fn read(reader: &SegmentReader, field: &str) -> tantivy::Result<Self> {
        let column = reader.facet_reader(field)?;
        // Column ordinal → our value index; only `/dimension/value` facets are kept.
        let mut local: Vec<Option<u32>> = Vec::with_capacity(column.num_facets());
        let mut names = Vec::new();
        let mut facet = Facet::root();
        for ord in 0..column.num_facets() as u64 {
            column.facet_from_ord(ord, &mut facet)?;
            let path = facet.to_path();
            let value = match path.as_slice() {
                [dim, value] => Dimension::ALL.into_iter().find(|d| d.code() == *dim).map(|d| (d, (*value).to_owned())),
                _ => None,
            };
            local.push(value.map(|v| {
                names.push(v);
                u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
            }));
        }
        // Enough bits for every index plus one (0 ends a word's list).
        let bits = (u32::BITS - u32::try_from(names.len()).unwrap_or(u32::MAX).leading_zeros()).max(1);
        // The top bit stays clear, so no list of values can read as `OVERFLOW`.
        let slots = (u64::BITS - 1) / bits;
        let max_doc = reader.max_doc();
        let mut words = Vec::with_capacity(max_doc as usize);
        let mut overflow = HashMap::new();
        let mut values = Vec::new();
        for doc in 0..max_doc {
            values.clear();
            values.extend(
                column
                    .facet_ords(doc)
                    .filter_map(|ord| usize::try_from(ord).ok().and_then(|o| local.get(o).copied().flatten())),
            );
            if values.len() > slots as usize {
                words.push(OVERFLOW);
                overflow.insert(doc, values.clone());
            } else {
                words.push(values.iter().rev().fold(0u64, |w, v| (w << bits) | (u64::from(*v) + 1)));
            }
        }
        Ok(Self { words, bits, overflow, names })
    }
}

/// The tables of the segments a reader sees, refreshed after each reload.
#[derive(Debug, Default)]
pub(super) struct FacetTables {
    field: String,
    tables: RwLock<Arc<HashMap<SegmentId, Arc<SegmentFacets>>>>,
}

impl FacetTables {
    pub(super) fn new(field: &str) -> Self {
        Self { field: field.to_owned(), tables: RwLock::default() }
    }

    /// Reads the tables of segments not seen before and forgets those of segments gone
    /// (merged away). Called after every reload, off the query path.
    pub(super) fn refresh(&self, searcher: &tantivy::Searcher) -> tantivy::Result<()> {
        let known = self.current();
        let mut next = HashMap::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            let table = match known.get(&id) {
                Some(t) => t.clone(),
                None => Arc::new(SegmentFacets::read(reader, &self.field)?),
            };
            next.insert(id, table);
        }
        if let Ok(mut tables) = self.tables.write() {
            *tables = Arc::new(next);
        }
        Ok(())
    }

    fn current(&self) -> Arc<HashMap<SegmentId, Arc<SegmentFacets>>> {
        self.tables.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// A collector counting matches and their facet values.
    pub(super) fn counter(&self) -> FacetCounter {
        FacetCounter { field: self.field.clone(), tables: self.current() }
    }
}

/// Counts matches and, per dimension, matches per facet value.
pub(super) struct FacetCounter {
    field: String,
    tables: Arc<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

/// What a [`FacetCounter`] found: the number of matches and the count of every facet value.
#[derive(Debug, Default)]
pub(super) struct Counted {
    pub(super) total: u64,
    pub(super) values: HashMap<(Dimension, String), u64>,
}

impl Counted {
    /// The values of `dim`, most frequent first (ties by value).
    pub(super) fn of(&self, dim: Dimension) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> =
            self.values.iter().filter(|((d, _), _)| *d == dim).map(|((_, v), n)| (v.clone(), *n)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

impl Collector for FacetCounter {
    type Fruit = Counted;
    type Child = SegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        // A segment the tables do not know yet (a search racing a reload) is read here once.
        let table = match self.tables.get(&reader.segment_id()) {
            Some(t) => t.clone(),
            None => Arc::new(SegmentFacets::read(reader, &self.field)?),
        };
        let counts = vec![0; table.names.len()];
        Ok(SegmentCounter { table, counts, total: 0, pending: Vec::with_capacity(BLOCK) })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut all = Counted::default();
        for fruit in fruits {
            all.total += fruit.total;
            for (k, n) in fruit.values {
                *all.values.entry(k).or_default() += n;
            }
        }
        Ok(all)
    }
}

pub(super) struct SegmentCounter {
    table: Arc<SegmentFacets>,
    counts: Vec<u64>,
    total: u64,
    pending: Vec<DocId>,
}

impl SegmentCounter {
    /// Counts the matches gathered by `collect`.
    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.collect_block(&pending);
        self.pending = pending;
        self.pending.clear();
    }

    fn add(&mut self, doc: DocId, word: u64) {
        if word == OVERFLOW {
            for v in self.table.overflow.get(&doc).into_iter().flatten() {
                if let Some(n) = self.counts.get_mut(*v as usize) {
                    *n += 1;
                }
            }
            return;
        }
        let mask = (1u64 << self.table.bits) - 1;
        let mut word = word;
        while word != 0 {
            if let Some(n) = self.counts.get_mut(((word & mask) - 1) as usize) {
                *n += 1;
            }
            word >>= self.table.bits;
        }
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        // Scored searches hand matches over one at a time: gather them into blocks.
        self.pending.push(doc);
        if self.pending.len() == BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.total += docs.len() as u64;
        // Every word of the block is read before any is counted, so the cache misses
        // overlap instead of following one another.
        let mut words = [0u64; BLOCK];
        for chunk in docs.chunks(BLOCK) {
            for (w, doc) in words.iter_mut().zip(chunk) {
                *w = self.table.words.get(*doc as usize).copied().unwrap_or(0);
            }
            for (w, doc) in words.iter().zip(chunk) {
                self.add(*doc, *w);
            }
        }
    }

    fn harvest(mut self) -> Counted {
        self.flush();
        let values = self
            .table
            .names
            .iter()
            .zip(self.counts)
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| (name.clone(), n))
            .collect();
        Counted { total: self.total, values }
    }
}

/// Matches whose facet words are read together.
const BLOCK: usize = 64;
