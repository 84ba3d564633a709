//! Signing in and out, registration, and the caller's own account: profile, password,
//! sessions, API tokens and the TOTP second factor.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use sheji_core::i18n::{self, Lang};
use sheji_core::identity::totp;
use sheji_core::identity::{Permission, Principal};
use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;
use sheji_service::identity::{self, Client, DesignerRegistration, EnterpriseRegistration, ProfileInput};
use sheji_service::{ServiceError, reference};

use crate::AppState;
use crate::auth::{PageUser, SESSION_COOKIE, set_cookie};
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx};

/// Only local paths are followed after sign-in, so `?next=` cannot send anyone elsewhere.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") { next } else { "/" }
}

#[derive(Template)]
#[template(path = "identity/login.html")]
struct LoginPage {
    chrome: Chrome,
    form: FormState,
    next: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.caller.principal.is_some() {
        return Redirect::to(safe_next(&q.next)).into_response();
    }
    render(StatusCode::OK, &LoginPage { chrome: ctx.chrome("login.title"), form: FormState::default(), next: q.next })
}

#[derive(Debug, Deserialize, Serialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn client(ctx: &Ctx, headers: &HeaderMap) -> Client {
    Client {
        ip: ctx.caller.ip.clone(),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
    }
}

pub async fn login_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    match identity::sign_in(&state.services, &f.username, &f.password, &client(&ctx, &headers)).await {
        Ok(signed) => {
            let target = if signed.second_factor_pending {
                "/login/totp"
            } else if signed.must_change_password {
                "/account/password"
            } else {
                safe_next(&f.next)
            };
            let mut response = Redirect::to(target).into_response();
            // The session's CSRF token is derived from it; the cookie carries it too, for
            // clients that read their token from there.
            let csrf = sheji_service::crypto::csrf_token_for(&signed.token);
            for c in [
                set_cookie(SESSION_COOKIE, &signed.token, None, ctx.caller.https),
                set_cookie(crate::auth::CSRF_COOKIE, &csrf, None, ctx.caller.https),
            ]
            .into_iter()
            .flatten()
            {
                response.headers_mut().append(header::SET_COOKIE, c);
            }
            response
        }
        Err(e) => forms::refused(e, FormState::of(&f), &ctx, "login.title", |form| async {
            Ok(LoginPage { chrome: ctx.chrome("login.title"), form, next: f.next.clone() })
        })
        .await
        .unwrap_or_else(IntoResponse::into_response),
    }
}

#[derive(Template)]
#[template(path = "identity/login_totp.html")]
struct TotpLoginPage {
    chrome: Chrome,
    form: FormState,
}

