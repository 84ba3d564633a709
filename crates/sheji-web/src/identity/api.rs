//! The caller and accounts over JSON. Authentication is by `Authorization: Bearer` API token
//! (created on the account page) or, from the browser, the session cookie.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::identity::Permission;
use sheji_core::ids::AccountId;
use sheji_service::identity::{self, AccountFilter, AccountView};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiPath, ApiQuery, Paged};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// One affiliation: a role and where it applies.
#[derive(Debug, Serialize, ToSchema)]
pub struct AffiliationResponse {
    /// Role code (`admin`, `branch_staff`, `org_admin` …).
    pub role: String,
    /// Organization id, for organization roles.
    pub organization_id: Option<i32>,
    /// District id, for branch staff.
    pub district_id: Option<i32>,
    /// End of a delegation (RFC 3339), if any.
    pub until: Option<String>,
}

/// The signed-in caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// Account id.
    pub id: i32,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Affiliations.
    pub affiliations: Vec<AffiliationResponse>,
    /// Functions the caller may use now (for a token: those it was limited to).
    pub permissions: Vec<String>,
}

/// Who am I: the account behind the token or session, and what it may do.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "identity",
    security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody))
)]
pub async fn me(State(state): State<AppState>, ApiUser(p, _): ApiUser) -> Json<MeResponse> {
    let now = state.services.now();
    Json(MeResponse {
        id: p.account.get(),
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        permissions: Permission::ALL
            .into_iter()
            .filter(|perm| p.can(*perm, now))
            .map(|perm| perm.code().to_owned())
            .collect(),
        affiliations: p
            .affiliations
            .iter()
            .filter(|a| a.in_force(now))
            .map(|a| AffiliationResponse {
                role: a.role.code().to_owned(),
                organization_id: a.organization.map(|o| o.get()),
                district_id: a.district.map(|d| d.get()),
                until: a.until.map(|u| u.to_rfc3339()),
            })
            .collect(),
    })
}

/// An account. The phone is masked unless the caller may manage accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountResponse {
    /// Account id.
    pub id: i32,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Phone, masked as 138****1234 unless the caller may see it.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// `active`, `pending` or `disabled`.
    pub status: String,
    /// Last sign-in (RFC 3339).
    pub last_login_at: Option<String>,
    /// Affiliations (on the detail only).
    pub affiliations: Vec<AffiliationResponse>,
}

impl From<AccountView> for AccountResponse {
    fn from(a: AccountView) -> Self {
        Self {
            id: a.id.get(),
            username: a.username,
            display_name: a.display_name,
            phone: a.phone,
            email: a.email,
            status: a.status.code().to_owned(),
            last_login_at: a.last_login_at.map(|t| t.to_rfc3339()),
            affiliations: a
                .affiliations
                .into_iter()
                .map(|r| AffiliationResponse {
                    role: r.affiliation.role.code().to_owned(),
                    organization_id: r.affiliation.organization.map(|o| o.get()),
                    district_id: r.affiliation.district.map(|d| d.get()),
                    until: r.affiliation.until.map(|u| u.to_rfc3339()),
                })
                .collect(),
        }
    }
}

/// Filters and paging for the account list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Part of the username or display name.
    pub q: Option<String>,
    /// `active`, `pending` or `disabled`.
    pub status: Option<String>,
    /// A role code.
    pub role: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, at most 200.
    pub per_page: Option<u64>,
}

/// Accounts the caller's `identity.read` scope reaches.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "identity",
    security(("bearer" = [])),
    params(AccountQuery),
    responses((status = 200, body = Paged<AccountResponse>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> Result<Json<Paged<AccountResponse>>, ApiError> {
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .transpose()
        .map_err(|_| ApiError::bad_request("status (active, pending, disabled)", lang))?;
    let role = q
        .role
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .transpose()
        .map_err(|_| ApiError::bad_request("role", lang))?;
    let filter = AccountFilter { query: q.q, status, role };
    let page =
        identity::list_accounts(&state.services, &p, &filter, crate::api::page_request(q.page, q.per_page, lang)?)
            .await
            .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, AccountResponse::from)))
}

/// One account in the caller's scope; 404 outside it.
#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}",
    tag = "identity",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Account id")),
    responses((status = 200, body = AccountResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get_account(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<AccountResponse>, ApiError> {
    let account =
        identity::get_account(&state.services, &p, AccountId(id)).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(account.into()))
}

/// Formats an audit time for JSON.
pub fn rfc3339_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339()).unwrap_or_default()
}
