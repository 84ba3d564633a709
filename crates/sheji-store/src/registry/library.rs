//! The design-driven library and the organizations' details around it: short names,
//! qualifications, annual indicators, library status with its history, and full records for
//! import upserts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sheji_core::ids::{ClusterId, DistrictId, OrganizationId};
use sheji_core::registry::uscc::Uscc;
use sheji_core::registry::{Indicators, LibraryApplicationStatus, LibraryStatus, OrgKind, Qualification};

use crate::entity::{
    library_application, library_event, organization, organization_alias, organization_cluster, organization_indicator,
    organization_qualification,
};
use crate::{Db, StoreError, Tx};

/// Everything an import row can set on an organization.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgFields {
    /// Code (the key of the upsert).
    pub uscc: Uscc,
    /// Normalised full name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// District.
    pub district_id: DistrictId,
    /// Address.
    pub address: String,
    /// GB/T 4754 division.
    pub industry_code: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Description.
    pub description: String,
    /// Founded.
    pub founded_on: Option<NaiveDate>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone, encrypted (compared by the caller in clear).
    pub contact_phone_enc: Option<String>,
    /// Short names.
    pub short_names: BTreeSet<String>,
    /// Clusters.
    pub clusters: BTreeSet<ClusterId>,
    /// Qualifications with their year.
    pub qualifications: BTreeMap<Qualification, Option<i32>>,
}

/// The stored state of an organization, as comparable fields.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgState {
    /// Key.
    pub id: OrganizationId,
    /// The fields.
    pub fields: OrgFields,
    /// Library status.
    pub library_status: LibraryStatus,
}

/// Reads the full state of the organization with this USCC, if registered.
pub async fn find_state(db: &impl Db, uscc: &Uscc) -> Result<Option<OrgState>, StoreError> {
    let Some(m) =
        organization::Entity::find().filter(organization::Column::Uscc.eq(uscc.as_str())).one(db.conn()).await?
    else {
        return Ok(None);
    };
    state_of(db, m).await.map(Some)
}

/// The organization that holds exactly this (normalized) name, if any: the one the unique
/// index keeps it for (a namesake from before names were kept unique does not hold it).
pub async fn holder_of_name(db: &impl Db, name: &str) -> Result<Option<OrganizationId>, StoreError> {
    let id: Option<i32> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::NameGuard.eq(name))
        .into_tuple()
        .one(db.conn())
        .await?;
    Ok(id.map(OrganizationId))
}

/// Gives an organization another's name without the guard, as a database upgraded from before
/// names were kept unique may hold (migration 000034); for tests of what such a namesake meets.
pub async fn make_namesake_for_test(tx: &Tx, id: OrganizationId, name: &str) -> Result<(), StoreError> {
    organization::Entity::update_many()
        .col_expr(organization::Column::Name, Expr::value(name))
        .col_expr(organization::Column::NameGuard, Expr::value(Option::<String>::None))
        .filter(organization::Column::Id.eq(id.get()))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// The holders of these names, by name (imports check their rows in bulk).
pub async fn holders_of_names(
    db: &impl Db,
    names: &[&str],
) -> Result<std::collections::HashMap<String, OrganizationId>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for chunk in names.chunks(BULK) {
        let found: Vec<(String, i32)> = organization::Entity::find()
            .select_only()
            .column(organization::Column::NameGuard)
            .column(organization::Column::Id)
            .filter(organization::Column::NameGuard.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db.conn())
            .await?;
        out.extend(found.into_iter().map(|(name, id)| (name, OrganizationId(id))));
    }
    Ok(out)
}

/// Reads the full state of one organization by id.
pub async fn find_state_by_id(db: &impl Db, id: OrganizationId) -> Result<Option<OrgState>, StoreError> {
    let Some(m) = organization::Entity::find_by_id(id.get()).one(db.conn()).await? else { return Ok(None) };
    state_of(db, m).await.map(Some)
}

