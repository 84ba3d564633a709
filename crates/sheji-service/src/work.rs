//! The unit of work: a write transaction whose only way to commit takes the audit record of
//! the change. A use case that changes state begins a [`Work`], writes through it (it is the
//! transaction: store functions take `&work` as they took `&tx`) and ends with
//! [`Work::commit`], which appends the record and commits both together. Dropping a `Work`
//! rolls everything back, so an early `?` leaves neither the change nor a record of it.

use chrono::{DateTime, Utc};
use sheji_store::{Db, Tx};

use crate::audit::{self, Actor, Change};
use crate::{ServiceError, Services};

/// One transaction that ends with its audit record.
#[derive(Debug)]
pub struct Work {
    tx: Tx,
    now: DateTime<Utc>,
    kept: std::sync::Arc<crate::recent::Kept>,
}

impl Work {
    /// Starts a write transaction; the change will be recorded at the current time.
    pub async fn begin(services: &Services) -> Result<Self, ServiceError> {
        Ok(Self { tx: services.store().begin().await?, now: services.now(), kept: services.kept().clone() })
    }

    /// The time the change is recorded at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Appends `change` by `actor` to the audit trail and commits it with everything written.
    pub async fn commit(self, actor: &Actor, change: Change<'_>) -> Result<(), ServiceError> {
        self.commit_all(actor, change, Vec::new()).await
    }

    /// Like [`Work::commit`] for a use case that changes several things at once: one record
    /// each, in order. The first is a separate argument so that no unit of work can commit
    /// without a record.
    pub async fn commit_all(self, actor: &Actor, first: Change<'_>, more: Vec<Change<'_>>) -> Result<(), ServiceError> {
        let mut changes = Vec::with_capacity(1 + more.len());
        changes.push(first);
        changes.extend(more);
        audit::record_many(&self.tx, self.now, actor, changes).await?;
        self.tx.commit().await?;
        // What this node kept may show the state before the change.
        self.kept.forget();
        Ok(())
    }
}

impl std::ops::Deref for Work {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}

impl Db for Work {
    type Conn = <Tx as Db>::Conn;
    fn conn(&self) -> &Self::Conn {
        self.tx.conn()
    }
}
