//! System administration pages: accounts (list, create, detail with its actions), the audit
//! trail with its CSV export, and the security settings.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use serde::{Deserialize, Serialize};
use sheji_core::i18n::{self, Lang};
use sheji_core::identity::{AccountStatus, Principal, Role};
use sheji_core::ids::AccountId;
use sheji_core::page::PageRequest;

use sheji_service::identity::{self, AccountFilter, AffiliationInput, NewAccountInput, ProfileInput, SecuritySettings};
use sheji_service::{ServiceError, reference};

use super::account::role_labels;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager};

fn status_class(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Active => "passed",
        AccountStatus::Pending => "action",
        AccountStatus::Disabled => "rejected",
    }
}

/// One row of the account list.
pub struct AccountRow {
    id: AccountId,
    username: String,
    display_name: String,
    phone: String,
    status: String,
    status_class: &'static str,
    last_login: String,
}

#[derive(Template)]
#[template(path = "identity/accounts.html")]
struct AccountsPage {
    chrome: Chrome,
    rows: Vec<AccountRow>,
    q: String,
    statuses: Vec<Choice>,
    roles: Vec<Choice>,
    count_line: String,
    can_manage: bool,
    pager: Pager,
}

#[derive(Debug, Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    page: String,
}

pub async fn accounts(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<AccountQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("nav.accounts").crumb("nav.system", None);
    let filter = AccountFilter { query: Some(q.q.clone()), status: q.status.parse().ok(), role: q.role.parse().ok() };
    let page = match identity::list_accounts(&state.services, &p, &filter, PageRequest::new(q.page.parse().ok(), None))
        .await
    {
        Ok(page) => page,
        Err(ServiceError::Forbidden) => return Err(PageError::forbidden(chrome)),
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let view = AccountsPage {
        statuses: AccountStatus::ALL
            .iter()
            .map(|s| Choice::selected_if(s.code(), lang.t(&format!("status.{}", s.code())), q.status == s.code()))
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| Choice::selected_if(r.code(), lang.t(&format!("role.{}", r.code())), q.role == r.code()))
            .collect(),
        count_line: lang.tf("accounts.count", &[("n", &i18n::count(page.total))]),
        can_manage: identity::actions(&state.services, &p).manage,
        pager: chrome.pager(&page),
        rows: page
            .items
            .into_iter()
            .map(|a| AccountRow {
                id: a.id,
                status: lang.t(&format!("status.{}", a.status.code())).to_owned(),
                status_class: status_class(a.status),
                last_login: a.last_login_at.map(i18n::datetime).unwrap_or_else(|| "—".to_owned()),
                phone: a.phone.unwrap_or_default(),
                username: a.username,
                display_name: a.display_name,
            })
            .collect(),
        q: q.q,
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// One affiliation row of the account page.
pub struct AffRow {
    id: i32,
    role: String,
    place: String,
    until: String,
}

#[derive(Template)]
#[template(path = "identity/account_detail.html")]
struct AccountDetailPage {
    chrome: Chrome,
    account: identity::AccountView,
    status: String,
    status_class: &'static str,
    active: bool,
    phone: String,
    email: String,
    last_login: String,
    created: String,
    locked: String,
    affiliations: Vec<AffRow>,
    can_manage: bool,
    can_verify: bool,
    /// For a pending enterprise registration: what the officer checks it against.
    registration: Option<RegistrationPanel>,
    /// A rejected registration's reason.
    status_reason: String,
    flash: Option<String>,
    temp_password: Option<String>,
    form: FormState,
    role_choices: Vec<Choice>,
    district_choices: Vec<Choice>,
}

/// The organization a pending registration claims, as the verifying officer reads it.
struct RegistrationPanel {
    org_id: i32,
    name: String,
    uscc: String,
    kind: String,
    district: String,
    library: String,
    /// "No administrator yet" or "N administrators already active".
    admins: String,
    /// Whether the organization already has active administrators (worth a phone call).
    has_admins: bool,
}

async fn district_choices(state: &AppState) -> Result<Vec<Choice>, ServiceError> {
    let filter =
        reference::DistrictFilter { status: Some(sheji_core::reference::DistrictStatus::Active), ..Default::default() };
    let page = reference::list_districts(&state.services, &filter, PageRequest::new(Some(1), Some(200))).await?;
    Ok(page.items.into_iter().map(|d| Choice::new(d.id.to_string(), d.name)).collect())
}

fn role_choices(lang: Lang) -> Vec<Choice> {
    Role::ALL.iter().map(|r| Choice::new(r.code(), lang.t(&format!("role.{}", r.code())))).collect()
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: AccountId,
    flash: Option<String>,
    temp_password: Option<String>,
    form: FormState,
) -> Result<AccountDetailPage, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("accounts.detail").crumb("nav.accounts", Some("/admin/accounts"));
    let s = &state.services;
    let account = match identity::get_account(s, p, id).await {
        Ok(a) => a,
        Err(ServiceError::Forbidden) => return Err(PageError::forbidden(chrome)),
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let districts = match district_choices(state).await {
        Ok(d) => d,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let now = s.now();
    let labels = role_labels(lang, &account.affiliations);
    // Organizations are named, not numbered (an officer reads who the account works for).
    let org_ids = account.affiliations.iter().filter_map(|a| a.affiliation.organization).collect();
    let org_names = match sheji_service::review::organization_names(s, org_ids).await {
        Ok(names) => names,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let affiliations = account
        .affiliations
        .iter()
        .zip(labels)
        .map(|(a, role)| {
            let district = a
                .affiliation
                .district
                .and_then(|d| districts.iter().find(|c| c.value == d.to_string()))
                .map(|c| c.label.clone());
            let place = match (district, a.affiliation.organization) {
                (Some(d), _) => d,
                (None, Some(o)) => match org_names.get(&o) {
                    Some(name) => name.clone(),
                    None => format!("{} #{o}", lang.t("affiliation.organization")),
                },
                (None, None) => "—".to_owned(),
            };
            AffRow {
                id: a.id,
                role,
                place,
                until: a
                    .affiliation
                    .until
                    .map(i18n::datetime)
                    .unwrap_or_else(|| lang.t("affiliation.no_end").to_owned()),
            }
        })
        .collect();
    let may = identity::actions(&state.services, p);
    let registration = match identity::registration(s, p, &account).await {
        Ok(r) => r.map(|r| {
            let o = &r.organization.public;
            RegistrationPanel {
                org_id: o.id.get(),
                name: o.name.clone(),
                uscc: o.uscc.clone(),
                district: o.district_name.clone(),
                kind: lang.t(&format!("org.kind.{}", o.kind.code())).to_owned(),
                library: lang.t(&format!("library.status.{}", o.library_status.code())).to_owned(),
                admins: if r.active_admins == 0 {
                    lang.t("accounts.registration.no_admins").to_owned()
                } else {
                    lang.tf("accounts.registration.admins", &[("n", &r.active_admins.to_string())])
                },
                has_admins: r.active_admins > 0,
            }
        }),
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    Ok(AccountDetailPage {
        registration,
        status_reason: account.status_reason.clone().unwrap_or_default(),
        status: lang.t(&format!("status.{}", account.status.code())).to_owned(),
        status_class: status_class(account.status),
        active: account.status == AccountStatus::Active,
        phone: account.phone.clone().unwrap_or_else(|| "—".to_owned()),
        email: account.email.clone().unwrap_or_else(|| "—".to_owned()),
        last_login: account.last_login_at.map(i18n::datetime).unwrap_or_else(|| "—".to_owned()),
        created: i18n::datetime(account.created_at),
        locked: account.locked_until.filter(|l| *l > now).map(i18n::datetime).unwrap_or_default(),
        can_manage: may.manage,
        can_verify: account.status == AccountStatus::Pending && may.verify,
        affiliations,
        account,
        flash,
        temp_password,
        form,
        role_choices: role_choices(lang),
        district_choices: districts,
        chrome,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn account_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let flash = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("accounts.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &detail_page(&state, &ctx, &p, AccountId(id), flash, None, FormState::default()).await?))
}

async fn after_action(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: AccountId,
    result: Result<(), ServiceError>,
    done: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/accounts/{id}?done={done}")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::default(), ctx, "accounts.detail", |form| {
                detail_page(state, ctx, p, id, None, None, form)
            })
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

pub async fn account_status(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    Form(f): Form<StatusForm>,
) -> Result<Response, PageError> {
    let id = AccountId(id);
    let result = match f.status.parse::<AccountStatus>() {
        Ok(status) => identity::set_status(&state.services, &p, id, status, &c.ip).await,
        Err(_) => Err(ServiceError::Invalid { key: "accounts.status_invalid", args: vec![] }),
    };
    after_action(&state, &ctx, &p, id, result, "status").await
}

pub async fn account_verify(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let id = AccountId(id);
    let result = identity::verify_account(&state.services, &p, id, &c.ip).await;
    after_action(&state, &ctx, &p, id, result, "verify").await
}

#[derive(Debug, Deserialize, Serialize, Default)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
}

pub async fn account_reject(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    Form(f): Form<RejectForm>,
) -> Result<Response, PageError> {
    let id = AccountId(id);
    match identity::reject_registration(&state.services, &p, id, &f.reason, &c.ip).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/accounts/{id}?done=reject")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "accounts.detail", |form| {
                detail_page(&state, &ctx, &p, id, None, None, form)
            })
            .await
        }
    }
}

pub async fn account_unlock(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let id = AccountId(id);
    let result = identity::unlock_sign_in(&state.services, &p, id, &c.ip).await.map(|_| ());
    after_action(&state, &ctx, &p, id, result, "unlock").await
}

pub async fn account_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let id = AccountId(id);
    match identity::reset_password(&state.services, &p, id, &c.ip).await {
        // The temporary password is shown once, on this response, never in a URL.
        Ok(pw) => {
            let flash = Some(ctx.lang.t("accounts.done.reset").to_owned());
            Ok(render(StatusCode::OK, &detail_page(&state, &ctx, &p, id, flash, Some(pw), FormState::default()).await?))
        }
        Err(e) => after_action(&state, &ctx, &p, id, Err(e), "reset").await,
    }
}

#[derive(Debug, Deserialize, Serialize, Default)]
pub struct AffiliationForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    until: String,
}

