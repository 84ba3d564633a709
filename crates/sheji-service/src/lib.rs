//! The use cases of Sheji, called the same way by the web layer and the CLI.
//!
//! A use case takes the [`Services`] context (store, clock, secrets) and, where it reads or
//! changes anything that is not public, the caller ([`Principal`]); it checks the caller's
//! scope for that function, applies the rules of `sheji-core`, reads and writes through
//! `sheji-store` in one transaction, and records the change in the audit trail. Errors come
//! back as [`ServiceError`], which knows its stable code, its kind and the message a user
//! should read.

pub mod audit;
pub mod clock;
pub mod cooperation;
pub mod crypto;
pub mod demo;
pub mod document;
pub mod event;
pub mod generator;
pub mod identity;
pub mod job;
pub mod matchmaking;
pub mod notification;
pub mod platform;
mod recent;
pub mod recognition;
pub mod reference;
pub mod registry;
pub mod review;
pub mod search;
pub mod service;
pub mod spreadsheet;
pub mod statistics;
pub mod work;

use std::sync::Arc;

use sheji_core::page::Page;

use sheji_core::clock::Clock;
use sheji_core::i18n::Lang;
use sheji_store::{Store, StoreError};

pub use sheji_core::identity::Principal;
pub use sheji_store::{Backend, DbUrl, SchemaVersion};

use crate::crypto::{CryptoError, Secrets};
use crate::recent::{Kept, Recent};

/// The shared context of every use case. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    store: Store,
    clock: Arc<dyn Clock>,
    secrets: Arc<Secrets>,
    counts: Arc<Recent<String, u64>>,
    ids: Arc<Recent<String, Arc<Vec<i32>>>>,
    id_builds: Arc<tokio::sync::Mutex<()>>,
    districts: Arc<Recent<String, Page<sheji_core::reference::District>>>,
    lookups: Arc<Recent<(), Arc<reference::Lookups>>>,
    divisions: Arc<Recent<(), Divisions>>,
    public: Arc<Recent<sheji_core::ids::OrganizationId, sheji_store::registry::OrgPublic>>,
    policy: Arc<Recent<(), sheji_core::identity::SessionPolicy>>,
    attention: Arc<Recent<sheji_core::ids::AccountId, (u64, usize)>>,
    synonyms: Arc<Recent<(), sheji_core::search::Synonyms>>,
    labels: Arc<Recent<(), FacetLabels>>,
    pool: Arc<Recent<(), Arc<matchmaking::Pool>>>,
    guide_pdfs: Arc<Recent<GuideKey, Arc<Vec<u8>>>>,
    kept: Arc<Kept>,
    search: Option<Arc<search::Engine>>,
    files: Option<Arc<sheji_store::files::FileStore>>,
    local_address: Arc<str>,
}

/// A published guide in one language.
type GuideKey = (i32, sheji_core::i18n::Lang);
/// Names of facet values by (dimension, value code).
/// Industry divisions as (code, name), shared.
type Divisions = Arc<Vec<(String, String)>>;
type FacetLabels = std::collections::HashMap<(sheji_core::search::Dimension, String), String>;

/// Where a node serves when nobody said (the CLI's default bind address).
const DEFAULT_LOCAL_ADDRESS: &str = "http://127.0.0.1:8080";

/// How long the search synonym list is reused; every search reads it.
const SYNONYMS_TTL_SECONDS: i64 = 5;
/// How long facet labels (district and cluster names) are reused.
const LABELS_TTL_SECONDS: i64 = 60;

