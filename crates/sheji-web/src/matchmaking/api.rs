//! Matchmaking over JSON: the public demand and offer lists, one record (private details only
//! for whoever may read them), and a demand's ranked providers with the parts of each score.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::i18n::Lang;
use sheji_core::ids::{ClusterId, DistrictId};
use sheji_service::matchmaking::{self as service, DemandFilter, DemandLine, OfferFilter, OfferLine, Ranked};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiPath, ApiQuery, Paged};
use crate::auth::{ApiUser, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// List filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Service category code (e.g. `FORM`, `STRUCT`, `CMF`).
    pub category: Option<String>,
    /// Cluster id (33618).
    pub cluster: Option<i32>,
    /// District id.
    pub district: Option<i32>,
    /// Demands: budget reaching at least this many 万元; offers: price starting at or below it.
    pub budget: Option<f64>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Rows per page (1–200, default 50).
    pub per_page: Option<u64>,
}

fn amount(q: &ListParams, lang: Lang) -> Result<Option<f64>, ApiError> {
    match q.budget {
        Some(b) if !b.is_finite() || !(0.0..=sheji_core::matchmaking::MAX_AMOUNT).contains(&b) => {
            Err(ApiError::invalid(lang.t("matchmaking.amount_range").to_owned()))
        }
        b => Ok(b),
    }
}

/// A demand (public fields; `details` and `ip_terms` only for whoever may read them).
#[derive(Debug, Serialize, ToSchema)]
pub struct DemandBody {
    /// Id.
    pub id: i32,
    /// What is to be designed.
    pub title: String,
    /// The organization's id.
    pub organization_id: i32,
    /// The organization's name.
    pub organization: String,
    /// District id.
    pub district_id: i32,
    /// `draft`, `pending`, `returned`, `published`, `filled`, `expired` or `withdrawn`.
    pub status: String,
    /// The product.
    pub product: String,
    /// Public summary.
    pub summary: String,
    /// What the provider delivers.
    pub deliverables: String,
    /// Service category codes.
    pub categories: Vec<String>,
    /// Cluster id.
    pub cluster: Option<i32>,
    /// GB/T 4754 division code.
    pub industry_code: Option<String>,
    /// Budget range, 万元.
    pub budget_min: Option<f64>,
    /// Budget range, 万元.
    pub budget_max: Option<f64>,
    /// Answers wanted by (YYYY-MM-DD).
    pub deadline: Option<String>,
    /// Cooperation modes accepted (`fee`, `commission`, `equity`, `partnership`).
    pub modes: Vec<String>,
    /// Private details, when the caller may read them.
    pub details: Option<String>,
    /// IP terms, when the caller may read them.
    pub ip_terms: Option<String>,
}

fn demand_body(d: sheji_service::matchmaking::Demand, organization: String, private: bool) -> DemandBody {
    DemandBody {
        id: d.id,
        title: d.draft.title,
        organization_id: d.organization.get(),
        organization,
        district_id: d.district.get(),
        status: d.status.code().to_owned(),
        product: d.draft.product,
        summary: d.draft.summary,
        deliverables: d.draft.deliverables,
        categories: d.draft.categories.into_iter().collect(),
        cluster: d.draft.cluster.map(ClusterId::get),
        industry_code: d.draft.industry_code,
        budget_min: d.draft.budget_min,
        budget_max: d.draft.budget_max,
        deadline: d.draft.deadline.map(|x| x.to_string()),
        modes: d.draft.modes.iter().map(|m| m.code().to_owned()).collect(),
        details: private.then_some(d.draft.details),
        ip_terms: private.then_some(d.draft.ip_terms),
    }
}

/// Published demands (public).
#[utoipa::path(
    get,
    path = "/api/v1/demands",
    tag = "matchmaking",
    params(ListParams),
    responses((status = 200, body = Paged<DemandBody>), (status = 400, body = ErrorBody))
)]
pub async fn demands(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Paged<DemandBody>>, ApiError> {
    let filter = DemandFilter {
        category: q.category.clone().filter(|c| !c.trim().is_empty()),
        cluster: q.cluster.map(ClusterId),
        districts: q.district.map(|d| vec![DistrictId(d)]),
        budget_at_least: amount(&q, lang)?,
        ..DemandFilter::default()
    };
    let page = service::public_demands(&state.services, &filter, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |l: DemandLine| demand_body(l.demand, l.organization, false))))
}

/// One demand: public fields once published; everything for its organization, the staff
/// whose scope reaches it and providers whose interest it accepted; 404 for anyone else.
#[utoipa::path(
    get,
    path = "/api/v1/demands/{id}",
    tag = "matchmaking",
    params(("id" = i32, Path, description = "Demand id")),
    responses((status = 200, body = DemandBody), (status = 404, body = ErrorBody))
)]
pub async fn demand(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<DemandBody>, ApiError> {
    let v = service::demand(&state.services, caller.principal.as_ref(), id)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(demand_body(v.demand, v.organization, v.private)))
}

/// How many matches.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// How many (1–50, default 10).
    pub limit: Option<u64>,
}

