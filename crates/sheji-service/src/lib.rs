//! The use cases of Sheji, called the same way by the web layer and the CLI.
//!
//! A use case takes the [`Services`] context (store and clock), applies the rules of
//! `sheji-core`, and reads and writes through `sheji-store`. Errors come back as
//! [`ServiceError`], which knows its stable code, its HTTP-independent kind and the message a
//! user should read.

pub mod clock;
pub mod demo;
pub mod platform;
pub mod reference;
pub mod registry;

use std::sync::Arc;

use sheji_core::clock::Clock;
use sheji_core::i18n::Lang;
use sheji_store::{Store, StoreError};

pub use sheji_store::{Backend, DbUrl, SchemaVersion};

/// The shared context of every use case. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Services {
    /// Wraps an open store and a clock.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The store, for the use-case modules.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The current time, from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
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

/// What kind of failure an error is; the web layer maps each to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong; the user can fix it.
    Invalid,
    /// The thing asked for does not exist (or the caller may not know it exists).
    NotFound,
    /// The database cannot be reached right now.
    Unavailable,
    /// A fault on our side.
    Internal,
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
    /// No such record; `key` is the catalogue key of the message (`error.not_found.<thing>`).
    #[error("not found: {key}")]
    NotFound {
        /// Message key in the catalogue.
        key: &'static str,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    /// The kind, for choosing a status code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } => ErrorKind::Invalid,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Store(e) => match e.message_key().0 {
                "error.unavailable" | "db.unreachable" => ErrorKind::Unavailable,
                "db.invalid_url" => ErrorKind::Invalid,
                _ => ErrorKind::Internal,
            },
        }
    }

    /// The stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_input",
            Self::NotFound { .. } => "not_found",
            Self::Store(StoreError::InvalidUrl(_)) => "invalid_database_url",
            Self::Store(StoreError::Unreachable { .. }) => "database_unreachable",
            Self::Store(StoreError::SchemaTooNew { .. }) => "schema_too_new",
            Self::Store(_) if self.kind() == ErrorKind::Unavailable => "unavailable",
            Self::Store(_) => "internal",
        }
    }

    /// The message a user should read, saying what to do next.
    pub fn message(&self, lang: Lang) -> String {
        let (key, args) = match self {
            Self::Invalid { key, args } => (*key, args.clone()),
            Self::NotFound { key } => (*key, Vec::new()),
            Self::Store(e) => e.message_key(),
        };
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lang.tf(key, &args)
    }
}
