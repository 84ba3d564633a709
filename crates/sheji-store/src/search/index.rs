//! The embedded full-text index (tantivy). It stores the terms `sheji_core::search` makes —
//! the index only splits them on spaces — so analysis is ours and identical everywhere.
//!
//! Queries are built from term queries, never parsed from user text: a quote, a colon or
//! `NEAR` cannot become syntax. The caller's visibility is a filter inside the query, and a
//! private field is matched only under the caller's scope, so a hit, a count or a facet never
//! comes from a field the caller may not see. Writes are not synchronised here: the service
//! serialises them (one writer per index).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use sheji_core::search::{Dimension, DocType, Document, Form, Query as TextQuery, Unit, analyze};
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::dense::{DenseTermQuery, DenseTerms};
use super::facets::FacetTables;
use crate::StoreError;

/// Bump when the schema or the analysis changes: an index of another version is rebuilt.
const VERSION: u32 = 2;
const TOKENIZER: &str = "sheji_terms";
const FACET_FIELD: &str = "facet";
/// Indexing memory for a rebuild (split among its threads).
const WRITER_MEMORY: usize = 96 << 20;
/// Indexing memory between rebuilds: one thread with tantivy's minimum. Every commit starts
/// fresh segment writers whose tables are sized from this budget and zeroed; with the rebuild's
/// 96 MB over two threads that was 32 MB of memset per commit, the largest cost of a
/// single-record write (BENCHMARKS.md, writes).
const INCREMENTAL_MEMORY: usize = 15 << 20;
/// Clause combinations up to which "every unit" is rewritten as a union of intersections.
const MAX_EXPANSION: usize = 64;
/// Results reachable by paging: nobody reads past the 50th page of a search.
pub const MAX_OFFSET: usize = 1_000;

/// Boosts: a short name typed whole is the strongest signal, then names, pinyin, text.
const BOOST_CODE: f32 = 8.0;
const BOOST_SHORT: f32 = 6.0;
const BOOST_NAME: f32 = 3.0;
const BOOST_PINYIN: f32 = 2.0;
const BOOST_TEXT: f32 = 1.0;
/// A corrected spelling counts for less than what was typed.
const BOOST_CORRECTION: f32 = 0.5;

/// What the index has applied, stored with each commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexState {
    /// Schema and analysis version.
    pub version: u32,
    /// The database it was built from (its instance id), so an index is never reused for
    /// another database.
    pub instance: String,
    /// The last outbox row applied.
    pub applied: i32,
    /// When it was last brought up to date.
    pub at: DateTime<Utc>,
}

impl IndexState {
    /// The state of an index at this version.
    pub fn new(instance: &str, applied: i32, at: DateTime<Utc>) -> Self {
        Self { version: VERSION, instance: instance.to_owned(), applied, at }
    }
}

/// Which records a caller may see beyond the public ones, and match on private fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Every record.
    pub all: bool,
    /// Records of these districts.
    pub districts: Vec<i32>,
    /// Records of these organizations.
    pub organizations: Vec<i32>,
}

/// A search to run.
#[derive(Debug, Clone)]
pub struct IndexQuery<'a> {
    /// The analysed query.
    pub query: &'a TextQuery,
    /// Facet filters: (dimension, value code); values of one dimension are alternatives.
    pub filters: &'a [(Dimension, String)],
    /// What the caller may see.
    pub visibility: &'a Visibility,
    /// Results skipped (capped at [`MAX_OFFSET`]).
    pub offset: usize,
    /// Results returned.
    pub limit: usize,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Its type.
    pub doc_type: DocType,
    /// Its key within the type.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its public text (for the snippet).
    pub text: String,
    /// Its district, if any.
    pub district: Option<i32>,
    /// Its organization, if any.
    pub organization: Option<i32>,
    /// Relevance.
    pub score: f32,
}

/// Counts per value, per dimension, most frequent first.
pub type Facets = Vec<(Dimension, Vec<(String, u64)>)>;

