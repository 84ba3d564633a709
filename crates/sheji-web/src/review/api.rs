//! The review engine over JSON: staff list campaigns, run a dry run and read results; experts
//! list their assignments and read and fill their own sheets (anything else is a 404); anyone
//! reads results on public notice.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::ids::CampaignId;
use sheji_service::review::assign::{self, Mode};
use sheji_service::review::sheet::{self, SheetInput};
use sheji_service::review::{self, Campaign};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiPath, ApiQuery, Paged};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// Paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Rows per page (1–200, default 50).
    pub per_page: Option<u64>,
}

/// A campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignBody {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// `draft`, `scoring`, `closed`, `publicity` or `final`.
    pub status: String,
    /// Reviewers per item.
    pub reviewers_per_item: u32,
    /// Experts do not see the applicant.
    pub blind: bool,
    /// `trimmed_mean` or `median`.
    pub aggregation: String,
    /// First day of review.
    pub period_start: String,
    /// Last day to submit.
    pub deadline: String,
    /// Publicity window (first and last day), once published.
    pub publicity: Option<[String; 2]>,
    /// `optimal` or `random`, once deployed.
    pub mode: Option<String>,
    /// The draw's seed (random mode).
    pub seed: Option<i64>,
}

impl From<&Campaign> for CampaignBody {
    fn from(c: &Campaign) -> Self {
        CampaignBody {
            id: c.id.get(),
            name: c.fields.name.clone(),
            status: c.status.code().to_owned(),
            reviewers_per_item: c.fields.reviewers_per_item,
            blind: c.fields.blind,
            aggregation: c.fields.aggregation.code().to_owned(),
            period_start: c.fields.period_start.to_string(),
            deadline: c.fields.deadline.to_string(),
            publicity: c.publicity.map(|(a, b)| [a.to_string(), b.to_string()]),
            mode: c.deployment.as_ref().map(|d| d.mode.clone()),
            seed: c.deployment.as_ref().and_then(|d| d.seed),
        }
    }
}

/// Review campaigns, newest first (`review.manage`).
#[utoipa::path(
    get,
    path = "/api/v1/reviews/campaigns",
    tag = "review",
    security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Paged<CampaignBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub async fn campaigns(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<Paged<CampaignBody>>, ApiError> {
    let page = review::campaigns(&state.services, &p, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |c| CampaignBody::from(&c))))
}

/// Dry-run parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanParams {
    /// `optimal` (default) or `random`.
    pub mode: Option<String>,
    /// Seed of a random draw; generated when absent.
    pub seed: Option<u64>,
}

/// A proposed pair and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairBody {
    /// Item id.
    pub item: i32,
    /// Expert id.
    pub expert: i32,
    /// Shared specialty codes.
    pub shared: Vec<String>,
}

/// An item short of reviewers and why its pool is small.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShortBody {
    /// Item id.
    pub item: i32,
    /// Title.
    pub title: String,
    /// Reviewers wanted.
    pub need: u32,
    /// Reviewers found.
    pub got: u32,
    /// Eligible experts.
    pub eligible: u32,
    /// Blocked by a conflict.
    pub conflicted: u32,
    /// Not available in the review period.
    pub unavailable: u32,
    /// Without a shared specialty.
    pub unmatched: u32,
    /// Excluded (declined or swapped out).
    pub excluded: u32,
}

/// A dry run: nothing is written.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanBody {
    /// Mode.
    pub mode: String,
    /// Seed (random mode): deploy with it to get exactly this draw.
    pub seed: Option<u64>,
    /// Total shared specialties.
    pub objective: u64,
    /// Pairs.
    pub pairs: Vec<PairBody>,
    /// Items short of reviewers.
    pub shortfalls: Vec<ShortBody>,
    /// Experts below the minimum load: [expert id, load].
    pub under_min: Vec<[i64; 2]>,
}

