//! One Chinese search over the platform: keeping this node's index in step with the
//! database, and answering searches and completions within the caller's scope.
//!
//! The database is the source of truth. Writes add outbox rows in their own transaction;
//! [`catch_up`] applies them — on the writing node before its answer (through
//! `Services::registry_written`), on every other node from the follower loop within a
//! second. A missing, foreign (another database) or stale index is rebuilt when it is
//! attached, and `sheji search reindex` rebuilds it on demand.
//!
//! Each module that makes records searchable supplies two functions — its documents by id,
//! and a scan in id order for rebuilds — and is listed in [`load`] and [`scan`].

use crate::work::Work;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use sheji_core::i18n::Lang;
use sheji_core::identity::{Permission, Principal};
use sheji_core::page::PageRequest;
use sheji_core::search::{Dimension, DocType, Document, Query, Segment, Synonyms, highlight, key, snippet};
use sheji_store::search::{self as store, IndexQuery, IndexState, SearchIndex, Visibility};

use crate::audit::{Actor, Change};
use crate::{ServiceError, Services};

/// The setting that holds the synonym list.
const SYNONYMS_KEY: &str = "search.synonyms";
/// The setting that names this database, so an index is never reused for another one.
const INSTANCE_KEY: &str = "search.instance";
/// Outbox rows read per step.
const STEP: u64 = 5_000;
/// Documents analysed and added per step of a rebuild.
const REBUILD_BATCH: u64 = 5_000;
/// How long a gap in the outbox ids is watched for a late commit.
const HOLE_SECONDS: i64 = 30;
/// Gaps watched at most.
const MAX_HOLES: usize = 1_000;
/// Characters of text shown around a match.
const SNIPPET_CHARS: usize = 90;
/// Completions returned.
pub const SUGGESTIONS: usize = 8;
/// Results per page at most.
const MAX_PER_PAGE: u64 = 50;

