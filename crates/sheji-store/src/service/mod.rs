//! Services to organizations: cultivation targets with their liaison officers, and service
//! records with diagnosis reports. Lists are paged and index-backed; the branch work summary is
//! one grouped count.

pub mod entity;
pub mod migration;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::service::{Diagnosis, Kind};

use crate::entity::{cultivation_target, service_record};
use crate::{Db, StoreError, Tx};

/// A cultivation target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The organization.
    pub organization: OrganizationId,
    /// The goal (a recognition kind's code, e.g. `national_center`).
    pub goal: String,
    /// The liaison officer's account.
    pub liaison: Option<AccountId>,
    /// Note.
    pub note: String,
    /// Who marked it.
    pub marked_by: String,
}

fn to_target(m: cultivation_target::Model) -> Target {
    Target {
        organization: OrganizationId(m.organization_id),
        goal: m.goal,
        liaison: m.liaison_account_id.map(AccountId),
        note: m.note,
        marked_by: m.marked_by,
    }
}

/// An organization's target, if marked.
pub async fn target(db: &impl Db, org: OrganizationId) -> Result<Option<Target>, StoreError> {
    Ok(cultivation_target::Entity::find()
        .filter(cultivation_target::Column::OrganizationId.eq(org.get()))
        .one(db.conn())
        .await?
        .map(to_target))
}