/// How long a list's row count is reused. Counting a large filtered table costs more than
/// reading a page of it; a total that is a few seconds old is fine for a pager.
const COUNT_TTL_SECONDS: i64 = 5;
/// Counts kept at most (distinct filters × scopes).
const COUNT_CACHE_LIMIT: usize = 1_000;
/// Ordered id lists kept at once (each at most [`ID_LIST_CAP`] ids, 4 bytes each), for the
/// same few seconds as counts: the filters people page through.
const ID_LIST_CACHE_LIMIT: usize = 64;
/// The longest list kept as ids; a longer one is paged in the database.
pub(crate) const ID_LIST_CAP: u64 = 500_000;
/// How long a public organization record is served from memory. Anonymous visitors and
/// crawlers read the same public pages over and over; a record a few seconds old is fine for
/// them.
const PUBLIC_TTL_SECONDS: i64 = 5;
/// Public records kept at most.
const PUBLIC_CACHE_LIMIT: usize = 10_000;
/// How long a person's unread and to-do counts are reused: the header shows them on every
/// page, and counting to-dos takes a query per capability.
const ATTENTION_TTL_SECONDS: i64 = 20;
/// People whose counts are kept at most.
const ATTENTION_CACHE_LIMIT: usize = 10_000;
/// How long the session policy is reused; every signed-in request checks it, and it changes
/// only when an administrator saves the security settings.
const POLICY_TTL_SECONDS: i64 = 5;

/// How long the matchmaking pool (every published demand's and offer's traits) is reused.
/// Writes on this node empty it at once; other nodes see a change within this time.
const POOL_TTL_SECONDS: i64 = 10;

/// How long a guide's PDF is reused. A guide never changes; the issuer's name and seal may, and
/// show on the next PDF after this time. Anyone may download a guide, and laying out thousands
/// of rows costs seconds of CPU: rendering once per language keeps that from being a lever.
const GUIDE_PDF_TTL_SECONDS: i64 = 600;

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services").field("store", &self.store).finish_non_exhaustive()
    }
}

impl Services {
    /// Wraps an open store, a clock and the platform's secrets.
    pub fn new(store: Store, clock: Arc<dyn Clock>, secrets: Arc<Secrets>) -> Self {
        Self {
            store,
            clock,
            secrets,
            counts: Arc::new(Recent::new(COUNT_TTL_SECONDS, COUNT_CACHE_LIMIT)),
            ids: Arc::new(Recent::new(COUNT_TTL_SECONDS, ID_LIST_CACHE_LIMIT)),
            id_builds: Arc::default(),
            districts: Arc::new(Recent::new(LABELS_TTL_SECONDS, 64)),
            lookups: Arc::new(Recent::new(LABELS_TTL_SECONDS, 1)),
            divisions: Arc::new(Recent::new(LABELS_TTL_SECONDS, 1)),
            public: Arc::new(Recent::new(PUBLIC_TTL_SECONDS, PUBLIC_CACHE_LIMIT)),
            policy: Arc::new(Recent::new(POLICY_TTL_SECONDS, 1)),
            attention: Arc::new(Recent::new(ATTENTION_TTL_SECONDS, ATTENTION_CACHE_LIMIT)),
            synonyms: Arc::new(Recent::new(SYNONYMS_TTL_SECONDS, 1)),
            labels: Arc::new(Recent::new(LABELS_TTL_SECONDS, 1)),
            pool: Arc::new(Recent::new(POOL_TTL_SECONDS, 1)),
            guide_pdfs: Arc::new(Recent::new(GUIDE_PDF_TTL_SECONDS, 16)),
            kept: Arc::new(Kept::new()),
            search: None,
            files: None,
            local_address: Arc::from(DEFAULT_LOCAL_ADDRESS),
        }
    }

    /// The same services, knowing the address this node serves on (the public address until
    /// an administrator sets one).
    pub fn with_local_address(mut self, address: &str) -> Self {
        self.local_address = Arc::from(address.trim_end_matches('/'));
        self
    }

    /// The address this node serves on.
    pub(crate) fn local_address(&self) -> String {
        self.local_address.to_string()
    }

    /// The same services with the file store in `dir` (uploads: attachments, photos).
    pub fn with_files(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.files = Some(Arc::new(sheji_store::files::FileStore::new(dir)));
        self
    }

    /// The file store, or an error saying uploads are not set up on this node.
    pub(crate) fn files(&self) -> Result<&sheji_store::files::FileStore, ServiceError> {
        self.files.as_deref().ok_or(ServiceError::Conflict { key: "files.not_configured" })
    }

