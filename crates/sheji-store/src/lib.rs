//! Persistence for Sheji: one schema, one migration tree and one query path for SQLite,
//! PostgreSQL and MySQL/MariaDB, chosen by the connection URL at run time.
//!
//! SQL lives only here. Callers get a [`Store`] and call its capability modules
//! ([`reference`], [`registry`]); they never see a query builder. The few places where the
//! backends differ are in [`dialect`].

pub mod audit;
pub mod connect;
pub mod cooperation;
pub mod dialect;
mod entity;
pub mod event;
pub mod files;
pub mod identity;
pub mod job;
pub mod matchmaking;
pub mod migration;
pub mod notification;
pub mod recognition;
pub mod reference;
pub mod registry;
pub mod review;
mod scope;
pub mod search;
pub mod service;
pub mod testing;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

pub use connect::{Backend, DbUrl};
pub use migration::SchemaVersion;

/// Everything that can go wrong in the store. Messages name the cause; the user-facing text
/// (what to do next) comes from the catalogue keys in [`StoreError::message_key`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is not one we can use.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// The server did not answer or refused us.
    #[error("cannot connect to the database {target}: {detail}")]
    Unreachable {
        /// The URL with any password removed.
        target: String,
        /// What the driver said.
        detail: String,
    },
    /// The database was migrated by a newer version of Sheji.
    #[error("the database schema ({found}) is newer than this program knows ({known})")]
    SchemaTooNew {
        /// The newest migration recorded in the database that we do not know.
        found: String,
        /// The newest migration we know.
        known: String,
    },
    /// A stored value no longer satisfies the domain rules (edited by hand, or a bug).
    #[error("stored {what} is invalid: {detail}")]
    Corrupt {
        /// Which record.
        what: String,
        /// What is wrong with it.
        detail: String,
    },
    /// Any other database failure.
    #[error(transparent)]
    Database(#[from] DbErr),
    /// The search index could not be read or written.
    #[error("search index: {0}")]
    Index(String),
    /// The file store could not read or write a file.
    #[error("file store: {0}")]
    Files(String),
    /// Another process holds the search index in this folder.
    #[error("the search index in {} is in use by another process", .0.display())]
    IndexLocked(std::path::PathBuf),
}

impl StoreError {
    /// The catalogue key of the message a user should read for this error, with its arguments.
    pub fn message_key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Self::InvalidUrl(detail) => ("db.invalid_url", vec![("detail", detail.clone())]),
            Self::Unreachable { target, detail } => {
                ("db.unreachable", vec![("target", target.clone()), ("detail", detail.clone())])
            }
            Self::SchemaTooNew { found, known } => {
                ("db.schema_too_new", vec![("found", found.clone()), ("known", known.clone())])
            }
            Self::Database(DbErr::Conn(_) | DbErr::ConnectionAcquire(_)) => ("error.unavailable", vec![]),
            // A unique index refused a row: someone else made the same thing first (two
            // racing requests), which the user can see by reloading: a conflict, not a fault.
            Self::Database(e) if is_unique_violation(e) => ("error.duplicate", vec![]),
            Self::IndexLocked(dir) => ("search.index_locked", vec![("dir", dir.display().to_string())]),
            Self::Corrupt { .. } | Self::Database(_) | Self::Index(_) | Self::Files(_) => ("error.internal", vec![]),
        }
    }

    /// Whether a unique index refused the write (the "at most one" rules the database keeps).
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Database(e) if is_unique_violation(e))
    }

    fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self::Corrupt { what: what.into(), detail: detail.to_string() }
    }
}

/// Whether a database error is a unique index refusing a row, on any of the three backends.
fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// One page of an ordered query, with the number of rows the whole query selects, each row
/// mapped to its domain type.
pub(crate) async fn page_of<E, T>(
    db: &impl Db,
    query: sea_orm::Select<E>,
    page: sheji_core::page::PageRequest,
    map: impl FnMut(E::Model) -> Result<T, StoreError>,
) -> Result<sheji_core::page::Page<T>, StoreError>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    use sea_orm::{PaginatorTrait, QuerySelect};
    let total = query.clone().count(db.conn()).await?;
    let rows = query.offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    Ok(sheji_core::page::Page::new(rows.into_iter().map(map).collect::<Result<_, _>>()?, page, total))
}

/// A handle on the database; cheap to clone (the pools are shared).
///
/// Reads go to `reader`; transactions that write go to `writer`. On PostgreSQL and MySQL both
/// are the same pool. On SQLite the writer is a separate one-connection pool: SQLite allows one
/// writer at a time, and a deferred transaction that reads and then writes fails with
/// SQLITE_BUSY instead of waiting when another writer got there first, so writes queue in
/// the application instead.
#[derive(Debug, Clone)]
pub struct Store {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    backend: Backend,
}

/// A transaction on the writer; every use case that changes state runs in one.
#[derive(Debug)]
pub struct Tx {
    txn: DatabaseTransaction,
}

impl Tx {
    /// Makes the changes permanent. Dropping a `Tx` without committing rolls it back.
    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.txn.commit().await?)
    }
}

/// Something queries can run on: the store (reads) or a transaction (reads and writes).
pub trait Db {
    /// The sea-orm connection type behind it.
    type Conn: ConnectionTrait;
    /// The connection to run statements on.
    fn conn(&self) -> &Self::Conn;
}

impl Db for Store {
    type Conn = DatabaseConnection;
    fn conn(&self) -> &DatabaseConnection {
        &self.reader
    }
}

impl Db for Tx {
    type Conn = DatabaseTransaction;
    fn conn(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl Store {
    /// Connects to the database named by `url` without changing it.
    pub async fn connect(url: &DbUrl) -> Result<Self, StoreError> {
        let (reader, writer) = connect::open(url).await?;
        Ok(Self { reader, writer, backend: url.backend() })
    }

    /// Refreshes the planner's statistics after a bulk load (outside any transaction): with
    /// statistics from before the load, PostgreSQL planned deep directory pages as heap scans
    /// and timed out under load.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        Ok(dialect::refresh_statistics(&self.writer, &["organization", "organization_indicator", "account"]).await?)
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx { txn: self.writer.begin().await? })
    }

    /// Which kind of server this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.reader.ping().await.map_err(StoreError::from)
    }

    /// Closes the pools, waiting for connections in use to be returned.
    pub async fn close(self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            self.writer.close().await?;
        }
        self.reader.close().await.map_err(StoreError::from)
    }
}