/// Marks (or re-marks) a target with its liaison.
pub async fn put_target(tx: &Tx, t: &Target, now: DateTime<Utc>) -> Result<(), StoreError> {
    cultivation_target::Entity::delete_many()
        .filter(cultivation_target::Column::OrganizationId.eq(t.organization.get()))
        .exec(tx.conn())
        .await?;
    cultivation_target::Entity::insert(cultivation_target::ActiveModel {
        organization_id: Set(t.organization.get()),
        goal: Set(t.goal.clone()),
        liaison_account_id: Set(t.liaison.map(AccountId::get)),
        note: Set(t.note.clone()),
        marked_by: Set(t.marked_by.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// A page of targets (all, or one liaison's), newest first.
pub async fn targets(db: &impl Db, liaison: Option<AccountId>, page: PageRequest) -> Result<Page<Target>, StoreError> {
    let mut q = cultivation_target::Entity::find();
    if let Some(l) = liaison {
        q = q.filter(cultivation_target::Column::LiaisonAccountId.eq(l.get()));
    }
    crate::page_of(db, q.order_by_desc(cultivation_target::Column::Id), page, |m| Ok(to_target(m))).await
}

/// A service given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Key.
    pub id: i32,
    /// The organization served.
    pub organization: OrganizationId,
    /// The organization's district (whose branch is reminded of its follow-up).
    pub district: DistrictId,
    /// The branch whose work it counts as: the recording officer's own (the organization's
    /// district when it is one of theirs, or when the officer has none).
    pub branch: DistrictId,
    /// Kind.
    pub kind: Kind,
    /// When.
    pub served_on: NaiveDate,
    /// What was done.
    pub summary: String,
    /// The diagnosis report.
    pub diagnosis: Option<Diagnosis>,
    /// Who recorded it.
    pub recorded_by: String,
}

fn to_record(m: service_record::Model) -> Result<Record, StoreError> {
    let what = || format!("service record {}", m.id);
    let diagnosis = match m.diagnosis.as_deref() {
        Some(d) => {
            Some(serde_json::from_str(d).map_err(|e| StoreError::Corrupt { what: what(), detail: e.to_string() })?)
        }
        None => None,
    };
    Ok(Record {
        id: m.id,
        organization: OrganizationId(m.organization_id),
        district: DistrictId(m.district_id),
        branch: DistrictId(m.branch_district_id.unwrap_or(m.district_id)),
        kind: Kind::parse(&m.kind).ok_or_else(|| StoreError::Corrupt { what: what(), detail: m.kind.clone() })?,
        served_on: m.served_on,
        summary: m.summary,
        diagnosis,
        recorded_by: m.recorded_by,
    })
}

/// Records a service; returns its id.
pub async fn insert_record(tx: &Tx, r: &Record, now: DateTime<Utc>) -> Result<i32, StoreError> {
    let diagnosis = r
        .diagnosis
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt { what: "diagnosis".into(), detail: e.to_string() })?;
    Ok(service_record::Entity::insert(service_record::ActiveModel {
        organization_id: Set(r.organization.get()),
        district_id: Set(r.district.get()),
        branch_district_id: Set(Some(r.branch.get())),
        kind: Set(r.kind.code().to_owned()),
        served_on: Set(r.served_on),
        summary: Set(r.summary.clone()),
        follow_up_on: Set(r.diagnosis.as_ref().and_then(|d| d.follow_up_on)),
        diagnosis: Set(diagnosis),
        recorded_by: Set(r.recorded_by.clone()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?
    .last_insert_id)
}

/// A page of an organization's services, newest first.
pub async fn records_of(db: &impl Db, org: OrganizationId, page: PageRequest) -> Result<Page<Record>, StoreError> {
    let q = service_record::Entity::find().filter(service_record::Column::OrganizationId.eq(org.get()));
    crate::page_of(
        db,
        q.order_by_desc(service_record::Column::ServedOn).order_by_desc(service_record::Column::Id),
        page,
        to_record,
    )
    .await
}

/// Services by the branch they count for, recording officer and kind within [from, to] (the
/// branches' work), optionally for some branches only.
pub async fn work(
    db: &impl Db,
    from: NaiveDate,
    to: NaiveDate,
    districts: Option<&[DistrictId]>,
) -> Result<BTreeMap<(DistrictId, String, String), u64>, StoreError> {
    let mut q = service_record::Entity::find()
        .select_only()
        .column(service_record::Column::BranchDistrictId)
        .column(service_record::Column::RecordedBy)
        .column(service_record::Column::Kind)
        .column_as(service_record::Column::Id.count(), "n")
        .filter(service_record::Column::ServedOn.gte(from))
        .filter(service_record::Column::ServedOn.lte(to));
    if let Some(d) = districts {
        q = q.filter(service_record::Column::BranchDistrictId.is_in(d.iter().map(|x| x.get())));
    }
    let rows: Vec<(Option<i32>, String, String, i64)> = q
        .group_by(service_record::Column::BranchDistrictId)
        .group_by(service_record::Column::RecordedBy)
        .group_by(service_record::Column::Kind)
        .into_tuple()
        .all(db.conn())
        .await?;
    // Every record has its branch (the migration filled in the old ones); a row without one
    // would be a record written by hand, and is left out rather than counted anywhere.
    Ok(rows
        .into_iter()
        .filter_map(|(d, by, k, n)| d.map(|d| ((DistrictId(d), by, k), u64::try_from(n).unwrap_or(0))))
        .collect())
}

/// Service records whose follow-up falls within [from, to], soonest first, at most `limit`;
/// optionally only in some districts or for some organizations.
pub async fn follow_ups(
    db: &impl Db,
    from: NaiveDate,
    to: NaiveDate,
    districts: Option<&[DistrictId]>,
    organizations: Option<&[OrganizationId]>,
    limit: u64,
) -> Result<Vec<Record>, StoreError> {
    let mut q = service_record::Entity::find()
        .filter(service_record::Column::FollowUpOn.gte(from))
        .filter(service_record::Column::FollowUpOn.lte(to));
    if let Some(d) = districts {
        q = q.filter(service_record::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    if let Some(o) = organizations {
        q = q.filter(service_record::Column::OrganizationId.is_in(o.iter().map(|x| x.get())));
    }
    q.order_by_asc(service_record::Column::FollowUpOn)
        .order_by_asc(service_record::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}
