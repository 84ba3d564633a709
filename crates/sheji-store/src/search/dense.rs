//! Words found in a large share of the documents ("设计", "制造", "科技"), kept as bitsets.
//!
//! A several-word query is an intersection led by its rarest word. Asking a posting list
//! whether each of the leader's documents holds "设计" decodes nearly every block of it, doc
//! ids and frequencies, to answer what one bit can: a profile of "两江 设计" spent a third
//! of its time there. A word in at least one document in [`DENSE_SHARE`] is therefore read
//! once per segment into a bitset (128 KiB per million documents), and a seek becomes a bit
//! lookup. The price: the word adds a constant to the score, its BM25 weight for one
//! occurrence in a field of average length (the boost times its idf). A word this common
//! barely ranks anyway; the rarer words of the query decide the order. Bitsets live as long
//! as their segment, up to [`MAX_BYTES`] in all; past that a word is read from its posting
//! list as before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyError, Term};

/// A word is dense when at least one document in this many holds it.
const DENSE_SHARE: u64 = 16;
/// Below this many documents every list is short enough as it is.
const MIN_DOCS: u64 = 4_096;
/// Memory for bitsets, all segments together.
const MAX_BYTES: usize = 64 << 20;

type Bits = Arc<Vec<u64>>;
/// The bitsets by segment and term, and the bytes they take.
type Sets = (HashMap<(SegmentId, Term), Bits>, usize);

/// The bitsets read so far, per segment and term.
#[derive(Debug, Default)]
pub(super) struct DenseTerms {
    sets: Mutex<Sets>,
}

impl DenseTerms {
    /// Whether `term` is dense in what `searcher` sees.
    pub(super) fn is_dense(searcher: &Searcher, term: &Term) -> bool {
        let docs = searcher.num_docs();
        docs >= MIN_DOCS && searcher.doc_freq(term).is_ok_and(|n| n.saturating_mul(DENSE_SHARE) >= docs)
    }

    /// Drops the bitsets of segments `searcher` no longer has (merged away).
    pub(super) fn refresh(&self, searcher: &Searcher) {
        let live: Vec<SegmentId> = searcher.segment_readers().iter().map(SegmentReader::segment_id).collect();
        if let Ok(mut guard) = self.sets.lock() {
            let (sets, bytes) = &mut *guard;
            sets.retain(|(segment, _), _| live.contains(segment));
            *bytes = sets.values().map(|b| b.len() * 8).sum();
        }
    }

    fn lock(&self) -> tantivy::Result<std::sync::MutexGuard<'_, Sets>> {
        self.sets.lock().map_err(|_| TantivyError::InternalError("dense terms poisoned".into()))
    }

    /// The bitset of `term` in the segment, read now if need be; `None` when the memory for
    /// bitsets is spent.
    fn bits(&self, reader: &SegmentReader, term: &Term) -> tantivy::Result<Option<Bits>> {
        let key = (reader.segment_id(), term.clone());
        let words = (reader.max_doc() as usize).div_ceil(64);
        {
            let guard = self.lock()?;
            if let Some(bits) = guard.0.get(&key) {
                return Ok(Some(Arc::clone(bits)));
            }
            if guard.1 + words * 8 > MAX_BYTES {
                return Ok(None);
            }
        }
        let mut bits = vec![0u64; words];
        if let Some(mut postings) =
            reader.inverted_index(term.field())?.read_postings(term, IndexRecordOption::Basic)?
        {
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if let Some(word) = bits.get_mut((doc / 64) as usize) {
                    *word |= 1 << (doc % 64);
                }
                doc = postings.advance();
            }
        }
        let bits = Arc::new(bits);
        let mut guard = self.lock()?;
        let (sets, bytes) = &mut *guard;
        if let std::collections::hash_map::Entry::Vacant(slot) = sets.entry(key) {
            *bytes += words * 8;
            slot.insert(Arc::clone(&bits));
        }
        Ok(Some(bits))
    }
}

/// A term query over a dense word: matches what the term query matches.
#[derive(Debug, Clone)]
pub(super) struct DenseTermQuery {
    term: Term,
    terms: Arc<DenseTerms>,
}

impl DenseTermQuery {
    pub(super) fn new(term: Term, terms: Arc<DenseTerms>) -> Self {
        Self { term, terms }
    }
}

impl Query for DenseTermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // BM25 of one occurrence in a field of average length is the idf: tf (k1 + 1) /
        // (tf + k1 (1 - b + b dl / avgdl)) is 1 when tf = 1 and dl = avgdl.
        let idf = match scoring {
            EnableScoring::Enabled { statistics_provider, .. } => {
                let docs = statistics_provider.total_num_docs()? as f64;
                let with = statistics_provider.doc_freq(&self.term)? as f64;
                (1.0 + (docs - with + 0.5) / (with + 0.5)).ln() as Score
            }
            EnableScoring::Disabled { .. } => 1.0,
        };
        let postings = TermQuery::new(self.term.clone(), IndexRecordOption::WithFreqs).weight(scoring)?;
        Ok(Box::new(DenseTermWeight { term: self.term.clone(), terms: Arc::clone(&self.terms), idf, postings }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct DenseTermWeight {
    term: Term,
    terms: Arc<DenseTerms>,
    idf: Score,
    /// The plain term weight, for when no bitset can be had.
    postings: Box<dyn Weight>,
}

impl Weight for DenseTermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        // A segment without the term (a small new one) gets no bitset to scan through.
        let size = reader.inverted_index(self.term.field())?.doc_freq(&self.term)?;
        let bits = if size == 0 { None } else { self.terms.bits(reader, &self.term)? };
        let Some(bits) = bits else {
            return self.postings.scorer(reader, boost);
        };
        let score = self.idf * boost;
        let mut scorer = DenseScorer { bits, doc: 0, size, score };
        scorer.doc = scorer.next_from(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("common term: idf of one occurrence", scorer.score()))
    }
}

struct DenseScorer {
    bits: Bits,
    doc: DocId,
    size: u32,
    score: Score,
}

impl DenseScorer {
    /// The first document at or after `from` that holds the term.
    fn next_from(&self, from: DocId) -> DocId {
        let mut index = (from / 64) as usize;
        let Some(first) = self.bits.get(index) else { return TERMINATED };
        let mut word = first & (u64::MAX << (from % 64));
        loop {
            if word != 0 {
                return u32::try_from(index * 64).map_or(TERMINATED, |base| base + word.trailing_zeros());
            }
            index += 1;
            match self.bits.get(index) {
                Some(next) => word = *next,
                None => return TERMINATED,
            }
        }
    }
}

impl DocSet for DenseScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = if target >= TERMINATED { TERMINATED } else { self.next_from(target) };
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.size
    }
}

impl Scorer for DenseScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}
