//! Accounts, sign-in, sessions, API tokens, registration and account administration.
//!
//! Every change is audited in its own transaction. Sign-in answers the same way whether the
//! username exists or not, and spends the same time either way.

pub mod demo;

use crate::work::Work;
use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sheji_core::identity::totp;
use sheji_core::identity::{
    self as rules, AccountStatus, Affiliation, Permission, Principal, Role, SessionPolicy, check_password, is_locked,
    mask_phone, normalize_phone, normalize_username, valid_email,
};
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::notification::MessageKind;
use sheji_core::page::{Page, PageRequest};
use sheji_core::registry::uscc::Uscc;
use sheji_core::registry::{OrgKind, normalize_name};
use sheji_store::identity::{self as store, AccountChanges, AccountRecord, NewAccount, NewToken};
pub use sheji_store::identity::{AccountFilter, AffiliationRecord, SessionRecord, TokenRecord};
use sheji_store::registry::{self as registry_store, NewOrganization};
use sheji_store::{Tx, reference as reference_store};

use crate::audit::{self, Actor, Change};
use crate::crypto::{random_bytes, random_token, token_hash};
use crate::notification::{Audience, Note};
use crate::{FieldError, ServiceError, Services};

/// How often a session's last-seen time is written (not on every request).
const TOUCH_EVERY_SECONDS: i64 = 60;
/// Setting: require TOTP for admin, city_officer and hq_staff.
pub const SETTING_REQUIRE_TOTP: &str = "security.require_totp_for_staff";
/// Setting: idle minutes before a session ends.
pub const SETTING_IDLE_MINUTES: &str = "session.idle_minutes";
/// Setting: hours after sign-in when a session ends.
pub const SETTING_ABSOLUTE_HOURS: &str = "session.absolute_hours";
/// Setting: the address people reach the platform at, for absolute links (QR codes, e-mails).
pub const SETTING_PUBLIC_ADDRESS: &str = "platform.public_address";

/// Inserts an account with its first affiliation and records it, in one transaction.
async fn insert_with_role(
    services: &Services,
    actor: &Actor,
    action: &str,
    new: NewAccount,
    affiliation: &Affiliation,
    after: serde_json::Value,
) -> Result<AccountId, ServiceError> {
    let now = services.now();
    let tx = Work::begin(services).await?;
    let id = store::insert_account(&tx, new, now).await?;
    store::add_affiliation(&tx, id, affiliation, now).await?;
    let change = Change { action, target_type: "account", target_id: id.to_string(), before: json!(null), after };
    tx.commit(actor, change).await?;
    Ok(id)
}

/// The outcome of creating the first administrator.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    /// The generated password, when none was given; shown once.
    pub generated_password: Option<String>,
}

fn generated_password() -> Result<String, ServiceError> {
    // 18 random bytes in URL-safe base64 plus a fixed tail that covers the character classes.
    Ok(format!("{}-Sj9", random_token(18)?))
}

/// Creates `admin` if no account exists yet. With `password` (from SHEJI_ADMIN_PASSWORD) the
/// deployment chose it and no change is forced; otherwise a random one is generated, returned
/// once, and must be changed at first sign-in. Returns `None` when accounts already exist.
pub async fn bootstrap_admin(services: &Services, password: Option<&str>) -> Result<Option<Bootstrap>, ServiceError> {
    if store::count_accounts(services.store()).await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match password {
        Some(p) => {
            check_password(p, "admin")
                .map_err(|e| ServiceError::Because { key: "bootstrap.weak_password", reason: e.message_key() })?;
            (p.to_owned(), None)
        }
        None => {
            let p = generated_password()?;
            (p.clone(), Some(p))
        }
    };
    insert_with_role(
        services,
        &Actor::system(),
        "account.bootstrap",
        NewAccount {
            username: "admin".to_owned(),
            display_name: "系统管理员".to_owned(),
            phone_enc: None,
            email: None,
            status: AccountStatus::Active,
            password_hash: services.secrets().hash_password(&password)?,
            must_change_password: generated.is_some(),
        },
        &Affiliation { role: Role::Admin, organization: None, district: None, until: None },
        json!({"username": "admin", "roles": ["admin"]}),
    )
    .await?;
    Ok(Some(Bootstrap { generated_password: generated }))
}

/// What a sign-in produced.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session token for the cookie (the database keeps only its hash).
    pub token: String,
    /// A TOTP code is still required before the session is usable.
    pub second_factor_pending: bool,
    /// The password must be changed before anything else.
    pub must_change_password: bool,
}

/// Where a sign-in comes from.
#[derive(Debug, Clone)]
pub struct Client {
    /// Address.
    pub ip: String,
    /// Browser.
    pub user_agent: String,
}

/// Checks the password (and the per-address limit, the lock and the status) and opens a
/// session. Every outcome is audited; failures say the same thing whatever went wrong.
pub async fn sign_in(
    services: &Services,
    username: &str,
    password: &str,
    client: &Client,
) -> Result<SignedIn, ServiceError> {
    let now = services.now();
    let name = normalize_username(username).unwrap_or_else(|| username.trim().chars().take(64).collect());
    let since = now - Duration::minutes(rules::THROTTLE_WINDOW_MINUTES);
    let known_since = now - Duration::days(rules::KNOWN_SOURCE_DAYS);
    let history = store::sign_in_history(services.store(), &name, &client.ip, since, known_since).await?;
    if rules::must_wait(&history) {
        return Err(ServiceError::TooManyRequests);
    }
    let account = store::find_account_by_username(services.store(), &name).await?;
    let Some(account) = account else {
        services.secrets().burn_verification(password);
        fail_sign_in(services, &name, None, client, "unknown_user").await?;
        return Err(ServiceError::InvalidCredentials);
    };
    if is_locked(account.locked_until, now) {
        services.secrets().burn_verification(password);
        fail_sign_in(services, &name, Some(&account), client, "locked").await?;
        return Err(ServiceError::InvalidCredentials);
    }
    if !services.secrets().verify_password(password, &account.password_hash) {
        fail_sign_in(services, &name, Some(&account), client, "wrong_password").await?;
        return Err(ServiceError::InvalidCredentials);
    }
    match account.status {
        AccountStatus::Active => {}
        AccountStatus::Pending => return Err(ServiceError::Invalid { key: "login.pending", args: vec![] }),
        AccountStatus::Disabled => {
            return Err(match account.status_reason {
                Some(reason) => ServiceError::Invalid { key: "login.rejected", args: vec![("reason", reason)] },
                None => ServiceError::Invalid { key: "login.disabled", args: vec![] },
            });
        }
    }
    let token = random_token(32)?;
    let second_factor_pending = account.totp_secret_enc.is_some();
    let tx = Work::begin(services).await?;
    store::update_account(
        &tx,
        account.id,
        AccountChanges {
            failed_logins: Some(0),
            locked_until: Some(None),
            last_login_at: Some(now),
            ..Default::default()
        },
        now,
    )
    .await?;
    store::create_session(
        &tx,
        &token_hash(&token),
        account.id,
        second_factor_pending,
        &client.ip,
        &client.user_agent,
        now,
    )
    .await?;
    store::record_login_attempt(&tx, &client.ip, &name, true, now).await?;
    let actor = Actor { account: Some(account.id.get()), name: account.username.clone(), ip: client.ip.clone() };
    let change = Change {
        action: "login.success",
        target_type: "account",
        target_id: account.id.to_string(),
        before: json!(null),
        after: json!({"second_factor_pending": second_factor_pending}),
    };
    tx.commit(&actor, change).await?;
    Ok(SignedIn { token, second_factor_pending, must_change_password: account.must_change_password })
}