    /// The same services with this node's search index attached.
    pub(crate) fn with_search(mut self, engine: Arc<search::Engine>) -> Self {
        self.search = Some(engine);
        self
    }

    /// This node's search index, when one is attached (the server; not one-off CLI commands,
    /// whose writes reach the index through the outbox).
    pub(crate) fn search(&self) -> Option<&Arc<search::Engine>> {
        self.search.as_ref()
    }

    /// The synonym list if it was read within the last few seconds.
    pub(crate) fn cached_synonyms(&self) -> Option<sheji_core::search::Synonyms> {
        self.synonyms.get(&(), self.now())
    }

    /// Keeps the synonym list for a few seconds.
    pub(crate) fn remember_synonyms(&self, synonyms: sheji_core::search::Synonyms) {
        self.synonyms.put((), synonyms, self.now());
    }

    /// The matchmaking pool, read at most once per [`POOL_TTL_SECONDS`] (matching 10 000
    /// demands against 5 000 offers reads both lists whole).
    pub(crate) async fn matchmaking_pool(&self) -> Result<Arc<matchmaking::Pool>, ServiceError> {
        if let Some(p) = self.pool.get(&(), self.now()) {
            return Ok(p);
        }
        let p = matchmaking::load_pool(self).await?;
        self.pool.put((), p.clone(), self.now());
        Ok(p)
    }

    /// A guide's PDF in a language, if made within [`GUIDE_PDF_TTL_SECONDS`].
    pub(crate) fn cached_guide_pdf(&self, key: GuideKey) -> Option<Arc<Vec<u8>>> {
        self.guide_pdfs.get(&key, self.now())
    }

    /// Keeps a guide's PDF.
    pub(crate) fn remember_guide_pdf(&self, key: GuideKey, pdf: Arc<Vec<u8>>) {
        self.guide_pdfs.put(key, pdf, self.now());
    }

    /// Forgets the matchmaking pool after a write that changes it.
    pub(crate) fn forget_matchmaking_pool(&self) {
        self.pool.clear();
    }

    /// Facet labels if read within the last minute.
    pub(crate) fn cached_labels(&self) -> Option<FacetLabels> {
        self.labels.get(&(), self.now())
    }

    /// Keeps facet labels for a minute.
    pub(crate) fn remember_labels(&self, labels: FacetLabels) {
        self.labels.put((), labels, self.now());
    }

    /// An organization's public record if it was read within the last few seconds.
    pub(crate) fn cached_public(
        &self,
        id: sheji_core::ids::OrganizationId,
    ) -> Option<sheji_store::registry::OrgPublic> {
        self.public.get(&id, self.now())
    }

    /// Taken before reading a public record to keep (see [`Recent::stamp`]).
    pub(crate) fn public_stamp(&self) -> u64 {
        self.public.stamp()
    }

    /// Keeps an organization's public record for a few seconds, unless a registry write came
    /// after `stamp` was taken.
    pub(crate) fn remember_public(&self, public: &sheji_store::registry::OrgPublic, stamp: u64) {
        self.public.put_unless_cleared(public.id, public.clone(), self.now(), stamp);
    }

    /// The session policy if it was read within the last few seconds.
    pub(crate) fn cached_policy(&self) -> Option<sheji_core::identity::SessionPolicy> {
        self.policy.get(&(), self.now())
    }

    /// Keeps the session policy for a few seconds.
    pub(crate) fn remember_policy(&self, policy: sheji_core::identity::SessionPolicy) {
        self.policy.put((), policy, self.now());
    }

    /// Settings changed (call after the commit): this node reads them afresh.
    pub(crate) fn settings_written(&self) {
        self.policy.clear();
        self.synonyms.clear();
        self.kept.forget();
    }

    /// What every committed unit of work empties (see [`Kept`]).
    pub(crate) fn kept(&self) -> &Arc<Kept> {
        &self.kept
    }