/// What an assignment would be (`review.manage`; campaigns in preparation).
#[utoipa::path(
    get,
    path = "/api/v1/reviews/campaigns/{id}/plan",
    tag = "review",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Campaign id"), PlanParams),
    responses((status = 200, body = PlanBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn plan(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(q): ApiQuery<PlanParams>,
) -> Result<Json<PlanBody>, ApiError> {
    let mode = match q.mode.as_deref() {
        None | Some("") => Mode::Optimal,
        Some(m) => Mode::parse(m).ok_or_else(|| ApiError::bad_request("mode: optimal or random", lang))?,
    };
    let plan = assign::dry_run(&state.services, &p, CampaignId(id), mode, q.seed)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(PlanBody {
        mode: plan.mode.code().to_owned(),
        seed: plan.seed,
        objective: plan.objective,
        pairs: plan
            .pairs
            .iter()
            .map(|x| PairBody { item: x.item.get(), expert: x.expert.get(), shared: x.shared.clone() })
            .collect(),
        shortfalls: plan
            .shortfalls
            .iter()
            .map(|s| ShortBody {
                item: s.item.get(),
                title: s.title.clone(),
                need: s.need,
                got: s.got,
                eligible: s.pool.eligible,
                conflicted: s.pool.conflicted,
                unavailable: s.pool.unavailable,
                unmatched: s.pool.unmatched,
                excluded: s.pool.excluded,
            })
            .collect(),
        under_min: plan.under_min.iter().map(|(e, l)| [i64::from(e.get()), i64::from(*l)]).collect(),
    }))
}

/// One line of a result list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultBody {
    /// Rank (1 = best; equal scores share a rank).
    pub rank: u32,
    /// Shares its rank.
    pub tied: bool,
    /// Item id.
    pub item: i32,
    /// Title.
    pub title: String,
    /// Applicant.
    pub organization: Option<String>,
    /// Score, if it had sheets.
    pub score: Option<f64>,
    /// Grade.
    pub grade: Option<String>,
    /// Sheets counted (staff only).
    pub sheets: Option<u32>,
    /// Sheets flagged as outliers (staff only).
    pub outliers: Option<u32>,
}

fn result_body(l: sheet::ResultLine, staff: bool) -> ResultBody {
    ResultBody {
        rank: l.result.rank,
        tied: l.result.tied,
        item: l.item.item.id.get(),
        title: l.item.item.fields.title,
        organization: l.item.organization,
        score: l.result.score,
        grade: if l.upheld { None } else { l.result.grade },
        sheets: staff.then_some(l.result.sheets),
        outliers: staff.then_some(l.result.outliers),
    }
}

/// Results of a closed campaign, by rank (`review.manage`).
#[utoipa::path(
    get,
    path = "/api/v1/reviews/campaigns/{id}/results",
    tag = "review",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Campaign id"), PageParams),
    responses((status = 200, body = Paged<ResultBody>), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn results(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<Paged<ResultBody>>, ApiError> {
    let page = sheet::results(&state.services, &p, CampaignId(id), crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |l| result_body(l, true))))
}

/// Results on public notice or final, by rank (anyone).
#[utoipa::path(
    get,
    path = "/api/v1/publicity/{id}",
    tag = "review",
    params(("id" = i32, Path, description = "Campaign id"), PageParams),
    responses((status = 200, body = Paged<ResultBody>), (status = 404, body = ErrorBody))
)]
pub async fn publicity(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<Paged<ResultBody>>, ApiError> {
    let (_, page) =
        sheet::public_results(&state.services, CampaignId(id), crate::api::page_request(q.page, q.per_page, lang)?)
            .await
            .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |l| result_body(l, false))))
}

/// One of the caller's assignments.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyReviewBody {
    /// Assignment (sheet) id.
    pub id: i32,
    /// Campaign name.
    pub campaign: String,
    /// Item title; in a blind campaign the item's number (`#12`), since titles can name the
    /// applicant.
    pub title: String,
    /// Deadline.
    pub deadline: String,
    /// `draft` or `submitted`.
    pub sheet_status: String,
    /// Staff sent a reminder.
    pub reminded: bool,
}