async fn fail_sign_in(
    services: &Services,
    name: &str,
    account: Option<&AccountRecord>,
    client: &Client,
    reason: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    let tx = Work::begin(services).await?;
    let mut after = json!({"reason": reason});
    if let Some(account) = account {
        // Counted for the administrators' page; failures slow their source down (see
        // `rules::must_wait`) and no longer lock the account.
        let failures = account.failed_logins.saturating_add(1);
        store::update_account(
            &tx,
            account.id,
            AccountChanges { failed_logins: Some(failures), ..Default::default() },
            now,
        )
        .await?;
        after = json!({"reason": reason, "failures": failures});
    }
    store::record_login_attempt(&tx, &client.ip, name, false, now).await?;
    let change = Change {
        action: "login.failed",
        target_type: "account",
        target_id: account.map_or_else(|| name.to_owned(), |a| a.id.to_string()),
        before: json!(null),
        after,
    };
    tx.commit(&Actor::anonymous(&client.ip), change).await?;
    Ok(())
}

/// The session policy in force (administrator settings, else 30 minutes idle, 12 hours).
pub async fn session_policy(services: &Services) -> Result<SessionPolicy, ServiceError> {
    if let Some(policy) = services.cached_policy() {
        return Ok(policy);
    }
    let mut policy = SessionPolicy::default();
    if let Some(m) = store::get_setting(services.store(), SETTING_IDLE_MINUTES).await?.and_then(|v| v.parse().ok()) {
        policy.idle = Duration::minutes(m);
    }
    if let Some(h) = store::get_setting(services.store(), SETTING_ABSOLUTE_HOURS).await?.and_then(|v| v.parse().ok()) {
        policy.absolute = Duration::hours(h);
    }
    services.remember_policy(policy);
    Ok(policy)
}

/// A caller identified by a session cookie.
#[derive(Debug, Clone)]
pub struct SessionCaller {
    /// Who.
    pub principal: Principal,
    /// Which session.
    pub session_id: i32,
    /// The TOTP step is still to come: only the code page is open.
    pub second_factor_pending: bool,
    /// The platform requires TOTP of this person, who has not enrolled yet: only the
    /// enrolment page is open.
    pub must_enrol_totp: bool,
}

/// Resolves a session cookie: `None` when unknown, ended, expired (idle or absolute) or
/// when the account is no longer active. An expired session is ended on the way.
///
/// With `reuse`, a session resolved on this node in the last few seconds, with no write since,
/// is taken from memory: pass it for requests that change nothing (recent.rs, `Kept`, says
/// what that allows). A request that changes something is always checked afresh.
pub async fn authenticate_session(
    services: &Services,
    token: &str,
    reuse: bool,
) -> Result<Option<SessionCaller>, ServiceError> {
    let now = services.now();
    let hash = token_hash(token);
    let kept = services.kept().sessions();
    if reuse && let Some(caller) = kept.get(&hash, now) {
        return Ok(Some(caller));
    }
    let stamp = kept.stamp();
    let Some(session) = store::find_session(services.store(), &hash).await? else { return Ok(None) };
    if session.ended_at.is_some() {
        return Ok(None);
    }
    let policy = session_policy(services).await?;
    if !policy.alive(session.created_at, session.last_seen_at, now) {
        let tx = services.store().begin().await?;
        store::end_session(&tx, session.account, session.id, now).await?;
        tx.commit().await?;
        return Ok(None);
    }
    let Some(account) = store::find_account(services.store(), session.account).await? else { return Ok(None) };
    if account.status != AccountStatus::Active {
        return Ok(None);
    }
    if now - session.last_seen_at >= Duration::seconds(TOUCH_EVERY_SECONDS) {
        let tx = services.store().begin().await?;
        store::touch_session(&tx, session.id, now).await?;
        tx.commit().await?;
    }
    let principal = store::load_principal(services.store(), &account).await?;
    let must_enrol_totp = account.totp_secret_enc.is_none() && totp_required(services, &principal).await?;
    let caller = SessionCaller {
        principal,
        session_id: session.id,
        second_factor_pending: session.second_factor_pending,
        must_enrol_totp,
    };
    kept.put_unless_cleared(hash, caller.clone(), now, stamp);
    Ok(Some(caller))
}

/// Resolves an `Authorization: Bearer` token: `None` when unknown, revoked, expired, or when
/// its account is no longer active. The principal is limited to the token's functions.
/// `reuse` as for [`authenticate_session`].
pub async fn authenticate_token(
    services: &Services,
    token: &str,
    reuse: bool,
) -> Result<Option<Principal>, ServiceError> {
    let now = services.now();
    let hash = token_hash(token.trim());
    let kept = services.kept().tokens();
    if reuse && let Some(principal) = kept.get(&hash, now) {
        return Ok(Some(principal));
    }
    let stamp = kept.stamp();
    let Some(record) = store::find_token(services.store(), &hash).await? else { return Ok(None) };
    if record.revoked_at.is_some() || now >= record.expires_at {
        return Ok(None);
    }
    let Some(account) = store::find_account(services.store(), record.account).await? else { return Ok(None) };
    if account.status != AccountStatus::Active {
        return Ok(None);
    }
    if record.last_used_at.is_none_or(|t| now - t >= Duration::seconds(TOUCH_EVERY_SECONDS)) {
        let tx = services.store().begin().await?;
        store::touch_token(&tx, record.id, now).await?;
        tx.commit().await?;
    }
    let mut principal = store::load_principal(services.store(), &account).await?;
    principal.token_permissions = Some(record.permissions);
    kept.put_unless_cleared(hash, principal.clone(), now, stamp);
    Ok(Some(principal))
}

/// Completes a sign-in with a TOTP code.
pub async fn verify_second_factor(
    services: &Services,
    caller: &SessionCaller,
    code: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    let account = find(services, caller.principal.account).await?;
    let secret = match &account.totp_secret_enc {
        Some(enc) => totp::decode_secret(&services.secrets().decrypt(enc)?).ok_or(ServiceError::Unauthenticated)?,
        None => return Err(ServiceError::Unauthenticated),
    };
    // Six digits fall to patient guessing: wrong codes count like wrong passwords.
    let since = now - Duration::minutes(rules::THROTTLE_WINDOW_MINUTES);
    let known_since = now - Duration::days(rules::KNOWN_SOURCE_DAYS);
    if rules::must_wait(&store::sign_in_history(services.store(), &account.username, ip, since, known_since).await?) {
        return Err(ServiceError::TooManyRequests);
    }
    let Some(step) = totp::verify(&secret, code, now.timestamp(), account.totp_last_step) else {
        let change = Change {
            action: "login.totp_failed",
            target_type: "account",
            target_id: account.id.to_string(),
            before: json!(null),
            after: json!(null),
        };
        let tx = Work::begin(services).await?;
        store::record_login_attempt(&tx, ip, &account.username, false, now).await?;
        tx.commit(&Actor::of(&caller.principal, ip), change).await?;
        return Err(ServiceError::Fields(vec![FieldError::new("code", "totp.wrong_code")]));
    };
    let tx = Work::begin(services).await?;
    store::update_account(
        &tx,
        account.id,
        AccountChanges { totp_last_step: Some(Some(step)), ..Default::default() },
        now,
    )
    .await?;
    store::complete_second_factor(&tx, caller.session_id, now).await?;
    let change = Change {
        action: "login.totp",
        target_type: "account",
        target_id: account.id.to_string(),
        before: json!(null),
        after: json!(null),
    };
    tx.commit(&Actor::of(&caller.principal, ip), change).await?;
    Ok(())
}

/// Ends the caller's session.
pub async fn sign_out(services: &Services, caller: &SessionCaller, ip: &str) -> Result<(), ServiceError> {
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::end_session(&tx, caller.principal.account, caller.session_id, now).await?;
    let change = Change {
        action: "logout",
        target_type: "session",
        target_id: caller.session_id.to_string(),
        before: json!(null),
        after: json!(null),
    };
    tx.commit(&Actor::of(&caller.principal, ip), change).await?;
    Ok(())
}

async fn find(services: &Services, id: AccountId) -> Result<AccountRecord, ServiceError> {
    store::find_account(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "error.not_found.account" })
}

fn password_error(field: &'static str, problem: rules::PasswordProblem) -> ServiceError {
    ServiceError::Fields(vec![FieldError::new(field, problem.message_key())])
}

