//! The one seam where the three backends differ. Every backend-specific branch in the store
//! lives here, so `grep dialect::` finds them all; each is exercised by the shared test suite on
//! all three servers.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr};
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
