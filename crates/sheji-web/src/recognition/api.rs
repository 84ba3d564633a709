//! The recognition ladder over JSON: the public register and certificate verification, batches,
//! and an application with its checklist and timeline (for whoever may see it).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::ids::DistrictId;
use sheji_core::recognition::Kind;
use sheji_service::recognition::{self as service, Certificate, RecognitionFilter};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiPath, ApiQuery, Paged};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// Register filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterParams {
    /// Kind code (`district_center`, `municipal_center`, `national_center`, `design_institute`,
    /// `backbone_firm`).
    pub kind: Option<String>,
    /// District id of the holder.
    pub district: Option<i32>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Rows per page (1–200, default 50).
    pub per_page: Option<u64>,
}

/// A recognition.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecognitionBody {
    /// Certificate number.
    pub certificate: String,
    /// Holder.
    pub organization: String,
    /// Holder's id.
    pub organization_id: i32,
    /// Kind code.
    pub kind: String,
    /// Granted on.
    pub granted_on: String,
    /// Last valid day.
    pub valid_until: String,
    /// `valid`, `rectifying`, `revoked` or `expired` (today).
    pub standing: String,
}

impl From<Certificate> for RecognitionBody {
    fn from(c: Certificate) -> Self {
        RecognitionBody {
            certificate: c.recognition.certificate,
            organization: c.organization,
            organization_id: c.recognition.organization.get(),
            kind: c.recognition.kind.code().to_owned(),
            granted_on: c.recognition.granted_on.to_string(),
            valid_until: c.recognition.valid_until.to_string(),
            standing: c.standing.code().to_owned(),
        }
    }
}

/// The register of recognitions (public).
#[utoipa::path(
    get,
    path = "/api/v1/recognitions",
    tag = "recognition",
    params(RegisterParams),
    responses((status = 200, body = Paged<RecognitionBody>), (status = 400, body = ErrorBody))
)]
pub async fn register(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiQuery(q): ApiQuery<RegisterParams>,
) -> Result<Json<Paged<RecognitionBody>>, ApiError> {
    let kind = match q.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(Kind::parse(k).ok_or_else(|| {
            ApiError::bad_request(
                "kind: district_center, municipal_center, national_center, design_institute or backbone_firm",
                lang,
            )
        })?),
    };
    let filter =
        RecognitionFilter { kind, districts: q.district.map(|d| vec![DistrictId(d)]), ..RecognitionFilter::default() };
    let page = service::recognitions(&state.services, &filter, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, RecognitionBody::from)))
}

/// Verifies a certificate number (public).
#[utoipa::path(
    get,
    path = "/api/v1/certificates/{number}",
    tag = "recognition",
    params(("number" = String, Path, description = "Certificate number, e.g. SJ-2026-0001")),
    responses((status = 200, body = RecognitionBody), (status = 404, body = ErrorBody))
)]
pub async fn certificate(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<RecognitionBody>, ApiError> {
    let c = service::certificate(&state.services, &number).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(c.into()))
}

/// A batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchBody {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// `recognition` or `re_review`.
    pub purpose: String,
    /// Year.
    pub year: i32,
    /// First day.
    pub opens_on: String,
    /// Last day.
    pub closes_on: String,
    /// Recommendations per district, if limited.
    pub district_quota: Option<u32>,
    /// Whether it accepts applications today.
    pub accepting: bool,
    /// `open`, `in_review` or `concluded`.
    pub status: String,
}

/// Paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Rows per page (1–200, default 50).
    pub per_page: Option<u64>,
}

/// Batches, newest first (signed in).
#[utoipa::path(
    get,
    path = "/api/v1/recognition/batches",
    tag = "recognition",
    security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Paged<BatchBody>), (status = 401, body = ErrorBody))
)]
pub async fn batches(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _user: ApiUser,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<Paged<BatchBody>>, ApiError> {
    let s = &state.services;
    let page = service::batches(s, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |b| BatchBody {
        accepting: service::accepting(s, &b),
        id: b.id,
        name: b.fields.name,
        kind: b.fields.kind.code().to_owned(),
        purpose: b.fields.purpose.code().to_owned(),
        year: b.fields.year,
        opens_on: b.fields.opens_on.to_string(),
        closes_on: b.fields.closes_on.to_string(),
        district_quota: b.fields.district_quota,
        status: b.status.code().to_owned(),
    })))
}

/// One line of the checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckBody {
    /// Condition key (`recognition.check.years` …).
    pub condition: String,
    /// What is required.
    pub required: String,
    /// What the applicant has.
    pub actual: String,
    /// Whether it passes.
    pub passed: bool,
}

/// One step of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepBody {
    /// Action code.
    pub action: String,
    /// From status.
    pub from: String,
    /// To status.
    pub to: String,
    /// Comment.
    pub comment: String,
    /// Who.
    pub actor: String,
    /// When (RFC 3339).
    pub at: String,
}

/// An application.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationBody {
    /// Id.
    pub id: i32,
    /// Batch id.
    pub batch: i32,
    /// Applicant.
    pub organization: String,
    /// Status code.
    pub status: String,
    /// The checklist against the batch's rules.
    pub checklist: Vec<CheckBody>,
    /// Actions the caller may take now.
    pub actions: Vec<String>,
    /// The history.
    pub timeline: Vec<StepBody>,
}

/// One application (its applicant, the staff of its district and the city; 404 otherwise).
#[utoipa::path(
    get,
    path = "/api/v1/recognition/applications/{id}",
    tag = "recognition",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Application id")),
    responses((status = 200, body = ApplicationBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn application(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<ApplicationBody>, ApiError> {
    let v = service::view(&state.services, &p, id).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(ApplicationBody {
        id,
        batch: v.batch.id,
        organization: v.organization,
        status: v.application.status.code().to_owned(),
        checklist: v
            .checklist
            .into_iter()
            .map(|c| CheckBody {
                condition: c.key.to_owned(),
                required: c.required,
                actual: c.actual,
                passed: c.passed,
            })
            .collect(),
        actions: v.actions.iter().map(|a| a.code().to_owned()).collect(),
        timeline: v
            .events
            .into_iter()
            .map(|e| StepBody {
                action: e.action,
                from: e.from.code().to_owned(),
                to: e.to.code().to_owned(),
                comment: e.comment,
                actor: e.actor,
                at: e.at.to_rfc3339(),
            })
            .collect(),
    }))
}