pub async fn totp_login_page(ctx: Ctx, pending: Option<axum::Extension<crate::auth::PendingSecondFactor>>) -> Response {
    if pending.is_none() {
        return Redirect::to("/").into_response();
    }
    render(StatusCode::OK, &TotpLoginPage { chrome: ctx.chrome("totp.login_title"), form: FormState::default() })
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn totp_login_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Response {
    let Some(token) = crate::auth::cookie_in(&headers, SESSION_COOKIE) else {
        return Redirect::to("/login").into_response();
    };
    let caller = match identity::authenticate_session(&state.services, &token, false).await {
        Ok(Some(c)) if c.second_factor_pending => c,
        _ => return Redirect::to("/login").into_response(),
    };
    match identity::verify_second_factor(&state.services, &caller, &f.code, &ctx.caller.ip).await {
        Ok(()) => {
            Redirect::to(if caller.principal.must_change_password { "/account/password" } else { "/" }).into_response()
        }
        Err(e) => forms::refused(e, FormState::default(), &ctx, "totp.login_title", |form| async {
            Ok(TotpLoginPage { chrome: ctx.chrome("totp.login_title"), form })
        })
        .await
        .unwrap_or_else(IntoResponse::into_response),
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    if let Some(token) = crate::auth::cookie_in(&headers, SESSION_COOKIE)
        && let Ok(Some(session)) = identity::authenticate_session(&state.services, &token, false).await
    {
        let _ = identity::sign_out(&state.services, &session, &ctx.caller.ip).await;
    }
    let mut response = Redirect::to("/").into_response();
    if let Some(c) = set_cookie(SESSION_COOKIE, "", Some(0), ctx.caller.https) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

#[derive(Template)]
#[template(path = "identity/register.html")]
struct RegisterChoicePage {
    chrome: Chrome,
}

pub async fn register_page(ctx: Ctx) -> Response {
    render(StatusCode::OK, &RegisterChoicePage { chrome: ctx.chrome("register.title") })
}

#[derive(Template)]
#[template(path = "identity/register_form.html")]
struct RegisterPage {
    chrome: Chrome,
    form: FormState,
    enterprise: bool,
    action: &'static str,
    done: bool,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
}

async fn register_view(
    state: &AppState,
    ctx: &Ctx,
    enterprise: bool,
    form: FormState,
    done: bool,
) -> Result<RegisterPage, PageError> {
    let title = if enterprise { "register.enterprise" } else { "register.designer" };
    let chrome = ctx.chrome(title).crumb("register.title", Some("/register"));
    let districts = if enterprise {
        let filter = reference::DistrictFilter {
            status: Some(sheji_core::reference::DistrictStatus::Active),
            ..Default::default()
        };
        match reference::list_districts(&state.services, &filter, PageRequest::new(Some(1), Some(200))).await {
            Ok(p) => p.items.into_iter().map(|d| Choice::new(d.id.to_string(), d.name)).collect(),
            Err(e) => return Err(PageError::service(&e, chrome)),
        }
    } else {
        Vec::new()
    };
    Ok(RegisterPage {
        kinds: OrgKind::ALL
            .iter()
            .map(|k| Choice::new(k.code(), ctx.lang.t(&format!("org.kind.{}", k.code()))))
            .collect(),
        chrome,
        form,
        enterprise,
        action: if enterprise { "/register/enterprise" } else { "/register/designer" },
        done,
        districts,
    })
}

pub async fn register_enterprise_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    Ok(render(StatusCode::OK, &register_view(&state, &ctx, true, FormState::default(), false).await?))
}

pub async fn register_designer_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    Ok(render(StatusCode::OK, &register_view(&state, &ctx, false, FormState::default(), false).await?))
}

#[derive(Debug, Deserialize, Serialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn register_enterprise_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RegisterForm>,
) -> Result<Response, PageError> {
    let input = EnterpriseRegistration {
        uscc: f.uscc.clone(),
        org_name: f.org_name.clone(),
        district_id: f.district_id.clone(),
        kind: f.kind.clone(),
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
    };
    match identity::register_enterprise(&state.services, &input, &ctx.caller.ip).await {
        Ok(_) => Ok(render(StatusCode::OK, &register_view(&state, &ctx, true, FormState::default(), true).await?)),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "register.title", |form| {
                register_view(&state, &ctx, true, form, false)
            })
            .await
        }
    }
}

pub async fn register_designer_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RegisterForm>,
) -> Result<Response, PageError> {
    let input = DesignerRegistration {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
    };
    match identity::register_designer(&state.services, &input, &ctx.caller.ip).await {
        Ok(_) => Ok(render(StatusCode::OK, &register_view(&state, &ctx, false, FormState::default(), true).await?)),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "register.title", |form| {
                register_view(&state, &ctx, false, form, false)
            })
            .await
        }
    }
}

/// One session row of the account page.
pub struct SessionRow {
    id: i32,
    started: String,
    last_seen: String,
    ip: String,
    browser: String,
    current: bool,
}

/// One token row of the account page.
pub struct TokenRow {
    id: i32,
    name: String,
    prefix: String,
    permissions: String,
    expires: String,
    status: String,
    status_class: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "identity/account.html")]
