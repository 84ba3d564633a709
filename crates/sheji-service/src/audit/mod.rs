//! Recording and reading the audit trail. Every use case that changes state ends its
//! [`crate::work::Work`] with the record of the change, so the change and its record commit or
//! fail together; [`record`] is for steps that run inside another use case's unit of work.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sheji_core::identity::Permission;
use sheji_core::page::{Page, PageRequest};
use sheji_store::Tx;
use sheji_store::audit::{self as store, NewAudit};
pub use sheji_store::audit::{AuditFilter, AuditRecord, ChainBreak, ChainCheck};

use crate::{Principal, ServiceError, Services};

/// Who did it and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The account, if signed in.
    pub account: Option<i32>,
    /// The username, or `anonymous` / `system`.
    pub name: String,
    /// The client address (`cli` for commands run on the server).
    pub ip: String,
}

impl Actor {
    /// A signed-in caller at `ip`.
    pub fn of(principal: &Principal, ip: &str) -> Self {
        Self { account: Some(principal.account.get()), name: principal.username.clone(), ip: ip.to_owned() }
    }

    /// A visitor who is not signed in.
    pub fn anonymous(ip: &str) -> Self {
        Self { account: None, name: "anonymous".to_owned(), ip: ip.to_owned() }
    }

    /// The platform itself, or an operator at the server's shell.
    pub fn system() -> Self {
        Self { account: None, name: "system".to_owned(), ip: "cli".to_owned() }
    }
}

/// What changed: the target and the fields before and after.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// What happened (`account.create` …).
    pub action: &'a str,
    /// Kind of record.
    pub target_type: &'a str,
    /// Its id.
    pub target_id: String,
    /// Changed fields before (`Value::Null` when created).
    pub before: Value,
    /// Changed fields after (`Value::Null` when removed).
    pub after: Value,
}

/// Appends one record to the trail inside `tx`.
pub async fn record(tx: &Tx, now: DateTime<Utc>, actor: &Actor, change: Change<'_>) -> Result<(), ServiceError> {
    record_many(tx, now, actor, vec![change]).await
}

/// Appends several records to the trail inside `tx`, in order, in a few statements.
pub async fn record_many(
    tx: &Tx,
    now: DateTime<Utc>,
    actor: &Actor,
    changes: Vec<Change<'_>>,
) -> Result<(), ServiceError> {
    for change in &changes {
        // An action the audit page cannot name is a bug: the tests run debug builds and stop here.
        debug_assert!(
            sheji_core::audit::ACTIONS.contains(&change.action),
            "audit action {} is not in sheji_core::audit::ACTIONS",
            change.action
        );
        debug_assert!(
            sheji_core::audit::TARGET_TYPES.contains(&change.target_type),
            "audit target type {} is not in sheji_core::audit::TARGET_TYPES",
            change.target_type
        );
    }
    let records = changes
        .into_iter()
        .map(|change| NewAudit {
            at_ms: now.timestamp_millis(),
            actor_id: actor.account,
            actor_name: actor.name.clone(),
            ip: actor.ip.clone(),
            action: change.action.to_owned(),
            target_type: change.target_type.to_owned(),
            target_id: change.target_id,
            before: change.before.to_string(),
            after: change.after.to_string(),
        })
        .collect();
    store::append_many(tx, records).await?;
    Ok(())
}

/// Records a change in a transaction of its own (sign-in attempts and the like, which have
/// nothing else to commit).
pub async fn record_alone(services: &Services, actor: &Actor, change: Change<'_>) -> Result<(), ServiceError> {
    crate::work::Work::begin(services).await?.commit(actor, change).await
}

fn require_reader(services: &Services, caller: &Principal) -> Result<(), ServiceError> {
    if caller.can(Permission::AuditRead, services.now()) { Ok(()) } else { Err(ServiceError::Forbidden) }
}

/// One page of the trail for someone allowed to read it.
pub async fn list(
    services: &Services,
    caller: &Principal,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditRecord>, ServiceError> {
    require_reader(services, caller)?;
    Ok(store::list(services.store(), filter, page).await?)
}

/// Streams the filtered trail in order, batch by batch, to `sink`; for exports.
pub async fn export(
    services: &Services,
    caller: &Principal,
    filter: &AuditFilter,
    mut sink: impl FnMut(&AuditRecord),
) -> Result<u64, ServiceError> {
    require_reader(services, caller)?;
    let mut after = 0;
    let mut count = 0;
    loop {
        let batch = store::list_after(services.store(), filter, after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = last.id.get();
        for r in &batch {
            sink(r);
            count += 1;
        }
    }
    Ok(count)
}

/// Walks the whole chain (`sheji audit verify`).
pub async fn verify(services: &Services) -> Result<ChainCheck, ServiceError> {
    Ok(store::verify(services.store()).await?)
}

/// The message key describing a break.
pub fn break_key(b: ChainBreak) -> &'static str {
    match b {
        ChainBreak::Altered => "audit.altered",
        ChainBreak::Gap => "audit.gap",
        ChainBreak::TailRemoved => "audit.tail_removed",
    }
}
