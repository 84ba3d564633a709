//! Organizations over JSON: the public directory for everyone, private fields where the
//! caller's scope reaches, and the scoped staff list.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::registry::OrgKind;
use sheji_service::registry::{self, OrgFilter, OrgPublic, OrgView, PrivateView};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiPath, ApiQuery, Paged};
use crate::auth::{ApiUser, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// The fields only callers whose scope reaches the organization get.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgPrivateResponse {
    /// Street address.
    pub address: String,
    /// Date of establishment (YYYY-MM-DD).
    pub founded_on: Option<String>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone; masked as 138****1234 unless the caller may edit the organization.
    pub contact_phone: Option<String>,
}

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgResponse {
    /// Id.
    pub id: i32,
    /// 统一社会信用代码.
    pub uscc: String,
    /// Full name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// District id.
    pub district_id: i32,
    /// District name.
    pub district: String,
    /// GB/T 4754 division code.
    pub industry_code: Option<String>,
    /// What it does.
    pub description: String,
    /// Design-driven library status: `none`, `candidate`, `in_library` or `removed`.
    pub library_status: String,
    /// Present only when the caller's scope reaches the organization.
    pub private: Option<OrgPrivateResponse>,
}

fn response(public: OrgPublic, private: Option<PrivateView>) -> OrgResponse {
    OrgResponse {
        id: public.id.get(),
        library_status: public.library_status.code().to_owned(),
        kind: public.kind.code().to_owned(),
        district_id: public.district_id.get(),
        uscc: public.uscc,
        name: public.name,
        district: public.district_name,
        industry_code: public.industry_code,
        description: public.description,
        private: private.map(|p| OrgPrivateResponse {
            address: p.address,
            founded_on: p.founded_on.map(|d| d.to_string()),
            contact_name: p.contact_name,
            contact_phone: p.contact_phone,
        }),
    }
}

impl From<OrgView> for OrgResponse {
    fn from(v: OrgView) -> Self {
        response(v.public, v.private)
    }
}

/// Filters and paging for organization lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// District id.
    pub district: Option<i32>,
    /// Kind code.
    pub kind: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, at most 200.
    pub per_page: Option<u64>,
}

fn filter(q: &OrgQuery, lang: sheji_core::i18n::Lang) -> Result<OrgFilter, ApiError> {
    let kind = q
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .map(str::parse::<OrgKind>)
        .transpose()
        .map_err(|_| ApiError::bad_request("kind", lang))?;
    Ok(OrgFilter { district: q.district.map(DistrictId), kind, ..Default::default() })
}

/// The public directory: every organization, public fields only.
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "registry",
    params(OrgQuery),
    responses((status = 200, body = Paged<OrgResponse>), (status = 400, body = ErrorBody))
)]
pub async fn list_public(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> Result<Json<Paged<OrgResponse>>, ApiError> {
    let page =
        registry::list_public(&state.services, &filter(&q, lang)?, crate::api::page_request(q.page, q.per_page, lang)?)
            .await
            .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |o| response(o, None))))
}

/// One organization; `private` is filled only where the caller's scope reaches it.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "registry",
    params(("id" = i32, Path, description = "Organization id")),
    responses((status = 200, body = OrgResponse), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<OrgResponse>, ApiError> {
    let view = registry::get(&state.services, caller.principal.as_ref(), OrganizationId(id))
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(view.into()))
}

/// The organizations the caller's `registry.read_private` scope reaches, with private fields.
#[utoipa::path(
    get,
    path = "/api/v1/staff/organizations",
    tag = "registry",
    security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, body = Paged<OrgResponse>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub async fn list_private(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> Result<Json<Paged<OrgResponse>>, ApiError> {
    let page = registry::list_private(
        &state.services,
        &p,
        &filter(&q, lang)?,
        crate::api::page_request(q.page, q.per_page, lang)?,
    )
    .await
    .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, OrgResponse::from)))
}

