//! Connection URLs and pools. The URL's scheme decides the backend; everything after that is
//! the same code for all three.

use std::fmt;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use url::Url;

use crate::StoreError;

/// The database servers Sheji runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL and compatible engines.
    Postgres,
    /// MySQL, MariaDB and compatible engines.
    MySql,
}

impl Backend {
    /// A short lower-case name for logs and test names.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::MySql => "mysql",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A checked database URL.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    url: String,
    backend: Backend,
}

impl DbUrl {
    /// Accepts `sqlite://FILE` (or `sqlite:FILE`), `postgres://…` / `postgresql://…` and
    /// `mysql://…` / `mariadb://…`.
    pub fn parse(input: &str) -> Result<Self, StoreError> {
        let input = input.trim();
        let invalid = |why: &str| StoreError::InvalidUrl(format!("{why} ({})", redact(input)));
        let (scheme, rest) =
            input.split_once(':').ok_or_else(|| invalid("no scheme such as sqlite:// or postgres://"))?;
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.trim_start_matches("//");
                let file = path.split('?').next().unwrap_or_default();
                if file.is_empty() {
                    return Err(invalid("no database file named"));
                }
                Ok(Self { url: format!("sqlite://{path}"), backend: Backend::Sqlite })
            }
            scheme @ ("postgres" | "postgresql" | "mysql" | "mariadb") => {
                let parsed = Url::parse(input).map_err(|e| invalid(&e.to_string()))?;
                if parsed.host_str().is_none_or(str::is_empty) {
                    return Err(invalid("no host"));
                }
                if parsed.path().trim_matches('/').is_empty() {
                    return Err(invalid("no database name"));
                }
                let (backend, url) = if scheme.starts_with("postgres") {
                    (Backend::Postgres, input.to_owned())
                } else {
                    (Backend::MySql, format!("mysql:{}", rest))
                };
                Ok(Self { url, backend })
            }
            other => Err(invalid(&format!("unsupported scheme {other:?}"))),
        }
    }

    /// Which backend the URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with credentials, for the driver.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // set_password only fails for URLs that cannot carry one, which this one does.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Opens the reader and writer pools (the same pool except on SQLite; see [`crate::Store`]).
pub(crate) async fn open(url: &DbUrl) -> Result<(DatabaseConnection, DatabaseConnection), StoreError> {
    let reader = open_pool(url, 16).await?;
    let writer = if url.backend() == Backend::Sqlite { open_pool(url, 1).await? } else { reader.clone() };
    Ok((reader, writer))
}

/// SQLite page cache of the writer connection, in KiB.
const WRITER_CACHE_KIB: u32 = 32 * 1024;
/// WAL pages the SQLite writer lets accumulate before it checkpoints (4 KiB each).
const WRITER_CHECKPOINT_PAGES: u32 = 8192;
/// SQLite page cache of each reader connection, in KiB (SQLite's default).
const READER_CACHE_KIB: u32 = 2 * 1024;

/// Opens a pool. SQLite gets WAL, foreign keys and a busy timeout on every connection and is
/// created if missing; the servers get bounded connect and acquire timeouts so an unreachable
/// host fails in seconds with a clear message instead of hanging.
async fn open_pool(url: &DbUrl, max_connections: u32) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.as_str().to_owned());
    options.connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(10)).sqlx_logging(false);
    match url.backend() {
        Backend::Sqlite => {
            // The one writer keeps a larger page cache: bulk writes walk every index of the
            // tables they grow. Statement journals (a multi-row insert that may need undoing
            // alone) stay in memory rather than in a temporary file per statement.
            let cache_kib = if max_connections == 1 { WRITER_CACHE_KIB } else { READER_CACHE_KIB };
            // Only the writer checkpoints. Checkpointing every 4 MiB of WAL (SQLite's default)
            // copied the same hot pages (index edges, the audit head) into the database file
            // again and again during bulk writes; every 32 MiB copies each of them once.
            let checkpoint_pages = if max_connections == 1 { WRITER_CHECKPOINT_PAGES } else { 1000 };
            options.max_connections(max_connections).map_sqlx_sqlite_opts(move |o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    .pragma("temp_store", "memory")
                    .pragma("cache_size", format!("-{cache_kib}"))
                    .pragma("wal_autocheckpoint", checkpoint_pages.to_string())
            });
        }
        Backend::Postgres => {
            options.max_connections(16);
        }
        Backend::MySql => {
            options
                .max_connections(16)
                .map_sqlx_mysql_opts(|o| o.charset("utf8mb4"))
                .map_sqlx_mysql_pool_opts(|o| o.after_connect(|conn, _| Box::pin(read_committed(conn))));
        }
    }
    Database::connect(options).await.map_err(|e| match e {
        DbErr::Conn(err) => StoreError::Unreachable { target: url.redacted(), detail: err.to_string() },
        DbErr::ConnectionAcquire(err) => StoreError::Unreachable { target: url.redacted(), detail: err.to_string() },
        other => StoreError::Unreachable { target: url.redacted(), detail: other.to_string() },
    })
}