/// The answer to a search.
#[derive(Debug, Clone, Default)]
pub struct IndexResults {
    /// The page of results.
    pub hits: Vec<Hit>,
    /// How many results there are.
    pub total: u64,
    /// Counts per facet value: for a dimension with a filter, counted without that filter
    /// (so the other values stay selectable), else under every filter.
    pub facets: Facets,
    /// True when no record matched every word and records matching some are shown.
    pub relaxed: bool,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    key: Field,
    doc_type: Field,
    id: Field,
    title: Field,
    text_stored: Field,
    name: Field,
    short: Field,
    pinyin: Field,
    prefix: Field,
    code: Field,
    text: Field,
    private: Field,
    district: Field,
    organization: Field,
    public: Field,
    facet: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let terms = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        doc_type: b.add_text_field("doc_type", STRING | STORED),
        id: b.add_i64_field("id", STORED),
        title: b.add_text_field("title", STORED),
        text_stored: b.add_text_field("text_stored", STORED),
        name: b.add_text_field("name", terms.clone()),
        short: b.add_text_field("short", terms.clone()),
        pinyin: b.add_text_field("pinyin", terms.clone()),
        prefix: b.add_text_field("prefix", terms.clone()),
        code: b.add_text_field("code", terms.clone()),
        text: b.add_text_field("text", terms.clone()),
        private: b.add_text_field("private", terms),
        district: b.add_u64_field("district", INDEXED | FAST | STORED),
        organization: b.add_u64_field("organization", INDEXED | STORED),
        public: b.add_u64_field("public", INDEXED),
        facet: b.add_facet_field(FACET_FIELD, FacetOptions::default()),
    };
    (b.build(), fields)
}

/// The state stored with an index's last commit, if it can be read.
fn stored_state(index: &Index) -> Option<IndexState> {
    index.load_metas().ok().and_then(|m| m.payload).and_then(|p| serde_json::from_str(&p).ok())
}

fn index_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Index(e.to_string())
}

/// One node's index: in a folder (kept across restarts) or in memory (tests, and databases
/// that are themselves in memory).
pub struct SearchIndex {
    reader: IndexReader,
    index: Index,
    /// One writer at a time (tantivy locks the folder); `None` only while it is swapped.
    writer: Mutex<Option<IndexWriter>>,
    f: Fields,
    dir: Option<PathBuf>,
    facets: FacetTables,
    dense: Arc<DenseTerms>,
}

/// The writer, locked.
struct WriterGuard<'a>(std::sync::MutexGuard<'a, Option<IndexWriter>>);

impl std::ops::Deref for WriterGuard<'_> {
    type Target = IndexWriter;
    fn deref(&self) -> &IndexWriter {
        // `lock` hands out a guard only over a writer that is there.
        self.0.as_ref().unwrap_or_else(|| unreachable!("checked in lock"))
    }
}

impl std::ops::DerefMut for WriterGuard<'_> {
    fn deref_mut(&mut self) -> &mut IndexWriter {
        self.0.as_mut().unwrap_or_else(|| unreachable!("checked in lock"))
    }
}

