//! Accounts, affiliations, sessions, API tokens, sign-in attempts and settings.

pub mod entity;
pub mod migration;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sheji_core::identity::{AccountStatus, Affiliation, Permission, Principal, Role, Scope, SignInHistory};
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::page::{Page, PageRequest};

use crate::entity::{account, affiliation, api_token, login_attempt, organization, session, setting};
use crate::{Db, StoreError, Tx, scope};

/// An account as stored (secrets still encrypted or hashed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// Key.
    pub id: AccountId,
    /// Login name (lower case).
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Phone, encrypted.
    pub phone_enc: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Active, pending or disabled.
    pub status: AccountStatus,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Must change the password before anything else.
    pub must_change_password: bool,
    /// TOTP secret, encrypted; `None` when the second factor is off.
    pub totp_secret_enc: Option<String>,
    /// The last TOTP step used (replay protection).
    pub totp_last_step: Option<i64>,
    /// Consecutive failed sign-ins.
    pub failed_logins: u32,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
    /// Last successful sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Why it is in its status, when someone said (a rejected registration's reason).
    pub status_reason: Option<String>,
}

fn to_account(m: account::Model) -> Result<AccountRecord, StoreError> {
    Ok(AccountRecord {
        id: AccountId(m.id),
        status: m.status.parse().map_err(|e| StoreError::corrupt(format!("account {}", m.id), e))?,
        username: m.username,
        display_name: m.display_name,
        phone_enc: m.phone_enc,
        email: m.email,
        password_hash: m.password_hash,
        must_change_password: m.must_change_password,
        totp_secret_enc: m.totp_secret_enc,
        totp_last_step: m.totp_last_step,
        failed_logins: u32::try_from(m.failed_logins).unwrap_or_default(),
        locked_until: m.locked_until,
        last_login_at: m.last_login_at,
        created_at: m.created_at,
        status_reason: m.status_reason,
    })
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login name (already normalised).
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Phone, encrypted.
    pub phone_enc: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Initial status.
    pub status: AccountStatus,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Force a change at first sign-in.
    pub must_change_password: bool,
}