struct AccountPage {
    chrome: Chrome,
    account: identity::AccountView,
    roles: Vec<String>,
    last_login: String,
    form: FormState,
    token_form: FormState,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    grantable: Vec<Choice>,
    flash: Option<String>,
    new_token: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// The role names of an account's affiliations, with where they apply.
pub fn role_labels(lang: Lang, affiliations: &[identity::AffiliationRecord]) -> Vec<String> {
    affiliations.iter().map(|a| lang.t(&format!("role.{}", a.affiliation.role.code())).to_owned()).collect()
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    principal: &Principal,
    form: Option<FormState>,
    token_form: FormState,
    flash: Option<String>,
    new_token: Option<String>,
) -> Result<AccountPage, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("account.title");
    let s = &state.services;
    let account = match identity::my_account(s, principal).await {
        Ok(a) => a,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let sessions = match identity::my_sessions(s, principal, PageRequest::new(Some(1), Some(50))).await {
        Ok(p) => p.items,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let tokens = match identity::my_tokens(s, principal, PageRequest::new(Some(1), Some(50))).await {
        Ok(p) => p.items,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let now = s.now();
    let form = form.unwrap_or_else(|| {
        FormState::default()
            .keep("display_name", &account.display_name)
            .keep("phone", account.phone.as_deref().unwrap_or_default())
            .keep("email", account.email.as_deref().unwrap_or_default())
    });
    Ok(AccountPage {
        roles: role_labels(lang, &account.affiliations),
        last_login: account.last_login_at.map(i18n::datetime).unwrap_or_else(|| "—".to_owned()),
        sessions: sessions
            .into_iter()
            .map(|x| SessionRow {
                id: x.id,
                started: i18n::datetime(x.created_at),
                last_seen: i18n::datetime(x.last_seen_at),
                current: ctx.caller.session == Some(x.id),
                ip: x.ip,
                browser: {
                    let (browser, system) = sheji_core::identity::agent::describe(&x.user_agent);
                    let other = || lang.t("account.agent_other").to_owned();
                    // The same separator as `Chrome::dotted`, which this row's builder has not.
                    format!(
                        "{} · {}",
                        browser.map_or_else(other, str::to_owned),
                        system.map_or_else(other, str::to_owned)
                    )
                },
            })
            .collect(),
        tokens: tokens
            .into_iter()
            .map(|t| {
                let (status, class, live) = if t.revoked_at.is_some() {
                    ("token.revoked", "rejected", false)
                } else if t.expires_at <= now {
                    ("token.expired", "draft", false)
                } else {
                    ("token.live", "passed", true)
                };
                TokenRow {
                    id: t.id,
                    permissions: t.permissions.iter().map(|p| p.code()).collect::<Vec<_>>().join(", "),
                    expires: i18n::datetime(t.expires_at),
                    status: lang.t(status).to_owned(),
                    status_class: class,
                    live,
                    name: t.name,
                    prefix: t.prefix,
                }
            })
            .collect(),
        grantable: Permission::ALL
            .into_iter()
            .filter(|p| principal.can(*p, now))
            .map(|p| Choice::new(p.code(), lang.t(&format!("perm.{}", p.code()))))
            .collect(),
        account,
        form,
        token_form,
        flash,
        new_token,
        chrome,
    })
}

pub async fn account(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let flash = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("account.done.{}", q.done)).to_owned());
    let page = account_page(&state, &ctx, &p, None, FormState::default().keep("days", "90"), flash, None).await?;
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize, Serialize)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

pub async fn profile_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<ProfileForm>,
) -> Result<Response, PageError> {
    let input = ProfileInput { display_name: f.display_name.clone(), phone: f.phone.clone(), email: f.email.clone() };
    match identity::update_profile(&state.services, &p, &input, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/account?done=profile").into_response()),
        Err(e) => {
            forms::refused(e, FormState::of(&f), &ctx, "account.title", |form| {
                account_page(&state, &ctx, &p, Some(form), FormState::default().keep("days", "90"), None, None)
            })
            .await
        }
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    match identity::end_my_session(&state.services, &p, id, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/account?done=session").into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("account.title"))),
    }
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let (name, permissions) = (f.text("name"), f.all("permissions"));
    let days: i64 = f.whole("days");
    let result = match f.finish((), |_| Vec::new()) {
        Ok(()) => identity::create_token(&state.services, &p, &name, &permissions, days, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => {
            let page = account_page(
                &state,
                &ctx,
                &p,
                None,
                FormState::default().keep("days", "90"),
                None,
                Some(created.secret),
            )
            .await?;
            Ok(render(StatusCode::OK, &page))
        }
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "account.title", |token_form| {
                account_page(&state, &ctx, &p, None, token_form, None, None)
            })
            .await
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    match identity::revoke_token(&state.services, &p, id, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/account?done=token").into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("account.title"))),
    }
}

#[derive(Template)]
#[template(path = "identity/password.html")]
struct PasswordPage {
    chrome: Chrome,
    form: FormState,
    forced: bool,
}

pub async fn password_page(ctx: Ctx, PageUser(p, _): PageUser) -> Response {
    let chrome = ctx.chrome("password.change").crumb("account.title", Some("/account"));
    render(StatusCode::OK, &PasswordPage { chrome, form: FormState::default(), forced: p.must_change_password })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    let result = if f.new != f.confirm {
        Err(ServiceError::Fields(vec![sheji_service::FieldError::new("confirm", "password.mismatch")]))
    } else {
        identity::change_password(&state.services, &p, c.session, &f.current, &f.new, &c.ip).await
    };
    match result {
        Ok(()) => Redirect::to("/account?done=password").into_response(),
        // Nothing typed here is sent back: all three fields are passwords.
        Err(e) => forms::refused(e, FormState::default(), &ctx, "password.change", |form| async {
            let chrome = ctx.chrome("password.change").crumb("account.title", Some("/account"));
            Ok(PasswordPage { chrome, form, forced: p.must_change_password })
        })
        .await
        .unwrap_or_else(IntoResponse::into_response),
    }
}

#[derive(Template)]
#[template(path = "identity/totp.html")]
struct TotpPage {
    chrome: Chrome,
    form: FormState,
    enabled: bool,
    required: bool,
    secret: String,
    uri: String,
}

async fn totp_view(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    form: FormState,
    secret: Option<String>,
) -> Result<TotpPage, PageError> {
    let chrome = ctx.chrome("totp.title").crumb("account.title", Some("/account"));
    let account = match identity::my_account(&state.services, p).await {
        Ok(a) => a,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let required = identity::totp_required(&state.services, p).await.unwrap_or(false);
    let secret = match secret {
        Some(s) => s,
        None => match identity::new_totp_secret() {
            Ok(s) => s,
            Err(e) => return Err(PageError::service(&e, chrome)),
        },
    };
    let uri =
        totp::decode_secret(&secret).map(|b| totp::provisioning_uri("Sheji", &p.username, &b)).unwrap_or_default();
    Ok(TotpPage { chrome, form, enabled: account.totp_enabled, required, secret, uri })
}

pub async fn totp_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    Ok(render(StatusCode::OK, &totp_view(&state, &ctx, &p, FormState::default(), None).await?))
}

#[derive(Debug, Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

pub async fn totp_enable(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<TotpForm>,
) -> Result<Response, PageError> {
    match identity::enable_totp(&state.services, &p, &f.secret, &f.code, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/account?done=totp_on").into_response()),
        Err(e) => {
            forms::refused(e, FormState::default(), &ctx, "totp.title", |form| {
                totp_view(&state, &ctx, &p, form, Some(f.secret.clone()))
            })
            .await
        }
    }
}

pub async fn totp_disable(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<TotpForm>,
) -> Result<Response, PageError> {
    match identity::disable_totp(&state.services, &p, &f.password, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/account?done=totp_off").into_response()),
        Err(e) => {
            forms::refused(e, FormState::default(), &ctx, "totp.title", |form| totp_view(&state, &ctx, &p, form, None))
                .await
        }
    }
}
