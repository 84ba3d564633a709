//! Persistence for Sheji: one schema, one migration tree and one query path for SQLite,
//! PostgreSQL and MySQL/MariaDB, chosen by the connection URL at run time.
//!
//! SQL lives only here. Callers get a [`Store`] and call its capability modules
//! ([`reference`], [`registry`]); they never see a query builder. The few places where the
//! backends differ are in [`dialect`].

pub mod connect;
pub mod dialect;
mod entity;
pub mod migration;
pub mod reference;
pub mod registry;
pub mod testing;

use sea_orm::{DatabaseConnection, DbErr};

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
}

impl StoreError {
    /// The catalogue key of the message a user should read for this error, with its arguments.
    pub fn message_key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Self::InvalidUrl(detail) => ("db.invalid_url", vec![("detail", detail.clone())]),
            Self::Unreachable { target, detail } => (
                "db.unreachable",
                vec![("target", target.clone()), ("detail", detail.clone())],
            ),
            Self::SchemaTooNew { found, known } => (
                "db.schema_too_new",
                vec![("found", found.clone()), ("known", known.clone())],
            ),
            Self::Database(DbErr::Conn(_) | DbErr::ConnectionAcquire(_)) => ("error.unavailable", vec![]),
            Self::Corrupt { .. } | Self::Database(_) => ("error.internal", vec![]),
        }
    }

    fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self::Corrupt {
            what: what.into(),
            detail: detail.to_string(),
        }
    }
}

/// A handle on the database; cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
}

impl Store {
    /// Connects to the database named by `url` without changing it.
    pub async fn connect(url: &DbUrl) -> Result<Self, StoreError> {
        let db = connect::open(url).await?;
        Ok(Self {
            db,
            backend: url.backend(),
        })
    }

    /// Which kind of server this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::from)
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::from)
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }
}