/// The row of a new account: no second factor, no failures, never signed in.
fn account_model(a: &NewAccount, now: DateTime<Utc>) -> account::ActiveModel {
    account::ActiveModel {
        username: Set(a.username.clone()),
        display_name: Set(a.display_name.clone()),
        phone_enc: Set(a.phone_enc.clone()),
        email: Set(a.email.clone()),
        status: Set(a.status.code().to_owned()),
        password_hash: Set(a.password_hash.clone()),
        must_change_password: Set(a.must_change_password),
        totp_secret_enc: Set(None),
        totp_last_step: Set(None),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn max_account_id(tx: &Tx) -> Result<i32, StoreError> {
    let max: Option<Option<i32>> = account::Entity::find()
        .select_only()
        .column_as(account::Column::Id.max(), "m")
        .into_tuple()
        .one(tx.conn())
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// How many accounts exist.
pub async fn count_accounts(db: &impl Db) -> Result<u64, StoreError> {
    Ok(account::Entity::find().count(db.conn()).await?)
}

/// Inserts an account and returns its id.
pub async fn insert_account(tx: &Tx, new: NewAccount, now: DateTime<Utc>) -> Result<AccountId, StoreError> {
    let result = account::Entity::insert(account_model(&new, now)).exec(tx.conn()).await?;
    Ok(AccountId(result.last_insert_id))
}

/// One account by id.
pub async fn find_account(db: &impl Db, id: AccountId) -> Result<Option<AccountRecord>, StoreError> {
    account::Entity::find_by_id(id.get()).one(db.conn()).await?.map(to_account).transpose()
}

/// One account by (normalised) username.
pub async fn find_account_by_username(db: &impl Db, username: &str) -> Result<Option<AccountRecord>, StoreError> {
    account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(db.conn())
        .await?
        .map(to_account)
        .transpose()
}

/// Which fields of an account to change; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New phone (encrypted), or `Some(None)` to clear it.
    pub phone_enc: Option<Option<String>>,
    /// New e-mail, or `Some(None)` to clear it.
    pub email: Option<Option<String>>,
    /// New status.
    pub status: Option<AccountStatus>,
    /// New password hash.
    pub password_hash: Option<String>,
    /// New must-change flag.
    pub must_change_password: Option<bool>,
    /// New TOTP secret (encrypted), or `Some(None)` to switch TOTP off.
    pub totp_secret_enc: Option<Option<String>>,
    /// New last TOTP step.
    pub totp_last_step: Option<Option<i64>>,
    /// New failure counter.
    pub failed_logins: Option<u32>,
    /// New lock.
    pub locked_until: Option<Option<DateTime<Utc>>>,
    /// New last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// New status reason, or `Some(None)` to clear it.
    pub status_reason: Option<Option<String>>,
}

/// Applies `changes` to an account.
pub async fn update_account(
    tx: &Tx,
    id: AccountId,
    changes: AccountChanges,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut am = account::ActiveModel { id: Set(id.get()), updated_at: Set(now), ..Default::default() };
    if let Some(v) = changes.display_name {
        am.display_name = Set(v);
    }
    if let Some(v) = changes.phone_enc {
        am.phone_enc = Set(v);
    }
    if let Some(v) = changes.email {
        am.email = Set(v);
    }
    if let Some(v) = changes.status {
        am.status = Set(v.code().to_owned());
    }
    if let Some(v) = changes.password_hash {
        am.password_hash = Set(v);
    }
    if let Some(v) = changes.must_change_password {
        am.must_change_password = Set(v);
    }
    if let Some(v) = changes.totp_secret_enc {
        am.totp_secret_enc = Set(v);
    }
    if let Some(v) = changes.totp_last_step {
        am.totp_last_step = Set(v);
    }
    if let Some(v) = changes.failed_logins {
        am.failed_logins = Set(i32::try_from(v).unwrap_or(i32::MAX));
    }
    if let Some(v) = changes.locked_until {
        am.locked_until = Set(v);
    }
    if let Some(v) = changes.last_login_at {
        am.last_login_at = Set(Some(v));
    }
    if let Some(v) = changes.status_reason {
        am.status_reason = Set(v);
    }
    account::Entity::update(am).exec(tx.conn()).await?;
    Ok(())
}

/// An affiliation with its key, for listing and removing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliationRecord {
    /// Key.
    pub id: i32,
    /// The affiliation.
    pub affiliation: Affiliation,
}

fn to_affiliation(m: affiliation::Model) -> Result<AffiliationRecord, StoreError> {
    Ok(AffiliationRecord {
        id: m.id,
        affiliation: Affiliation {
            role: m.role.parse::<Role>().map_err(|e| StoreError::corrupt(format!("affiliation {}", m.id), e))?,
            organization: m.organization_id.map(OrganizationId),
            district: m.district_id.map(DistrictId),
            until: m.until,
        },
    })
}

/// Every affiliation of an account (bounded: a handful per person).
pub async fn list_affiliations(db: &impl Db, account: AccountId) -> Result<Vec<AffiliationRecord>, StoreError> {
    affiliation::Entity::find()
        .filter(affiliation::Column::AccountId.eq(account.get()))
        .order_by_asc(affiliation::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_affiliation)
        .collect()
}

/// The active accounts holding `role` for an organization or a district (the people a
/// message about it goes to), at most `limit`, in id order. An affiliation past its end date
/// does not count.
pub async fn holders(
    db: &impl Db,
    role: Role,
    organization: Option<OrganizationId>,
    district: Option<DistrictId>,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<AccountId>, StoreError> {
    let mut q = affiliation::Entity::find().filter(affiliation::Column::Role.eq(role.code()));
    if let Some(o) = organization {
        q = q.filter(affiliation::Column::OrganizationId.eq(o.get()));
    }
    if let Some(d) = district {
        q = q.filter(affiliation::Column::DistrictId.eq(d.get()));
    }
    let ids: Vec<i32> = q
        .filter(Condition::any().add(affiliation::Column::Until.is_null()).add(affiliation::Column::Until.gte(now)))
        .order_by_asc(affiliation::Column::AccountId)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|a| a.account_id)
        .collect();
    let active: Vec<i32> = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .filter(account::Column::Status.eq(AccountStatus::Active.code()))
        .order_by_asc(account::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    Ok(active.into_iter().map(AccountId).collect())
}

/// Adds an affiliation and returns its key.
pub async fn add_affiliation(
    tx: &Tx,
    account: AccountId,
    a: &Affiliation,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let result = affiliation::Entity::insert(affiliation::ActiveModel {
        account_id: Set(account.get()),
        role: Set(a.role.code().to_owned()),
        organization_id: Set(a.organization.map(OrganizationId::get)),
        district_id: Set(a.district.map(DistrictId::get)),
        until: Set(a.until),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(result.last_insert_id)
}

/// Removes one affiliation of an account; returns whether it existed.
pub async fn remove_affiliation(tx: &Tx, account: AccountId, id: i32) -> Result<bool, StoreError> {
    let result = affiliation::Entity::delete_many()
        .filter(affiliation::Column::Id.eq(id))
        .filter(affiliation::Column::AccountId.eq(account.get()))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// The caller an account is, with its affiliations.
pub async fn load_principal(db: &impl Db, account: &AccountRecord) -> Result<Principal, StoreError> {
    Ok(Principal {
        account: account.id,
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        affiliations: list_affiliations(db, account.id).await?.into_iter().map(|a| a.affiliation).collect(),
        token_permissions: None,
        must_change_password: account.must_change_password,
    })
}

/// Filters for the account list.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Part of the username or display name.
    pub query: Option<String>,
    /// Only this status.
    pub status: Option<AccountStatus>,
    /// Only accounts holding this role.
    pub role: Option<Role>,
}

/// Escapes LIKE wildcards in user input; the pattern is still a bound parameter.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The accounts reached by `scope`: all, or those affiliated with an organization in the
/// scope's districts or among its organizations. Staff accounts of a district are not reached
/// through the district: a branch officer manages enterprises, not colleagues.
fn account_scope(scope: &Scope) -> Condition {
    if scope.all {
        return Condition::all();
    }
    if scope.districts.is_empty() && scope.organizations.is_empty() {
        return scope::nothing();
    }
    let mut sub = Query::select();
    sub.column((affiliation::Entity, affiliation::Column::AccountId))
        .from(affiliation::Entity)
        .inner_join(
            organization::Entity,
            Expr::col((organization::Entity, organization::Column::Id))
                .equals((affiliation::Entity, affiliation::Column::OrganizationId)),
        )
        .cond_where(scope::rows(
            scope,
            (organization::Entity, organization::Column::DistrictId),
            (organization::Entity, organization::Column::Id),
        ));
    Condition::all().add(account::Column::Id.in_subquery(sub))
}

/// One page of accounts reached by `scope`, newest first.
pub async fn list_accounts(
    db: &impl Db,
    scope: &Scope,
    filter: &AccountFilter,
    page: PageRequest,
) -> Result<Page<AccountRecord>, StoreError> {
    let mut query = account::Entity::find().filter(account_scope(scope));
    if let Some(q) = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = like_pattern(q);
        query = query.filter(
            Condition::any()
                .add(Expr::col(account::Column::Username).like(LikeExpr::new(pattern.to_lowercase()).escape('\\')))
                .add(Expr::col(account::Column::DisplayName).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    if let Some(status) = filter.status {
        query = query.filter(account::Column::Status.eq(status.code()));
    }
    if let Some(role) = filter.role {
        let mut sub = Query::select();
        sub.column(affiliation::Column::AccountId)
            .from(affiliation::Entity)
            .and_where(affiliation::Column::Role.eq(role.code()));
        query = query.filter(account::Column::Id.in_subquery(sub));
    }
    let total = query.clone().count(db.conn()).await?;
    let rows =
        query.order_by_desc(account::Column::Id).offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    Ok(Page::new(rows.into_iter().map(to_account).collect::<Result<_, _>>()?, page, total))
}

/// Whether `scope` reaches one account (same rule as [`list_accounts`]).
pub async fn account_in_scope(db: &impl Db, scope: &Scope, id: AccountId) -> Result<bool, StoreError> {
    Ok(account::Entity::find()
        .filter(account::Column::Id.eq(id.get()))
        .filter(account_scope(scope))
        .count(db.conn())
        .await?
        > 0)
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Key.
    pub id: i32,
    /// Whose.
    pub account: AccountId,
    /// Password checked, TOTP still to come.
    pub second_factor_pending: bool,
    /// Signed in.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// Ended (sign-out, expiry, revocation).
    pub ended_at: Option<DateTime<Utc>>,
    /// Client address at sign-in.
    pub ip: String,
    /// Browser at sign-in.
    pub user_agent: String,
}

fn to_session(m: session::Model) -> SessionRecord {
    SessionRecord {
        id: m.id,
        account: AccountId(m.account_id),
        second_factor_pending: m.second_factor_pending,
        created_at: m.created_at,
        last_seen_at: m.last_seen_at,
        ended_at: m.ended_at,
        ip: m.ip,
        user_agent: m.user_agent,
    }
}

/// Opens a session identified by the hash of its cookie token.
pub async fn create_session(
    tx: &Tx,
    token_hash: &str,
    account: AccountId,
    second_factor_pending: bool,
    ip: &str,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let result = session::Entity::insert(session::ActiveModel {
        token_hash: Set(token_hash.to_owned()),
        account_id: Set(account.get()),
        second_factor_pending: Set(second_factor_pending),
        created_at: Set(now),
        last_seen_at: Set(now),
        ended_at: Set(None),
        ip: Set(truncate(ip, 64)),
        user_agent: Set(truncate(user_agent, 255)),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(result.last_insert_id)
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The session with this token hash, ended or not.
pub async fn find_session(db: &impl Db, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
    Ok(session::Entity::find().filter(session::Column::TokenHash.eq(token_hash)).one(db.conn()).await?.map(to_session))
}

/// Records activity on a session.
pub async fn touch_session(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::val(now))
        .filter(session::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Marks the second factor of a session as done.
pub async fn complete_second_factor(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::SecondFactorPending, Expr::val(false))
        .col_expr(session::Column::LastSeenAt, Expr::val(now))
        .filter(session::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Ends one session of an account; returns whether an open one was ended.
pub async fn end_session(tx: &Tx, account: AccountId, id: i32, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let result = session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::val(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::AccountId.eq(account.get()))
        .filter(session::Column::EndedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// Active accounts holding one of `roles` now, by name: (username, display name, the district
/// of a branch affiliation if any), at most `limit`. Two reads: the affiliations in force, then
/// their accounts.
pub async fn staff_accounts(
    db: &impl Db,
    roles: &[Role],
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(String, String, Option<DistrictId>)>, StoreError> {
    let affiliations = affiliation::Entity::find()
        .filter(affiliation::Column::Role.is_in(roles.iter().map(|r| r.code())))
        .filter(Condition::any().add(affiliation::Column::Until.is_null()).add(affiliation::Column::Until.gte(now)))
        .order_by_asc(affiliation::Column::AccountId)
        .limit(limit)
        .all(db.conn())
        .await?;
    let mut district: std::collections::BTreeMap<i32, Option<i32>> = std::collections::BTreeMap::new();
    for a in &affiliations {
        let entry = district.entry(a.account_id).or_insert(None);
        if a.role == Role::BranchStaff.code() && entry.is_none() {
            *entry = a.district_id;
        }
    }
    let accounts = account::Entity::find()
        .filter(account::Column::Id.is_in(district.keys().copied()))
        .filter(account::Column::Status.eq(AccountStatus::Active.code()))
        .order_by_asc(account::Column::Username)
        .all(db.conn())
        .await?;
    Ok(accounts
        .into_iter()
        .map(|a| {
            let d = district.get(&a.id).copied().flatten().map(DistrictId);
            (a.username, a.display_name, d)
        })
        .collect())
}

/// Moves a pending account to `to` (verified or rejected, with the rejection's reason) only if
/// it is still pending; whether it was. Two officers deciding at once: one moves it.
pub async fn move_pending(
    tx: &Tx,
    id: AccountId,
    to: AccountStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = account::Entity::update_many()
        .col_expr(account::Column::Status, Expr::val(to.code()))
        .col_expr(account::Column::StatusReason, Expr::val(reason.map(str::to_owned)))
        .col_expr(account::Column::UpdatedAt, Expr::val(now))
        .filter(account::Column::Id.eq(id.get()))
        .filter(account::Column::Status.eq(AccountStatus::Pending.code()))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// Ends every open session of an account except `keep`; returns how many were ended.
pub async fn end_sessions_of(
    tx: &Tx,
    account: AccountId,
    keep: Option<i32>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::val(now))
        .filter(session::Column::AccountId.eq(account.get()))
        .filter(session::Column::EndedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep));
    }
    Ok(update.exec(tx.conn()).await?.rows_affected)
}

/// One page of an account's open sessions, newest first.
pub async fn list_open_sessions(
    db: &impl Db,
    account: AccountId,
    page: PageRequest,
) -> Result<Page<SessionRecord>, StoreError> {
    let query = session::Entity::find()
        .filter(session::Column::AccountId.eq(account.get()))
        .filter(session::Column::EndedAt.is_null())
        .filter(session::Column::SecondFactorPending.eq(false));
    let total = query.clone().count(db.conn()).await?;
    let rows =
        query.order_by_desc(session::Column::Id).offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    Ok(Page::new(rows.into_iter().map(to_session).collect(), page, total))
}

/// An API token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Key.
    pub id: i32,
    /// Whose.
    pub account: AccountId,
    /// Name given by its owner.
    pub name: String,
    /// The first characters, to recognise it.
    pub prefix: String,
    /// Functions it may use.
    pub permissions: BTreeSet<Permission>,
    /// Refused from then on.
    pub expires_at: DateTime<Utc>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

fn to_token(m: api_token::Model) -> Result<TokenRecord, StoreError> {
    let permissions = m
        .permissions
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(str::parse::<Permission>)
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::corrupt(format!("api token {}", m.id), e))?;
    Ok(TokenRecord {
        id: m.id,
        account: AccountId(m.account_id),
        name: m.name,
        prefix: m.prefix,
        permissions,
        expires_at: m.expires_at,
        revoked_at: m.revoked_at,
        last_used_at: m.last_used_at,
        created_at: m.created_at,
    })
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Whose.
    pub account: AccountId,
    /// Its name.
    pub name: String,
    /// SHA-256 of the secret.
    pub token_hash: String,
    /// First characters of the secret.
    pub prefix: String,
    /// Functions it may use.
    pub permissions: BTreeSet<Permission>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// Stores a token and returns its key.
pub async fn create_token(tx: &Tx, t: NewToken, now: DateTime<Utc>) -> Result<i32, StoreError> {
    let permissions: Vec<&str> = t.permissions.iter().map(|p| p.code()).collect();
    let result = api_token::Entity::insert(api_token::ActiveModel {
        account_id: Set(t.account.get()),
        name: Set(t.name),
        token_hash: Set(t.token_hash),
        prefix: Set(t.prefix),
        permissions: Set(permissions.join(",")),
        expires_at: Set(t.expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(result.last_insert_id)
}

/// The token with this hash, revoked or not.
pub async fn find_token(db: &impl Db, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .one(db.conn())
        .await?
        .map(to_token)
        .transpose()
}

/// Records a use of a token.
pub async fn touch_token(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<(), StoreError> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::val(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Revokes one token of an account; returns whether a live one was revoked.
pub async fn revoke_token(tx: &Tx, account: AccountId, id: i32, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::val(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::AccountId.eq(account.get()))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// One page of an account's tokens, newest first.
pub async fn list_tokens(db: &impl Db, account: AccountId, page: PageRequest) -> Result<Page<TokenRecord>, StoreError> {
    let query = api_token::Entity::find().filter(api_token::Column::AccountId.eq(account.get()));
    let total = query.clone().count(db.conn()).await?;
    let rows =
        query.order_by_desc(api_token::Column::Id).offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    Ok(Page::new(rows.into_iter().map(to_token).collect::<Result<_, _>>()?, page, total))
}

/// Records one sign-in attempt for the per-address rate limit.
pub async fn record_login_attempt(
    tx: &Tx,
    ip: &str,
    username: &str,
    success: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    login_attempt::Entity::insert(login_attempt::ActiveModel {
        ip: Set(truncate(ip, 64)),
        username: Set(truncate(username, 64)),
        at: Set(now),
        success: Set(success),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// What the recent record says about a sign-in as `username` from `ip`: failures since
/// `since` for the pair, for the address and for the account from addresses it does not
/// know, and whether it signed in from this address since `known_since`.
pub async fn sign_in_history(
    db: &impl Db,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
    known_since: DateTime<Utc>,
) -> Result<SignInHistory, StoreError> {
    let (username, ip) = (truncate(username, 64), truncate(ip, 64));
    let known: Vec<String> = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::Ip)
        .distinct()
        .filter(login_attempt::Column::Username.eq(&username))
        .filter(login_attempt::Column::At.gte(known_since))
        .filter(login_attempt::Column::Success.eq(true))
        .into_tuple()
        .all(db.conn())
        .await?;
    let failures = || {
        login_attempt::Entity::find()
            .filter(login_attempt::Column::At.gte(since))
            .filter(login_attempt::Column::Success.eq(false))
    };
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    let source_failures = failures().filter(login_attempt::Column::Ip.eq(&ip)).count(db.conn()).await?;
    let account = failures().filter(login_attempt::Column::Username.eq(&username));
    let pair_failures = account.clone().filter(login_attempt::Column::Ip.eq(&ip)).count(db.conn()).await?;
    let account_unknown_failures =
        account.filter(login_attempt::Column::Ip.is_not_in(known.iter().cloned())).count(db.conn()).await?;
    Ok(SignInHistory {
        pair_failures: count(pair_failures),
        source_failures: count(source_failures),
        account_unknown_failures: count(account_unknown_failures),
        known_source: known.contains(&ip),
    })
}

/// Failed sign-ins as `username` since `since`, from any address.
pub async fn recent_failures(db: &impl Db, username: &str, since: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(login_attempt::Entity::find()
        .filter(login_attempt::Column::Username.eq(truncate(username, 64)))
        .filter(login_attempt::Column::At.gte(since))
        .filter(login_attempt::Column::Success.eq(false))
        .count(db.conn())
        .await?)
}

/// Deletes up to `limit` sign-in attempts no longer read: failures before `failures_before`,
/// successes before `successes_before` (index `ix_login_attempt_at`). How many went.
pub async fn prune_login_attempts(
    tx: &Tx,
    failures_before: DateTime<Utc>,
    successes_before: DateTime<Utc>,
    limit: u64,
) -> Result<u64, StoreError> {
    let old = Condition::any()
        .add(
            Condition::all()
                .add(login_attempt::Column::Success.eq(false))
                .add(login_attempt::Column::At.lt(failures_before)),
        )
        .add(
            Condition::all()
                .add(login_attempt::Column::Success.eq(true))
                .add(login_attempt::Column::At.lt(successes_before)),
        );
    // Ids first, then a delete by id: MySQL takes no LIMIT in a subquery of IN.
    let ids: Vec<i32> = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::Id)
        .filter(login_attempt::Column::At.lt(std::cmp::max(failures_before, successes_before)))
        .filter(old)
        .order_by_asc(login_attempt::Column::At)
        .limit(limit)
        .into_tuple()
        .all(tx.conn())
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Id.is_in(ids))
        .exec(tx.conn())
        .await?
        .rows_affected)
}

/// Forgets the failed sign-ins of an account (an administrator lifted its limits).
pub async fn forgive_failures(tx: &Tx, username: &str) -> Result<u64, StoreError> {
    Ok(login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Username.eq(truncate(username, 64)))
        .filter(login_attempt::Column::Success.eq(false))
        .exec(tx.conn())
        .await?
        .rows_affected)
}

/// A setting's stored value.
pub async fn get_setting(db: &impl Db, key: &str) -> Result<Option<String>, StoreError> {
    Ok(setting::Entity::find_by_id(key.to_owned()).one(db.conn()).await?.map(|s| s.value))
}

/// Stores a setting.
pub async fn put_setting(tx: &Tx, key: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let exists = setting::Entity::find_by_id(key.to_owned()).one(tx.conn()).await?.is_some();
    let model = setting::ActiveModel { key: Set(key.to_owned()), value: Set(value.to_owned()), updated_at: Set(now) };
    if exists {
        setting::Entity::update(model).exec(tx.conn()).await?;
    } else {
        setting::Entity::insert(model).exec(tx.conn()).await?;
    }
    Ok(())
}

/// Inserts many accounts, each with one affiliation (generators); returns how many.
/// Usernames must be new.
pub async fn insert_accounts_bulk(
    tx: &Tx,
    accounts: &[(NewAccount, Affiliation)],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    const BULK: usize = 300;
    for chunk in accounts.chunks(BULK) {
        let before = max_account_id(tx).await?;
        account::Entity::insert_many(chunk.iter().map(|(a, _)| account_model(a, now))).exec(tx.conn()).await?;
        // Read the new ids back by the primary key range rather than `username IN (…)`: right
        // after a bulk load PostgreSQL's statistics are stale and it would scan the table.
        let ids: std::collections::HashMap<String, i32> = account::Entity::find()
            .select_only()
            .column(account::Column::Username)
            .column(account::Column::Id)
            .filter(account::Column::Id.gt(before))
            .into_tuple()
            .all(tx.conn())
            .await?
            .into_iter()
            .collect();
        affiliation::Entity::insert_many(chunk.iter().filter_map(|(a, aff)| {
            ids.get(&a.username).map(|id| affiliation::ActiveModel {
                account_id: Set(*id),
                role: Set(aff.role.code().to_owned()),
                organization_id: Set(aff.organization.map(OrganizationId::get)),
                district_id: Set(aff.district.map(DistrictId::get)),
                until: Set(aff.until),
                created_at: Set(now),
                ..Default::default()
            })
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(accounts.len() as u64)
}

/// The organizations each account is affiliated with (administrator or member) at `now`, for
/// many accounts in a few queries: the review engine treats them as current employers.
pub async fn organizations_of_accounts(
    db: &impl Db,
    accounts: &[AccountId],
    now: DateTime<Utc>,
) -> Result<std::collections::BTreeMap<AccountId, Vec<OrganizationId>>, StoreError> {
    let ids: Vec<i32> = accounts.iter().map(|a| a.get()).collect();
    let mut out: std::collections::BTreeMap<AccountId, Vec<OrganizationId>> = std::collections::BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i32, Option<i32>, Option<DateTime<Utc>>)> = affiliation::Entity::find()
            .select_only()
            .column(affiliation::Column::AccountId)
            .column(affiliation::Column::OrganizationId)
            .column(affiliation::Column::Until)
            .filter(affiliation::Column::AccountId.is_in(chunk.to_vec()))
            .filter(affiliation::Column::Role.is_in([Role::OrgAdmin.code(), Role::OrgMember.code()]))
            .into_tuple()
            .all(db.conn())
            .await?;
        for (account, org, until) in rows {
            if let Some(org) = org
                && until.is_none_or(|u| now < u)
            {
                out.entry(AccountId(account)).or_default().push(OrganizationId(org));
            }
        }
    }
    Ok(out)
}
