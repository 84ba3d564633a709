//! The one migration tree, written with sea-query builders so each backend gets its own SQL
//! from the same Rust. Migrations are append-only: a released one is never edited.

use std::collections::HashSet;

use sea_orm::EntityTrait;
use sea_orm_migration::seaql_migrations;
use sea_orm_migration::{MigrationTrait, MigratorTrait, SchemaManager};

use crate::{Db, Store, StoreError};

/// The list of migrations, oldest first.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(crate::reference::migration::m20261127_000001_reference::Migration),
            Box::new(crate::registry::migration::m20261127_000002_registry::Migration),
            Box::new(crate::identity::migration::m20261127_000003_identity::Migration),
            Box::new(crate::registry::migration::m20261127_000004_library::Migration),
            Box::new(crate::job::migration::m20261127_000005_job::Migration),
            Box::new(crate::registry::migration::m20261127_000006_list_order::Migration),
            Box::new(crate::search::migration::m20261127_000007_search::Migration),
            Box::new(crate::review::migration::m20261127_000008_review::Migration),
            Box::new(crate::recognition::migration::m20261127_000009_recognition::Migration),
            Box::new(crate::service::migration::m20261127_000010_service::Migration),
            Box::new(crate::files::migration::m20261127_000011_files::Migration),
            Box::new(crate::job::migration::m20261206_000012_job_queue::Migration),
            Box::new(crate::notification::migration::m20261206_000013_message::Migration),
            Box::new(crate::notification::migration::m20261206_000014_delivery::Migration),
            Box::new(crate::recognition::migration::m20261206_000015_recognition_batch_index::Migration),
            Box::new(crate::service::migration::m20261206_000016_follow_up_index::Migration),
            Box::new(crate::review::migration::m20261206_000017_publicity_notice::Migration),
            Box::new(crate::recognition::migration::m20261206_000018_batch_call::Migration),
            Box::new(crate::review::migration::m20261206_000019_objection_receipt::Migration),
            Box::new(crate::recognition::migration::m20261206_000020_revocation::Migration),
            Box::new(crate::registry::migration::m20261206_000021_open_application_guard::Migration),
            Box::new(crate::recognition::migration::m20261206_000022_re_review_guard::Migration),
            Box::new(crate::identity::migration::m20261206_000023_login_attempt_by_name::Migration),
            Box::new(crate::matchmaking::migration::m20261206_000024_matchmaking::Migration),
            Box::new(crate::cooperation::migration::m20261206_000025_cooperation::Migration),
            Box::new(crate::event::migration::m20261206_000026_event::Migration),
            Box::new(crate::matchmaking::migration::m20261206_000027_district_review::Migration),
            Box::new(crate::identity::migration::m20261206_000028_account_status_reason::Migration),
            Box::new(crate::registry::migration::m20261206_000029_figures_provenance::Migration),
            Box::new(crate::service::migration::m20261206_000030_service_branch::Migration),
            Box::new(crate::recognition::migration::m20261207_000031_rectification::Migration),
            Box::new(crate::review::migration::m20261207_000032_notice_rubric::Migration),
            Box::new(crate::identity::migration::m20261207_000033_login_attempt_at::Migration),
            Box::new(crate::registry::migration::m20261207_000034_name_guard::Migration),
        ]
    }
}

/// Where a database's schema stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaVersion {
    /// How many migrations have been applied: the schema version number.
    pub number: usize,
    /// The name of the newest applied migration, if any.
    pub latest: Option<String>,
    /// How many known migrations are not applied yet.
    pub pending: usize,
}

impl SchemaVersion {
    /// Whether nothing has been applied: a brand-new database.
    pub fn is_empty(&self) -> bool {
        self.number == 0
    }
}

/// Reads the schema version without writing anything; refuses a database migrated by a newer
/// program, so an old binary never touches a schema it does not understand.
pub async fn version(store: &Store) -> Result<SchemaVersion, StoreError> {
    let manager = SchemaManager::new(store.conn());
    let table = Migrator::migration_table_name().to_string();
    let applied: Vec<String> = if manager.has_table(table).await? {
        seaql_migrations::Entity::find().all(store.conn()).await?.into_iter().map(|m| m.version).collect()
    } else {
        Vec::new()
    };
    let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let known_set: HashSet<&str> = known.iter().map(String::as_str).collect();
    if let Some(unknown) = applied.iter().filter(|v| !known_set.contains(v.as_str())).max() {
        return Err(StoreError::SchemaTooNew {
            found: unknown.clone(),
            known: known.last().cloned().unwrap_or_default(),
        });
    }
    let applied_set: HashSet<&str> = applied.iter().map(String::as_str).collect();
    Ok(SchemaVersion {
        number: applied.len(),
        latest: known.iter().rev().find(|k| applied_set.contains(k.as_str())).cloned(),
        pending: known.iter().filter(|k| !applied_set.contains(k.as_str())).count(),
    })
}

/// Applies every pending migration and returns the new version. Running it again changes
/// nothing.
pub async fn migrate(store: &Store) -> Result<SchemaVersion, StoreError> {
    let before = version(store).await?;
    if before.pending > 0 {
        // Run before the platform serves anything, so no other writer competes on SQLite.
        Migrator::up(store.conn(), None).await?;
    }
    version(store).await
}