async fn state_of(db: &impl Db, m: organization::Model) -> Result<OrgState, StoreError> {
    let what = || format!("organization {}", m.id);
    let aliases: Vec<String> = organization_alias::Entity::find()
        .select_only()
        .column(organization_alias::Column::Name)
        .filter(organization_alias::Column::OrganizationId.eq(m.id))
        .into_tuple()
        .all(db.conn())
        .await?;
    let clusters: Vec<i32> = organization_cluster::Entity::find()
        .select_only()
        .column(organization_cluster::Column::ClusterId)
        .filter(organization_cluster::Column::OrganizationId.eq(m.id))
        .into_tuple()
        .all(db.conn())
        .await?;
    let quals = organization_qualification::Entity::find()
        .filter(organization_qualification::Column::OrganizationId.eq(m.id))
        .all(db.conn())
        .await?;
    let mut qualifications = BTreeMap::new();
    for q in quals {
        qualifications.insert(q.kind.parse::<Qualification>().map_err(|e| StoreError::corrupt(what(), e))?, q.year);
    }
    org_state(m, aliases.into_iter().collect(), clusters.into_iter().map(ClusterId).collect(), qualifications)
}

/// The state of one organization from its row and its already-loaded child rows (one place
/// maps columns to fields, for the single and the bulk read alike).
fn org_state(
    m: organization::Model,
    short_names: BTreeSet<String>,
    clusters: BTreeSet<ClusterId>,
    qualifications: BTreeMap<Qualification, Option<i32>>,
) -> Result<OrgState, StoreError> {
    let what = || format!("organization {}", m.id);
    Ok(OrgState {
        id: OrganizationId(m.id),
        library_status: m.library_status.parse().map_err(|e| StoreError::corrupt(what(), e))?,
        fields: OrgFields {
            uscc: Uscc::parse(&m.uscc).map_err(|e| StoreError::corrupt(what(), e))?,
            kind: m.kind.parse().map_err(|e| StoreError::corrupt(what(), e))?,
            name: m.name,
            district_id: DistrictId(m.district_id),
            address: m.address,
            industry_code: m.industry_code,
            website: m.website,
            description: m.description,
            founded_on: m.founded_on,
            contact_name: m.contact_name,
            contact_phone_enc: m.contact_phone_enc,
            short_names,
            clusters,
            qualifications,
        },
    })
}

