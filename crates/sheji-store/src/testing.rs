//! Fresh databases for tests, one per test, on each backend.
//!
//! SQLite gets a new file in the temp folder. PostgreSQL and MySQL/MariaDB get a new database
//! named `sheji_t_<unix time>_<random>` on the server named by `SHEJI_TEST_POSTGRES_URL` /
//! `SHEJI_TEST_MYSQL_URL`; when a variable is unset the test is skipped with a printed notice,
//! unless `SHEJI_TEST_REQUIRE_ALL=1`, which turns the skip into a failure (CI sets it).
//! Databases left behind by a crashed run are dropped by the next run after an hour.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::{Backend, DbUrl, StoreError};

/// Why a test database could not be had.
#[derive(Debug, thiserror::Error)]
pub enum TestDbError {
    /// The backend's URL variable is unset and CI does not require it.
    #[error("{0} is not set")]
    Skipped(&'static str),
    /// The server is configured but could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Creating or dropping the database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// The environment variable that names the server for a backend.
pub fn env_var(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some("SHEJI_TEST_POSTGRES_URL"),
        Backend::MySql => Some("SHEJI_TEST_MYSQL_URL"),
    }
}

/// Whether CI asked for every backend to be tested.
pub fn all_required() -> bool {
    std::env::var("SHEJI_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    url: DbUrl,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    File(PathBuf),
    Server { admin_url: String, name: String },
}

impl TestDb {
    /// Creates an empty database on `backend`. `Err(Skipped)` when the backend is not
    /// configured (the caller prints the notice and returns).
    pub async fn create(backend: Backend) -> Result<Self, TestDbError> {
        let unique = unique_suffix();
        match env_var(backend) {
            None => {
                let path = std::env::temp_dir().join(format!("sheji_t_{unique}.db"));
                let url = DbUrl::parse(&format!("sqlite://{}", path.display()))?;
                Ok(Self { url, cleanup: Cleanup::File(path) })
            }
            Some(var) => {
                let admin_url = std::env::var(var).map_err(|_| TestDbError::Skipped(var))?;
                let admin = DbUrl::parse(&admin_url)?;
                let conn = connect_admin(&admin).await?;
                sweep_stale(&conn, backend).await;
                let name = format!("sheji_t_{unique}");
                // The name is ours (digits and letters), never user input.
                let create = match backend {
                    Backend::MySql => {
                        format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                    }
                    _ => format!("CREATE DATABASE {name}"),
                };
                conn.execute_unprepared(&create).await?;
                conn.close().await?;
                let url = DbUrl::parse(&replace_database(&admin_url, &name))?;
                Ok(Self { url, cleanup: Cleanup::Server { admin_url, name } })
            }
        }
    }

    /// The URL of the fresh database.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Removes the database. Call at the end of the test; a test that fails before it leaves
    /// the database for the next run's sweep.
    pub async fn drop_db(self) {
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Server { admin_url, name } => {
                if let Ok(admin) = DbUrl::parse(&admin_url)
                    && let Ok(conn) = connect_admin(&admin).await
                {
                    let _ = conn.execute_unprepared(&drop_statement(admin.backend(), &name)).await;
                    let _ = conn.close().await;
                }
            }
        }
    }
}

async fn connect_admin(url: &DbUrl) -> Result<DatabaseConnection, StoreError> {
    Database::connect(url.as_str())
        .await
        .map_err(|e| StoreError::Unreachable { target: url.redacted(), detail: e.to_string() })
}

fn drop_statement(backend: Backend, name: &str) -> String {
    match backend {
        Backend::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        _ => format!("DROP DATABASE IF EXISTS {name}"),
    }
}

#[allow(clippy::disallowed_methods)] // test support: the name records when the database was made
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

fn unique_suffix() -> String {
    format!("{}_{}", unix_now(), uuid::Uuid::new_v4().simple().to_string().get(..12).unwrap_or_default())
}

async fn sweep_stale(conn: &DatabaseConnection, backend: Backend) {
    let list = match backend {
        Backend::Postgres => "SELECT datname FROM pg_database WHERE datname LIKE 'sheji_t_%'",
        _ => "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'sheji_t_%'",
    };
    let Ok(rows) = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), list)).await else {
        return;
    };
    let cutoff = unix_now().saturating_sub(3600);
    for row in rows {
        let Ok(name) = row.try_get_by_index::<String>(0) else {
            continue;
        };
        let made = name.strip_prefix("sheji_t_").and_then(|s| s.split('_').next()).and_then(|s| s.parse::<u64>().ok());
        if made.is_some_and(|t| t < cutoff) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            let _ = conn.execute_unprepared(&drop_statement(backend, &name)).await;
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.set_path(&format!("/{name}"));
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

/// Records a migration this program does not know, as a newer Sheji would have; for testing
/// that an older binary refuses to touch such a database.
pub async fn record_foreign_migration(url: &DbUrl, name: &str) -> Result<(), TestDbError> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    use sea_orm_migration::seaql_migrations;
    let conn = connect_admin(url).await?;
    seaql_migrations::ActiveModel { version: Set(name.to_owned()), applied_at: Set(0) }.insert(&conn).await?;
    conn.close().await?;
    Ok(())
}