/// One organization with its private fields; 404 when the caller's scope does not reach it.
#[utoipa::path(
    get,
    path = "/api/v1/staff/organizations/{id}",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Organization id")),
    responses((status = 200, body = OrgResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get_private(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<OrgResponse>, ApiError> {
    let view = registry::get_private(&state.services, &p, OrganizationId(id))
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(view.into()))
}

/// One year's figures (money in 万元).
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresResponse {
    /// Year.
    pub year: i32,
    /// 营业收入.
    pub revenue: Option<f64>,
    /// 研发投入.
    pub rd_spend: Option<f64>,
    /// 设计投入.
    pub design_investment: Option<f64>,
    /// 从业人员.
    pub staff_total: Option<i64>,
    /// 设计人员.
    pub design_staff: Option<i64>,
    /// 高级设计人员.
    pub senior_design_staff: Option<i64>,
    /// 设计专利.
    pub design_patents: Option<i64>,
    /// 新产品销售收入.
    pub new_product_sales: Option<f64>,
    /// 设计服务收入.
    pub design_service_revenue: Option<f64>,
    /// 设计奖项.
    pub awards: Option<i64>,
}

/// The library view of an organization: status, checklist and figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryResponse {
    /// `none`, `candidate`, `in_library` or `removed`.
    pub status: String,
    /// Each criterion with the threshold, the organization's figures and the result.
    pub checklist: Vec<CheckResponse>,
    /// Figures by year, oldest first.
    pub figures: Vec<FiguresResponse>,
    /// Actions the caller may take now (`propose`, `admit`, `return`, `remove`).
    pub actions: Vec<String>,
}

/// One criterion of the checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResponse {
    /// Criterion key.
    pub criterion: String,
    /// Threshold.
    pub required: String,
    /// The organization's figures.
    pub actual: String,
    /// Whether it is met.
    pub passed: bool,
}

/// The organization's library status, checklist and figures (private: scope must reach it).
#[utoipa::path(
    get,
    path = "/api/v1/staff/organizations/{id}/library",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Organization id")),
    responses((status = 200, body = LibraryResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get_library(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<LibraryResponse>, ApiError> {
    let v = sheji_service::registry::library::view(&state.services, &p, OrganizationId(id))
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(LibraryResponse {
        status: v.status.code().to_owned(),
        checklist: v
            .checklist
            .into_iter()
            .map(|c| CheckResponse {
                criterion: c.key.to_owned(),
                required: c.required,
                actual: c.actual,
                passed: c.passed,
            })
            .collect(),
        figures: v
            .indicators
            .into_iter()
            .map(|(year, i)| FiguresResponse {
                year,
                revenue: i.revenue,
                rd_spend: i.rd_spend,
                design_investment: i.design_investment,
                staff_total: i.staff_total,
                design_staff: i.design_staff,
                senior_design_staff: i.senior_design_staff,
                design_patents: i.design_patents,
                new_product_sales: i.new_product_sales,
                design_service_revenue: i.design_service_revenue,
                awards: i.awards,
            })
            .collect(),
        actions: v.actions.iter().map(|a| a.code().to_owned()).collect(),
    }))
}

/// A library decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LibraryActionRequest {
    /// `propose`, `admit`, `return` or `remove`.
    pub action: String,
    /// Why (required for `remove`).
    #[serde(default)]
    pub reason: String,
}

/// The new status after a library decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryStatusResponse {
    /// The new status.
    pub status: String,
}

/// Moves an organization through the library workflow (`library.decide`). An illegal step
/// is a 409, never a silent no-op.
#[utoipa::path(
    post,
    path = "/api/v1/staff/organizations/{id}/library",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Organization id")),
    request_body = LibraryActionRequest,
    responses(
        (status = 200, body = LibraryStatusResponse),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)
    )
)]
pub async fn post_library(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, c): ApiUser,
    ApiPath(id): ApiPath<i32>,
    body: Result<Json<LibraryActionRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<LibraryStatusResponse>, ApiError> {
    let Json(req) = body.map_err(|e| ApiError::bad_request(&e.body_text(), lang))?;
    let action = req
        .action
        .parse::<sheji_core::registry::LibraryAction>()
        .map_err(|_| ApiError::bad_request("action (propose, admit, return, remove)", lang))?;
    let status =
        sheji_service::registry::library::act(&state.services, &p, OrganizationId(id), action, &req.reason, &c.ip)
            .await
            .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(LibraryStatusResponse { status: status.code().to_owned() }))
}

/// An organization as sent to create or change it. Every field is optional: a field that is
/// absent (or null) keeps its stored value, an empty string or list clears it. Creating needs
/// `uscc`, `name`, `kind` and `district_id`. The body of a GET of the same organization is a
/// valid body here (its read-only fields are ignored; `private` is not read, so a masked phone
/// is never written back).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct OrgRequest {
    /// 统一社会信用代码 (when creating; ignored when changing, it never changes).
    #[serde(default)]
    pub uscc: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Short names.
    #[serde(default)]
    pub short_names: Option<Vec<String>>,
    /// Kind code.
    #[serde(default)]
    pub kind: Option<String>,
    /// District id.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub district_id: Option<crate::api::Whole>,
    /// Address.
    #[serde(default)]
    pub address: Option<String>,
    /// Cluster ids.
    #[serde(default)]
    #[schema(value_type = Option<Vec<i32>>)]
    pub clusters: Option<Vec<crate::api::Whole>>,
    /// GB/T 4754 division code.
    #[serde(default)]
    pub industry_code: Option<String>,
    /// Qualifications: code → year granted (or null).
    #[serde(default)]
    #[schema(value_type = Option<std::collections::BTreeMap<String, Option<i32>>>)]
    pub qualifications: Option<std::collections::BTreeMap<String, Option<crate::api::Whole>>>,
    /// Website (http:// or https://).
    #[serde(default)]
    pub website: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Founded (YYYY-MM-DD).
    #[serde(default)]
    pub founded_on: Option<String>,
    /// Contact person.
    #[serde(default)]
    pub contact_name: Option<String>,
    /// Contact phone.
    #[serde(default)]
    pub contact_phone: Option<String>,
}