/// This node's index and how far it has applied the outbox.
pub struct Engine {
    index: Arc<SearchIndex>,
    instance: String,
    progress: tokio::sync::Mutex<Progress>,
    /// Wakes the follower: a write on this node was committed.
    wake: tokio::sync::Notify,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("index", &self.index).finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Progress {
    applied: i32,
    /// Outbox ids below `applied` not seen yet, with when the gap was noticed: a transaction
    /// that took its id earlier may still commit.
    holes: BTreeMap<i32, DateTime<Utc>>,
}

/// What attaching the index did.
#[derive(Debug, Clone)]
pub struct Attached {
    /// Documents indexed by a rebuild, if one was needed.
    pub rebuilt: Option<Rebuilt>,
    /// Documents searchable now.
    pub documents: u64,
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct Rebuilt {
    /// Documents indexed.
    pub documents: u64,
    /// Wall time.
    pub seconds: f64,
    /// Index size on disk afterwards (0 in memory).
    pub bytes: u64,
}

/// Opens this node's index (in `dir`, or in memory) and brings it up to date: rebuilt when
/// new, unreadable, made from another database, or out of step with the outbox kept; else
/// caught up from the outbox. Fails when another process holds the folder.
pub async fn attach(services: Services, dir: Option<&Path>) -> Result<(Services, Attached), ServiceError> {
    let instance = instance(&services).await?;
    let path = dir.map(Path::to_path_buf);
    let (index, state) = blocking(move || SearchIndex::open(path.as_deref())).await?;
    // Reusable only when made from this database, not ahead of its outbox (a database
    // restored from a backup), and not behind its oldest kept row (rows it needed were pruned).
    let (first, last) = (store::first_seq(services.store()).await?, store::last_seq(services.store()).await?);
    let usable = state.filter(|s| {
        s.instance == instance && s.applied <= last && first.is_none_or(|f| f <= s.applied.saturating_add(1))
    });
    let engine = Arc::new(Engine {
        index: Arc::new(index),
        instance,
        wake: tokio::sync::Notify::new(),
        progress: tokio::sync::Mutex::new(Progress {
            applied: usable.as_ref().map(|s| s.applied).unwrap_or_default(),
            holes: BTreeMap::new(),
        }),
    });
    let services = services.with_search(engine);
    let rebuilt = if usable.is_none() { Some(rebuild(&services).await?) } else { None };
    catch_up(&services).await?;
    let documents = services.search().map(|e| e.index.num_docs()).unwrap_or_default();
    Ok((services, Attached { rebuilt, documents }))
}

/// The database's instance id, made on first use.
async fn instance(services: &Services) -> Result<String, ServiceError> {
    if let Some(id) = sheji_store::identity::get_setting(services.store(), INSTANCE_KEY).await? {
        return Ok(id);
    }
    let id = crate::crypto::random_token(16).map_err(ServiceError::internal)?;
    let tx = services.store().begin().await?;
    // Two nodes starting at once on a new database: the second insert fails, and both then
    // read the one that won.
    let written = sheji_store::identity::put_setting(&tx, INSTANCE_KEY, &id, services.now()).await;
    if written.is_ok() {
        tx.commit().await?;
    }
    Ok(sheji_store::identity::get_setting(services.store(), INSTANCE_KEY).await?.unwrap_or(id))
}

/// Rebuilds this node's index from the records. Searches keep answering from the old index
/// until the new one is committed.
pub async fn rebuild(services: &Services) -> Result<Rebuilt, ServiceError> {
    let Some(engine) = services.search() else { return Err(not_attached()) };
    let started = Instant::now();
    let mut progress = engine.progress.lock().await;
    // A rebuild indexes with the large budget over the cores; updates afterwards with the
    // small one (whose commits are cheap).
    let index = engine.index.clone();
    blocking(move || index.set_bulk(true)).await?;
    let rebuilt = rebuild_locked(services, engine, &mut progress, started).await;
    let index = engine.index.clone();
    if let Err(e) = blocking(move || index.set_bulk(false)).await {
        tracing::warn!(error = %e, "search: returning to the update writer failed");
    }
    rebuilt
}

async fn rebuild_locked(
    services: &Services,
    engine: &Engine,
    progress: &mut Progress,
    started: Instant,
) -> Result<Rebuilt, ServiceError> {
    // Rows after this one are applied again afterwards; applying twice is harmless.
    let from = store::last_seq(services.store()).await?;
    let refilled = refill(services, engine).await;
    if refilled.is_err() {
        let index = engine.index.clone();
        if let Err(e) = blocking(move || index.rollback()).await {
            tracing::warn!(error = %e, "search: rolling back a failed rebuild failed");
        }
    }
    let documents = refilled?;
    let state = IndexState::new(&engine.instance, from, services.now());
    let index = engine.index.clone();
    blocking(move || index.commit(&state)).await?;
    let index = engine.index.clone();
    let merged = blocking(move || index.optimize()).await?;
    tracing::info!(segments = merged, "search: rebuilt index merged into one segment");
    progress.applied = from;
    progress.holes.clear();
    Ok(Rebuilt { documents, seconds: started.elapsed().as_secs_f64(), bytes: engine.index.size_on_disk() })
}

/// Empties the index and adds every document again, uncommitted; how many.
async fn refill(services: &Services, engine: &Engine) -> Result<u64, ServiceError> {
    let index = engine.index.clone();
    blocking(move || index.clear()).await?;
    let mut documents = 0u64;
    // The next batch is read from the database while the previous one is analysed.
    let mut pending: Option<tokio::task::JoinHandle<Result<(), sheji_store::StoreError>>> = None;
    for doc_type in DocType::ALL {
        let mut after = 0i64;
        loop {
            let docs = scan(services, doc_type, after, REBUILD_BATCH).await?;
            if let Some(previous) = pending.take() {
                joined(previous.await)?;
            }
            let Some(last) = docs.last().map(|d| d.id) else { break };
            after = last;
            documents += docs.len() as u64;
            let index = engine.index.clone();
            pending = Some(tokio::task::spawn_blocking(move || index.put(&docs)));
        }
    }
    if let Some(previous) = pending.take() {
        joined(previous.await)?;
    }
    Ok(documents)
}

/// Applies the outbox rows this node has not applied yet; how many documents changed.
pub async fn catch_up(services: &Services) -> Result<u64, ServiceError> {
    let Some(engine) = services.search() else { return Ok(0) };
    let mut changed = 0u64;
    loop {
        let mut progress = engine.progress.lock().await;
        let now = services.now();
        let horizon = now - Duration::seconds(HOLE_SECONDS);
        progress.holes.retain(|_, seen| *seen >= horizon);
        let holes: Vec<i32> = progress.holes.keys().copied().collect();
        let rows = store::changes(services.store(), progress.applied, &holes, STEP).await?;
        if rows.is_empty() {
            return Ok(changed);
        }
        let full = rows.len() as u64 >= STEP;
        if rows.iter().any(|c| c.doc.is_none()) {
            drop(progress);
            rebuild(services).await?;
            continue;
        }
        let mut by_type: BTreeMap<DocType, Vec<i64>> = BTreeMap::new();
        let mut top = progress.applied;
        for c in &rows {
            progress.holes.remove(&c.seq);
            if c.seq > top {
                for gap in top + 1..c.seq {
                    if progress.holes.len() < MAX_HOLES {
                        progress.holes.insert(gap, now);
                    }
                }
                top = c.seq;
            }
            if let Some((t, id)) = c.doc {
                by_type.entry(t).or_default().push(id);
            }
        }
        let mut docs = Vec::new();
        let mut gone = Vec::new();
        for (t, mut ids) in by_type {
            ids.sort_unstable();
            ids.dedup();
            let found = load(services, t, &ids).await?;
            let present: std::collections::HashSet<i64> = found.iter().map(|d| d.id).collect();
            gone.extend(ids.iter().filter(|id| !present.contains(id)).map(|id| key(t, *id)));
            docs.extend(found);
        }
        changed += docs.len() as u64 + gone.len() as u64;
        let state = IndexState::new(&engine.instance, top, now);
        let index = engine.index.clone();
        let started = Instant::now();
        let batch = docs.len() + gone.len();
        blocking(move || {
            index.put(&docs)?;
            index.delete(&gone)?;
            index.commit(&state)
        })
        .await?;
        tracing::debug!(batch, ms = started.elapsed().as_secs_f64() * 1000.0, "search: committed");
        progress.applied = top;
        if !full {
            return Ok(changed);
        }
    }
}

/// Asks every node to rebuild (after a bulk load that wrote no outbox rows), and rebuilds
/// this node's index now if it has one.
pub async fn bulk_loaded(services: &Services) -> Result<(), ServiceError> {
    let tx = services.store().begin().await?;
    store::enqueue_rebuild(&tx, services.now()).await?;
    tx.commit().await?;
    catch_up(services).await?;
    Ok(())
}

/// Keeps this node's index in step with writes made by other nodes and by the CLI: every
/// half second it applies new outbox rows (pruning them is a recurring job of the queue).
pub fn spawn_follower(services: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // Every half second for other nodes' writes; at once for this node's. Writes that
            // arrive during a commit wake it once more, and the next commit takes them all.
            match services.search() {
                Some(engine) => {
                    tokio::select! {
                        _ = tick.tick() => {}
                        () = engine.wake.notified() => {}
                    }
                }
                None => {
                    tick.tick().await;
                }
            }
            if let Err(e) = catch_up(&services).await {
                tracing::warn!(error = %e, "search: catching up from the outbox failed; retrying");
            }
        }
    })
}

