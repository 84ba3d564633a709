//! The one seam where the three backends differ. Every backend-specific branch in the store
//! lives here, so `grep dialect::` finds them all; each is exercised by the shared test suite on
//! all three servers.

use sea_orm::sea_query::{InsertStatement, IntoIden, MysqlQueryBuilder, OnConflict};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use sea_orm_migration::sea_query::TableCreateStatement;

/// Table options a backend needs. MySQL/MariaDB servers often default to latin1 or a 3-byte
/// utf8; every table is created as utf8mb4 so any Chinese text (and emoji) round-trips.
/// sea-query would write these options for every backend, so they are added only for MySQL.
pub fn table(backend: DbBackend, mut create: TableCreateStatement) -> TableCreateStatement {
    if backend == DbBackend::MySql {
        create.engine("InnoDB").character_set("utf8mb4").collate("utf8mb4_unicode_ci");
    }
    create
}

/// A text column of at most `len` characters that compares byte for byte, as text does on
/// PostgreSQL and SQLite: MySQL's default collations ignore case, accents and width, so a
/// unique index there would refuse what the other backends, and the service's own checks, take
/// for different texts. (MariaDB wants the character set right after the type.)
pub fn exact_text(backend: DbBackend, column: &mut sea_orm_migration::prelude::ColumnDef, len: u32) {
    if backend == DbBackend::MySql {
        column.custom(sea_orm::sea_query::Alias::new(format!(
            "VARCHAR({len}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        )));
    } else {
        column.string_len(len);
    }
}

/// Updates the planner statistics of `tables` (fixed names of ours, never user input).
/// PostgreSQL also vacuums, which sets the visibility map its index-only scans need.
pub async fn refresh_statistics(db: &DatabaseConnection, tables: &[&str]) -> Result<(), DbErr> {
    for table in tables {
        let sql = match db.get_database_backend() {
            DbBackend::Postgres => format!("VACUUM ANALYZE {table}"),
            DbBackend::MySql => format!("ANALYZE TABLE {table}"),
            _ => format!("ANALYZE {table}"),
        };
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// Inserts a row unless one with the same `key` (a unique column) exists; how many rows were
/// inserted (0 or 1). PostgreSQL and SQLite say `ON CONFLICT DO NOTHING`; MySQL/MariaDB say
/// `INSERT IGNORE` (the `ON DUPLICATE KEY` form sea-query writes is rejected by MariaDB). One
/// statement either way, so a race between nodes never aborts the surrounding transaction.
/// The statement is ours (its values are bound, never spliced), so IGNORE's habit of turning
/// other errors into warnings cannot hide bad user input here.
pub async fn insert_unless_exists<C: ConnectionTrait>(
    db: &C,
    mut insert: InsertStatement,
    key: impl IntoIden,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let statement = if backend == DbBackend::MySql {
        let (sql, values) = insert.build(MysqlQueryBuilder);
        Statement::from_sql_and_values(backend, sql.replacen("INSERT ", "INSERT IGNORE ", 1), values)
    } else {
        insert.on_conflict(OnConflict::column(key).do_nothing().to_owned());
        backend.build(&insert)
    };
    Ok(db.execute_raw(statement).await?.rows_affected())
}