/// One named part of a score.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartBody {
    /// `category`, `cluster`, `evidence`, `budget`, `capacity` or `district`.
    pub part: String,
    /// Points given.
    pub points: u32,
    /// The most the part gives.
    pub max: u32,
    /// Why, in the request's language.
    pub reason: String,
}

/// A ranked provider for a demand.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchBody {
    /// The offer's id.
    pub offer_id: i32,
    /// The offer's title.
    pub title: String,
    /// The provider.
    pub provider: String,
    /// The sum of the parts, 0–100.
    pub score: u32,
    /// Every part of the score.
    pub parts: Vec<PartBody>,
}

fn match_body(r: Ranked, lang: Lang) -> MatchBody {
    MatchBody {
        offer_id: r.score.offer,
        title: r.title,
        provider: r.party,
        score: r.score.total,
        parts: r
            .score
            .parts
            .iter()
            .map(|p| {
                let args: Vec<(&str, &str)> = p.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                PartBody {
                    part: p.part.code().to_owned(),
                    points: p.points,
                    max: p.part.most(),
                    reason: lang.tf(p.key, &args),
                }
            })
            .collect(),
    }
}

/// A published demand's best providers, each score with its parts (the demand's organization
/// and staff whose scope reaches it).
#[utoipa::path(
    get,
    path = "/api/v1/demands/{id}/matches",
    tag = "matchmaking",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Demand id"), MatchParams),
    responses(
        (status = 200, body = Vec<MatchBody>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)
    )
)]
pub async fn demand_matches(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(q): ApiQuery<MatchParams>,
) -> Result<Json<Vec<MatchBody>>, ApiError> {
    let limit = match q.limit {
        None => service::DEFAULT_MATCHES,
        Some(n) if (1..=service::MAX_MATCHES as u64).contains(&n) => {
            usize::try_from(n).unwrap_or(service::DEFAULT_MATCHES)
        }
        Some(_) => {
            let max = service::MAX_MATCHES.to_string();
            return Err(ApiError::invalid(lang.tf("matchmaking.limit_range", &[("max", &max)])));
        }
    };
    let ranked =
        service::matches_for_demand(&state.services, &p, id, limit).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(ranked.into_iter().map(|r| match_body(r, lang)).collect()))
}

/// An offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferBody {
    /// Id.
    pub id: i32,
    /// The offer in a line.
    pub title: String,
    /// The provider.
    pub provider: String,
    /// The provider organization's id; none for an individual designer.
    pub organization_id: Option<i32>,
    /// District id.
    pub district_id: i32,
    /// `draft`, `published` or `withdrawn`.
    pub status: String,
    /// What the provider does.
    pub description: String,
    /// The team.
    pub team: String,
    /// Past cases.
    pub cases: String,
    /// Service category codes.
    pub categories: Vec<String>,
    /// Cluster ids served.
    pub clusters: Vec<i32>,
    /// Projects it takes on at once.
    pub capacity: Option<i32>,
    /// Price range, 万元.
    pub price_min: Option<f64>,
    /// Price range, 万元.
    pub price_max: Option<f64>,
}

fn offer_body(o: sheji_service::matchmaking::Offer, provider: String) -> OfferBody {
    OfferBody {
        id: o.id,
        title: o.draft.title,
        provider,
        organization_id: o.organization.map(|x| x.get()),
        district_id: o.district.get(),
        status: o.status.code().to_owned(),
        description: o.draft.description,
        team: o.draft.team,
        cases: o.draft.cases,
        categories: o.draft.categories.into_iter().collect(),
        clusters: o.draft.clusters.into_iter().map(ClusterId::get).collect(),
        capacity: o.draft.capacity,
        price_min: o.draft.price_min,
        price_max: o.draft.price_max,
    }
}

/// Published offers (public).
#[utoipa::path(
    get,
    path = "/api/v1/offers",
    tag = "matchmaking",
    params(ListParams),
    responses((status = 200, body = Paged<OfferBody>), (status = 400, body = ErrorBody))
)]
pub async fn offers(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Paged<OfferBody>>, ApiError> {
    let filter = OfferFilter {
        category: q.category.clone().filter(|c| !c.trim().is_empty()),
        cluster: q.cluster.map(ClusterId),
        districts: q.district.map(|d| vec![DistrictId(d)]),
        price_at_most: amount(&q, lang)?,
        ..OfferFilter::default()
    };
    let page = service::public_offers(&state.services, &filter, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |l: OfferLine| offer_body(l.offer, l.provider))))
}

/// One offer: published ones for everyone; drafts for their owner and staff.
#[utoipa::path(
    get,
    path = "/api/v1/offers/{id}",
    tag = "matchmaking",
    params(("id" = i32, Path, description = "Offer id")),
    responses((status = 200, body = OfferBody), (status = 404, body = ErrorBody))
)]
pub async fn offer(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<OfferBody>, ApiError> {
    let v = service::offer(&state.services, caller.principal.as_ref(), id)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(offer_body(v.offer, v.provider)))
}