/// Wakes this node's follower to apply the outbox (after a write on this node).
pub(crate) fn wake(services: &Services) {
    if let Some(engine) = services.search() {
        engine.wake.notify_one();
    }
}

/// Brings the index up to every change committed before this call, if it is behind: a search
/// sees what was written before it began (its own writer's change included), while writes
/// themselves return without waiting for the index (the follower commits them in batches).
async fn fresh(services: &Services, engine: &Engine) -> Result<(), ServiceError> {
    let last = store::last_seq(services.store()).await?;
    let behind = {
        let progress = engine.progress.lock().await;
        last > progress.applied || !progress.holes.is_empty()
    };
    if behind {
        catch_up(services).await?;
    }
    Ok(())
}

/// Deletes outbox rows past the retention period (a recurring job, hourly for the whole
/// deployment).
pub async fn prune(services: &Services) -> Result<u64, ServiceError> {
    let tx = services.store().begin().await?;
    let n = store::prune(&tx, services.now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// The documents of one type by id (those that exist).
async fn load(services: &Services, doc_type: DocType, ids: &[i64]) -> Result<Vec<Document>, ServiceError> {
    match doc_type {
        DocType::Organization => crate::registry::search_documents(services, ids).await,
        DocType::Demand | DocType::Offer => crate::matchmaking::search_documents(services, doc_type, ids).await,
    }
}

/// Up to `limit` documents of one type after id `after`, in id order.
async fn scan(services: &Services, doc_type: DocType, after: i64, limit: u64) -> Result<Vec<Document>, ServiceError> {
    match doc_type {
        DocType::Organization => crate::registry::search_scan(services, after, limit).await,
        DocType::Demand | DocType::Offer => crate::matchmaking::search_scan(services, doc_type, after, limit).await,
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, sheji_store::StoreError> + Send + 'static,
) -> Result<T, ServiceError> {
    joined(tokio::task::spawn_blocking(f).await)
}

fn joined<T>(result: Result<Result<T, sheji_store::StoreError>, tokio::task::JoinError>) -> Result<T, ServiceError> {
    result.map_err(|e| ServiceError::Store(sheji_store::StoreError::Index(e.to_string())))?.map_err(ServiceError::from)
}

fn not_attached() -> ServiceError {
    ServiceError::Conflict { key: "search.not_attached" }
}

// ---------------------------------------------------------------------------------------
// Searching

/// A search as asked.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// What was typed.
    pub q: String,
    /// Facet filters (dimension, value code).
    pub filters: Vec<(Dimension, String)>,
    /// Which page.
    pub page: PageRequest,
}

/// One result, ready to show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    /// Its type code.
    #[serde(rename = "type")]
    pub doc_type: &'static str,
    /// Its key within the type.
    pub id: i64,
    /// Its title, matches marked.
    pub title: Vec<Segment>,
    /// Text around the first match, matches marked (public text only).
    pub snippet: Vec<Segment>,
    /// Where it is shown.
    pub url: String,
    /// Relevance (higher first).
    pub score: f32,
}

impl SearchHit {
    /// The title as plain text.
    pub fn title_text(&self) -> String {
        self.title.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A facet value with its count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FacetValue {
    /// The value code (for the filter parameter).
    pub value: String,
    /// Its name.
    pub label: String,
    /// Results with it.
    pub count: u64,
    /// Whether the filter is on.
    pub selected: bool,
}

/// One dimension's values.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FacetView {
    /// The dimension code (the filter parameter's name).
    pub dimension: &'static str,
    /// Its values, most frequent first.
    pub values: Vec<FacetValue>,
}

/// A page of results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchPage {
    /// The query as typed.
    pub query: String,
    /// Results in all.
    pub total: u64,
    /// This page (from 1).
    pub page: u64,
    /// Results per page.
    pub per_page: u64,
    /// No result matched every word; these match some.
    pub relaxed: bool,
    /// The query was empty (nothing to look for after punctuation was removed).
    pub empty_query: bool,
    /// The results.
    pub hits: Vec<SearchHit>,
    /// Counts per facet.
    pub facets: Vec<FacetView>,
}

impl SearchPage {
    /// Pages in all (reachable ones only).
    pub fn pages(&self) -> u64 {
        let reachable = self.total.min((store::index::MAX_OFFSET as u64) + self.per_page);
        reachable.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// A completion for the search box.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SuggestionView {
    /// Type code.
    #[serde(rename = "type")]
    pub doc_type: &'static str,
    /// Key within the type.
    pub id: i64,
    /// The title.
    pub title: String,
    /// Where it is shown.
    pub url: String,
}

/// What `caller` may see beyond public records, as the index understands it.
fn visibility(services: &Services, caller: Option<&Principal>) -> Visibility {
    let scope = sheji_core::identity::scope_of(caller, Permission::RegistryReadPrivate, services.now());
    Visibility {
        all: scope.all,
        districts: scope.districts.iter().map(|d| d.get()).collect(),
        organizations: scope.organizations.iter().map(|o| o.get()).collect(),
    }
}

/// Where a result is shown: the staff page when the caller's scope reaches the record, else
/// the public page.
fn url_of(doc_type: DocType, id: i64, district: Option<i32>, organization: Option<i32>, v: &Visibility) -> String {
    let reached = v.all
        || district.is_some_and(|d| v.districts.contains(&d))
        || organization.is_some_and(|o| v.organizations.contains(&o));
    match doc_type {
        DocType::Organization if reached => format!("/admin/organizations/{id}"),
        DocType::Organization => format!("/organizations/{id}"),
        DocType::Demand => format!("/demands/{id}"),
        DocType::Offer => format!("/offers/{id}"),
    }
}

/// The synonym list (cached for a few seconds per node).
pub async fn synonyms(services: &Services) -> Result<Synonyms, ServiceError> {
    if let Some(s) = services.cached_synonyms() {
        return Ok(s);
    }
    let text = sheji_store::identity::get_setting(services.store(), SYNONYMS_KEY).await?.unwrap_or_default();
    let s = Synonyms::parse(&text);
    services.remember_synonyms(s.clone());
    Ok(s)
}

/// Replaces the synonym list (administrators only); audited. Returns the list as stored.
pub async fn save_synonyms(
    services: &Services,
    caller: &Principal,
    ip: &str,
    text: &str,
) -> Result<Synonyms, ServiceError> {
    let now = services.now();
    if !caller.scope(Permission::SettingsEdit, now).all {
        return Err(ServiceError::Forbidden);
    }
    if text.chars().count() > 100_000 {
        return Err(ServiceError::Invalid { key: "search.synonyms_too_long", args: vec![] });
    }
    let parsed = Synonyms::parse(text);
    let before = sheji_store::identity::get_setting(services.store(), SYNONYMS_KEY).await?.unwrap_or_default();
    let stored = parsed.to_text();
    let tx = Work::begin(services).await?;
    sheji_store::identity::put_setting(&tx, SYNONYMS_KEY, &stored, now).await?;
    let change = Change {
        action: "search.synonyms",
        target_type: "setting",
        target_id: SYNONYMS_KEY.to_owned(),
        before: serde_json::json!(before),
        after: serde_json::json!(stored),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.settings_written();
    Ok(parsed)
}

/// Searches everything the caller may find. Never fails on what was typed: an empty or
/// unusable query gives an empty page.
pub async fn search(
    services: &Services,
    caller: Option<&Principal>,
    request: &SearchRequest,
    lang: Lang,
) -> Result<SearchPage, ServiceError> {
    let Some(engine) = services.search() else { return Err(not_attached()) };
    fresh(services, engine).await?;
    let synonyms = synonyms(services).await?;
    let query = Query::parse(&request.q, &synonyms);
    let per_page = request.page.per_page().clamp(1, MAX_PER_PAGE);
    let page = request.page.page();
    let offset = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let v = visibility(services, caller);
    let filters: Vec<(Dimension, String)> = request.filters.clone();
    let index = engine.index.clone();
    let (q2, v2, f2) = (query.clone(), v.clone(), filters.clone());
    let results = blocking(move || {
        index.search(&IndexQuery {
            query: &q2,
            filters: &f2,
            visibility: &v2,
            offset,
            limit: usize::try_from(per_page).unwrap_or(20),
        })
    })
    .await?;
    let hits = results
        .hits
        .into_iter()
        .map(|h| SearchHit {
            doc_type: h.doc_type.code(),
            id: h.id,
            title: highlight(&h.title, &query),
            snippet: snippet(&h.text, &query, SNIPPET_CHARS),
            url: url_of(h.doc_type, h.id, h.district, h.organization, &v),
            score: h.score,
        })
        .collect();
    let labels = labels(services, lang).await?;
    let facets = results
        .facets
        .into_iter()
        .map(|(dim, values)| FacetView {
            dimension: dim.code(),
            values: values
                .into_iter()
                .map(|(value, count)| FacetValue {
                    label: labels.get(&(dim, value.clone())).cloned().unwrap_or_else(|| value.clone()),
                    selected: filters.iter().any(|(d, v)| *d == dim && *v == value),
                    value,
                    count,
                })
                .collect(),
        })
        .collect();
    Ok(SearchPage {
        query: request.q.chars().take(200).collect(),
        total: results.total,
        page,
        per_page,
        relaxed: results.relaxed,
        empty_query: query.is_empty(),
        hits,
        facets,
    })
}

/// Completions for the search box: names that contain what was typed, or whose pinyin or
/// initials start with it.
pub async fn suggest(
    services: &Services,
    caller: Option<&Principal>,
    q: &str,
) -> Result<Vec<SuggestionView>, ServiceError> {
    let Some(engine) = services.search() else { return Err(not_attached()) };
    fresh(services, engine).await?;
    let synonyms = synonyms(services).await?;
    let query = Query::parse(q, &synonyms);
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let v = visibility(services, caller);
    let index = engine.index.clone();
    let v2 = v.clone();
    let found = blocking(move || index.suggest(&query, &v2, SUGGESTIONS)).await?;
    Ok(found
        .into_iter()
        .map(|s| SuggestionView {
            doc_type: s.doc_type.code(),
            id: s.id,
            url: url_of(s.doc_type, s.id, s.district, s.organization, &v),
            title: s.title,
        })
        .collect())
}

/// Names of facet values: districts and clusters from the reference tables (kept for a
/// minute per node), types and kinds from the catalogue.
async fn labels(services: &Services, lang: Lang) -> Result<HashMap<(Dimension, String), String>, ServiceError> {
    let mut out = match services.cached_labels() {
        Some(known) => known,
        None => {
            let names = reference_names(services).await?;
            services.remember_labels(names.clone());
            names
        }
    };
    for t in DocType::ALL {
        out.insert((Dimension::Type, t.code().to_owned()), lang.t(&format!("search.type.{}", t.code())).to_owned());
    }
    for k in sheji_core::registry::OrgKind::ALL {
        out.insert((Dimension::Kind, k.code().to_owned()), lang.t(&format!("org.kind.{}", k.code())).to_owned());
    }
    Ok(out)
}

async fn reference_names(services: &Services) -> Result<HashMap<(Dimension, String), String>, ServiceError> {
    let mut out = HashMap::new();
    for d in sheji_store::reference::list_active_districts(services.store()).await? {
        out.insert((Dimension::District, d.id.get().to_string()), d.name);
    }
    let clusters =
        sheji_store::reference::list_clusters(services.store(), None, PageRequest::new(Some(1), Some(500))).await?;
    for c in clusters.items {
        out.insert((Dimension::Cluster, c.id.get().to_string()), c.name);
    }
    Ok(out)
}