    /// One page of a list, from this node's memory when the same page was read in the last
    /// few seconds and nothing was written on the node since; otherwise read by `read` and
    /// kept. `key` must name everything the page depends on: the list, its filter, the
    /// caller's reach where the list is scoped, and the page. Lists that staff and visitors
    /// open over and over are served this way (BENCHMARKS.md, lists), so a popular page costs
    /// no query; a list whose rows a read changes, or that must be exact to the second, is not.
    pub(crate) async fn kept_page<T, Fut>(
        &self,
        key: String,
        read: impl FnOnce() -> Fut,
    ) -> Result<Page<T>, ServiceError>
    where
        T: Clone + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<Page<T>, ServiceError>>,
    {
        let now = self.now();
        let pages = self.kept.pages();
        if let Some(page) = pages.get(&key, now).and_then(|p| p.downcast::<Page<T>>().ok()) {
            return Ok(Page::clone(&page));
        }
        let stamp = pages.stamp();
        let page = read().await?;
        pages.put_unless_cleared(key, Arc::new(page.clone()), now, stamp);
        Ok(page)
    }

    /// Registry records changed (call after the commit): what this node remembers of them
    /// is dropped and its search index's follower is woken to apply the outbox. The write does
    /// not wait for the index (a commit of it cost more than the write itself; BENCHMARKS.md,
    /// writes): a search brings the index up to date before it answers, so the writer still
    /// finds its change at once, and other nodes within a second.
    pub(crate) async fn registry_written(&self) {
        // The pages last: a page read after it was forgotten must not be built from ids,
        // counts or records that were about to be forgotten.
        self.public.clear();
        self.counts.clear();
        self.ids.clear();
        self.kept.forget();
        search::wake(self);
    }

    /// A person's (unread, to-do) counts if they were counted within the last few seconds.
    pub(crate) fn cached_attention(&self, account: sheji_core::ids::AccountId) -> Option<(u64, usize)> {
        self.attention.get(&account, self.now())
    }

    /// Keeps a person's counts for a few seconds.
    pub(crate) fn remember_attention(&self, account: sheji_core::ids::AccountId, counts: (u64, usize)) {
        self.attention.put(account, counts, self.now());
    }

    /// Messages were read: counts are taken afresh.
    pub(crate) fn attention_changed(&self) {
        self.attention.clear();
    }

    /// A page of districts read within the last minute (reference data changes only when the
    /// platform is migrated, which restarts it).
    pub(crate) fn cached_districts(&self, key: &str) -> Option<Page<sheji_core::reference::District>> {
        self.districts.get(key, self.now())
    }

    /// Keeps a page of districts for a minute.
    pub(crate) fn remember_districts(&self, key: String, page: Page<sheji_core::reference::District>) {
        self.districts.put(key, page, self.now());
    }

    /// The industry divisions (code, name) if read within the last minute.
    pub(crate) fn cached_divisions(&self) -> Option<Divisions> {
        self.divisions.get(&(), self.now())
    }

    /// Keeps the industry divisions for a minute.
    pub(crate) fn remember_divisions(&self, divisions: Divisions) {
        self.divisions.put((), divisions, self.now());
    }

    /// The reference lookups if read within the last minute.
    pub(crate) fn cached_lookups(&self) -> Option<Arc<reference::Lookups>> {
        self.lookups.get(&(), self.now())
    }

    /// Keeps the reference lookups for a minute.
    pub(crate) fn remember_lookups(&self, lookups: Arc<reference::Lookups>) {
        self.lookups.put((), lookups, self.now());
    }

    /// A list's ordered ids if they were read within the last few seconds.
    pub(crate) fn cached_ids(&self, key: &str) -> Option<Arc<Vec<i32>>> {
        self.ids.get(key, self.now())
    }

    /// Held while an ordered id list is read, so that one request reads it and the others wait.
    pub(crate) fn id_list_builder(&self) -> &tokio::sync::Mutex<()> {
        &self.id_builds
    }

    /// Taken before reading ordered ids to keep (see [`Recent::stamp`]).
    pub(crate) fn ids_stamp(&self) -> u64 {
        self.ids.stamp()
    }