/// A writer with the rebuild's budget over the cores, or the small single-thread one.
fn new_writer(index: &Index, bulk: bool) -> tantivy::Result<IndexWriter> {
    if bulk {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
        index.writer_with_num_threads(threads, WRITER_MEMORY)
    } else {
        index.writer_with_num_threads(1, INCREMENTAL_MEMORY)
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir` (created if missing), or a new one in memory. The state is
    /// `None` when the index is new, of another version, or unreadable: it was (re)created
    /// empty and must be rebuilt.
    pub fn open(dir: Option<&Path>) -> Result<(Self, Option<IndexState>), StoreError> {
        let (schema, f) = schema();
        let (index, state) = match dir {
            None => (Index::create_in_ram(schema), None),
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(index_err)?;
                let existing = Index::open_in_dir(dir).ok().and_then(|index| {
                    let state = stored_state(&index).filter(|s| s.version == VERSION && index.schema() == schema);
                    state.map(|s| (index, s))
                });
                match existing {
                    Some((index, state)) => (index, Some(state)),
                    None => {
                        // Whatever is there is not an index we can use: start afresh.
                        std::fs::remove_dir_all(dir).map_err(index_err)?;
                        std::fs::create_dir_all(dir).map_err(index_err)?;
                        (Index::create_in_dir(dir, schema).map_err(index_err)?, None)
                    }
                }
            }
        };
        index.tokenizers().register(TOKENIZER, TextAnalyzer::builder(WhitespaceTokenizer::default()).build());
        let writer = new_writer(&index, false).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => {
                StoreError::IndexLocked(dir.map(Path::to_path_buf).unwrap_or_default())
            }
            other => index_err(other),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(index_err)?;
        let facets = FacetTables::new(FACET_FIELD);
        facets.refresh(&reader.searcher()).map_err(index_err)?;
        let dense = Arc::new(DenseTerms::default());
        Ok((
            Self { reader, index, writer: Mutex::new(Some(writer)), f, dir: dir.map(Path::to_path_buf), facets, dense },
            state,
        ))
    }

    /// Bytes on disk (0 in memory).
    pub fn size_on_disk(&self) -> u64 {
        let Some(dir) = &self.dir else { return 0 };
        std::fs::read_dir(dir)
            .map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0)
    }

    /// Documents searchable now.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Removes every document (seen by readers at the next commit).
    pub fn clear(&self) -> Result<(), StoreError> {
        self.lock()?.delete_all_documents().map_err(index_err)?;
        Ok(())
    }

    /// Adds or replaces documents (seen at the next commit). Analysis happens here, on the
    /// calling thread: call it off the async runtime.
    pub fn put(&self, docs: &[Document]) -> Result<(), StoreError> {
        // Analysis (jieba, pinyin) is most of the cost of indexing: spread it over the cores.
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
        let per = docs.len().div_ceil(threads).max(256);
        let analysed: Vec<Vec<(String, TantivyDocument)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = docs
                .chunks(per)
                .map(|chunk| scope.spawn(move || chunk.iter().map(|d| (d.key(), self.to_doc(d))).collect::<Vec<_>>()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        });
        if analysed.iter().map(Vec::len).sum::<usize>() != docs.len() {
            return Err(StoreError::Index("analysing documents failed".into()));
        }
        let writer = self.lock()?;
        for (key, doc) in analysed.into_iter().flatten() {
            writer.delete_term(Term::from_field_text(self.f.key, &key));
            writer.add_document(doc).map_err(index_err)?;
        }
        Ok(())
    }

    /// Removes documents by key (seen at the next commit).
    pub fn delete(&self, keys: &[String]) -> Result<(), StoreError> {
        let writer = self.lock()?;
        for k in keys {
            writer.delete_term(Term::from_field_text(self.f.key, k));
        }
        Ok(())
    }

    /// Makes every change since the last commit visible, recording `state` with it.
    pub fn commit(&self, state: &IndexState) -> Result<(), StoreError> {
        {
            let mut writer = self.lock()?;
            let mut prepared = writer.prepare_commit().map_err(index_err)?;
            prepared.set_payload(&serde_json::to_string(state).map_err(index_err)?);
            prepared.commit().map_err(index_err)?;
        }
        self.reload()
    }

    /// Lets searches see the last commit, with the facet tables of its new segments.
    fn reload(&self) -> Result<(), StoreError> {
        self.reader.reload().map_err(index_err)?;
        let searcher = self.reader.searcher();
        self.dense.refresh(&searcher);
        self.facets.refresh(&searcher).map_err(index_err)
    }

    /// Merges the committed segments into one and waits for it. Queries over a rebuilt index of
    /// a million documents otherwise walk a dozen segments, each with its own term lookups and
    /// facet dictionaries; one segment answers the common queries measurably faster
    /// (BENCHMARKS.md). Called after a full rebuild; later updates add small segments that the
    /// merge policy folds in.
    pub fn optimize(&self) -> Result<usize, StoreError> {
        let ids = self.reader.searcher().index().searchable_segment_ids().map_err(index_err)?;
        if ids.len() > 1 {
            let mut writer = self.lock()?;
            writer.merge(&ids).wait().map_err(index_err)?;
        }
        self.reload()?;
        Ok(ids.len())
    }

    /// Drops every change since the last commit (a rebuild that failed half-way must not be
    /// committed by the next catch-up).
    pub fn rollback(&self) -> Result<(), StoreError> {
        self.lock()?.rollback().map_err(index_err)?;
        Ok(())
    }

    fn lock(&self) -> Result<WriterGuard<'_>, StoreError> {
        let guard = self.writer.lock().map_err(|_| StoreError::Index("index writer poisoned".into()))?;
        if guard.is_none() {
            return Err(StoreError::Index("index writer missing".into()));
        }
        Ok(WriterGuard(guard))
    }

    /// Gives the writer the rebuild's memory and threads (`bulk`), or the small budget of
    /// single-record updates. Uncommitted changes are dropped with the old writer.
    pub fn set_bulk(&self, bulk: bool) -> Result<(), StoreError> {
        let mut guard = self.writer.lock().map_err(|_| StoreError::Index("index writer poisoned".into()))?;
        // The folder's lock goes with the old writer; only then can the new one take it.
        drop(guard.take());
        *guard = Some(new_writer(&self.index, bulk).map_err(index_err)?);
        Ok(())
    }

    fn to_doc(&self, d: &Document) -> TantivyDocument {
        let f = &self.f;
        let t = analyze(d);
        let mut doc = TantivyDocument::new();
        doc.add_text(f.key, d.key());
        doc.add_text(f.doc_type, d.doc_type.code());
        doc.add_i64(f.id, d.id);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.text_stored, &d.text);
        for (field, terms) in [
            (f.name, &t.name),
            (f.short, &t.short),
            (f.pinyin, &t.pinyin),
            (f.prefix, &t.prefix),
            (f.code, &t.code),
            (f.text, &t.text),
            (f.private, &t.private),
        ] {
            if !terms.is_empty() {
                doc.add_text(field, terms.join(" "));
            }
        }
        if let Some(district) = d.district.and_then(|v| u64::try_from(v).ok()) {
            doc.add_u64(f.district, district);
            doc.add_facet(f.facet, Facet::from_path([Dimension::District.code(), &district.to_string()]));
        }
        if let Some(org) = d.organization.and_then(|v| u64::try_from(v).ok()) {
            doc.add_u64(f.organization, org);
        }
        doc.add_u64(f.public, u64::from(d.public));
        doc.add_facet(f.facet, Facet::from_path([Dimension::Type.code(), d.doc_type.code()]));
        for (dim, value) in &d.facets {
            doc.add_facet(f.facet, Facet::from_path([dim.code(), value.as_str()]));
        }
        doc
    }

    /// One term. With `dense` (a several-word query over what that searcher sees), a word in
    /// a large share of the documents is matched from its bitset ([`DenseTermQuery`]).
    fn term(&self, field: Field, text: &str, boost: f32, dense: Option<&Searcher>) -> Box<dyn Query> {
        let term = Term::from_field_text(field, text);
        let q: Box<dyn Query> = match dense {
            Some(searcher) if DenseTerms::is_dense(searcher, &term) => {
                Box::new(DenseTermQuery::new(term, Arc::clone(&self.dense)))
            }
            _ => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        };
        if (boost - 1.0).abs() < f32::EPSILON { q } else { Box::new(BoostQuery::new(q, boost)) }
    }

    fn all_of(&self, field: Field, terms: &[String], boost: f32, dense: Option<&Searcher>) -> Option<Box<dyn Query>> {
        match terms {
            [] => None,
            [one] => Some(self.term(field, one, boost, dense)),
            many => {
                let all = every(many.iter().map(|t| self.term(field, t, 1.0, dense)).collect());
                Some(Box::new(BoostQuery::new(all, boost)))
            }
        }
    }

    /// The records a caller's scope reaches (for private fields), or `None` for none.
    fn in_scope(&self, v: &Visibility) -> Option<Box<dyn Query>> {
        if v.all {
            return Some(Box::new(AllQuery));
        }
        let districts = v.districts.iter().filter_map(|d| u64::try_from(*d).ok()).map(|d| (self.f.district, d));
        let orgs = v.organizations.iter().filter_map(|o| u64::try_from(*o).ok()).map(|o| (self.f.organization, o));
        let any: Vec<Box<dyn Query>> = districts.chain(orgs).map(|(field, value)| exact(field, value)).collect();
        if any.is_empty() { None } else { Some(any_of(any)) }
    }

    /// Public records, or records in the caller's scope.
    fn visible(&self, v: &Visibility) -> Box<dyn Query> {
        let public = exact(self.f.public, 1);
        match self.in_scope(v) {
            None => public,
            Some(scope) => any_of(vec![public, scope]),
        }
    }

    /// How one unit can match: any of its forms in any field (private ones under the scope).
    fn unit_query(&self, unit: &Unit, scope: Option<&dyn Query>, names_only: bool) -> Box<dyn Query> {
        any_of(self.unit_clauses(unit, scope, names_only, None))
    }

    /// The ways one unit can match, as separate clauses (any one suffices).
    fn unit_clauses(
        &self,
        unit: &Unit,
        scope: Option<&dyn Query>,
        names_only: bool,
        dense: Option<&Searcher>,
    ) -> Vec<Box<dyn Query>> {
        let f = &self.f;
        let mut any: Vec<Box<dyn Query>> = Vec::new();
        for form in &unit.forms {
            match form {
                Form::Han { run, grams, words } => {
                    any.extend(self.all_of(f.name, grams, BOOST_NAME, dense));
                    any.push(self.term(f.short, run, BOOST_SHORT, dense));
                    if !names_only {
                        any.extend(self.all_of(f.text, words, BOOST_TEXT, dense));
                        if let (Some(scope), Some(private)) = (scope, self.all_of(f.private, words, BOOST_TEXT, dense))
                        {
                            any.push(scoped(private, scope));
                        }
                    }
                }
                Form::Latin { word, grams } => {
                    for split in grams {
                        any.extend(self.all_of(f.pinyin, split, BOOST_PINYIN, dense));
                    }
                    any.push(self.term(f.name, word, BOOST_NAME, dense));
                    any.push(self.term(f.short, word, BOOST_SHORT, dense));
                    any.push(self.term(f.pinyin, word, BOOST_PINYIN, dense));
                    if !names_only {
                        any.push(self.term(f.code, word, BOOST_CODE, dense));
                        any.push(self.term(f.text, word, BOOST_TEXT, dense));
                        if let Some(scope) = scope {
                            any.push(scoped(self.term(f.private, word, BOOST_TEXT, dense), scope));
                        }
                    }
                }
            }
        }
        if !names_only {
            for fix in &unit.corrections {
                let fixed = Unit { forms: vec![fix.clone()], corrections: Vec::new() };
                let q = self.unit_query(&fixed, None, true);
                any.push(Box::new(BoostQuery::new(q, BOOST_CORRECTION)));
            }
        }
        any
    }

    /// Every unit must match. Written as it reads — an intersection of unions — a word found
    /// in most documents ("设计") makes its union decode its whole posting lists for every
    /// query. When the combinations are few, the same set is written as a union of
    /// intersections, one per choice of clause per unit: each intersection is led by its
    /// rarest list and skips through the others, and a word in a large share of the
    /// documents is asked from its bitset ([`DenseTermQuery`]).
    fn all_units(&self, units: &[Unit], scope: Option<&dyn Query>, searcher: &Searcher) -> Box<dyn Query> {
        let dense = (units.len() > 1).then_some(searcher);
        let per_unit: Vec<Vec<Box<dyn Query>>> =
            units.iter().map(|u| self.unit_clauses(u, scope, false, dense)).collect();
        let combinations =
            per_unit.iter().try_fold(1usize, |n, c| n.checked_mul(c.len()).filter(|n| *n <= MAX_EXPANSION));
        match combinations {
            Some(n) if units.len() > 1 && n > 0 => {
                let mut choices: Vec<Vec<Box<dyn Query>>> = vec![Vec::new()];
                for clauses in &per_unit {
                    choices = choices
                        .iter()
                        .flat_map(|chosen| {
                            clauses.iter().map(move |c| {
                                let mut next: Vec<Box<dyn Query>> = chosen.iter().map(|q| q.box_clone()).collect();
                                next.push(c.box_clone());
                                next
                            })
                        })
                        .collect();
                }
                any_of(choices.into_iter().map(every).collect())
            }
            _ => every(per_unit.into_iter().map(any_of).collect()),
        }
    }

    /// Filters of every dimension but `except`, one clause per dimension (its values are
    /// alternatives).
    fn filter_clauses(&self, filters: &[(Dimension, String)], except: Option<Dimension>) -> Vec<Box<dyn Query>> {
        let mut out = Vec::new();
        for dim in Dimension::ALL.into_iter().filter(|d| Some(*d) != except) {
            let values: Vec<Box<dyn Query>> = filters
                .iter()
                .filter(|(d, _)| *d == dim)
                .map(|(_, v)| {
                    let term = Term::from_facet(self.f.facet, &Facet::from_path([dim.code(), v.as_str()]));
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>
                })
                .collect();
            if !values.is_empty() {
                out.push(zero(any_of(values)));
            }
        }
        out
    }

    /// Whether the index holds a document this caller may not see: only then does a search
    /// need the visibility filter. A filter that every document passes (every organization
    /// is public) still costs a check per match, and it keeps tantivy from its block-max
    /// top-k search, which prunes only a query that is a plain union of terms. Deleted
    /// documents still count here, which errs on the side of filtering.
    fn hides_any(&self, searcher: &Searcher, v: &Visibility) -> bool {
        !v.all && searcher.doc_freq(&Term::from_field_u64(self.f.public, 0)).map_or(true, |n| n > 0)
    }

    fn build(
        &self,
        q: &IndexQuery<'_>,
        relaxed: bool,
        except: Option<Dimension>,
        searcher: &Searcher,
    ) -> Box<dyn Query> {
        let scope = self.in_scope(q.visibility);
        let matched = if relaxed {
            // One flat union (the same matches and scores as a union of the units' unions),
            // which tantivy can prune.
            any_of(q.query.units.iter().flat_map(|u| self.unit_clauses(u, scope.as_deref(), false, None)).collect())
        } else {
            self.all_units(&q.query.units, scope.as_deref(), searcher)
        };
        let mut clauses = vec![matched];
        if self.hides_any(searcher, q.visibility) {
            clauses.push(zero(self.visible(q.visibility)));
        }
        clauses.extend(self.filter_clauses(q.filters, except));
        every(clauses)
    }

    /// Runs a search. An empty query finds nothing.
    pub fn search(&self, q: &IndexQuery<'_>) -> Result<IndexResults, StoreError> {
        if q.query.is_empty() {
            return Ok(IndexResults::default());
        }
        let searcher = self.reader.searcher();
        let offset = q.offset.min(MAX_OFFSET);
        let limit = q.limit.max(1);
        let page = || TopDocs::with_limit(limit).and_offset(offset).order_by_score();
        // One word (and the relaxed union of several) is ranked by tantivy's block-max WAND,
        // which skips most matches, so its total and facets are counted in a pass of their
        // own without scores (tantivy then skips term frequencies and BM25). Several words
        // make a union of intersections that WAND cannot prune: every match is scored
        // anyway, and one pass that ranks and counts together saves walking them twice.
        let run = |query: &dyn Query, one_pass: bool| -> Result<_, StoreError> {
            if one_pass {
                let (top, counted) = searcher.search(query, &(page(), self.facets.counter())).map_err(index_err)?;
                Ok((counted, top))
            } else {
                let counted = searcher.search(query, &self.facets.counter()).map_err(index_err)?;
                let top =
                    if counted.total == 0 { Vec::new() } else { searcher.search(query, &page()).map_err(index_err)? };
                Ok((counted, top))
            }
        };
        let several = q.query.units.len() > 1;
        let mut relaxed = false;
        let mut query = self.build(q, false, None, &searcher);
        let (mut counted, mut top) = run(&*query, several)?;
        if counted.total == 0 && several {
            // Several words that matched nothing together: any of them.
            relaxed = true;
            query = self.build(q, true, None, &searcher);
            (counted, top) = run(&*query, false)?;
        }
        let total = counted.total;
        let active: HashSet<Dimension> = q.filters.iter().map(|(d, _)| *d).collect();
        let mut facets = Vec::new();
        for dim in Dimension::ALL {
            let values = if active.contains(&dim) {
                let without = self.build(q, relaxed, Some(dim), &searcher);
                searcher.search(&*without, &self.facets.counter()).map_err(index_err)?.of(dim)
            } else {
                counted.of(dim)
            };
            facets.push((dim, values));
        }
        let hits = top.into_iter().filter_map(|(score, addr)| self.hit(&searcher, addr, score)).collect();
        Ok(IndexResults { hits, total, facets, relaxed })
    }

    /// Completions for what is being typed: names that contain the Han text or whose pinyin
    /// or initials start with the last Latin word.
    pub fn suggest(&self, query: &TextQuery, visibility: &Visibility, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let Some((last, rest)) = query.units.split_last() else { return Ok(Vec::new()) };
        let mut clauses: Vec<Box<dyn Query>> = rest.iter().map(|u| self.unit_query(u, None, true)).collect();
        clauses.push(match last.forms.first() {
            Some(Form::Latin { word, .. }) => {
                let f = &self.f;
                any_of(vec![
                    self.term(f.prefix, word, BOOST_PINYIN, None),
                    self.term(f.name, word, BOOST_NAME, None),
                    self.term(f.short, word, BOOST_SHORT, None),
                ])
            }
            _ => self.unit_query(last, None, true),
        });
        let searcher = self.reader.searcher();
        if self.hides_any(&searcher, visibility) {
            clauses.push(zero(self.visible(visibility)));
        }
        let query = every(clauses);
        let top = searcher.search(&*query, &TopDocs::with_limit(limit.max(1)).order_by_score()).map_err(index_err)?;
        Ok(top.into_iter().filter_map(|(score, addr)| self.hit(&searcher, addr, score)).collect())
    }

    fn hit(&self, searcher: &tantivy::Searcher, addr: DocAddress, score: f32) -> Option<Hit> {
        let doc: TantivyDocument = searcher.doc(addr).ok()?;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        Some(Hit {
            doc_type: DocType::parse(doc.get_first(self.f.doc_type).and_then(|v| v.as_str())?)?,
            id: doc.get_first(self.f.id).and_then(|v| v.as_i64())?,
            title: text(self.f.title),
            text: text(self.f.text_stored),
            district: doc.get_first(self.f.district).and_then(|v| v.as_u64()).and_then(|v| i32::try_from(v).ok()),
            organization: doc
                .get_first(self.f.organization)
                .and_then(|v| v.as_u64())
                .and_then(|v| i32::try_from(v).ok()),
            score,
        })
    }
}

/// `query` only where `scope` holds.
fn scoped(query: Box<dyn Query>, scope: &dyn Query) -> Box<dyn Query> {
    every(vec![query, zero(scope.box_clone())])
}

/// Documents whose numeric `field` holds `value`.
fn exact(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_u64(field, value), IndexRecordOption::Basic))
}

/// Matches when any of `clauses` does (their scores add up).
fn any_of(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    combine(clauses, Occur::Should)
}

/// Matches when every one of `clauses` does.
fn every(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    combine(clauses, Occur::Must)
}

/// One clause stays itself (the same matches and score): tantivy recognises a union of
/// term queries, and prunes it with block-max WAND, only when nothing wraps it.
fn combine(mut clauses: Vec<Box<dyn Query>>, occur: Occur) -> Box<dyn Query> {
    match (clauses.pop(), clauses.is_empty()) {
        (Some(one), true) => one,
        (last, _) => {
            clauses.extend(last);
            Box::new(BooleanQuery::new(clauses.into_iter().map(|q| (occur, q)).collect()))
        }
    }
}

/// A filter: matches like `query`, adds nothing to the score.
fn zero(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use sheji_core::search::Synonyms;

    fn doc(id: i64, district: i32, clusters: &[u32], public: bool) -> Document {
        let mut facets = vec![(Dimension::Kind, if id % 2 == 0 { "manufacturer" } else { "design_firm" }.to_owned())];
        facets.extend(clusters.iter().map(|c| (Dimension::Cluster, c.to_string())));
        Document {
            doc_type: DocType::Organization,
            id,
            title: format!("重庆长安第{id}设计有限公司"),
            short_names: Vec::new(),
            codes: Vec::new(),
            text: "工业设计".to_owned(),
            private_text: String::new(),
            district: Some(district),
            organization: Some(i32::try_from(id).unwrap()),
            public,
            facets,
        }
    }

    fn search(index: &SearchIndex, q: &str, filters: &[(Dimension, String)], v: &Visibility) -> IndexResults {
        let query = TextQuery::parse(q, &Synonyms::default());
        index.search(&IndexQuery { query: &query, filters, visibility: v, offset: 0, limit: 5 }).unwrap()
    }

    /// Counts every value of `dim` among the documents a caller may see, by hand.
    fn by_hand(docs: &[Document], dim: Dimension) -> Vec<(String, u64)> {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for d in docs {
            let values: Vec<String> = match dim {
                Dimension::Type => vec![d.doc_type.code().to_owned()],
                Dimension::District => d.district.iter().map(i32::to_string).collect(),
                _ => d.facets.iter().filter(|(x, _)| *x == dim).map(|(_, v)| v.clone()).collect(),
            };
            for v in values {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut out: Vec<(String, u64)> = counts.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    #[test]
    fn facet_counts_match_a_count_by_hand_across_segments_replacements_and_many_values() {
        let (index, _) = SearchIndex::open(None).unwrap();
        let state = IndexState::new("test", 0, DateTime::UNIX_EPOCH);
        // 300 clusters in one segment: 9-bit value codes, six to a word; document 7 has 40
        // clusters and cannot be packed.
        let mut docs: Vec<Document> =
            (1..=300).map(|id| doc(id, (id % 7) as i32 + 1, &[id as u32, (id as u32 + 1) % 300], true)).collect();
        docs[6] = doc(7, 3, &(0..40).collect::<Vec<u32>>(), true);
        index.put(&docs).unwrap();
        index.commit(&state).unwrap();
        // A second segment, and a replacement that leaves a deleted copy in the first.
        let later = vec![doc(301, 2, &[5], true), doc(12, 6, &[299], true)];
        index.put(&later).unwrap();
        index.commit(&state).unwrap();
        docs[11] = later[1].clone();
        docs.push(later[0].clone());

        let anyone = Visibility::default();
        let found = search(&index, "长安", &[], &anyone);
        assert_eq!(found.total, docs.len() as u64);
        for dim in Dimension::ALL {
            let got = found.facets.iter().find(|(d, _)| *d == dim).map(|(_, v)| v.clone()).unwrap();
            assert_eq!(got, by_hand(&docs, dim), "{dim:?}");
        }
        // Two words take the one-pass path; a filter recounts its own dimension without it.
        let filtered = search(&index, "长安 设计", &[(Dimension::Cluster, "5".to_owned())], &anyone);
        let with_5: Vec<Document> =
            docs.iter().filter(|d| d.facets.contains(&(Dimension::Cluster, "5".to_owned()))).cloned().collect();
        assert_eq!(filtered.total, with_5.len() as u64);
        let district = filtered.facets.iter().find(|(d, _)| *d == Dimension::District).unwrap();
        assert_eq!(district.1, by_hand(&with_5, Dimension::District));
        let clusters = filtered.facets.iter().find(|(d, _)| *d == Dimension::Cluster).unwrap();
        assert_eq!(clusters.1, by_hand(&docs, Dimension::Cluster));
    }

    #[test]
    fn a_record_that_is_not_public_is_found_only_within_scope() {
        let (index, _) = SearchIndex::open(None).unwrap();
        index.put(&[doc(1, 1, &[], true), doc(2, 2, &[], false)]).unwrap();
        index.commit(&IndexState::new("test", 0, DateTime::UNIX_EPOCH)).unwrap();
        let ids = |r: &IndexResults| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
        let anyone = search(&index, "长安", &[], &Visibility::default());
        assert_eq!((anyone.total, ids(&anyone)), (1, vec![1]));
        let district = anyone.facets.iter().find(|(d, _)| *d == Dimension::District).unwrap();
        assert_eq!(district.1, vec![("1".to_owned(), 1)]);
        let branch = Visibility { districts: vec![2], ..Visibility::default() };
        assert_eq!(search(&index, "长安", &[], &branch).total, 2);
        let query = TextQuery::parse("长安", &Synonyms::default());
        assert_eq!(index.suggest(&query, &Visibility::default(), 5).unwrap().len(), 1);
        assert_eq!(index.suggest(&query, &branch, 5).unwrap().len(), 2);
    }

    /// Past a few thousand documents a word in most of them is matched from a bitset in a
    /// several-word query: the matches, the total and the counts stay those of the posting
    /// lists, across segments and a replaced document.
    #[test]
    fn a_common_word_read_from_its_bitset_matches_what_its_postings_do() {
        let (index, _) = SearchIndex::open(None).unwrap();
        let state = IndexState::new("test", 0, DateTime::UNIX_EPOCH);
        // Every 50th name holds 摩托; every 100th of those lacks 设计 everywhere.
        let make = |id: i64| {
            let mut d = doc(id, (id % 5) as i32 + 1, &[], true);
            if id % 50 == 0 {
                d.title = format!("重庆摩托第{id}设计有限公司");
            }
            if id % 100 == 0 {
                d.title = format!("重庆摩托第{id}有限公司");
                d.text = "工业".to_owned();
            }
            d
        };
        let mut docs: Vec<Document> = (1..=5_000).map(make).collect();
        index.put(&docs).unwrap();
        index.commit(&state).unwrap();
        let mut replaced = make(150);
        replaced.text = "工业".to_owned();
        replaced.title = "重庆摩托第150有限公司".to_owned();
        index.put(&[replaced.clone(), make(5_050)]).unwrap();
        index.commit(&state).unwrap();
        docs[149] = replaced;
        docs.push(make(5_050));

        let searcher = index.reader.searcher();
        assert!(DenseTerms::is_dense(&searcher, &Term::from_field_text(index.f.text, "设计")));
        let expected: Vec<Document> = docs
            .iter()
            .filter(|d| d.title.contains("摩托") && (d.title.contains("设计") || d.text.contains("设计")))
            .cloned()
            .collect();
        let found = search(&index, "摩托 设计", &[], &Visibility::default());
        assert_eq!(found.total, expected.len() as u64);
        assert!(!found.relaxed);
        let district = found.facets.iter().find(|(d, _)| *d == Dimension::District).unwrap();
        assert_eq!(district.1, by_hand(&expected, Dimension::District));
        let wanted: HashSet<i64> = expected.iter().map(|d| d.id).collect();
        assert!(found.hits.iter().all(|h| wanted.contains(&h.id)), "{:?}", found.hits);
    }
}