impl AffiliationForm {
    fn input(&self) -> AffiliationInput {
        AffiliationInput {
            role: self.role.clone(),
            district_id: self.district_id.clone(),
            organization_id: self.organization_id.clone(),
            until: self.until.clone(),
        }
    }
}

pub async fn affiliation_add(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    Form(f): Form<AffiliationForm>,
) -> Result<Response, PageError> {
    let id = AccountId(id);
    match identity::add_affiliation(&state.services, &p, id, &f.input(), &c.ip).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/accounts/{id}?done=affiliation")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "accounts.detail", |form| {
                detail_page(&state, &ctx, &p, id, None, None, form)
            })
            .await
        }
    }
}

pub async fn affiliation_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, aid)): Path<(i32, i32)>,
) -> Result<Response, PageError> {
    let id = AccountId(id);
    let result = identity::remove_affiliation(&state.services, &p, id, aid, &c.ip).await;
    after_action(&state, &ctx, &p, id, result, "affiliation").await
}

#[derive(Template)]
#[template(path = "identity/account_new.html")]
struct NewAccountPage {
    chrome: Chrome,
    form: FormState,
    role_choices: Vec<Choice>,
    district_choices: Vec<Choice>,
}

async fn new_account_view(state: &AppState, ctx: &Ctx, form: FormState) -> Result<NewAccountPage, PageError> {
    let chrome = ctx.chrome("accounts.new").crumb("nav.accounts", Some("/admin/accounts"));
    let districts = match district_choices(state).await {
        Ok(d) => d,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    Ok(NewAccountPage { role_choices: role_choices(ctx.lang), district_choices: districts, form, chrome })
}

pub async fn account_new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    if !identity::actions(&state.services, &p).manage {
        return Err(PageError::forbidden(ctx.chrome("accounts.new")));
    }
    Ok(render(StatusCode::OK, &new_account_view(&state, &ctx, FormState::default()).await?))
}

