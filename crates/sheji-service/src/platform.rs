//! Opening the platform: connecting, checking and migrating the schema, seeding reference
//! data, and answering readiness probes.

use std::sync::Arc;

use sheji_core::clock::Clock;
use sheji_store::{DbUrl, SchemaVersion, Store, migration, reference};

use crate::crypto::Secrets;
use crate::{ServiceError, Services};

/// What opening the database did.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The schema before anything was applied.
    pub before: SchemaVersion,
    /// The schema now.
    pub after: SchemaVersion,
    /// Reference rows inserted (zero unless the database was new or rows were missing).
    pub seeded: u64,
}

impl Opened {
    /// Whether the database was brand new.
    pub fn was_empty(&self) -> bool {
        self.before.is_empty()
    }
}

/// Connects, refuses a schema newer than this program, applies pending migrations and seeds
/// missing reference rows. Used by `serve` and `migrate`; running it twice changes nothing.
pub async fn open(
    url: &DbUrl,
    clock: Arc<dyn Clock>,
    secrets: Arc<Secrets>,
) -> Result<(Services, Opened), ServiceError> {
    let store = Store::connect(url).await?;
    let before = migration::version(&store).await?;
    let after = migration::migrate(&store).await?;
    let seeded = reference::seed(&store).await?;
    Ok((Services::new(store, clock, secrets), Opened { before, after, seeded }))
}

/// The schema version of the database at `url`, without changing anything.
pub async fn version(url: &DbUrl) -> Result<SchemaVersion, ServiceError> {
    let store = Store::connect(url).await?;
    let version = migration::version(&store).await;
    store.close().await?;
    Ok(version?)
}

/// Whether the database answers: the readiness probe.
pub async fn ready(services: &Services) -> Result<(), ServiceError> {
    Ok(services.store().ping().await?)
}