    /// Keeps a list's ordered ids for a few seconds, unless a registry write came after
    /// `stamp` was taken.
    pub(crate) fn remember_ids(&self, key: &str, ids: Arc<Vec<i32>>, stamp: u64) {
        self.ids.put_unless_cleared(key.to_owned(), ids, self.now(), stamp);
    }

    /// A list's row count if it was counted within the last few seconds.
    pub(crate) fn cached_count(&self, key: &str) -> Option<u64> {
        self.counts.get(key, self.now())
    }

    /// Taken before counting a list to keep the count (see [`Recent::stamp`]).
    pub(crate) fn count_stamp(&self) -> u64 {
        self.counts.stamp()
    }

    /// Keeps a list's row count for a few seconds, unless a registry write came after `stamp`
    /// was taken.
    pub(crate) fn remember_count(&self, key: &str, total: u64, stamp: u64) {
        self.counts.put_unless_cleared(key.to_owned(), total, self.now(), stamp);
    }

    /// The store, for the use-case modules.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The secrets, for the use-case modules.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// The current time, from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today's date in China Standard Time, from the injected clock.
    pub fn today(&self) -> chrono::NaiveDate {
        sheji_core::clock::beijing_date(self.clock.now())
    }

    /// Which database backend is in use.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Closes the database pool.
    pub async fn close(self) -> Result<(), ServiceError> {
        Ok(self.store.close().await?)
    }
}

/// Trimmed free text cut to `max` characters: what forms may store.
pub(crate) fn clip(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

/// `field`'s text trimmed, or the problem when it is longer than `max` characters: what a
/// person typed is never cut short without telling them.
pub(crate) fn within(field: &'static str, s: &str, max: usize) -> Result<String, FieldError> {
    let t = s.trim();
    if let Some(problem) = text_problem(field, t, max > 255) {
        Err(problem)
    } else if t.chars().count() > max {
        Err(FieldError { field, key: "form.too_long", args: vec![("max", max.to_string())] })
    } else {
        Ok(t.to_owned())
    }
}

/// What is wrong with `field`'s text, if anything: a control or bidirectional character
/// anywhere, or (unless `multiline`) a line break or tab. See [`sheji_core::text`].
pub(crate) fn text_problem(field: &'static str, s: &str, multiline: bool) -> Option<FieldError> {
    use sheji_core::text::{describe, forbidden_in_line, forbidden_in_long_text};
    let bad = if multiline { forbidden_in_long_text(s) } else { forbidden_in_line(s) }?;
    Some(if matches!(bad, '\t' | '\n' | '\r') {
        FieldError::new(field, "form.line_break")
    } else {
        FieldError { field, key: "form.control_chars", args: vec![("ch", describe(bad))] }
    })
}

/// What kind of failure an error is; the web layer maps each to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong; the user can fix it (400).
    Invalid,
    /// The caller must sign in first (401).
    Unauthenticated,
    /// The caller may not do this (403).
    Forbidden,
    /// The thing asked for does not exist, or the caller may not know it exists (404).
    NotFound,
    /// The request clashes with the current state (409).
    Conflict,
    /// Too many attempts; try later (429).
    TooManyRequests,
    /// The database cannot be reached right now (503).
    Unavailable,
    /// A fault on our side (500).
    Internal,
}

/// One field's problem in a form or request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the form and API call it.
    pub field: &'static str,
    /// The catalogue key of the message.
    pub key: &'static str,
    /// Placeholder values.
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    /// A problem with `field` described by `key`.
    pub fn new(field: &'static str, key: &'static str) -> Self {
        Self { field, key, args: Vec::new() }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lang.tf(self.key, &args)
    }
}