impl OrgRequest {
    /// The form with this request's fields laid over `b` (the stored values, or an empty form
    /// when creating).
    fn over(self, b: sheji_service::registry::edit::OrgInput) -> sheji_service::registry::edit::OrgInput {
        sheji_service::registry::edit::OrgInput {
            uscc: self.uscc.unwrap_or(b.uscc),
            name: self.name.unwrap_or(b.name),
            short_names: self.short_names.map(|n| n.join("、")).unwrap_or(b.short_names),
            kind: self.kind.unwrap_or(b.kind),
            district_id: self.district_id.map(|d| d.0.to_string()).unwrap_or(b.district_id),
            address: self.address.unwrap_or(b.address),
            clusters: self.clusters.map(|c| c.iter().map(|c| c.0.to_string()).collect()).unwrap_or(b.clusters),
            industry_code: self.industry_code.unwrap_or(b.industry_code),
            qualifications: self
                .qualifications
                .map(|q| q.into_iter().map(|(k, y)| (k, y.map(|y| y.0.to_string()).unwrap_or_default())).collect())
                .unwrap_or(b.qualifications),
            website: self.website.unwrap_or(b.website),
            description: self.description.unwrap_or(b.description),
            founded_on: self.founded_on.unwrap_or(b.founded_on),
            contact_name: self.contact_name.unwrap_or(b.contact_name),
            contact_phone: self.contact_phone.unwrap_or(b.contact_phone),
        }
    }
}

/// Registers an organization (`registry.edit` reaching its district). Field errors come back
/// as a 400 whose message names each field.
#[utoipa::path(
    post,
    path = "/api/v1/staff/organizations",
    tag = "registry",
    security(("bearer" = [])),
    request_body = OrgRequest,
    responses((status = 200, body = OrgResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, c): ApiUser,
    body: Result<Json<OrgRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<OrgResponse>, ApiError> {
    let Json(req) = body.map_err(|e| ApiError::bad_request(&e.body_text(), lang))?;
    let input = req.over(sheji_service::registry::edit::OrgInput::default());
    let id = sheji_service::registry::edit::create(&state.services, &p, &input, &c.ip)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    let view = registry::get_private(&state.services, &p, id).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(view.into()))
}

/// Changes an organization the caller's `registry.edit` scope reaches (404 otherwise). Only
/// the fields sent change; see [`OrgRequest`]. PUT does the same as PATCH, for clients written
/// against earlier versions.
#[utoipa::path(
    patch,
    path = "/api/v1/staff/organizations/{id}",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Organization id")),
    request_body = OrgRequest,
    responses(
        (status = 200, body = OrgResponse),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Another organization has this name", body = ErrorBody)
    )
)]
pub async fn patch(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, c): ApiUser,
    ApiPath(id): ApiPath<i32>,
    body: Result<Json<OrgRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<OrgResponse>, ApiError> {
    change(state, lang, p, c, id, body).await
}

/// The same as PATCH: only the fields sent change.
#[utoipa::path(
    put,
    path = "/api/v1/staff/organizations/{id}",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Organization id")),
    request_body = OrgRequest,
    responses(
        (status = 200, body = OrgResponse),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Another organization has this name", body = ErrorBody)
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, c): ApiUser,
    ApiPath(id): ApiPath<i32>,
    body: Result<Json<OrgRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<OrgResponse>, ApiError> {
    change(state, lang, p, c, id, body).await
}

async fn change(
    state: AppState,
    lang: sheji_core::i18n::Lang,
    p: sheji_service::Principal,
    c: Caller,
    id: i32,
    body: Result<Json<OrgRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<OrgResponse>, ApiError> {
    let Json(req) = body.map_err(|e| ApiError::bad_request(&e.body_text(), lang))?;
    let id = OrganizationId(id);
    let stored = sheji_service::registry::edit::form_of(&state.services, &p, id)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    sheji_service::registry::edit::update(&state.services, &p, id, &req.over(stored), &c.ip)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    let view = registry::get_private(&state.services, &p, id).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(view.into()))
}
