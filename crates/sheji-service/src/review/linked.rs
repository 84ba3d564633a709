//! What other capabilities ask of the review engine: a campaign opened for their own items
//! (a recognition batch's applications) and the outcome read back. They call these, never the
//! review store, so the engine's checks and audit records apply to them as to its own pages.

use std::collections::BTreeMap;

use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::{CampaignId, RubricId};
use sheji_core::page::PageRequest;
use sheji_core::review::CampaignStatus;
use sheji_store::Tx;
use sheji_store::review as store;

use super::{CampaignFields, Item, ItemFields, campaign_json};
use crate::audit::{self, Actor, Change};
use crate::{ServiceError, Services};

/// Whether a rubric exists (a batch names the rubric its review will use).
pub async fn rubric_exists(services: &Services, id: RubricId) -> Result<bool, ServiceError> {
    Ok(store::get_rubric(services.store(), id).await?.is_some())
}

/// A campaign's status, if it exists.
pub async fn campaign_status(services: &Services, id: CampaignId) -> Result<Option<CampaignStatus>, ServiceError> {
    Ok(store::get_campaign(services.store(), id).await?.map(|c| c.status))
}

/// Opens a campaign with its items inside `tx`, the opening capability's transaction, so the
/// campaign and that capability's own change land together or not at all. The caller must
/// hold `permission`, the opening capability's right to send its items to review; the
/// campaign gets its own audit record. Returns the campaign and its items in input order.
pub async fn open_in(
    tx: &Tx,
    services: &Services,
    caller: &Principal,
    permission: Permission,
    fields: &CampaignFields,
    items: &[ItemFields],
    ip: &str,
) -> Result<(CampaignId, Vec<Item>), ServiceError> {
    let now = services.now();
    if !caller.can(permission, now) {
        return Err(ServiceError::Forbidden);
    }
    if store::get_rubric(tx, fields.rubric).await?.is_none() {
        return Err(ServiceError::Conflict { key: "review.no_rubric" });
    }
    let campaign = store::insert_campaign(tx, fields, &caller.username, now).await?;
    store::insert_items(tx, campaign, items, now).await?;
    let stored = store::all_items(tx, campaign).await?;
    let mut after = campaign_json(fields);
    if let Some(map) = after.as_object_mut() {
        map.insert("items".to_owned(), serde_json::json!(stored.len()));
    }
    let change = Change {
        action: "review.campaign_create",
        target_type: "review_campaign",
        target_id: campaign.to_string(),
        before: serde_json::Value::Null,
        after,
    };
    audit::record(tx, now, &Actor::of(caller, ip), change).await?;
    Ok((campaign, stored))
}

/// Opens a public notice without expert review inside `tx` (the opening capability's
/// transaction): a campaign on the notice-only rubric, closed at once with every item
/// unscored and listed, so staff publish it, take objections and finalize it in the review
/// pages as any other. The caller must hold `permission`. Returns the campaign and its items
/// in input order.
#[allow(clippy::too_many_arguments)]
pub async fn open_notice_in(
    tx: &Tx,
    services: &Services,
    caller: &Principal,
    permission: Permission,
    name: &str,
    publicity_days: u32,
    items: &[ItemFields],
    ip: &str,
) -> Result<(CampaignId, Vec<Item>), ServiceError> {
    let rubric = store::notice_rubric(tx).await?.ok_or(ServiceError::Conflict { key: "review.no_rubric" })?;
    let today = services.today();
    let fields = CampaignFields {
        name: name.to_owned(),
        rubric,
        reviewers_per_item: 0,
        blind: false,
        aggregation: sheji_core::review::score::Aggregation::Mean,
        thresholds: Vec::new(),
        period_start: today,
        deadline: today,
        conflict_years: 0,
        forbid_repeat: false,
        require_match: false,
        min_load: 0,
        max_load: 0,
        publicity_days,
        outlier_pct: sheji_core::review::score::DEFAULT_OUTLIER_PCT,
    };
    // Opened (and audited, its rubric saying what it is) as any campaign, then closed at once.
    let (campaign, stored) = open_in(tx, services, caller, permission, &fields, items, ip).await?;
    // Every item is listed, in the order given, with no score: the notice proposes them all.
    let rows: Vec<store::ResultRow> = stored
        .iter()
        .enumerate()
        .map(|(i, item)| store::ResultRow {
            item: item.id,
            score: None,
            rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
            tied: false,
            grade: None,
            sheets: 0,
            outliers: 0,
        })
        .collect();
    store::replace_results(tx, campaign, &rows).await?;
    if !store::set_campaign_status(tx, campaign, CampaignStatus::Draft, CampaignStatus::Closed, services.now()).await? {
        return Err(ServiceError::Conflict { key: "review.changed_meanwhile" });
    }
    Ok((campaign, stored))
}

/// The items an upheld objection withdrew from a campaign's notice, once its final list is out
/// (`None` before that): what a notice without expert review decides.
pub async fn withdrawn(
    services: &Services,
    campaign: CampaignId,
) -> Result<Option<std::collections::BTreeSet<sheji_core::ids::ItemId>>, ServiceError> {
    let c = store::get_campaign(services.store(), campaign)
        .await?
        .ok_or(ServiceError::NotFound { key: "review.no_campaign" })?;
    if c.status != CampaignStatus::Final {
        return Ok(None);
    }
    let (upheld, _) = store::upheld_objections(services.store(), campaign).await?;
    Ok(Some(upheld))
}

/// Sets the mark an item needs to be proposed on the campaign's 公示 notice (staff may change
/// it when they publish).
pub async fn propose_from(tx: &Tx, campaign: CampaignId, min_score: f64) -> Result<(), ServiceError> {
    let notice = sheji_core::review::notice::PublicityNotice { min_score: Some(min_score), ..Default::default() };
    Ok(store::set_notice(tx, campaign, &notice).await?)
}

/// The standing score of every item of a campaign, once its final list is out (`None` before
/// that, so the asking capability says what its user must wait for): an item's score is `None`
/// without sheets or when an upheld objection withdrew its result.
pub async fn final_scores(
    services: &Services,
    campaign: CampaignId,
) -> Result<Option<BTreeMap<sheji_core::ids::ItemId, Option<f64>>>, ServiceError> {
    let Some(upheld) = withdrawn(services, campaign).await? else { return Ok(None) };
    let mut by_item = BTreeMap::new();
    let mut page = 1;
    loop {
        let r = store::list_results(services.store(), campaign, None, PageRequest::new(Some(page), Some(200))).await?;
        for row in &r.items {
            by_item.insert(row.item, if upheld.contains(&row.item) { None } else { row.score });
        }
        if page >= r.page_count() {
            break;
        }
        page += 1;
    }
    Ok(Some(by_item))
}