/// The row of a new organization: active, not in the library.
fn new_model(f: &OrgFields, now: DateTime<Utc>) -> organization::ActiveModel {
    organization::ActiveModel {
        uscc: Set(f.uscc.as_str().to_owned()),
        name: Set(f.name.clone()),
        name_guard: Set(Some(f.name.clone())),
        kind: Set(f.kind.code().to_owned()),
        district_id: Set(f.district_id.get()),
        industry_code: Set(f.industry_code.clone()),
        address: Set(f.address.clone()),
        description: Set(f.description.clone()),
        founded_on: Set(f.founded_on),
        contact_name: Set(f.contact_name.clone()),
        contact_phone_enc: Set(f.contact_phone_enc.clone()),
        website: Set(f.website.clone()),
        status: Set("active".to_owned()),
        library_status: Set(LibraryStatus::None.code().to_owned()),
        library_changed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Inserts a new organization with its lists; returns its id.
pub async fn insert(tx: &Tx, f: &OrgFields, now: DateTime<Utc>) -> Result<OrganizationId, StoreError> {
    let result = organization::Entity::insert(new_model(f, now)).exec(tx.conn()).await?;
    let id = OrganizationId(result.last_insert_id);
    replace_lists(tx, id, f).await?;
    Ok(id)
}

/// Overwrites an organization's fields and lists.
pub async fn update(tx: &Tx, id: OrganizationId, f: &OrgFields, now: DateTime<Utc>) -> Result<(), StoreError> {
    organization::Entity::update(organization::ActiveModel {
        id: Set(id.get()),
        name: Set(f.name.clone()),
        name_guard: Set(Some(f.name.clone())),
        kind: Set(f.kind.code().to_owned()),
        district_id: Set(f.district_id.get()),
        industry_code: Set(f.industry_code.clone()),
        address: Set(f.address.clone()),
        description: Set(f.description.clone()),
        founded_on: Set(f.founded_on),
        contact_name: Set(f.contact_name.clone()),
        contact_phone_enc: Set(f.contact_phone_enc.clone()),
        website: Set(f.website.clone()),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    organization_alias::Entity::delete_many()
        .filter(organization_alias::Column::OrganizationId.eq(id.get()))
        .exec(tx.conn())
        .await?;
    organization_cluster::Entity::delete_many()
        .filter(organization_cluster::Column::OrganizationId.eq(id.get()))
        .exec(tx.conn())
        .await?;
    organization_qualification::Entity::delete_many()
        .filter(organization_qualification::Column::OrganizationId.eq(id.get()))
        .exec(tx.conn())
        .await?;
    replace_lists(tx, id, f).await
}

async fn replace_lists(tx: &Tx, id: OrganizationId, f: &OrgFields) -> Result<(), StoreError> {
    if !f.short_names.is_empty() {
        organization_alias::Entity::insert_many(
            f.short_names
                .iter()
                .map(|n| organization_alias::ActiveModel { organization_id: Set(id.get()), name: Set(n.clone()) }),
        )
        .exec(tx.conn())
        .await?;
    }
    if !f.clusters.is_empty() {
        organization_cluster::Entity::insert_many(
            f.clusters.iter().map(|c| organization_cluster::ActiveModel {
                organization_id: Set(id.get()),
                cluster_id: Set(c.get()),
            }),
        )
        .exec(tx.conn())
        .await?;
    }
    if !f.qualifications.is_empty() {
        organization_qualification::Entity::insert_many(f.qualifications.iter().map(|(q, y)| {
            organization_qualification::ActiveModel {
                organization_id: Set(id.get()),
                kind: Set(q.code().to_owned()),
                year: Set(*y),
            }
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(())
}

fn to_indicators(m: &organization_indicator::Model) -> Indicators {
    Indicators {
        revenue: m.revenue,
        rd_spend: m.rd_spend,
        design_investment: m.design_investment,
        staff_total: m.staff_total,
        design_staff: m.design_staff,
        senior_design_staff: m.senior_design_staff,
        design_patents: m.design_patents,
        new_product_sales: m.new_product_sales,
        design_service_revenue: m.design_service_revenue,
        awards: m.awards,
    }
}

/// An organization's figures by year, oldest first (bounded: one row a year).
pub async fn list_indicators(db: &impl Db, id: OrganizationId) -> Result<Vec<(i32, Indicators)>, StoreError> {
    Ok(organization_indicator::Entity::find()
        .filter(organization_indicator::Column::OrganizationId.eq(id.get()))
        .order_by_asc(organization_indicator::Column::Year)
        .all(db.conn())
        .await?
        .iter()
        .map(|m| (m.year, to_indicators(m)))
        .collect())
}

/// The latest year with new-product sales on record and their sum over every organization
/// (万元); `None` when there are none.
pub async fn new_product_sales_total(db: &impl Db) -> Result<Option<(i32, f64)>, StoreError> {
    let latest: Option<Option<i32>> = organization_indicator::Entity::find()
        .select_only()
        .column_as(organization_indicator::Column::Year.max(), "y")
        .filter(organization_indicator::Column::NewProductSales.is_not_null())
        .into_tuple()
        .one(db.conn())
        .await?;
    let Some(Some(year)) = latest else { return Ok(None) };
    let sum: Option<Option<f64>> = organization_indicator::Entity::find()
        .select_only()
        .column_as(organization_indicator::Column::NewProductSales.sum(), "s")
        .filter(organization_indicator::Column::Year.eq(year))
        .into_tuple()
        .one(db.conn())
        .await?;
    Ok(Some((year, sum.flatten().unwrap_or(0.0))))
}

/// Who entered a year's figures and how: the account's name and the way (`form`, `import`,
/// `demo`, `generator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnteredBy<'a> {
    /// The account's username (`system` for the platform).
    pub name: &'a str,
    /// How they came in.
    pub via: &'a str,
}

/// One year's figures with where they came from and whether the district confirmed them.
#[derive(Debug, Clone, PartialEq)]
pub struct FiguresRecord {
    /// The year.
    pub year: i32,
    /// The figures.
    pub figures: Indicators,
    /// Who entered them (unknown for figures stored before this was kept).
    pub entered_by: Option<String>,
    /// How (`form`, `import`, `demo`, `generator`).
    pub entered_via: Option<String>,
    /// When they were last entered.
    pub entered_at: DateTime<Utc>,
    /// The district officer who confirmed them, since they were last entered.
    pub confirmed_by: Option<String>,
    /// When.
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// An organization's figures by year with their provenance, oldest first (a few rows).
pub async fn list_figure_records(db: &impl Db, id: OrganizationId) -> Result<Vec<FiguresRecord>, StoreError> {
    Ok(organization_indicator::Entity::find()
        .filter(organization_indicator::Column::OrganizationId.eq(id.get()))
        .order_by_asc(organization_indicator::Column::Year)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| FiguresRecord {
            year: m.year,
            figures: to_indicators(&m),
            entered_at: m.updated_at,
            entered_by: m.entered_by,
            entered_via: m.entered_via,
            confirmed_by: m.confirmed_by,
            confirmed_at: m.confirmed_at,
        })
        .collect())
}

/// Records the district's confirmation of a year's figures as entered at `entered_at`, unless
/// they are confirmed already or were entered again since; whether it did.
pub async fn confirm_indicators(
    tx: &Tx,
    id: OrganizationId,
    year: i32,
    entered_at: DateTime<Utc>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = organization_indicator::Entity::update_many()
        .col_expr(organization_indicator::Column::ConfirmedBy, Expr::val(by))
        .col_expr(organization_indicator::Column::ConfirmedAt, Expr::val(now))
        .filter(organization_indicator::Column::OrganizationId.eq(id.get()))
        .filter(organization_indicator::Column::Year.eq(year))
        .filter(organization_indicator::Column::UpdatedAt.eq(entered_at))
        .filter(organization_indicator::Column::ConfirmedBy.is_null())
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// Stores one year's figures (insert or replace) as entered by `by`; a confirmation of the
/// old figures no longer holds. Returns the figures it replaced.
pub async fn put_indicators(
    tx: &Tx,
    id: OrganizationId,
    year: i32,
    i: &Indicators,
    by: EnteredBy<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Indicators>, StoreError> {
    let before = organization_indicator::Entity::find_by_id((id.get(), year)).one(tx.conn()).await?;
    let model = organization_indicator::ActiveModel {
        organization_id: Set(id.get()),
        year: Set(year),
        revenue: Set(i.revenue),
        rd_spend: Set(i.rd_spend),
        design_investment: Set(i.design_investment),
        staff_total: Set(i.staff_total),
        design_staff: Set(i.design_staff),
        senior_design_staff: Set(i.senior_design_staff),
        design_patents: Set(i.design_patents),
        new_product_sales: Set(i.new_product_sales),
        design_service_revenue: Set(i.design_service_revenue),
        awards: Set(i.awards),
        updated_at: Set(now),
        entered_by: Set(Some(by.name.to_owned())),
        entered_via: Set(Some(by.via.to_owned())),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
    };
    match &before {
        Some(_) => {
            organization_indicator::Entity::update(model).exec(tx.conn()).await?;
        }
        None => {
            organization_indicator::Entity::insert(model).exec(tx.conn()).await?;
        }
    }
    Ok(before.as_ref().map(to_indicators))
}

/// One step of an organization's library history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryEvent {
    /// From.
    pub from: LibraryStatus,
    /// To.
    pub to: LibraryStatus,
    /// Why (required for removals, else a comment).
    pub reason: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Changes the library status and records the step.
pub async fn set_library_status(tx: &Tx, id: OrganizationId, event: &LibraryEvent) -> Result<(), StoreError> {
    organization::Entity::update_many()
        .col_expr(organization::Column::LibraryStatus, Expr::val(event.to.code()))
        .col_expr(organization::Column::LibraryChangedAt, Expr::val(event.at))
        .filter(organization::Column::Id.eq(id.get()))
        .exec(tx.conn())
        .await?;
    library_event::Entity::insert(library_event::ActiveModel {
        organization_id: Set(id.get()),
        from_status: Set(event.from.code().to_owned()),
        to_status: Set(event.to.code().to_owned()),
        reason: Set(event.reason.clone()),
        actor_name: Set(event.actor.clone()),
        at: Set(event.at),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// An organization's library history, newest first (bounded: a handful of steps).
pub async fn list_library_events(db: &impl Db, id: OrganizationId) -> Result<Vec<LibraryEvent>, StoreError> {
    library_event::Entity::find()
        .filter(library_event::Column::OrganizationId.eq(id.get()))
        .order_by_desc(library_event::Column::Id)
        .limit(200)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| {
            let what = || format!("library event {}", m.id);
            Ok(LibraryEvent {
                from: m.from_status.parse().map_err(|e| StoreError::corrupt(what(), e))?,
                to: m.to_status.parse().map_err(|e| StoreError::corrupt(what(), e))?,
                reason: m.reason,
                actor: m.actor_name,
                at: m.at,
            })
        })
        .collect()
}

/// An organization's own application to enter the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Key.
    pub id: i32,
    /// Which organization.
    pub organization: OrganizationId,
    /// The organization's name (for lists).
    pub organization_name: String,
    /// Where it stands.
    pub status: LibraryApplicationStatus,
    /// What the organization says about its design capability.
    pub statement: String,
    /// The district's comment when deciding.
    pub comment: Option<String>,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// The officer who decided it.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

/// Files an application; a unique-index error ([`StoreError::is_duplicate`]) if the
/// organization has one open already.
pub async fn create_application(
    tx: &Tx,
    id: OrganizationId,
    statement: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let result = library_application::Entity::insert(library_application::ActiveModel {
        organization_id: Set(id.get()),
        status: Set(LibraryApplicationStatus::Submitted.code().to_owned()),
        statement: Set(statement.to_owned()),
        comment: Set(None),
        submitted_by: Set(by.to_owned()),
        submitted_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
        open_guard: Set(Some(id.get())),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(result.last_insert_id)
}

/// Records the decision on an application still open; returns whether it was open.
pub async fn decide_application(
    tx: &Tx,
    id: i32,
    status: LibraryApplicationStatus,
    comment: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = library_application::Entity::update_many()
        .col_expr(library_application::Column::Status, Expr::val(status.code()))
        .col_expr(library_application::Column::Comment, Expr::val(comment))
        .col_expr(library_application::Column::DecidedBy, Expr::val(by))
        .col_expr(library_application::Column::DecidedAt, Expr::val(now))
        .col_expr(library_application::Column::OpenGuard, Expr::val(Option::<i32>::None))
        .filter(library_application::Column::Id.eq(id))
        .filter(library_application::Column::Status.eq(LibraryApplicationStatus::Submitted.code()))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

async fn with_names(db: &impl Db, rows: Vec<library_application::Model>) -> Result<Vec<Application>, StoreError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.organization_id).collect();
    let names: std::collections::HashMap<i32, String> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Name)
        .filter(organization::Column::Id.is_in(ids))
        .into_tuple()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|m| {
            let status = LibraryApplicationStatus::parse(&m.status)
                .ok_or_else(|| StoreError::corrupt(format!("library application {}", m.id), &m.status))?;
            Ok(Application {
                id: m.id,
                organization: OrganizationId(m.organization_id),
                organization_name: names.get(&m.organization_id).cloned().unwrap_or_default(),
                status,
                statement: m.statement,
                comment: m.comment,
                submitted_by: m.submitted_by,
                submitted_at: m.submitted_at,
                decided_by: m.decided_by,
                decided_at: m.decided_at,
            })
        })
        .collect()
}

/// One application by id.
pub async fn find_application(db: &impl Db, id: i32) -> Result<Option<Application>, StoreError> {
    let rows = library_application::Entity::find_by_id(id).all(db.conn()).await?;
    Ok(with_names(db, rows).await?.into_iter().next())
}

/// An organization's applications, newest first (bounded: a few a year).
pub async fn list_applications_of(db: &impl Db, id: OrganizationId) -> Result<Vec<Application>, StoreError> {
    let rows = library_application::Entity::find()
        .filter(library_application::Column::OrganizationId.eq(id.get()))
        .order_by_desc(library_application::Column::Id)
        .limit(50)
        .all(db.conn())
        .await?;
    with_names(db, rows).await
}

/// One page of open applications of the organizations `scope` reaches, oldest first.
pub async fn list_open_applications(
    db: &impl Db,
    scope: &sheji_core::identity::Scope,
    page: sheji_core::page::PageRequest,
) -> Result<sheji_core::page::Page<Application>, StoreError> {
    use sea_orm::PaginatorTrait;
    let mut reached = sea_orm::sea_query::Query::select();
    reached.column(organization::Column::Id).from(organization::Entity).cond_where(crate::scope::rows(
        scope,
        organization::Column::DistrictId,
        organization::Column::Id,
    ));
    let query = library_application::Entity::find()
        .filter(library_application::Column::Status.eq(LibraryApplicationStatus::Submitted.code()))
        .filter(library_application::Column::OrganizationId.in_subquery(reached));
    let total = query.clone().count(db.conn()).await?;
    let rows = query
        .order_by_asc(library_application::Column::Id)
        .offset(page.offset())
        .limit(page.per_page())
        .all(db.conn())
        .await?;
    Ok(sheji_core::page::Page::new(with_names(db, rows).await?, page, total))
}

/// Rows per bulk INSERT: 13 columns × 400 rows stays under every backend's parameter limit.
const BULK: usize = 400;

/// Inserts many years of figures at once (generators and bulk loads); existing rows are not
/// expected (the caller loads fresh organizations).
pub async fn insert_indicators_bulk(
    tx: &Tx,
    rows: &[(OrganizationId, i32, Indicators)],
    by: EnteredBy<'_>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    for chunk in rows.chunks(BULK) {
        organization_indicator::Entity::insert_many(chunk.iter().map(|(id, year, i)| {
            organization_indicator::ActiveModel {
                organization_id: Set(id.get()),
                year: Set(*year),
                revenue: Set(i.revenue),
                rd_spend: Set(i.rd_spend),
                design_investment: Set(i.design_investment),
                staff_total: Set(i.staff_total),
                design_staff: Set(i.design_staff),
                senior_design_staff: Set(i.senior_design_staff),
                design_patents: Set(i.design_patents),
                new_product_sales: Set(i.new_product_sales),
                design_service_revenue: Set(i.design_service_revenue),
                awards: Set(i.awards),
                updated_at: Set(now),
                entered_by: Set(Some(by.name.to_owned())),
                entered_via: Set(Some(by.via.to_owned())),
                confirmed_by: Set(None),
                confirmed_at: Set(None),
            }
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(rows.len() as u64)
}

/// Sets the library status of many organizations at once (generators).
pub async fn set_library_status_bulk(
    tx: &Tx,
    ids: &[OrganizationId],
    status: LibraryStatus,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in ids.chunks(BULK) {
        organization::Entity::update_many()
            .col_expr(organization::Column::LibraryStatus, Expr::val(status.code()))
            .col_expr(organization::Column::LibraryChangedAt, Expr::val(now))
            .filter(organization::Column::Id.is_in(chunk.iter().map(|i| i.get())))
            .exec(tx.conn())
            .await?;
    }
    Ok(())
}

/// Ids of organizations by USCC (generators read back what they inserted).
pub async fn ids_by_uscc(db: &impl Db, usccs: &[&str]) -> Result<Vec<(String, OrganizationId)>, StoreError> {
    let mut out = Vec::with_capacity(usccs.len());
    for chunk in usccs.chunks(BULK) {
        let rows: Vec<(String, i32)> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Uscc)
            .column(organization::Column::Id)
            .filter(organization::Column::Uscc.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db.conn())
            .await?;
        out.extend(rows.into_iter().map(|(u, id)| (u, OrganizationId(id))));
    }
    Ok(out)
}

/// The full states of the organizations with these USCCs, in a handful of queries per 400
/// codes (imports check thousands of rows at once).
pub async fn find_states(
    db: &impl Db,
    usccs: &[&str],
) -> Result<std::collections::HashMap<String, OrgState>, StoreError> {
    let mut out = std::collections::HashMap::with_capacity(usccs.len());
    for chunk in usccs.chunks(BULK) {
        let orgs = organization::Entity::find()
            .filter(organization::Column::Uscc.is_in(chunk.iter().copied()))
            .all(db.conn())
            .await?;
        out.extend(states_of(db, orgs).await?.into_iter().map(|s| (s.fields.uscc.as_str().to_owned(), s)));
    }
    Ok(out)
}

/// The full states of the organizations with these ids (those that exist).
pub async fn find_states_by_id(db: &impl Db, ids: &[OrganizationId]) -> Result<Vec<OrgState>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(BULK) {
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in(chunk.iter().map(|i| i.get())))
            .all(db.conn())
            .await?;
        out.extend(states_of(db, orgs).await?);
    }
    Ok(out)
}

/// Up to `limit` full states after id `after`, in id order (a walk over every organization).
pub async fn scan_states(db: &impl Db, after: i32, limit: u64) -> Result<Vec<OrgState>, StoreError> {
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.gt(after))
        .order_by_asc(organization::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?;
    states_of(db, orgs).await
}

/// The states of these rows, with their short names, clusters and qualifications read in
/// one query each.
async fn states_of(db: &impl Db, orgs: Vec<organization::Model>) -> Result<Vec<OrgState>, StoreError> {
    use std::collections::HashMap;
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = orgs.iter().map(|o| o.id).collect();
    let mut aliases: HashMap<i32, BTreeSet<String>> = HashMap::new();
    for a in organization_alias::Entity::find()
        .filter(organization_alias::Column::OrganizationId.is_in(ids.clone()))
        .all(db.conn())
        .await?
    {
        aliases.entry(a.organization_id).or_default().insert(a.name);
    }
    let mut clusters: HashMap<i32, BTreeSet<ClusterId>> = HashMap::new();
    for c in organization_cluster::Entity::find()
        .filter(organization_cluster::Column::OrganizationId.is_in(ids.clone()))
        .all(db.conn())
        .await?
    {
        clusters.entry(c.organization_id).or_default().insert(ClusterId(c.cluster_id));
    }
    let mut quals: HashMap<i32, BTreeMap<Qualification, Option<i32>>> = HashMap::new();
    for q in organization_qualification::Entity::find()
        .filter(organization_qualification::Column::OrganizationId.is_in(ids))
        .all(db.conn())
        .await?
    {
        let kind = q
            .kind
            .parse::<Qualification>()
            .map_err(|e| StoreError::corrupt(format!("organization {}", q.organization_id), e))?;
        quals.entry(q.organization_id).or_default().insert(kind, q.year);
    }
    orgs.into_iter()
        .map(|m| {
            let id = m.id;
            org_state(
                m,
                aliases.remove(&id).unwrap_or_default(),
                clusters.remove(&id).unwrap_or_default(),
                quals.remove(&id).unwrap_or_default(),
            )
        })
        .collect()
}

/// The figures of many organizations, by organization (imports compare them in bulk).
pub async fn indicators_of(
    db: &impl Db,
    ids: &[OrganizationId],
) -> Result<std::collections::HashMap<OrganizationId, Vec<(i32, Indicators)>>, StoreError> {
    let mut out: std::collections::HashMap<OrganizationId, Vec<(i32, Indicators)>> = std::collections::HashMap::new();
    for chunk in ids.chunks(BULK) {
        for m in organization_indicator::Entity::find()
            .filter(organization_indicator::Column::OrganizationId.is_in(chunk.iter().map(|i| i.get())))
            .all(db.conn())
            .await?
        {
            out.entry(OrganizationId(m.organization_id)).or_default().push((m.year, to_indicators(&m)));
        }
    }
    Ok(out)
}

/// The largest organization id so far. Bulk inserts read their new ids back as the rows above
/// it: right after a large load PostgreSQL's statistics are stale, and `uscc IN (…)` over
/// hundreds of codes would scan the table, while a primary-key range never does.
pub async fn max_organization_id(tx: &Tx) -> Result<i32, StoreError> {
    let max: Option<Option<i32>> = organization::Entity::find()
        .select_only()
        .column_as(organization::Column::Id.max(), "m")
        .into_tuple()
        .one(tx.conn())
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Inserts many new organizations with their lists in a few statements; returns their ids in
/// the order given.
pub async fn insert_many(tx: &Tx, orgs: &[OrgFields], now: DateTime<Utc>) -> Result<Vec<OrganizationId>, StoreError> {
    let mut ids = Vec::with_capacity(orgs.len());
    for chunk in orgs.chunks(BULK / 2) {
        let before = max_organization_id(tx).await?;
        organization::Entity::insert_many(chunk.iter().map(|f| new_model(f, now))).exec(tx.conn()).await?;
        // By primary-key range, not `uscc IN (…)`: see `max_organization_id`.
        let found: std::collections::HashMap<String, OrganizationId> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Uscc)
            .column(organization::Column::Id)
            .filter(organization::Column::Id.gt(before))
            .into_tuple::<(String, i32)>()
            .all(tx.conn())
            .await?
            .into_iter()
            .map(|(u, id)| (u, OrganizationId(id)))
            .collect();
        // Every row was just inserted in this transaction, so every code is found; a miss would
        // misalign the lists below, so it is an error, not a skip.
        let chunk_ids: Vec<OrganizationId> = chunk
            .iter()
            .map(|f| {
                found
                    .get(f.uscc.as_str())
                    .copied()
                    .ok_or_else(|| StoreError::corrupt("organization", "inserted row not found"))
            })
            .collect::<Result<_, _>>()?;
        let aliases: Vec<_> = chunk
            .iter()
            .zip(&chunk_ids)
            .flat_map(|(f, id)| {
                f.short_names.iter().map(move |n| organization_alias::ActiveModel {
                    organization_id: Set(id.get()),
                    name: Set(n.clone()),
                })
            })
            .collect();
        let clusters: Vec<_> = chunk
            .iter()
            .zip(&chunk_ids)
            .flat_map(|(f, id)| {
                f.clusters.iter().map(move |c| organization_cluster::ActiveModel {
                    organization_id: Set(id.get()),
                    cluster_id: Set(c.get()),
                })
            })
            .collect();
        let quals: Vec<_> = chunk
            .iter()
            .zip(&chunk_ids)
            .flat_map(|(f, id)| {
                f.qualifications.iter().map(move |(q, y)| organization_qualification::ActiveModel {
                    organization_id: Set(id.get()),
                    kind: Set(q.code().to_owned()),
                    year: Set(*y),
                })
            })
            .collect();
        for part in aliases.chunks(BULK) {
            organization_alias::Entity::insert_many(part.to_vec()).exec(tx.conn()).await?;
        }
        for part in clusters.chunks(BULK) {
            organization_cluster::Entity::insert_many(part.to_vec()).exec(tx.conn()).await?;
        }
        for part in quals.chunks(BULK) {
            organization_qualification::Entity::insert_many(part.to_vec()).exec(tx.conn()).await?;
        }
        ids.extend(chunk_ids);
    }
    Ok(ids)
}