/// A use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is not acceptable; `key` is the catalogue key of the message.
    #[error("invalid input: {key}")]
    Invalid {
        /// Message key in the catalogue.
        key: &'static str,
        /// Placeholder values for the message.
        args: Vec<(&'static str, String)>,
    },
    /// Fields of a form are wrong; each says why.
    #[error("invalid fields: {0:?}")]
    Fields(Vec<FieldError>),
    /// Not signed in, or the session or token is no longer valid.
    #[error("not signed in")]
    Unauthenticated,
    /// Wrong username or password (deliberately the same for both).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Signed in but not allowed to use this function.
    #[error("forbidden")]
    Forbidden,
    /// No such record (or not one the caller may know of); `key` is the message key.
    #[error("not found: {key}")]
    NotFound {
        /// Message key in the catalogue.
        key: &'static str,
    },
    /// The change clashes with the current state; `key` is the message key.
    #[error("conflict: {key}")]
    Conflict {
        /// Message key in the catalogue.
        key: &'static str,
    },
    /// Several rows of an upload are wrong: `key` introduces the list (its `list` variable),
    /// and each row's own message is rendered in the reader's language too.
    #[error("invalid rows: {key}")]
    Rows {
        /// Message key of the introduction.
        key: &'static str,
        /// Each wrong row, numbered as the user sees it, with its problem.
        rows: Vec<(usize, FieldError)>,
    },
    /// A condition of eligibility is not met: the message names the condition (a checklist
    /// key with the kinds it requires) in the reader's language.
    #[error("not eligible: {failed:?}")]
    NotEligible {
        /// Each condition not met: its checklist key, what it requires (kind codes, a number
        /// of years, a threshold) and what the applicant has.
        failed: Vec<(&'static str, String, String)>,
        /// The sentence around them, which says what the refusal stopped: applying or submitting.
        refused: &'static str,
    },
    /// The input is not acceptable for a reason that is a message of its own (a password
    /// policy's rule): both are rendered in the reader's language.
    #[error("invalid input: {key} ({reason})")]
    Because {
        /// Message key; its `reason` variable receives the reason.
        key: &'static str,
        /// Message key of the reason.
        reason: &'static str,
    },
    /// Too many attempts from this address.
    #[error("too many requests")]
    TooManyRequests,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A secret could not be produced or read.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl ServiceError {
    /// An internal failure from a secret operation.
    pub(crate) fn internal(err: CryptoError) -> Self {
        Self::Crypto(err)
    }

    /// The kind, for choosing a status code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. }
            | Self::Fields(_)
            | Self::Rows { .. }
            | Self::NotEligible { .. }
            | Self::Because { .. } => ErrorKind::Invalid,
            Self::Unauthenticated | Self::InvalidCredentials => ErrorKind::Unauthenticated,
            Self::Forbidden => ErrorKind::Forbidden,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Conflict { .. } => ErrorKind::Conflict,
            Self::TooManyRequests => ErrorKind::TooManyRequests,
            Self::Crypto(_) => ErrorKind::Internal,
            Self::Store(e) => match e.message_key().0 {
                "error.unavailable" | "db.unreachable" => ErrorKind::Unavailable,
                "error.duplicate" => ErrorKind::Conflict,
                "db.invalid_url" => ErrorKind::Invalid,
                _ => ErrorKind::Internal,
            },
        }
    }

    /// The stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. }
            | Self::Fields(_)
            | Self::Rows { .. }
            | Self::NotEligible { .. }
            | Self::Because { .. } => "invalid_input",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::TooManyRequests => "too_many_requests",
            Self::Store(StoreError::InvalidUrl(_)) => "invalid_database_url",
            Self::Store(StoreError::Unreachable { .. }) => "database_unreachable",
            Self::Store(StoreError::SchemaTooNew { .. }) => "schema_too_new",
            Self::Store(_) if self.kind() == ErrorKind::Unavailable => "unavailable",
            Self::Store(_) if self.kind() == ErrorKind::Conflict => "conflict",
            Self::Store(_) | Self::Crypto(_) => "internal",
        }
    }

    /// The message a user should read, saying what to do next.
    pub fn message(&self, lang: Lang) -> String {
        let (key, args) = match self {
            Self::Invalid { key, args } => (*key, args.clone()),
            Self::Fields(fields) => {
                let list: Vec<String> = fields.iter().map(|f| f.message(lang)).collect();
                return lang.tf("error.fields", &[("list", &list.join(" "))]);
            }
            Self::Rows { key, rows } => {
                let list: Vec<String> = rows
                    .iter()
                    .map(|(row, e)| lang.tf("error.row", &[("row", &row.to_string()), ("message", &e.message(lang))]))
                    .collect();
                return lang.tf(key, &[("list", &lang.join_clauses(&list))]);
            }
            Self::Because { key, reason } => return lang.tf(key, &[("reason", lang.t(reason))]),
            Self::NotEligible { failed, refused } => {
                let items: Vec<String> = failed
                    .iter()
                    .map(|(key, required, actual)| {
                        let label = recognition::check_label(lang, key, required);
                        // Thresholds say what is required and what the applicant has.
                        if required.starts_with('≥') {
                            lang.tf(
                                "recognition.requirement",
                                &[("item", &label), ("required", required), ("actual", actual)],
                            )
                        } else {
                            label
                        }
                    })
                    .collect();
                return lang.tf(refused, &[("item", &lang.join_clauses(&items))]);
            }
            Self::Unauthenticated => ("error.unauthenticated", Vec::new()),
            Self::InvalidCredentials => ("login.invalid", Vec::new()),
            Self::Forbidden => ("error.forbidden", Vec::new()),
            Self::NotFound { key } | Self::Conflict { key } => (*key, Vec::new()),
            Self::TooManyRequests => ("error.too_many", Vec::new()),
            Self::Crypto(_) => ("error.internal", Vec::new()),
            Self::Store(e) => e.message_key(),
        };
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lang.tf(key, &args)
    }

    /// The field errors, if this is a form error.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Self::Fields(f) => f,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod boundaries {
    //! A capability's service uses another capability only through that one's service
    //! functions (which check permission and write the audit record), never through its
    //! store module. This reads the source tree and fails on any use outside the allow-list.

    use std::collections::BTreeSet;
    use std::path::Path;

    /// The store modules that belong to one capability each.
    const CAPABILITY_STORES: &[&str] = &[
        "audit",
        "cooperation",
        "event",
        "identity",
        "job",
        "matchmaking",
        "notification",
        "recognition",
        "registry",
        "review",
        "search",
        "service",
    ];

    /// What every capability may use: reference data (read-only, shared by all) and the search
    /// outbox, written in the same transaction as the change it indexes (by design:
    /// read-your-writes without a second commit).
    const SHARED: &[&str] = &["reference", "search::enqueue"];

    /// Uses that remain, each with why; this list only shrinks. (file, store module, reason)
    const ALLOWED: &[(&str, &str, &str)] = &[
        ("generator.rs", "*", "the synthetic-city generator writes millions of rows in bulk"),
        ("lib.rs", "registry", "the shared cache holds registry public records"),
        ("review/mod.rs", "identity", "experts are accounts: creating one adds its affiliation"),
        ("review/mod.rs", "registry", "items name organizations; conflicts read their clusters"),
        ("review/assign.rs", "identity", "conflicts read experts' organizations"),
        ("search/mod.rs", "identity", "the synonym list is kept with the settings"),
        ("service/mod.rs", "identity", "liaisons are staff accounts"),
        ("service/mod.rs", "registry", "service records read the organization's library state"),
        ("recognition/mod.rs", "registry", "applications read library state, names and yearly figures"),
        ("identity/mod.rs", "registry", "enterprise registration creates the organization record"),
        ("registry/library.rs", "identity", "library decisions name the deciding account"),
    ];

    fn capability_of(file: &str) -> &str {
        file.split('/').next().map_or(file, |first| first.strip_suffix(".rs").unwrap_or(first))
    }

    fn uses(text: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for (i, _) in text.match_indices("sheji_store::") {
            let rest = text.get(i + "sheji_store::".len()..).unwrap_or_default();
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or_default();
                for item in inner.split(',') {
                    let path: String =
                        item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                    found.insert(path);
                }
            } else {
                let path: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                found.insert(path);
            }
        }
        found
    }

    /// Every source file under `dir`: (path relative to `root`, text).
    fn sources(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(root, &path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.strip_prefix(root).unwrap_or(&path).display().to_string(), text));
            }
        }
    }

    fn scan(root: &Path) -> Vec<(String, String)> {
        let mut files = Vec::new();
        sources(root, root, &mut files);
        files.into_iter().flat_map(|(file, text)| uses(&text).into_iter().map(move |u| (file.clone(), u))).collect()
    }

    #[test]
    fn services_use_other_capabilities_only_through_their_services() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let found = scan(&root);
        assert!(found.len() > 20, "the scan read the sources ({})", found.len());
        let mut wrong = Vec::new();
        for (file, path) in &found {
            let module = path.split("::").next().unwrap_or_default();
            if !CAPABILITY_STORES.contains(&module) || module == capability_of(file) {
                continue;
            }
            if SHARED.iter().any(|s| path == s || module == *s) {
                continue;
            }
            if ALLOWED.iter().any(|(f, m, _)| f == file && (*m == "*" || *m == module)) {
                continue;
            }
            wrong.push(format!("{file} uses sheji_store::{path}"));
        }
        assert!(wrong.is_empty(), "call the other capability's service instead: {wrong:#?}");
        // An allow-list entry that no longer matches anything must go.
        for (file, module, _) in ALLOWED {
            let used = found.iter().any(|(f, p)| f == file && (*module == "*" || p.split("::").next() == Some(module)));
            assert!(used, "{file} no longer uses sheji_store::{module}: drop it from the allow-list");
        }
    }

    /// Transactions begun without [`crate::work::Work`], which can commit without an audit
    /// record; each is bookkeeping, not a user's change. (file, how many, reason)
    const BARE_TRANSACTIONS: &[(&str, usize, &str)] = &[
        (
            "identity/mod.rs",
            4,
            "ending an expired session, touching sessions and tokens on use, and pruning sign-in attempts past their retention (like the search outbox)",
        ),
        ("search/mod.rs", 3, "the index's instance claim, rebuild requests and outbox pruning"),
        (
            "job/mod.rs",
            6,
            "the queue's own bookkeeping: queueing, claiming, lease renewal, the end of an attempt (the work a job does records its own changes)",
        ),
        ("recognition/mod.rs", 2, "expiry and re-review reminders write messages only, once each"),
        ("service/mod.rs", 1, "follow-up reminders write messages only, once each"),
        ("statistics/mod.rs", 1, "the plan's progress is a derived snapshot, recounted hourly"),
        ("review/publicity.rs", 1, "a notice that ended with objections open tells its managers once (a message only)"),
        ("notification/mod.rs", 2, "marking messages read"),
        (
            "notification/delivery.rs",
            1,
            "a delivery job records how its attempt ended (queue bookkeeping, like job/mod.rs)",
        ),
        (
            "generator.rs",
            4,
            "the synthetic-city generator loads millions of rows (and benchmark demands and offers) in bulk",
        ),
        ("registry/import.rs", 1, "an import batch records one change per row with record_many"),
        ("registry/demo.rs", 1, "loading the demo organizations' figures in bulk (one record for the load)"),
    ];

    /// (file, transactions begun in it without a unit of work).
    fn transactions(root: &Path) -> Vec<(String, usize)> {
        let mut files = Vec::new();
        sources(root, root, &mut files);
        files
            .into_iter()
            .map(|(file, text)| {
                let n = text.matches(".store().begin()").count() + text.matches("store.begin()").count();
                (file, n)
            })
            // `work.rs` is the unit of work itself; `lib.rs` holds this test's own patterns.
            .filter(|(file, n)| *n > 0 && file != "work.rs" && file != "lib.rs")
            .collect()
    }

    #[test]
    fn every_change_commits_with_its_audit_record() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let found = transactions(&root);
        let mut wrong = Vec::new();
        for (file, n) in &found {
            let allowed = BARE_TRANSACTIONS.iter().find(|(f, _, _)| f == file).map_or(0, |(_, n, _)| *n);
            if *n > allowed {
                wrong.push(format!("{file}: {n} transactions begun outside a unit of work (allowed {allowed})"));
            }
        }
        assert!(wrong.is_empty(), "begin a crate::work::Work and end it with Work::commit: {wrong:#?}");
    }
}