#[derive(Debug, Deserialize, Serialize, Default)]
pub struct NewAccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(flatten)]
    affiliation: AffiliationForm,
}

pub async fn account_new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<NewAccountForm>,
) -> Result<Response, PageError> {
    let input = NewAccountInput {
        username: f.username.clone(),
        profile: ProfileInput { display_name: f.display_name.clone(), phone: f.phone.clone(), email: f.email.clone() },
        affiliation: f.affiliation.input(),
    };
    match identity::create_account(&state.services, &p, &input, &c.ip).await {
        Ok((id, pw)) => {
            let flash = Some(ctx.lang.t("accounts.done.created").to_owned());
            Ok(render(StatusCode::OK, &detail_page(&state, &ctx, &p, id, flash, Some(pw), FormState::default()).await?))
        }
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "accounts.new", |form| new_account_view(&state, &ctx, form))
                .await
        }
    }
}

#[derive(Template)]
#[template(path = "identity/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    form: FormState,
    criteria: FormState,
    address: FormState,
    synonyms: String,
    saved: bool,
}

/// The synonym list as the settings page shows it (empty if it cannot be read: the page
/// still opens for the other settings).
async fn current_synonyms(state: &AppState) -> String {
    sheji_service::search::synonyms(&state.services).await.map(|s| s.to_text()).unwrap_or_default()
}