/// Every MySQL/MariaDB session reads committed data, as PostgreSQL's do by default.
///
/// The code is written and tested for PostgreSQL's READ COMMITTED; InnoDB's default, REPEATABLE
/// READ, keeps a transaction's first snapshot for every later read, so a session that read early
/// went on seeing old rows (a finished job still "running"), and its gap locks add deadlocks
/// PostgreSQL never has. Uniqueness and row locks are the same under both.
async fn read_committed(conn: &mut sea_orm::sqlx::MySqlConnection) -> Result<(), sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Executor;
    conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_their_backend() {
        let cases = [
            ("sqlite://sheji.db", Backend::Sqlite),
            ("sqlite:data/sheji.db", Backend::Sqlite),
            ("postgres://postgres@127.0.0.1:5432/test", Backend::Postgres),
            ("postgresql://u:p@db/sheji", Backend::Postgres),
            ("mysql://root@127.0.0.1:3306/test", Backend::MySql),
            ("mariadb://root@127.0.0.1/test", Backend::MySql),
        ];
        for (url, backend) in cases {
            assert_eq!(DbUrl::parse(url).map(|u| u.backend()).ok(), Some(backend), "{url}");
        }
        assert_eq!(
            DbUrl::parse("mariadb://root@h/test").map(|u| u.as_str().to_owned()).ok().as_deref(),
            Some("mysql://root@h/test")
        );
    }

    #[test]
    fn malformed_urls_are_refused_with_the_reason() {
        for bad in ["", "sheji.db", "oracle://x/y", "sqlite://", "postgres://", "postgres://host", "mysql:///test"] {
            let err = DbUrl::parse(bad);
            assert!(matches!(err, Err(StoreError::InvalidUrl(_))), "{bad}: {err:?}");
        }
    }

    #[test]
    fn passwords_never_reach_messages() {
        let url = DbUrl::parse("postgres://sheji:s3cret@db.example/sheji");
        let shown = url.map(|u| u.redacted()).unwrap_or_default();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("***"));
    }

    async fn read_all(store: &crate::Store, times: usize) -> Vec<i64> {
        use sea_orm::{ConnectionTrait, Statement};
        let mut seen = Vec::with_capacity(times);
        for _ in 0..times {
            let sql = Statement::from_string(store.reader.get_database_backend(), "SELECT v FROM probe");
            let row = store.reader.query_one_raw(sql).await.ok().flatten();
            seen.push(row.and_then(|r| r.try_get_by_index::<i64>(0).ok()).unwrap_or(-1));
        }
        seen
    }

    async fn set_two(store: &crate::Store) {
        use sea_orm::ConnectionTrait;
        let tx = store.begin().await.expect("begin");
        tx.txn.execute_unprepared("UPDATE probe SET v = 2").await.expect("update");
        tx.commit().await.expect("commit");
    }

    /// A request dropped while its transaction waits on the database (a client that hung up,
    /// a worker stopped at shutdown) leaves no connection in the pool inside that transaction:
    /// after a committed change every read sees it, and the next transaction commits. And the
    /// servers read committed: a transaction sees what others commit meanwhile.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn abandoned_transactions_leave_no_stale_connection() {
        use sea_orm::ConnectionTrait;
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
            let db = match crate::testing::TestDb::create(backend).await {
                Ok(db) => db,
                Err(crate::testing::TestDbError::Skipped(var)) if !crate::testing::all_required() => {
                    println!("skipped on {backend}: {var} is not set");
                    continue;
                }
                Err(e) => panic!("{backend}: {e}"),
            };
            let store = crate::Store::connect(db.url()).await.expect("connect");
            store.writer.execute_unprepared("CREATE TABLE probe (v BIGINT NOT NULL)").await.expect("table");
            store.writer.execute_unprepared("INSERT INTO probe (v) VALUES (1)").await.expect("row");
            let slow = match backend {
                Backend::MySql => "SELECT SLEEP(2)",
                Backend::Postgres => "SELECT pg_sleep(2)",
                Backend::Sqlite => {
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000000) \
                     SELECT count(*) FROM n"
                }
            };
            for _ in 0..4 {
                let s = store.clone();
                let task = tokio::spawn(async move {
                    let tx = s.begin().await.expect("begin");
                    // A read fixes the transaction's snapshot, then a statement that takes a while.
                    let _ = tx.txn.execute_unprepared("SELECT v FROM probe").await;
                    let _ = tx.txn.execute_unprepared(slow).await;
                    tx.commit().await
                });
                tokio::time::sleep(Duration::from_millis(300)).await;
                task.abort();
                let _ = task.await;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            set_two(&store).await;
            let seen = read_all(&store, 64).await;
            assert!(seen.iter().all(|v| *v == 2), "{backend}: a connection still reads the old value: {seen:?}");
            if backend != Backend::Sqlite {
                // Both servers read committed: a transaction sees what others commit meanwhile.
                let tx = store.begin().await.expect("begin");
                let sql =
                    || sea_orm::Statement::from_string(store.reader.get_database_backend(), "SELECT v FROM probe");
                let first =
                    tx.txn.query_one_raw(sql()).await.ok().flatten().and_then(|r| r.try_get_by_index::<i64>(0).ok());
                assert_eq!(first, Some(2));
                store.reader.execute_unprepared("UPDATE probe SET v = 3").await.expect("update elsewhere");
                let again =
                    tx.txn.query_one_raw(sql()).await.ok().flatten().and_then(|r| r.try_get_by_index::<i64>(0).ok());
                assert_eq!(again, Some(3), "{backend}: read committed");
                tx.commit().await.expect("commit");
            }
            store.close().await.expect("close");
            db.drop_db().await;
        }
    }
}