/// Changes the caller's own password after checking the current one; other sessions end.
pub async fn change_password(
    services: &Services,
    caller: &Principal,
    session_id: Option<i32>,
    current: &str,
    new: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let account = find(services, caller.account).await?;
    if !services.secrets().verify_password(current, &account.password_hash) {
        return Err(ServiceError::Fields(vec![FieldError::new("current", "password.current_wrong")]));
    }
    check_password(new, &account.username).map_err(|p| password_error("new", p))?;
    if services.secrets().verify_password(new, &account.password_hash) {
        return Err(ServiceError::Fields(vec![FieldError::new("new", "password.same")]));
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    let changes = AccountChanges {
        password_hash: Some(services.secrets().hash_password(new)?),
        must_change_password: Some(false),
        ..Default::default()
    };
    store::update_account(&tx, account.id, changes, now).await?;
    let ended = store::end_sessions_of(&tx, account.id, session_id, now).await?;
    let change = Change {
        action: "account.password_change",
        target_type: "account",
        target_id: account.id.to_string(),
        before: json!({"must_change_password": account.must_change_password}),
        after: json!({"must_change_password": false, "other_sessions_ended": ended}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// An account as people see it: phone masked unless the viewer may see it.
#[derive(Debug, Clone)]
pub struct AccountView {
    /// Key.
    pub id: AccountId,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Phone, in clear or masked.
    pub phone: Option<String>,
    /// Whether `phone` is masked.
    pub phone_masked: bool,
    /// E-mail.
    pub email: Option<String>,
    /// Status.
    pub status: AccountStatus,
    /// Must change the password.
    pub must_change_password: bool,
    /// TOTP switched on.
    pub totp_enabled: bool,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
    /// Failed sign-ins (from any address) within the throttle window, when read for one
    /// account; what may be making someone wait, and what lifting the limits forgets.
    pub failed_logins: u32,
    /// Last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Why it is in its status, when someone said (a rejected registration's reason).
    pub status_reason: Option<String>,
    /// Affiliations with their keys.
    pub affiliations: Vec<AffiliationRecord>,
}

fn view(services: &Services, a: AccountRecord, unmasked: bool, affiliations: Vec<AffiliationRecord>) -> AccountView {
    // A phone that cannot be decrypted (wrong key) is shown as absent rather than failing the page.
    let phone = a.phone_enc.as_deref().and_then(|enc| services.secrets().decrypt(enc).ok());
    AccountView {
        id: a.id,
        phone: phone.map(|p| if unmasked { p } else { mask_phone(&p) }),
        phone_masked: !unmasked,
        username: a.username,
        display_name: a.display_name,
        email: a.email,
        status: a.status,
        must_change_password: a.must_change_password,
        totp_enabled: a.totp_secret_enc.is_some(),
        locked_until: a.locked_until,
        failed_logins: a.failed_logins,
        last_login_at: a.last_login_at,
        created_at: a.created_at,
        status_reason: a.status_reason,
        affiliations,
    }
}

/// The caller's own account, phone in clear.
pub async fn my_account(services: &Services, caller: &Principal) -> Result<AccountView, ServiceError> {
    let a = find(services, caller.account).await?;
    let affiliations = store::list_affiliations(services.store(), a.id).await?;
    Ok(view(services, a, true, affiliations))
}

/// Profile fields as typed in a form.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    /// Display name (required, at most 50 characters).
    pub display_name: String,
    /// Phone (optional).
    pub phone: String,
    /// E-mail (optional).
    pub email: String,
}

struct CleanProfile {
    display_name: String,
    phone: Option<String>,
    email: Option<String>,
}

fn clean_profile(input: &ProfileInput, errors: &mut Vec<FieldError>) -> CleanProfile {
    let display_name = input.display_name.trim().to_owned();
    if display_name.is_empty() {
        errors.push(FieldError::new("display_name", "account.display_name_required"));
    } else if display_name.chars().count() > 50 {
        errors.push(FieldError::new("display_name", "account.display_name_long"));
    }
    let phone = match input.phone.trim() {
        "" => None,
        p => {
            let n = normalize_phone(p);
            if n.is_none() {
                errors.push(FieldError::new("phone", "account.phone_invalid"));
            }
            n
        }
    };
    let email = match input.email.trim() {
        "" => None,
        e if valid_email(e) => Some(e.to_owned()),
        _ => {
            errors.push(FieldError::new("email", "account.email_invalid"));
            None
        }
    };
    CleanProfile { display_name, phone, email }
}

/// Changes the caller's own display name, phone and e-mail.
pub async fn update_profile(
    services: &Services,
    caller: &Principal,
    input: &ProfileInput,
    ip: &str,
) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    let clean = clean_profile(input, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let before = find(services, caller.account).await?;
    let old_phone = before.phone_enc.as_deref().and_then(|e| services.secrets().decrypt(e).ok());
    let phone_enc = clean.phone.as_deref().map(|p| services.secrets().encrypt(p)).transpose()?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    let changes = AccountChanges {
        display_name: Some(clean.display_name.clone()),
        phone_enc: Some(phone_enc),
        email: Some(clean.email.clone()),
        ..Default::default()
    };
    store::update_account(&tx, caller.account, changes, now).await?;
    // Personal data is masked in the trail too: it records that the phone changed, not to what.
    let change = Change {
        action: "account.profile",
        target_type: "account",
        target_id: caller.account.to_string(),
        before: json!({"display_name": before.display_name, "phone": old_phone.as_deref().map(mask_phone), "email": before.email}),
        after: json!({"display_name": clean.display_name, "phone": clean.phone.as_deref().map(mask_phone), "email": clean.email}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// The caller's open sessions.
pub async fn my_sessions(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<SessionRecord>, ServiceError> {
    Ok(store::list_open_sessions(services.store(), caller.account, page).await?)
}

/// Ends one of the caller's own sessions.
pub async fn end_my_session(services: &Services, caller: &Principal, id: i32, ip: &str) -> Result<(), ServiceError> {
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::end_session(&tx, caller.account, id, now).await? {
        return Err(ServiceError::NotFound { key: "error.not_found.session" });
    }
    let change = Change {
        action: "session.end",
        target_type: "session",
        target_id: id.to_string(),
        before: json!(null),
        after: json!(null),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// A token as created: the secret is shown once.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    /// The secret for `Authorization: Bearer`.
    pub secret: String,
    /// Its key.
    pub id: i32,
}

/// Creates an API token for the caller, limited to functions the caller has, expiring after
/// `days` (1–365).
pub async fn create_token(
    services: &Services,
    caller: &Principal,
    name: &str,
    permissions: &[String],
    days: i64,
    ip: &str,
) -> Result<CreatedToken, ServiceError> {
    let now = services.now();
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        errors.push(FieldError::new("name", "token.name_invalid"));
    }
    if !(1..=365).contains(&days) {
        errors.push(FieldError::new("days", "token.days_invalid"));
    }
    let mut granted = BTreeSet::new();
    for p in permissions {
        match p.parse::<Permission>() {
            Ok(p) if caller.can(p, now) => {
                granted.insert(p);
            }
            _ => errors.push(FieldError {
                field: "permissions",
                key: "token.permission_invalid",
                args: vec![("name", p.clone())],
            }),
        }
    }
    if granted.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("permissions", "token.permissions_required"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let secret = format!("sj_{}", random_token(32)?);
    let tx = Work::begin(services).await?;
    let codes: Vec<&str> = granted.iter().map(|p| p.code()).collect();
    let new = NewToken {
        account: caller.account,
        name: name.to_owned(),
        token_hash: token_hash(&secret),
        prefix: secret.chars().take(10).collect(),
        permissions: granted.clone(),
        expires_at: now + Duration::days(days),
    };
    let id = store::create_token(&tx, new, now).await?;
    let change = Change {
        action: "token.create",
        target_type: "api_token",
        target_id: id.to_string(),
        before: json!(null),
        after: json!({"name": name, "permissions": codes, "days": days}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(CreatedToken { secret, id })
}

/// The caller's API tokens.
pub async fn my_tokens(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<TokenRecord>, ServiceError> {
    Ok(store::list_tokens(services.store(), caller.account, page).await?)
}

/// Revokes one of the caller's tokens.
pub async fn revoke_token(services: &Services, caller: &Principal, id: i32, ip: &str) -> Result<(), ServiceError> {
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::revoke_token(&tx, caller.account, id, now).await? {
        return Err(ServiceError::NotFound { key: "error.not_found.token" });
    }
    let change = Change {
        action: "token.revoke",
        target_type: "api_token",
        target_id: id.to_string(),
        before: json!(null),
        after: json!(null),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// A fresh TOTP secret (base32) for the caller to enrol; nothing is stored until
/// [`enable_totp`] confirms a code from it.
pub fn new_totp_secret() -> Result<String, ServiceError> {
    let mut secret = [0u8; 20];
    random_bytes(&mut secret)?;
    Ok(totp::encode_secret(&secret))
}

/// Switches TOTP on after the caller proved their app produces codes for `secret`.
pub async fn enable_totp(
    services: &Services,
    caller: &Principal,
    secret: &str,
    code: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    let bytes = totp::decode_secret(secret)
        .filter(|b| b.len() >= 16)
        .ok_or(ServiceError::Invalid { key: "totp.bad_secret", args: vec![] })?;
    let Some(step) = totp::verify(&bytes, code, now.timestamp(), None) else {
        return Err(ServiceError::Fields(vec![FieldError::new("code", "totp.wrong_code")]));
    };
    let tx = Work::begin(services).await?;
    let changes = AccountChanges {
        totp_secret_enc: Some(Some(services.secrets().encrypt(&totp::encode_secret(&bytes))?)),
        totp_last_step: Some(Some(step)),
        ..Default::default()
    };
    store::update_account(&tx, caller.account, changes, now).await?;
    let change = Change {
        action: "account.totp_enable",
        target_type: "account",
        target_id: caller.account.to_string(),
        before: json!({"totp": false}),
        after: json!({"totp": true}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Switches TOTP off after checking the password, unless the administrator requires it for
/// the caller's roles.
pub async fn disable_totp(
    services: &Services,
    caller: &Principal,
    password: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let account = find(services, caller.account).await?;
    if !services.secrets().verify_password(password, &account.password_hash) {
        return Err(ServiceError::Fields(vec![FieldError::new("password", "password.current_wrong")]));
    }
    if totp_required(services, caller).await? {
        return Err(ServiceError::Invalid { key: "totp.required", args: vec![] });
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    let changes = AccountChanges { totp_secret_enc: Some(None), totp_last_step: Some(None), ..Default::default() };
    store::update_account(&tx, caller.account, changes, now).await?;
    let change = Change {
        action: "account.totp_disable",
        target_type: "account",
        target_id: caller.account.to_string(),
        before: json!({"totp": true}),
        after: json!({"totp": false}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Whether the administrator requires TOTP for this caller (a staff role, and the setting on).
pub async fn totp_required(services: &Services, caller: &Principal) -> Result<bool, ServiceError> {
    let on = store::get_setting(services.store(), SETTING_REQUIRE_TOTP).await?.is_some_and(|v| v == "true");
    Ok(on && caller.roles(services.now()).iter().any(|r| r.is_staff()))
}

/// Platform security settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecuritySettings {
    /// Require TOTP for admin, city_officer and hq_staff.
    pub require_totp_for_staff: bool,
    /// Idle minutes before a session ends.
    pub idle_minutes: i64,
    /// Hours after sign-in when a session ends.
    pub absolute_hours: i64,
}

/// The security settings in force.
pub async fn security_settings(services: &Services) -> Result<SecuritySettings, ServiceError> {
    let policy = session_policy(services).await?;
    Ok(SecuritySettings {
        require_totp_for_staff: store::get_setting(services.store(), SETTING_REQUIRE_TOTP)
            .await?
            .is_some_and(|v| v == "true"),
        idle_minutes: policy.idle.num_minutes(),
        absolute_hours: policy.absolute.num_hours(),
    })
}

/// Changes the security settings (administrators).
pub async fn update_security_settings(
    services: &Services,
    caller: &Principal,
    new: SecuritySettings,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    if !caller.can(Permission::SettingsEdit, now) {
        return Err(ServiceError::Forbidden);
    }
    let mut errors = Vec::new();
    if !(5..=480).contains(&new.idle_minutes) {
        errors.push(FieldError::new("idle_minutes", "settings.idle_range"));
    }
    if !(1..=72).contains(&new.absolute_hours) {
        errors.push(FieldError::new("absolute_hours", "settings.absolute_range"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let before = security_settings(services).await?;
    let tx = Work::begin(services).await?;
    store::put_setting(&tx, SETTING_REQUIRE_TOTP, if new.require_totp_for_staff { "true" } else { "false" }, now)
        .await?;
    store::put_setting(&tx, SETTING_IDLE_MINUTES, &new.idle_minutes.to_string(), now).await?;
    store::put_setting(&tx, SETTING_ABSOLUTE_HOURS, &new.absolute_hours.to_string(), now).await?;
    let change = Change {
        action: "settings.security",
        target_type: "setting",
        target_id: "security".to_owned(),
        before: json!({"require_totp_for_staff": before.require_totp_for_staff, "idle_minutes": before.idle_minutes, "absolute_hours": before.absolute_hours}),
        after: json!({"require_totp_for_staff": new.require_totp_for_staff, "idle_minutes": new.idle_minutes, "absolute_hours": new.absolute_hours}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.settings_written();
    Ok(())
}

/// The address people reach the platform at (`https://sheji.example.gov.cn`, no trailing
/// slash): the administrator's setting, else the address this node serves on.
pub async fn public_address(services: &Services) -> Result<String, ServiceError> {
    match store::get_setting(services.store(), SETTING_PUBLIC_ADDRESS).await? {
        Some(a) if !a.is_empty() => Ok(a),
        _ => Ok(services.local_address()),
    }
}

/// The absolute address of `path` (which starts with `/`), for links that leave the
/// platform: QR codes on paper, e-mails.
pub async fn absolute_url(services: &Services, path: &str) -> Result<String, ServiceError> {
    Ok(format!("{}{path}", public_address(services).await?))
}

/// The administrator's setting as stored (empty when unset).
pub async fn public_address_setting(services: &Services) -> Result<String, ServiceError> {
    Ok(store::get_setting(services.store(), SETTING_PUBLIC_ADDRESS).await?.unwrap_or_default())
}

/// Sets the platform's public address (administrators); empty clears it. It must be an
/// http(s) address with a host and nothing after the path.
pub async fn set_public_address(
    services: &Services,
    caller: &Principal,
    address: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    if !caller.can(Permission::SettingsEdit, services.now()) {
        return Err(ServiceError::Forbidden);
    }
    let address = sheji_core::identity::normalize_public_address(address)
        .map_err(|key| ServiceError::Fields(vec![FieldError::new("public_address", key)]))?;
    let before = public_address_setting(services).await?;
    let tx = Work::begin(services).await?;
    store::put_setting(&tx, SETTING_PUBLIC_ADDRESS, &address, services.now()).await?;
    let change = Change {
        action: "settings.public_address",
        target_type: "setting",
        target_id: SETTING_PUBLIC_ADDRESS.to_owned(),
        before: json!({ "public_address": before }),
        after: json!({ "public_address": address }),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Registration

/// What an enterprise fills in to register.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseRegistration {
    /// 统一社会信用代码.
    pub uscc: String,
    /// Full registered name.
    pub org_name: String,
    /// District id (as chosen from the list).
    pub district_id: String,
    /// Organization kind code.
    pub kind: String,
    /// Login name.
    pub username: String,
    /// The person's name.
    pub display_name: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
}

/// What a designer fills in to register.
#[derive(Debug, Clone, Default)]
pub struct DesignerRegistration {
    /// Login name.
    pub username: String,
    /// The person's name.
    pub display_name: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
}

async fn check_new_login(
    services: &Services,
    username: &str,
    password: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<String>, ServiceError> {
    let Some(name) = normalize_username(username) else {
        errors.push(FieldError::new("username", "account.username_invalid"));
        return Ok(None);
    };
    if store::find_account_by_username(services.store(), &name).await?.is_some() {
        errors.push(FieldError::new("username", "account.username_taken"));
    }
    if let Err(p) = check_password(password, &name) {
        errors.push(FieldError::new("password", p.message_key()));
    }
    Ok(Some(name))
}

/// Registers an enterprise account. The organization is found by its USCC or created; the
/// account starts `pending` until staff of the organization's district verify it.
pub async fn register_enterprise(
    services: &Services,
    input: &EnterpriseRegistration,
    ip: &str,
) -> Result<AccountId, ServiceError> {
    let mut errors = Vec::new();
    let uscc = match Uscc::parse(&input.uscc) {
        Ok(u) => Some(u),
        Err(e) => {
            let args = match &e {
                sheji_core::registry::uscc::UsccError::Length(n) => vec![("n", n.to_string())],
                sheji_core::registry::uscc::UsccError::Character { position, ch } => {
                    vec![("position", position.to_string()), ("ch", ch.to_string())]
                }
                _ => vec![],
            };
            errors.push(FieldError { field: "uscc", key: e.code(), args });
            None
        }
    };
    let org_name = normalize_name(&input.org_name);
    let existing = match &uscc {
        Some(u) => registry_store::find_by_uscc(services.store(), u).await?,
        None => None,
    };
    if existing.is_none() && (org_name.is_empty() || org_name.chars().count() > 100) {
        errors.push(FieldError::new("org_name", "register.org_name_required"));
    } else if existing.is_none() {
        match crate::registry::edit::name_is_free(services, &org_name, None).await {
            Err(ServiceError::Conflict { key }) => errors.push(FieldError::new("org_name", key)),
            other => other?,
        }
    }
    let kind = input.kind.parse::<OrgKind>().ok();
    if existing.is_none() && kind.is_none() {
        errors.push(FieldError::new("kind", "register.kind_required"));
    }
    let district = input.district_id.trim().parse::<i32>().ok().map(DistrictId);
    let district = match district {
        Some(id) => {
            reference_store::find_district(services.store(), id).await?.filter(|d| d.status.accepts_new_records())
        }
        None => None,
    };
    if existing.is_none() && district.is_none() {
        errors.push(FieldError::new("district_id", "register.district_required"));
    }
    let name = check_new_login(services, &input.username, &input.password, &mut errors).await?;
    let profile = clean_profile(
        &ProfileInput {
            display_name: input.display_name.clone(),
            phone: input.phone.clone(),
            email: input.email.clone(),
        },
        &mut errors,
    );
    let (Some(uscc), Some(name), true) = (uscc, name, errors.is_empty()) else {
        return Err(ServiceError::Fields(errors));
    };
    let now = services.now();
    let phone_enc = profile.phone.as_deref().map(|p| services.secrets().encrypt(p)).transpose()?;
    let tx = Work::begin(services).await?;
    let org_id = match existing {
        Some(org) => org.id,
        None => create_org_for_registration(&tx, services, &uscc, &org_name, kind, district.map(|d| d.id), now).await?,
    };
    let id = store::insert_account(
        &tx,
        NewAccount {
            username: name.clone(),
            display_name: profile.display_name.clone(),
            phone_enc,
            email: profile.email.clone(),
            status: AccountStatus::Pending,
            password_hash: services.secrets().hash_password(&input.password)?,
            must_change_password: false,
        },
        now,
    )
    .await?;
    let affiliation = Affiliation { role: Role::OrgAdmin, organization: Some(org_id), district: None, until: None };
    store::add_affiliation(&tx, id, &affiliation, now).await?;
    let change = Change {
        action: "account.register_enterprise",
        target_type: "account",
        target_id: id.to_string(),
        before: json!(null),
        after: json!({"username": name, "organization": org_id.get(), "uscc": uscc.as_str(), "status": "pending"}),
    };
    tx.commit(&Actor::anonymous(ip), change).await?;
    services.registry_written().await;
    Ok(id)
}

async fn create_org_for_registration(
    tx: &Tx,
    services: &Services,
    uscc: &Uscc,
    name: &str,
    kind: Option<OrgKind>,
    district: Option<DistrictId>,
    now: DateTime<Utc>,
) -> Result<OrganizationId, ServiceError> {
    let (Some(kind), Some(district)) = (kind, district) else {
        return Err(ServiceError::Fields(vec![FieldError::new("district_id", "register.district_required")]));
    };
    let org = NewOrganization {
        uscc: uscc.clone(),
        name: name.to_owned(),
        kind,
        district_id: district,
        industry_code: None,
        address: String::new(),
        description: String::new(),
        founded_on: None,
        clusters: Vec::new(),
        contact_name: None,
        contact_phone_enc: None,
    };
    registry_store::insert_organizations_in(tx, std::slice::from_ref(&org), now).await?;
    let created =
        registry_store::find_by_uscc(tx, uscc).await?.ok_or(ServiceError::Conflict { key: "register.org_conflict" })?;
    let change = Change {
        action: "organization.create",
        target_type: "organization",
        target_id: created.id.to_string(),
        before: json!(null),
        after: json!({"uscc": uscc.as_str(), "name": name, "kind": kind.code(), "district": district.get(), "source": "registration"}),
    };
    let _ = services;
    sheji_store::search::enqueue(tx, sheji_core::search::DocType::Organization, &[i64::from(created.id.get())], now)
        .await?;
    audit::record(tx, now, &Actor::system(), change).await?;
    Ok(created.id)
}

/// Registers a designer (an individual); the account is active at once.
pub async fn register_designer(
    services: &Services,
    input: &DesignerRegistration,
    ip: &str,
) -> Result<AccountId, ServiceError> {
    let mut errors = Vec::new();
    let name = check_new_login(services, &input.username, &input.password, &mut errors).await?;
    let profile = clean_profile(
        &ProfileInput {
            display_name: input.display_name.clone(),
            phone: input.phone.clone(),
            email: input.email.clone(),
        },
        &mut errors,
    );
    let (Some(name), true) = (name, errors.is_empty()) else { return Err(ServiceError::Fields(errors)) };
    let phone_enc = profile.phone.as_deref().map(|p| services.secrets().encrypt(p)).transpose()?;
    let id = insert_with_role(
        services,
        &Actor::anonymous(ip),
        "account.register_designer",
        NewAccount {
            username: name.clone(),
            display_name: profile.display_name,
            phone_enc,
            email: profile.email,
            status: AccountStatus::Active,
            password_hash: services.secrets().hash_password(&input.password)?,
            must_change_password: false,
        },
        &Affiliation { role: Role::Designer, organization: None, district: None, until: None },
        json!({"username": name, "roles": ["designer"]}),
    )
    .await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------
// Administration

/// One page of the accounts the caller may see.
pub async fn list_accounts(
    services: &Services,
    caller: &Principal,
    filter: &AccountFilter,
    page: PageRequest,
) -> Result<Page<AccountView>, ServiceError> {
    let now = services.now();
    let scope = caller.scope(Permission::AccountRead, now);
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let unmasked = caller.can(Permission::AccountManage, now);
    let page = store::list_accounts(services.store(), &scope, filter, page).await?;
    Ok(page.map(|a| view(services, a, unmasked, Vec::new())))
}

/// What the caller may do with accounts and settings: pages show exactly these, and the use
/// cases check the same permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountActions {
    /// Create accounts, reset passwords, disable, change roles.
    pub manage: bool,
    /// Verify registrations (within their scope).
    pub verify: bool,
    /// Change the platform's settings (and watch its background jobs).
    pub settings: bool,
}

/// The caller's account actions.
pub fn actions(services: &Services, caller: &Principal) -> AccountActions {
    let now = services.now();
    AccountActions {
        manage: caller.can(Permission::AccountManage, now),
        verify: !caller.scope(Permission::AccountVerify, now).is_none(),
        settings: caller.can(Permission::SettingsEdit, now),
    }
}

/// The account work waiting for the caller: registrations to verify in their scope.
pub async fn todos(
    services: &Services,
    caller: &Principal,
) -> Result<Vec<sheji_core::notification::Todo>, ServiceError> {
    let scope = caller.scope(Permission::AccountVerify, services.now());
    if scope.is_none() {
        return Ok(Vec::new());
    }
    let pending = AccountFilter { status: Some(AccountStatus::Pending), ..Default::default() };
    let n = store::list_accounts(services.store(), &scope, &pending, PageRequest::new(Some(1), Some(1))).await?.total;
    Ok((n > 0)
        .then(|| sheji_core::notification::Todo {
            key: "account.todo.verify",
            args: vec![("n", n.to_string())],
            due: None,
            href: "/admin/accounts?status=pending".to_owned(),
        })
        .into_iter()
        .collect())
}

/// One account the caller may see; 404 for one outside their scope.
pub async fn get_account(services: &Services, caller: &Principal, id: AccountId) -> Result<AccountView, ServiceError> {
    let now = services.now();
    let scope = caller.scope(Permission::AccountRead, now);
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    if !store::account_in_scope(services.store(), &scope, id).await? {
        return Err(ServiceError::NotFound { key: "error.not_found.account" });
    }
    let a = find(services, id).await?;
    let affiliations = store::list_affiliations(services.store(), id).await?;
    let since = now - Duration::minutes(rules::THROTTLE_WINDOW_MINUTES);
    let recent = store::recent_failures(services.store(), &a.username, since).await?;
    // Whoever verifies a registration calls the applicant, so reads the phone in clear.
    let verify_scope = caller.scope(Permission::AccountVerify, now);
    let verifying = a.status == AccountStatus::Pending
        && !verify_scope.is_none()
        && store::account_in_scope(services.store(), &verify_scope, id).await?;
    let mut v = view(services, a, verifying || caller.can(Permission::AccountManage, now), affiliations);
    v.failed_logins = u32::try_from(recent).unwrap_or(u32::MAX);
    Ok(v)
}

fn require_manager(services: &Services, caller: &Principal) -> Result<(), ServiceError> {
    if caller.scope(Permission::AccountManage, services.now()).all { Ok(()) } else { Err(ServiceError::Forbidden) }
}

/// An affiliation as typed in the administration form.
#[derive(Debug, Clone, Default)]
pub struct AffiliationInput {
    /// Role code.
    pub role: String,
    /// Organization id, for org roles.
    pub organization_id: String,
    /// District id, for branch staff.
    pub district_id: String,
    /// End date (YYYY-MM-DD, exclusive end of that day in UTC+8), for delegations.
    pub until: String,
}

async fn clean_affiliation(services: &Services, input: &AffiliationInput) -> Result<Affiliation, ServiceError> {
    let mut errors = Vec::new();
    let role = input.role.parse::<Role>().ok();
    if role.is_none() {
        errors.push(FieldError::new("role", "affiliation.role_invalid"));
    }
    let district = match input.district_id.trim() {
        "" => None,
        d => match d.parse::<i32>().ok().map(DistrictId) {
            Some(id)
                if reference_store::find_district(services.store(), id)
                    .await?
                    .is_some_and(|d| d.status.accepts_new_records()) =>
            {
                Some(id)
            }
            _ => {
                errors.push(FieldError::new("district_id", "affiliation.district_invalid"));
                None
            }
        },
    };
    let organization = match input.organization_id.trim() {
        "" => None,
        o => match o.parse::<i32>().ok().map(OrganizationId) {
            Some(id) if registry_store::find_public(services.store(), id).await?.is_some() => Some(id),
            _ => {
                errors.push(FieldError::new("organization_id", "affiliation.organization_invalid"));
                None
            }
        },
    };
    let until = match input.until.trim() {
        "" => None,
        u => match chrono::NaiveDate::parse_from_str(u, "%Y-%m-%d") {
            // The delegation ends when the given day ends in Chongqing (UTC+8).
            Ok(d) => d.succ_opt().and_then(|next| next.and_hms_opt(0, 0, 0)).map(|t| t.and_utc() - Duration::hours(8)),
            Err(_) => {
                errors.push(FieldError::new("until", "affiliation.until_invalid"));
                None
            }
        },
    };
    if let Some(role) = role {
        if role.needs_district() && district.is_none() && !errors.iter().any(|e| e.field == "district_id") {
            errors.push(FieldError::new("district_id", "affiliation.district_required"));
        }
        if role.needs_organization() && organization.is_none() && !errors.iter().any(|e| e.field == "organization_id") {
            errors.push(FieldError::new("organization_id", "affiliation.organization_required"));
        }
    }
    if until.is_some_and(|u| u <= services.now()) {
        errors.push(FieldError::new("until", "affiliation.until_past"));
    }
    match (role, errors.is_empty()) {
        (Some(role), true) => Ok(Affiliation {
            role,
            district: if role.needs_district() { district } else { None },
            organization: if role.needs_organization() { organization } else { None },
            until,
        }),
        _ => Err(ServiceError::Fields(errors)),
    }
}

/// What an administrator fills in to create an account.
#[derive(Debug, Clone, Default)]
pub struct NewAccountInput {
    /// Login name.
    pub username: String,
    /// Profile.
    pub profile: ProfileInput,
    /// The first affiliation.
    pub affiliation: AffiliationInput,
}

/// Creates an account with one affiliation and a temporary password (returned once) that
/// must be changed at first sign-in.
pub async fn create_account(
    services: &Services,
    caller: &Principal,
    input: &NewAccountInput,
    ip: &str,
) -> Result<(AccountId, String), ServiceError> {
    require_manager(services, caller)?;
    let mut errors = Vec::new();
    let name = normalize_username(&input.username);
    match &name {
        None => errors.push(FieldError::new("username", "account.username_invalid")),
        Some(n) if store::find_account_by_username(services.store(), n).await?.is_some() => {
            errors.push(FieldError::new("username", "account.username_taken"));
        }
        Some(_) => {}
    }
    let profile = clean_profile(&input.profile, &mut errors);
    let affiliation = match clean_affiliation(services, &input.affiliation).await {
        Ok(a) => Some(a),
        Err(ServiceError::Fields(more)) => {
            errors.extend(more);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(name), Some(affiliation), true) = (name, affiliation, errors.is_empty()) else {
        return Err(ServiceError::Fields(errors));
    };
    let password = generated_password()?;
    let phone_enc = profile.phone.as_deref().map(|p| services.secrets().encrypt(p)).transpose()?;
    let id = insert_with_role(services, &Actor::of(caller, ip), "account.create", NewAccount {
            username: name.clone(),
            display_name: profile.display_name.clone(),
            phone_enc,
            email: profile.email.clone(),
            status: AccountStatus::Active,
            password_hash: services.secrets().hash_password(&password)?,
            must_change_password: true,
        }, &affiliation, json!({"username": name, "display_name": profile.display_name, "phone": profile.phone.as_deref().map(mask_phone), "affiliation": affiliation})).await?;
    Ok((id, password))
}

/// Resets an account's password to a temporary one (returned once), forces a change at the
/// next sign-in, clears any lock and ends its sessions.
pub async fn reset_password(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    ip: &str,
) -> Result<String, ServiceError> {
    require_manager(services, caller)?;
    let account = find(services, id).await?;
    reset_as(services, &account, &Actor::of(caller, ip)).await
}

async fn reset_as(services: &Services, account: &AccountRecord, actor: &Actor) -> Result<String, ServiceError> {
    let password = generated_password()?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    let changes = AccountChanges {
        password_hash: Some(services.secrets().hash_password(&password)?),
        must_change_password: Some(true),
        failed_logins: Some(0),
        locked_until: Some(None),
        ..Default::default()
    };
    store::update_account(&tx, account.id, changes, now).await?;
    store::end_sessions_of(&tx, account.id, None, now).await?;
    let change = Change {
        action: "account.password_reset",
        target_type: "account",
        target_id: account.id.to_string(),
        before: json!({"must_change_password": account.must_change_password}),
        after: json!({"must_change_password": true}),
    };
    tx.commit(actor, change).await?;
    Ok(password)
}

/// Lifts the sign-in limits on an account: its failed sign-ins are forgotten, from every
/// address, and any lock is cleared. For an owner slowed down by someone else's guessing,
/// or who mistyped once too often. Returns how many failures were forgotten.
pub async fn unlock_sign_in(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    ip: &str,
) -> Result<u64, ServiceError> {
    require_manager(services, caller)?;
    let account = find(services, id).await?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::update_account(
        &tx,
        account.id,
        AccountChanges { failed_logins: Some(0), locked_until: Some(None), ..Default::default() },
        now,
    )
    .await?;
    let forgiven = store::forgive_failures(&tx, &account.username).await?;
    let change = Change {
        action: "account.unlock",
        target_type: "account",
        target_id: account.id.to_string(),
        before: json!({"failed_logins": account.failed_logins, "locked_until": account.locked_until}),
        after: json!({"failed_logins": 0, "forgotten_failures": forgiven}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(forgiven)
}

/// Enables or disables an account; disabling ends its sessions. Administrators cannot
/// disable themselves (someone must be left to switch them back on).
pub async fn set_status(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    status: AccountStatus,
    ip: &str,
) -> Result<(), ServiceError> {
    require_manager(services, caller)?;
    if id == caller.account && status != AccountStatus::Active {
        return Err(ServiceError::Conflict { key: "account.cannot_disable_self" });
    }
    change_status(services, &Actor::of(caller, ip), id, status, "account.status").await
}

async fn change_status(
    services: &Services,
    actor: &Actor,
    id: AccountId,
    status: AccountStatus,
    action: &str,
) -> Result<(), ServiceError> {
    let account = find(services, id).await?;
    if account.status == status {
        return Ok(());
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    let changes = AccountChanges { status: Some(status), status_reason: Some(None), ..Default::default() };
    store::update_account(&tx, id, changes, now).await?;
    if status != AccountStatus::Active {
        store::end_sessions_of(&tx, id, None, now).await?;
    }
    let change = Change {
        action,
        target_type: "account",
        target_id: id.to_string(),
        before: json!({"status": account.status.code()}),
        after: json!({"status": status.code()}),
    };
    tx.commit(actor, change).await?;
    Ok(())
}

/// Refuses a caller whose verification scope does not reach the account (403 without any,
/// 404 for an account outside it).
async fn may_verify(services: &Services, caller: &Principal, id: AccountId) -> Result<(), ServiceError> {
    let scope = caller.scope(Permission::AccountVerify, services.now());
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    if !store::account_in_scope(services.store(), &scope, id).await? {
        return Err(ServiceError::NotFound { key: "error.not_found.account" });
    }
    Ok(())
}

/// Verifies a pending enterprise account: staff whose verification scope reaches the
/// account's organization (its district's branch, or HQ).
pub async fn verify_account(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    ip: &str,
) -> Result<(), ServiceError> {
    may_verify(services, caller, id).await?;
    decide_registration(services, caller, id, None, ip).await
}

/// Rejects a pending registration with a reason the applicant reads when signing in (and by
/// message); the account is disabled. Same scope as [`verify_account`].
pub async fn reject_registration(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    reason: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    may_verify(services, caller, id).await?;
    // `within` also refuses control and direction characters: the reason is shown at sign-in
    // and may go out by text message.
    let reason =
        crate::within("reason", reason, rules::REJECT_REASON_MAX).map_err(|e| ServiceError::Fields(vec![e]))?;
    if reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "accounts.reject_reason_required")]));
    }
    decide_registration(services, caller, id, Some(&reason), ip).await
}

/// Verifies (no reason) or rejects a pending registration. The status moves only from
/// pending, in the database, so two officers deciding at once get one decision and one
/// "already decided".
async fn decide_registration(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    rejection: Option<&str>,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    let to = if rejection.is_some() { AccountStatus::Disabled } else { AccountStatus::Active };
    let tx = Work::begin(services).await?;
    if !store::move_pending(&tx, id, to, rejection, now).await? {
        return Err(ServiceError::Conflict { key: "account.not_pending" });
    }
    if let Some(reason) = rejection {
        let note = Note {
            kind: MessageKind::Rejected,
            key: "accounts.message.rejected",
            args: vec![("reason", reason.to_owned())],
            href: "/login".to_owned(),
            once: None,
        };
        crate::notification::send(&tx, now, &[Audience::Account(id)], &note).await?;
    }
    let change = Change {
        action: if rejection.is_some() { "account.reject" } else { "account.verify" },
        target_type: "account",
        target_id: id.to_string(),
        before: json!({"status": AccountStatus::Pending.code()}),
        after: match rejection {
            Some(reason) => json!({"status": to.code(), "reason": reason}),
            None => json!({"status": to.code()}),
        },
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// What the officer verifying a registration checks it against: the organization it claims
/// to administer and how many active administrators that organization already has (a second
/// one for a known company is worth a phone call).
#[derive(Debug, Clone)]
pub struct Registration {
    /// The organization, as the registry holds it.
    pub organization: crate::registry::OrgView,
    /// Its administrators already active (the applicant is not among them).
    pub active_admins: usize,
}

/// The registration behind a pending account the caller may verify; `None` for an account
/// that is not pending, has no organization (a designer) or is outside the caller's scope.
pub async fn registration(
    services: &Services,
    caller: &Principal,
    account: &AccountView,
) -> Result<Option<Registration>, ServiceError> {
    let now = services.now();
    if account.status != AccountStatus::Pending || caller.scope(Permission::AccountVerify, now).is_none() {
        return Ok(None);
    }
    let Some(org) = account
        .affiliations
        .iter()
        .find(|a| a.affiliation.role == Role::OrgAdmin)
        .and_then(|a| a.affiliation.organization)
    else {
        return Ok(None);
    };
    let organization = match crate::registry::get_private(services, caller, org).await {
        Ok(o) => o,
        Err(ServiceError::NotFound { .. } | ServiceError::Forbidden) => return Ok(None),
        Err(e) => return Err(e),
    };
    let active_admins = store::holders(services.store(), Role::OrgAdmin, Some(org), None, now, 50).await?.len();
    Ok(Some(Registration { organization, active_admins }))
}

/// A staff member one may choose (a liaison officer): username, name, and the district of
/// their branch when they are branch staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Their branch's district, for branch staff.
    pub district: Option<DistrictId>,
}

/// The active staff (administrators, city officers, headquarters and branch staff), for a
/// picker: at most a few hundred people in a city. City staff only (those who assign them).
pub async fn staff_members(services: &Services, caller: &Principal) -> Result<Vec<StaffMember>, ServiceError> {
    let now = services.now();
    if !caller.can(Permission::RecognitionManage, now) {
        return Err(ServiceError::Forbidden);
    }
    const LIMIT: u64 = 1_000;
    let staff = Role::SERVICE_STAFF;
    let members = store::staff_accounts(services.store(), &staff, now, LIMIT).await?;
    let out = members
        .into_iter()
        .map(|(username, display_name, district)| StaffMember { username, display_name, district })
        .collect();
    Ok(out)
}

/// Adds an affiliation (a role, with its organization or district, and an optional end for
/// a delegation) to an account.
pub async fn add_affiliation(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    input: &AffiliationInput,
    ip: &str,
) -> Result<(), ServiceError> {
    require_manager(services, caller)?;
    find(services, id).await?;
    let affiliation = clean_affiliation(services, input).await?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    let aff_id = store::add_affiliation(&tx, id, &affiliation, now).await?;
    let change = Change {
        action: "account.affiliation_add",
        target_type: "account",
        target_id: id.to_string(),
        before: json!(null),
        after: json!({"affiliation_id": aff_id, "affiliation": affiliation}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Removes an affiliation from an account.
pub async fn remove_affiliation(
    services: &Services,
    caller: &Principal,
    id: AccountId,
    affiliation_id: i32,
    ip: &str,
) -> Result<(), ServiceError> {
    require_manager(services, caller)?;
    let before = store::list_affiliations(services.store(), id).await?;
    let Some(old) = before.iter().find(|a| a.id == affiliation_id) else {
        return Err(ServiceError::NotFound { key: "error.not_found.affiliation" });
    };
    if id == caller.account
        && old.affiliation.role == Role::Admin
        && before.iter().filter(|a| a.affiliation.role == Role::Admin).count() == 1
    {
        return Err(ServiceError::Conflict { key: "account.cannot_drop_own_admin" });
    }
    let tx = Work::begin(services).await?;
    store::remove_affiliation(&tx, id, affiliation_id).await?;
    let change = Change {
        action: "account.affiliation_remove",
        target_type: "account",
        target_id: id.to_string(),
        before: json!({"affiliation_id": affiliation_id, "affiliation": old.affiliation}),
        after: json!(null),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Deletes the sign-in attempts no longer read (a nightly job), in slices so no one
/// transaction holds the table long. How many went.
pub async fn prune_login_attempts(services: &Services) -> Result<u64, ServiceError> {
    let (failures_before, successes_before) = rules::attempts_prunable_before(services.now());
    let mut pruned = 0;
    loop {
        let tx = services.store().begin().await?;
        let n = store::prune_login_attempts(&tx, failures_before, successes_before, 5_000).await?;
        tx.commit().await?;
        pruned += n;
        if n < 5_000 {
            return Ok(pruned);
        }
    }
}

/// The principal of an active account, for work done on its behalf later (a queued import):
/// its roles as they are now, not as they were when it asked. `AccountId(0)` is the platform.
pub async fn principal_of(services: &Services, account: AccountId) -> Result<Option<Principal>, ServiceError> {
    if account.get() == 0 {
        return Ok(Some(system_principal()));
    }
    let Some(record) = store::find_account(services.store(), account).await? else { return Ok(None) };
    if record.status != AccountStatus::Active {
        return Ok(None);
    }
    Ok(Some(store::load_principal(services.store(), &record).await?))
}

/// The account with `username`, if there is one (the officer who runs a notice; demo
/// set-ups that run twice).
pub async fn account_id(services: &Services, username: &str) -> Result<Option<AccountId>, ServiceError> {
    let Some(name) = normalize_username(username) else { return Ok(None) };
    Ok(store::find_account_by_username(services.store(), &name).await?.map(|a| a.id))
}

/// The active accounts holding `role` for an organization or a district, at most `limit`,
/// read inside the caller's transaction (who a message about it goes to).
pub async fn holders(
    tx: &Tx,
    role: Role,
    organization: Option<OrganizationId>,
    district: Option<DistrictId>,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<AccountId>, ServiceError> {
    Ok(store::holders(tx, role, organization, district, now, limit).await?)
}

/// How a person is reached outside the platform: name, e-mail, phone (still encrypted: only
/// the job that sends a text message decrypts it) and whether the account is active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The account.
    pub account: AccountId,
    /// Their name.
    pub display_name: String,
    /// Their e-mail address, if they gave one.
    pub email: Option<String>,
    /// Their phone number, encrypted, if they gave one.
    pub phone_enc: Option<String>,
    /// Whether the account may be written to (active).
    pub active: bool,
}

/// The contacts of these accounts (those that exist), read on `db` — the caller's
/// transaction when it queues messages in the same commit.
pub async fn contacts(db: &impl sheji_store::Db, accounts: &[AccountId]) -> Result<Vec<Contact>, ServiceError> {
    let mut out = Vec::with_capacity(accounts.len());
    for id in accounts {
        if let Some(a) = store::find_account(db, *id).await? {
            out.push(Contact {
                account: a.id,
                active: a.status == AccountStatus::Active,
                display_name: a.display_name,
                email: a.email.filter(|e| !e.is_empty()),
                phone_enc: a.phone_enc.filter(|p| !p.is_empty()),
            });
        }
    }
    Ok(out)
}

/// A setting another capability keeps under its own key (the notification channels), read
/// on `db`; it checks its own permission and records its own change.
pub async fn setting_in(db: &impl sheji_store::Db, key: &str) -> Result<Option<String>, ServiceError> {
    Ok(store::get_setting(db, key).await?)
}

/// Writes a setting another capability keeps under its own key, inside that capability's
/// unit of work (which checked the permission and records the change).
pub async fn put_setting_in(tx: &Tx, key: &str, value: &str, now: DateTime<Utc>) -> Result<(), ServiceError> {
    store::put_setting(tx, key, value, now).await?;
    Ok(())
}

/// The platform itself as a caller, for commands run at the server's shell (`sheji import …`):
/// whoever can run the binary on the server already holds the database.
pub fn system_principal() -> Principal {
    Principal {
        account: AccountId(0),
        username: "system".to_owned(),
        display_name: "system".to_owned(),
        affiliations: vec![Affiliation { role: Role::Admin, organization: None, district: None, until: None }],
        token_permissions: None,
        must_change_password: false,
    }
}

/// Shell administration (`sheji user …`): runs as the platform itself, no caller needed.
pub mod shell {
    use super::*;

    /// Creates an account with one role from the shell; returns the temporary password.
    pub async fn create(
        services: &Services,
        username: &str,
        display_name: &str,
        affiliation: &AffiliationInput,
    ) -> Result<String, ServiceError> {
        let mut errors = Vec::new();
        let Some(name) = normalize_username(username) else {
            return Err(ServiceError::Fields(vec![FieldError::new("username", "account.username_invalid")]));
        };
        if store::find_account_by_username(services.store(), &name).await?.is_some() {
            errors.push(FieldError::new("username", "account.username_taken"));
        }
        let profile =
            clean_profile(&ProfileInput { display_name: display_name.to_owned(), ..Default::default() }, &mut errors);
        let affiliation = clean_affiliation(services, affiliation).await?;
        if !errors.is_empty() {
            return Err(ServiceError::Fields(errors));
        }
        let password = generated_password()?;
        insert_with_role(
            services,
            &Actor::system(),
            "account.create",
            NewAccount {
                username: name.clone(),
                display_name: profile.display_name,
                phone_enc: None,
                email: None,
                status: AccountStatus::Active,
                password_hash: services.secrets().hash_password(&password)?,
                must_change_password: true,
            },
            &affiliation,
            json!({"username": name, "affiliation": affiliation}),
        )
        .await?;
        Ok(password)
    }

    async fn by_name(services: &Services, username: &str) -> Result<AccountRecord, ServiceError> {
        let name = normalize_username(username).unwrap_or_default();
        store::find_account_by_username(services.store(), &name)
            .await?
            .ok_or(ServiceError::NotFound { key: "error.not_found.account" })
    }

    /// Resets a password from the shell; returns the temporary password.
    pub async fn reset_password(services: &Services, username: &str) -> Result<String, ServiceError> {
        let account = by_name(services, username).await?;
        reset_as(services, &account, &Actor::system()).await
    }

    /// Disables an account from the shell and ends its sessions.
    pub async fn disable(services: &Services, username: &str) -> Result<(), ServiceError> {
        let account = by_name(services, username).await?;
        change_status(services, &Actor::system(), account.id, AccountStatus::Disabled, "account.status").await
    }

    /// Sets a known password without forcing a change (demo logins, scripted set-ups).
    pub async fn set_password(services: &Services, username: &str, password: &str) -> Result<(), ServiceError> {
        let account = by_name(services, username).await?;
        check_password(password, &account.username).map_err(|p| password_error("password", p))?;
        let now = services.now();
        let tx = Work::begin(services).await?;
        let changes = AccountChanges {
            password_hash: Some(services.secrets().hash_password(password)?),
            must_change_password: Some(false),
            ..Default::default()
        };
        store::update_account(&tx, account.id, changes, now).await?;
        let change = Change {
            action: "account.password_set",
            target_type: "account",
            target_id: account.id.to_string(),
            before: json!(null),
            after: json!({"must_change_password": false}),
        };
        tx.commit(&Actor::system(), change).await?;
        Ok(())
    }
}

/// An account's display name (shown where a designer acts in their own name, e.g. an offer).
pub async fn display_name(services: &Services, id: AccountId) -> Result<Option<String>, ServiceError> {
    Ok(sheji_store::identity::find_account(services.store(), id).await?.map(|a| a.display_name))
}