#[derive(Debug, Deserialize, Default)]
pub struct SynonymsForm {
    #[serde(default)]
    synonyms: String,
}

pub async fn search_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<SynonymsForm>,
) -> Result<Response, PageError> {
    match sheji_service::search::save_synonyms(&state.services, &p, &c.ip, &f.synonyms).await {
        Ok(_) => Ok(Redirect::to("/admin/settings?done=saved").into_response()),
        Err(ServiceError::Forbidden) => Err(PageError::forbidden(ctx.chrome("nav.settings"))),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.settings"))),
    }
}

/// The settings page's section that was refused, re-rendered as typed.
enum Section {
    Address(FormState),
    Criteria(FormState),
}

/// The settings page after a refused section: that section as typed with its messages, every
/// other section as stored.
async fn settings_with(state: &AppState, ctx: &Ctx, refused: Section) -> SettingsPage {
    let settings = identity::security_settings(&state.services).await.unwrap_or(SecuritySettings {
        require_totp_for_staff: false,
        idle_minutes: 30,
        absolute_hours: 12,
    });
    let (address, criteria) = match refused {
        Section::Address(f) => (f, current_criteria(state).await),
        Section::Criteria(f) => (current_address(state).await, f),
    };
    SettingsPage {
        chrome: ctx.chrome("nav.settings"),
        form: settings_form(settings),
        criteria,
        address,
        synonyms: current_synonyms(state).await,
        saved: false,
    }
}

/// The public address as the settings page shows it.
async fn current_address(state: &AppState) -> FormState {
    let value = identity::public_address_setting(&state.services).await.unwrap_or_default();
    FormState::default().keep("public_address", &value)
}

#[derive(Debug, Deserialize, Serialize, Default)]
pub struct AddressForm {
    #[serde(default)]
    public_address: String,
}

