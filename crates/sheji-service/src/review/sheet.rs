//! Score sheets: an expert's own assignments only, drafts, submission that locks; staff see
//! progress (never scores) while scoring is open, send reminders, and close the campaign,
//! which fixes the results by the campaign's aggregation rule.

use crate::work::Work;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde_json::json;
use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::{CampaignId, ExpertId, ItemId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::review::score::{self, Rubric};
use sheji_core::review::{self as core, AssignmentStatus, CampaignAction, CampaignStatus, SheetStatus};
use sheji_store::review::{self as store, Assignment, Campaign, ResultRow, RubricVersion};

use super::{ItemRow, item_rows, load_campaign, require};
use crate::audit::{Actor, Change};
use crate::clip;
use crate::{FieldError, ServiceError, Services};

/// The expert record behind the caller, if the caller may score at all.
pub(crate) async fn caller_expert(services: &Services, caller: &Principal) -> Result<store::Expert, ServiceError> {
    require(services, caller, Permission::ReviewScore)?;
    store::expert_of_account(services.store(), caller.account).await?.ok_or(ServiceError::Forbidden)
}

/// An assignment of the caller's, with its campaign; 404 for anyone else's, so another
/// expert's sheet cannot even be confirmed to exist.
pub(crate) async fn own_assignment(
    services: &Services,
    caller: &Principal,
    id: i32,
) -> Result<(Assignment, Campaign), ServiceError> {
    let me = caller_expert(services, caller).await?;
    let a = store::get_assignment(services.store(), id)
        .await?
        .filter(|a| a.expert == me.id && a.status == AssignmentStatus::Active)
        .ok_or(ServiceError::NotFound { key: "review.no_assignment" })?;
    let c = load_campaign(services, a.campaign).await?;
    Ok((a, c))
}

/// What an expert sees instead of a blind item's title: its number (the page says what it is).
pub fn blind_title(item: ItemId) -> String {
    format!("#{}", item.get())
}

/// Whether the caller is an expert assigned to `item` while its campaign runs (scoring,
/// closed or on notice): they may read the item's materials. `Some(blind)` when they may,
/// saying whether the applicant must stay hidden from them.
pub async fn expert_reads(services: &Services, caller: &Principal, item: ItemId) -> Result<Option<bool>, ServiceError> {
    if !caller.can(Permission::ReviewScore, services.now()) {
        return Ok(None);
    }
    let Some(me) = store::expert_of_account(services.store(), caller.account).await? else { return Ok(None) };
    let Some(a) = store::assignment_for(services.store(), me.id, item).await? else { return Ok(None) };
    let c = load_campaign(services, a.campaign).await?;
    let running = matches!(c.status, CampaignStatus::Scoring | CampaignStatus::Closed | CampaignStatus::Publicity);
    Ok(running.then_some(c.fields.blind))
}

/// One line of an expert's review list.
#[derive(Debug, Clone)]
pub struct MyReview {
    /// The assignment and sheet.
    pub assignment: Assignment,
    /// Campaign name.
    pub campaign: String,
    /// Campaign status.
    pub status: CampaignStatus,
    /// Deadline.
    pub deadline: chrono::NaiveDate,
    /// Item title ([`blind_title`] in a blind campaign).
    pub title: String,
    /// The campaign hides applicants.
    pub blind: bool,
}

pub(crate) async fn reviews_of(
    services: &Services,
    expert: ExpertId,
    page: PageRequest,
) -> Result<Page<MyReview>, ServiceError> {
    let p = store::expert_assignments(services.store(), expert, page).await?;
    let items = store::items_by_id(services.store(), &p.items.iter().map(|a| a.item).collect()).await?;
    let mut campaigns: BTreeMap<CampaignId, Campaign> = BTreeMap::new();
    for id in p.items.iter().map(|a| a.campaign).collect::<BTreeSet<_>>() {
        campaigns.insert(id, load_campaign(services, id).await?);
    }
    let rows = p
        .items
        .into_iter()
        .filter_map(|a| {
            let c = campaigns.get(&a.campaign)?;
            Some(MyReview {
                campaign: c.fields.name.clone(),
                status: c.status,
                deadline: c.fields.deadline,
                // A blind campaign's item titles name the applicant: the expert sees a number.
                title: if c.fields.blind {
                    blind_title(a.item)
                } else {
                    items.get(&a.item).map(|i| i.fields.title.clone()).unwrap_or_default()
                },
                blind: c.fields.blind,
                assignment: a,
            })
        })
        .collect();
    Ok(Page::new(rows, page, p.total))
}

/// The caller's own assignments (experts).
pub async fn my_reviews(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<MyReview>, ServiceError> {
    let me = caller_expert(services, caller).await?;
    reviews_of(services, me.id, page).await
}

/// What an expert sees to score one item.
#[derive(Debug, Clone)]
pub struct SheetView {
    /// The assignment and the sheet so far.
    pub assignment: Assignment,
    /// The campaign.
    pub campaign: Campaign,
    /// The frozen rubric.
    pub rubric: RubricVersion,
    /// The item; its organization and team are hidden when the campaign is blind.
    pub item: ItemRow,
    /// Whether the sheet can still change.
    pub editable: bool,
}

/// One of the caller's sheets (experts); 404 for anything not assigned to them.
pub async fn sheet(services: &Services, caller: &Principal, id: i32) -> Result<SheetView, ServiceError> {
    let (a, c) = own_assignment(services, caller, id).await?;
    let rubric = store::get_rubric(services.store(), c.fields.rubric)
        .await?
        .ok_or(ServiceError::NotFound { key: "review.no_rubric" })?;
    let item = super::load_item(services, c.id, a.item).await?;
    let mut row =
        item_rows(services, vec![item]).await?.pop().ok_or(ServiceError::NotFound { key: "review.no_item" })?;
    if c.fields.blind {
        row.organization = None;
        row.item.fields.organizations.clear();
        row.item.fields.team.clear();
        row.item.fields.title = blind_title(a.item);
    }
    let editable = c.status == CampaignStatus::Scoring && a.sheet_status == SheetStatus::Draft;
    Ok(SheetView { assignment: a, campaign: c, rubric, item: row, editable })
}

/// What an expert sends from a sheet.
#[derive(Debug, Clone, Default)]
pub struct SheetInput {
    /// Scores per criterion, in rubric order (`None`: not given yet).
    pub scores: Vec<Option<f64>>,
    /// Comments per criterion.
    pub comments: Vec<String>,
    /// Overall comment.
    pub comment: String,
    /// Submit and lock, rather than save a draft.
    pub submit: bool,
}

/// Saves a draft or, with `submit`, checks every score and locks the sheet with its total.
pub async fn save(
    services: &Services,
    caller: &Principal,
    id: i32,
    input: &SheetInput,
    ip: &str,
) -> Result<Option<f64>, ServiceError> {
    let SheetInput { scores, comments, comment, submit } = input;
    let submit = *submit;
    let view = sheet(services, caller, id).await?;
    if view.campaign.status != CampaignStatus::Scoring {
        return Err(ServiceError::Conflict { key: "review.not_scoring" });
    }
    if !view.editable {
        return Err(ServiceError::Conflict { key: "review.sheet_locked" });
    }
    let rubric: &Rubric = &view.rubric.rubric;
    let n = rubric.criteria.len();
    let scores: Vec<Option<f64>> = (0..n).map(|i| scores.get(i).copied().flatten()).collect();
    let comments: Vec<String> = (0..n).map(|i| comments.get(i).map(|c| clip(c, 2_000)).unwrap_or_default()).collect();
    let comment = clip(comment, 5_000);
    let mut errors = Vec::new();
    for (i, (c, s)) in rubric.criteria.iter().zip(&scores).enumerate() {
        match s {
            Some(v) => {
                if let Err(e) = rubric.check_score(c, *v) {
                    errors.push(field_error(i, e));
                }
            }
            None if submit => errors.push(field_error(i, score::ScoreError::Count { got: 0, want: 1 })),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let total = if submit {
        let full: Vec<f64> = scores.iter().map(|s| s.unwrap_or(0.0)).collect();
        Some(rubric.total(&full).map_err(|e| ServiceError::Fields(vec![field_error(0, e)]))?)
    } else {
        None
    };
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::save_sheet(&tx, id, &scores, &comments, &comment, total, now).await? {
        return Err(ServiceError::Conflict { key: "review.sheet_locked" });
    }
    let change = Change {
        action: if submit { "review.sheet_submit" } else { "review.sheet_save" },
        target_type: "review_assignment",
        target_id: id.to_string(),
        before: json!({"scores": view.assignment.scores, "status": view.assignment.sheet_status}),
        after: json!({"scores": scores, "total": total, "status": if submit { SheetStatus::Submitted.code() } else { SheetStatus::Draft.code() }}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(total)
}

fn field_error(i: usize, e: score::ScoreError) -> FieldError {
    let mut f = FieldError::new(CRITERION_FIELDS.get(i).copied().unwrap_or("scores"), e.key());
    f.args = e.args();
    f
}

/// Form field names of criteria, `score_1` … (a rubric has at most this many criteria).
pub const CRITERION_FIELDS: [&str; 20] = [
    "score_1", "score_2", "score_3", "score_4", "score_5", "score_6", "score_7", "score_8", "score_9", "score_10",
    "score_11", "score_12", "score_13", "score_14", "score_15", "score_16", "score_17", "score_18", "score_19",
    "score_20",
];

/// Progress of one item.
#[derive(Debug, Clone)]
pub struct ItemProgress {
    /// The item.
    pub item: ItemId,
    /// Title.
    pub title: String,
    /// Active reviewers.
    pub assigned: u32,
    /// Sheets submitted.
    pub submitted: u32,
}

/// Progress of one expert.
#[derive(Debug, Clone)]
pub struct ExpertProgress {
    /// The expert.
    pub expert: ExpertId,
    /// Name.
    pub name: String,
    /// Active assignments.
    pub assigned: u32,
    /// Sheets submitted.
    pub submitted: u32,
    /// Last reminder.
    pub reminded_at: Option<DateTime<Utc>>,
}

/// Where scoring stands, per item and per expert (staff; no scores).
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Per item, in item order.
    pub items: Vec<ItemProgress>,
    /// Per expert, by name.
    pub experts: Vec<ExpertProgress>,
    /// Active assignments.
    pub assigned: u32,
    /// Submitted sheets.
    pub submitted: u32,
}

/// Scoring progress of a campaign (staff).
pub async fn progress(services: &Services, caller: &Principal, id: CampaignId) -> Result<Progress, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    load_campaign(services, id).await?;
    let items = store::all_items(services.store(), id).await?;
    let all = store::campaign_assignments(services.store(), id).await?;
    let active: Vec<&Assignment> = all.iter().filter(|a| a.status == AssignmentStatus::Active).collect();
    let experts = store::experts_by_id(services.store(), &active.iter().map(|a| a.expert).collect()).await?;
    let mut p = Progress::default();
    for i in &items {
        let on: Vec<&&Assignment> = active.iter().filter(|a| a.item == i.id).collect();
        p.items.push(ItemProgress {
            item: i.id,
            title: i.fields.title.clone(),
            assigned: on.len() as u32,
            submitted: on.iter().filter(|a| a.sheet_status == SheetStatus::Submitted).count() as u32,
        });
    }
    let mut by_expert: BTreeMap<ExpertId, ExpertProgress> = BTreeMap::new();
    for a in &active {
        let e = by_expert.entry(a.expert).or_insert_with(|| ExpertProgress {
            expert: a.expert,
            name: experts.get(&a.expert).map(|e| e.fields.name.clone()).unwrap_or_default(),
            assigned: 0,
            submitted: 0,
            reminded_at: None,
        });
        e.assigned += 1;
        if a.sheet_status == SheetStatus::Submitted {
            e.submitted += 1;
        }
        e.reminded_at = e.reminded_at.max(a.reminded_at);
    }
    p.experts = by_expert.into_values().collect();
    p.experts.sort_by(|a, b| a.name.cmp(&b.name));
    p.assigned = active.len() as u32;
    p.submitted = active.iter().filter(|a| a.sheet_status == SheetStatus::Submitted).count() as u32;
    Ok(p)
}

/// Marks a reminder on every unsubmitted sheet; experts see it on their list. Returns how many
/// experts were reminded (staff).
pub async fn remind(services: &Services, caller: &Principal, id: CampaignId, ip: &str) -> Result<usize, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    if c.status != CampaignStatus::Scoring {
        return Err(ServiceError::Conflict { key: "review.not_scoring" });
    }
    let all = store::campaign_assignments(services.store(), id).await?;
    let open: Vec<&Assignment> =
        all.iter().filter(|a| a.status == AssignmentStatus::Active && a.sheet_status == SheetStatus::Draft).collect();
    let experts: BTreeSet<ExpertId> = open.iter().map(|a| a.expert).collect();
    if open.is_empty() {
        return Ok(0);
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::mark_reminded(&tx, &open.iter().map(|a| a.id).collect::<Vec<_>>(), now).await?;
    let change = Change {
        action: "review.remind",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"experts": experts, "sheets": open.len()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(experts.len())
}

/// Computes results from submitted sheets: per item the aggregation, outliers, rank and grade.
pub(crate) fn compute(c: &Campaign, items: &[ItemId], all: &[Assignment]) -> Vec<ResultRow> {
    let mut totals: BTreeMap<ItemId, Vec<f64>> = items.iter().map(|i| (*i, Vec::new())).collect();
    for a in all.iter().filter(|a| a.status == AssignmentStatus::Active && a.sheet_status == SheetStatus::Submitted) {
        if let (Some(t), Some(list)) = (a.total, totals.get_mut(&a.item)) {
            list.push(t);
        }
    }
    let scores: Vec<(ItemId, Option<f64>)> = totals.iter().map(|(i, t)| (*i, c.fields.aggregation.apply(t))).collect();
    score::rank(&scores, &c.fields.thresholds)
        .into_iter()
        .map(|r| {
            let t = totals.get(&r.item).map(Vec::as_slice).unwrap_or_default();
            ResultRow {
                item: r.item,
                score: r.score,
                rank: r.rank,
                tied: r.tied,
                grade: r.grade,
                sheets: t.len() as u32,
                outliers: score::outliers(t, c.fields.outlier_pct).iter().filter(|x| **x).count() as u32,
            }
        })
        .collect()
}

/// Closes scoring and fixes the results (staff). Unsubmitted sheets do not count; the page
/// shows how many there were before the button.
pub async fn close(services: &Services, caller: &Principal, id: CampaignId, ip: &str) -> Result<usize, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    let to = core::transition(c.status, CampaignAction::Close)
        .map_err(|_| ServiceError::Conflict { key: "review.not_scoring" })?;
    let items: Vec<ItemId> = store::all_items(services.store(), id).await?.iter().map(|i| i.id).collect();
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::set_campaign_status(&tx, id, c.status, to, now).await? {
        return Err(ServiceError::Conflict { key: "review.changed_meanwhile" });
    }
    // Read the sheets after the status change, inside the transaction: from here on no sheet
    // can be saved (saving requires a campaign in scoring), so the results count every one.
    let all = store::campaign_assignments(&tx, id).await?;
    let results = compute(&c, &items, &all);
    store::replace_results(&tx, id, &results).await?;
    let unsubmitted =
        all.iter().filter(|a| a.status == AssignmentStatus::Active && a.sheet_status == SheetStatus::Draft).count();
    let change = Change {
        action: "review.close",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: json!({"status": c.status.code()}),
        after: json!({"status": to.code(), "results": results.len(), "unsubmitted": unsubmitted}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(results.len())
}

/// One line of the result list, with the item and, for staff, every sheet.
#[derive(Debug, Clone)]
pub struct ResultLine {
    /// The fixed result.
    pub result: ResultRow,
    /// The item.
    pub item: ItemRow,
    /// Sheets (staff only): expert name, total, outlier flag.
    pub sheets: Vec<(String, f64, bool)>,
    /// An objection against this item was upheld: its result does not stand.
    pub upheld: bool,
}

async fn result_lines(
    services: &Services,
    c: &Campaign,
    min_score: Option<f64>,
    page: PageRequest,
    with_sheets: bool,
) -> Result<Page<ResultLine>, ServiceError> {
    let p = store::list_results(services.store(), c.id, min_score, page).await?;
    let (upheld, _) = store::upheld_objections(services.store(), c.id).await?;
    let items = store::items_by_id(services.store(), &p.items.iter().map(|r| r.item).collect()).await?;
    let rows = item_rows(services, items.into_values().collect()).await?;
    let mut by_item: BTreeMap<ItemId, ItemRow> = rows.into_iter().map(|r| (r.item.id, r)).collect();
    let mut sheets: BTreeMap<ItemId, Vec<(String, f64, bool)>> = BTreeMap::new();
    if with_sheets {
        let all = store::campaign_assignments(services.store(), c.id).await?;
        let submitted: Vec<&Assignment> = all
            .iter()
            .filter(|a| a.status == AssignmentStatus::Active && a.sheet_status == SheetStatus::Submitted)
            .collect();
        let experts = store::experts_by_id(services.store(), &submitted.iter().map(|a| a.expert).collect()).await?;
        for r in &p.items {
            let on: Vec<&&Assignment> = submitted.iter().filter(|a| a.item == r.item).collect();
            let totals: Vec<f64> = on.iter().map(|a| a.total.unwrap_or(0.0)).collect();
            let flags = score::outliers(&totals, c.fields.outlier_pct);
            sheets.insert(
                r.item,
                on.iter()
                    .zip(flags)
                    .map(|(a, f)| {
                        let name = experts.get(&a.expert).map(|e| e.fields.name.clone()).unwrap_or_default();
                        (name, a.total.unwrap_or(0.0), f)
                    })
                    .collect(),
            );
        }
    }
    let lines = p
        .items
        .into_iter()
        .filter_map(|r| {
            let item = by_item.remove(&r.item)?;
            Some(ResultLine {
                sheets: sheets.remove(&r.item).unwrap_or_default(),
                upheld: upheld.contains(&r.item),
                result: r,
                item,
            })
        })
        .collect();
    Ok(Page::new(lines, page, p.total))
}

/// The results with every sheet (staff, once scoring is closed).
pub async fn results(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    page: PageRequest,
) -> Result<Page<ResultLine>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    if matches!(c.status, CampaignStatus::Draft | CampaignStatus::Scoring) {
        return Err(ServiceError::Conflict { key: "review.not_closed" });
    }
    result_lines(services, &c, None, page, true).await
}

/// The published results (anyone, during and after publicity): titles, organizations, scores,
/// ranks and grades; never sheets or experts.
pub async fn public_results(
    services: &Services,
    id: CampaignId,
    page: PageRequest,
) -> Result<(Campaign, Page<ResultLine>), ServiceError> {
    let c = load_campaign(services, id).await?;
    if !matches!(c.status, CampaignStatus::Publicity | CampaignStatus::Final) {
        return Err(ServiceError::NotFound { key: "review.no_campaign" });
    }
    // The notice lists the items it proposes: those reaching its mark; their scores only if
    // it shows them (the page, its papers and the API alike).
    let mark = c.notice.as_ref().and_then(|n| n.min_score);
    let mut lines = result_lines(services, &c, mark, page, false).await?;
    if c.notice.as_ref().is_some_and(|n| !n.show_scores) {
        for l in &mut lines.items {
            l.result.score = None;
        }
    }
    Ok((c, lines))
}

/// Every submitted sheet of a campaign with its scores (staff, after closing): for the export.
pub(crate) async fn closed_sheets(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
) -> Result<(Campaign, RubricVersion, Vec<(Assignment, String, String)>), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    if matches!(c.status, CampaignStatus::Draft | CampaignStatus::Scoring) {
        return Err(ServiceError::Conflict { key: "review.not_closed" });
    }
    let rubric = store::get_rubric(services.store(), c.fields.rubric)
        .await?
        .ok_or(ServiceError::NotFound { key: "review.no_rubric" })?;
    let all = store::campaign_assignments(services.store(), id).await?;
    let sheets: Vec<Assignment> = all.into_iter().filter(|a| a.status == AssignmentStatus::Active).collect();
    let experts = store::experts_by_id(services.store(), &sheets.iter().map(|a| a.expert).collect()).await?;
    let items = store::items_by_id(services.store(), &sheets.iter().map(|a| a.item).collect()).await?;
    let out = sheets
        .into_iter()
        .map(|a| {
            let e = experts.get(&a.expert).map(|e| e.fields.name.clone()).unwrap_or_default();
            let i = items.get(&a.item).map(|i| i.fields.title.clone()).unwrap_or_default();
            (a, i, e)
        })
        .collect();
    Ok((c, rubric, out))
}