/// The caller's own assignments (`review.score`).
#[utoipa::path(
    get,
    path = "/api/v1/reviews/mine",
    tag = "review",
    security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Paged<MyReviewBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub async fn mine(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<Paged<MyReviewBody>>, ApiError> {
    let page = sheet::my_reviews(&state.services, &p, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |r| MyReviewBody {
        id: r.assignment.id,
        campaign: r.campaign,
        title: r.title,
        deadline: r.deadline.to_string(),
        reminded: r.assignment.reminded_at.is_some(),
        sheet_status: r.assignment.sheet_status.code().to_owned(),
    })))
}

/// A criterion of the sheet's rubric.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionBody {
    /// Name.
    pub name: String,
    /// Highest score.
    pub max_score: f64,
    /// Weight.
    pub weight: f64,
    /// Level descriptions.
    pub levels: Vec<String>,
}

/// A score sheet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetBody {
    /// Sheet id.
    pub id: i32,
    /// Campaign name.
    pub campaign: String,
    /// Item title.
    pub title: String,
    /// Applicant (absent in blind campaigns).
    pub organization: Option<String>,
    /// Specialty codes of the item.
    pub specialties: Vec<String>,
    /// The rubric's criteria, in order.
    pub criteria: Vec<CriterionBody>,
    /// Scores so far, per criterion.
    pub scores: Vec<Option<f64>>,
    /// Comments per criterion.
    pub comments: Vec<String>,
    /// Overall comment.
    pub comment: String,
    /// `draft` or `submitted`.
    pub sheet_status: String,
    /// Weighted total (0–100) once submitted.
    pub total: Option<f64>,
    /// Whether it can still change.
    pub editable: bool,
}

async fn sheet_body(
    state: &AppState,
    p: &sheji_core::identity::Principal,
    id: i32,
) -> Result<SheetBody, sheji_service::ServiceError> {
    let v = sheet::sheet(&state.services, p, id).await?;
    Ok(SheetBody {
        id,
        campaign: v.campaign.fields.name.clone(),
        title: v.item.item.fields.title.clone(),
        organization: v.item.organization.clone(),
        specialties: v.item.item.fields.specialties.iter().cloned().collect(),
        criteria: v
            .rubric
            .rubric
            .criteria
            .iter()
            .map(|c| CriterionBody {
                name: c.name.clone(),
                max_score: c.max_score,
                weight: c.weight,
                levels: c.levels.clone(),
            })
            .collect(),
        scores: v.assignment.scores.clone(),
        comments: v.assignment.comments.clone(),
        comment: v.assignment.comment.clone(),
        sheet_status: v.assignment.sheet_status.code().to_owned(),
        total: v.assignment.total,
        editable: v.editable,
    })
}

/// One of the caller's sheets (`review.score`); 404 for any sheet not assigned to the caller.
#[utoipa::path(
    get,
    path = "/api/v1/reviews/sheets/{id}",
    tag = "review",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Sheet id")),
    responses((status = 200, body = SheetBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get_sheet(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<SheetBody>, ApiError> {
    Ok(Json(sheet_body(&state, &p, id).await.map_err(|e| ApiError::service(&e, lang))?))
}

/// Scores for a sheet.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SheetRequest {
    /// Scores per criterion, in rubric order (`null`: not given yet).
    pub scores: Vec<Option<f64>>,
    /// Comments per criterion.
    #[serde(default)]
    pub comments: Vec<String>,
    /// Overall comment.
    #[serde(default)]
    pub comment: String,
    /// Submit and lock the sheet (every score required) rather than save a draft.
    #[serde(default)]
    pub submit: bool,
}

/// Saves or submits one of the caller's sheets (`review.score`).
#[utoipa::path(
    put,
    path = "/api/v1/reviews/sheets/{id}",
    tag = "review",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Sheet id")),
    request_body = SheetRequest,
    responses((status = 200, body = SheetBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn put_sheet(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, c): ApiUser,
    ApiPath(id): ApiPath<i32>,
    body: Result<Json<SheetRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<SheetBody>, ApiError> {
    let Json(req) = body.map_err(|e| ApiError::bad_request(&e.body_text(), lang))?;
    let input = SheetInput { scores: req.scores, comments: req.comments, comment: req.comment, submit: req.submit };
    sheet::save(&state.services, &p, id, &input, &c.ip).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(sheet_body(&state, &p, id).await.map_err(|e| ApiError::service(&e, lang))?))
}