pub async fn address_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<AddressForm>,
) -> Result<Response, PageError> {
    match identity::set_public_address(&state.services, &p, &f.public_address, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/admin/settings?done=saved").into_response()),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "nav.settings", |address| async {
                Ok(settings_with(&state, &ctx, Section::Address(address)).await)
            })
            .await
        }
    }
}

fn criteria_form(c: sheji_core::registry::LibraryCriteria) -> FormState {
    FormState::default()
        .keep("min_design_investment", &c.min_design_investment.to_string())
        .keep("years", &c.years.to_string())
        .keep("min_design_staff", &c.min_design_staff.to_string())
        .keep("min_new_product_sales", &c.min_new_product_sales.to_string())
        .keep("min_design_patents", &c.min_design_patents.to_string())
}

async fn current_criteria(state: &AppState) -> FormState {
    criteria_form(sheji_service::registry::library::criteria(&state.services).await.unwrap_or_default())
}

#[derive(Debug, Deserialize, Serialize, Default)]
pub struct CriteriaForm {
    #[serde(default)]
    min_design_investment: String,
    #[serde(default)]
    years: String,
    #[serde(default)]
    min_design_staff: String,
    #[serde(default)]
    min_new_product_sales: String,
    #[serde(default)]
    min_design_patents: String,
}

pub async fn criteria_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<CriteriaForm>,
) -> Result<Response, PageError> {
    let num = |s: &str| s.trim().replace(',', "").parse::<f64>().unwrap_or(f64::NAN);
    let int = |s: &str| s.trim().parse::<i64>().unwrap_or(-1);
    let new = sheji_core::registry::LibraryCriteria {
        min_design_investment: num(&f.min_design_investment),
        years: usize::try_from(int(&f.years)).unwrap_or(0),
        min_design_staff: int(&f.min_design_staff),
        min_new_product_sales: num(&f.min_new_product_sales),
        min_design_patents: int(&f.min_design_patents),
    };
    match sheji_service::registry::library::set_criteria(&state.services, &p, new, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/admin/settings?done=saved").into_response()),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "nav.settings", |criteria| async {
                Ok(settings_with(&state, &ctx, Section::Criteria(criteria)).await)
            })
            .await
        }
    }
}

fn settings_form(s: SecuritySettings) -> FormState {
    FormState::default()
        .keep("require_totp", if s.require_totp_for_staff { "true" } else { "" })
        .keep("idle_minutes", &s.idle_minutes.to_string())
        .keep("absolute_hours", &s.absolute_hours.to_string())
}

pub async fn settings_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.settings").crumb("nav.system", None);
    if !identity::actions(&state.services, &p).settings {
        return Err(PageError::forbidden(chrome));
    }
    let settings = match identity::security_settings(&state.services).await {
        Ok(s) => s,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let criteria = current_criteria(&state).await;
    Ok(render(
        StatusCode::OK,
        &SettingsPage {
            chrome,
            form: settings_form(settings),
            criteria,
            address: current_address(&state).await,
            synonyms: current_synonyms(&state).await,
            saved: q.done == "saved",
        },
    ))
}

#[derive(Debug, Deserialize, Serialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    require_totp: String,
    #[serde(default)]
    idle_minutes: String,
    #[serde(default)]
    absolute_hours: String,
}

pub async fn settings_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let new = SecuritySettings {
        require_totp_for_staff: f.require_totp == "true",
        idle_minutes: f.idle_minutes.trim().parse().unwrap_or(-1),
        absolute_hours: f.absolute_hours.trim().parse().unwrap_or(-1),
    };
    match identity::update_security_settings(&state.services, &p, new, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/admin/settings?done=saved").into_response()),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "nav.settings", |form| async {
                Ok(SettingsPage {
                    chrome: ctx.chrome("nav.settings"),
                    form,
                    criteria: current_criteria(&state).await,
                    address: current_address(&state).await,
                    synonyms: current_synonyms(&state).await,
                    saved: false,
                })
            })
            .await
        }
    }
}
