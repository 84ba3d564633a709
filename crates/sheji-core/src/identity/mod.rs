//! Who may do what, and to which records.
//!
//! Permissions are named per function ([`Permission`]) and granted to roles ([`GRANTS`]); each
//! grant carries a [`Reach`]: all records, the districts of the caller's affiliation, their own
//! organization, items assigned to them. A caller's [`Scope`] is computed per function from
//! all their affiliations in force at `now` — never by merging roles blindly: being an expert
//! somewhere does not widen what a branch officer sees in the registry, and a delegation (代管)
//! stops counting at its end date. The store turns a `Scope` into bound query predicates; no
//! SQL text is ever built from it.

pub mod agent;
pub mod totp;

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, DistrictId, OrganizationId};
use crate::reference::InvalidValue;

/// The roles an account can hold through its affiliations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 市经信委
    CityOfficer,
    /// 促进中心总部
    HqStaff,
    /// 区县分中心: scoped to the district of each affiliation
    BranchStaff,
    /// 评审专家
    Expert,
    /// 企业/机构管理员: scoped to the organization of the affiliation
    OrgAdmin,
    /// 企业/机构成员
    OrgMember,
    /// 设计师 (an individual)
    Designer,
}

impl Role {
    /// The staff who serve organizations (a liaison officer is one of them): the administrator,
    /// the city, headquarters and the district branches. (Branch staff are not among
    /// [`Role::is_staff`], those an administrator may require TOTP of.)
    pub const SERVICE_STAFF: [Self; 4] = [Self::Admin, Self::CityOfficer, Self::HqStaff, Self::BranchStaff];

    /// Whether the role is one of [`Role::SERVICE_STAFF`].
    pub fn is_service_staff(self) -> bool {
        Self::SERVICE_STAFF.contains(&self)
    }

    /// Every role, in display order.
    pub const ALL: [Self; 8] = [
        Self::Admin,
        Self::CityOfficer,
        Self::HqStaff,
        Self::BranchStaff,
        Self::Expert,
        Self::OrgAdmin,
        Self::OrgMember,
        Self::Designer,
    ];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::CityOfficer => "city_officer",
            Self::HqStaff => "hq_staff",
            Self::BranchStaff => "branch_staff",
            Self::Expert => "expert",
            Self::OrgAdmin => "org_admin",
            Self::OrgMember => "org_member",
            Self::Designer => "designer",
        }
    }

    /// Whether an affiliation with this role must name a district.
    pub fn needs_district(self) -> bool {
        self == Self::BranchStaff
    }

    /// Whether an affiliation with this role must name an organization.
    pub fn needs_organization(self) -> bool {
        matches!(self, Self::OrgAdmin | Self::OrgMember)
    }

    /// Government and promotion-center staff, for whom an administrator may require TOTP.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Admin | Self::CityOfficer | Self::HqStaff)
    }
}

impl FromStr for Role {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.code() == s).ok_or_else(|| InvalidValue { field: "role", value: s.to_owned() })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A function of the platform that can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    /// `reference.edit`: change reference lists.
    ReferenceEdit,
    /// `registry.read_private`: see the non-public fields of organizations (contacts, figures).
    RegistryReadPrivate,
    /// `registry.edit`: change organizations.
    RegistryEdit,
    /// `registry.export`: export organization lists.
    RegistryExport,
    /// `identity.read`: list and look at accounts.
    AccountRead,
    /// `identity.manage`: create, disable and reset accounts, assign roles.
    AccountManage,
    /// `identity.verify`: verify self-registered enterprise accounts.
    AccountVerify,
    /// `audit.read`: browse and export the audit trail.
    AuditRead,
    /// `settings.edit`: change platform settings.
    SettingsEdit,
    /// `recognition.review`: review recognition applications.
    RecognitionReview,
    /// `library.decide`: admit to, return from and remove from the design-driven library.
    LibraryDecide,
    /// `review.manage`: run review campaigns: the expert pool, rubrics, items, assignment,
    /// closing, publicity and objections.
    ReviewManage,
    /// `review.score`: score the items assigned to one.
    ReviewScore,
    /// `review.override`: let an expert review an item despite a conflict (with a reason).
    ReviewOverride,
    /// `recognition.manage`: open recognition batches, check applications formally, send them
    /// to expert review and conclude.
    RecognitionManage,
    /// `matchmaking.manage`: review demands before they are published, read demands' private
    /// details and export the demand and offer lists (branch staff in their districts).
    MatchmakingManage,
    /// `event.manage`: create and run events — registrations, check-in, the 对接会 schedule
    /// (branch staff for their districts' events).
    EventManage,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Self; 17] = [
        Self::LibraryDecide,
        Self::RecognitionManage,
        Self::ReviewManage,
        Self::ReviewScore,
        Self::ReviewOverride,
        Self::ReferenceEdit,
        Self::RegistryReadPrivate,
        Self::RegistryEdit,
        Self::RegistryExport,
        Self::AccountRead,
        Self::AccountManage,
        Self::AccountVerify,
        Self::AuditRead,
        Self::SettingsEdit,
        Self::RecognitionReview,
        Self::MatchmakingManage,
        Self::EventManage,
    ];

    /// The stable dotted name (`registry.read_private` …), as API tokens list them.
    pub fn code(self) -> &'static str {
        match self {
            Self::ReferenceEdit => "reference.edit",
            Self::RegistryReadPrivate => "registry.read_private",
            Self::RegistryEdit => "registry.edit",
            Self::RegistryExport => "registry.export",
            Self::AccountRead => "identity.read",
            Self::AccountManage => "identity.manage",
            Self::AccountVerify => "identity.verify",
            Self::AuditRead => "audit.read",
            Self::SettingsEdit => "settings.edit",
            Self::RecognitionReview => "recognition.review",
            Self::LibraryDecide => "library.decide",
            Self::ReviewManage => "review.manage",
            Self::ReviewScore => "review.score",
            Self::ReviewOverride => "review.override",
            Self::RecognitionManage => "recognition.manage",
            Self::MatchmakingManage => "matchmaking.manage",
            Self::EventManage => "event.manage",
        }
    }
}

impl FromStr for Permission {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == s.trim())
            .ok_or_else(|| InvalidValue { field: "permission", value: s.to_owned() })
    }
}

/// How far a grant reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Every record.
    All,
    /// Records of the affiliation's district.
    Districts,
    /// Records of the affiliation's organization.
    OwnOrganization,
    /// Items assigned to the caller (reviews).
    Assigned,
}

/// Which role may use which function, and how far. Everything not listed is denied; public
/// fields are readable by everyone, anonymous visitors included, without a grant.
pub const GRANTS: &[(Role, Permission, Reach)] = &[
    (Role::Admin, Permission::ReferenceEdit, Reach::All),
    (Role::Admin, Permission::RegistryReadPrivate, Reach::All),
    (Role::Admin, Permission::RegistryEdit, Reach::All),
    (Role::Admin, Permission::RegistryExport, Reach::All),
    (Role::Admin, Permission::AccountRead, Reach::All),
    (Role::Admin, Permission::AccountManage, Reach::All),
    (Role::Admin, Permission::AccountVerify, Reach::All),
    (Role::Admin, Permission::AuditRead, Reach::All),
    (Role::Admin, Permission::SettingsEdit, Reach::All),
    (Role::Admin, Permission::RecognitionReview, Reach::All),
    (Role::Admin, Permission::LibraryDecide, Reach::All),
    (Role::HqStaff, Permission::LibraryDecide, Reach::All),
    (Role::Admin, Permission::ReviewManage, Reach::All),
    (Role::Admin, Permission::ReviewOverride, Reach::All),
    (Role::CityOfficer, Permission::ReviewManage, Reach::All),
    (Role::HqStaff, Permission::ReviewManage, Reach::All),
    (Role::Expert, Permission::ReviewScore, Reach::Assigned),
    (Role::Admin, Permission::RecognitionManage, Reach::All),
    (Role::CityOfficer, Permission::RecognitionManage, Reach::All),
    (Role::HqStaff, Permission::RecognitionManage, Reach::All),
    (Role::BranchStaff, Permission::LibraryDecide, Reach::Districts),
    (Role::CityOfficer, Permission::RegistryReadPrivate, Reach::All),
    (Role::CityOfficer, Permission::RegistryExport, Reach::All),
    (Role::CityOfficer, Permission::AccountRead, Reach::All),
    (Role::CityOfficer, Permission::AuditRead, Reach::All),
    (Role::CityOfficer, Permission::RecognitionReview, Reach::All),
    (Role::HqStaff, Permission::RegistryReadPrivate, Reach::All),
    (Role::HqStaff, Permission::RegistryEdit, Reach::All),
    (Role::HqStaff, Permission::RegistryExport, Reach::All),
    (Role::HqStaff, Permission::AccountRead, Reach::All),
    (Role::HqStaff, Permission::AccountVerify, Reach::All),
    (Role::HqStaff, Permission::RecognitionReview, Reach::All),
    (Role::BranchStaff, Permission::RegistryReadPrivate, Reach::Districts),
    (Role::BranchStaff, Permission::RegistryEdit, Reach::Districts),
    (Role::BranchStaff, Permission::RegistryExport, Reach::Districts),
    (Role::BranchStaff, Permission::AccountRead, Reach::Districts),
    (Role::BranchStaff, Permission::AccountVerify, Reach::Districts),
    (Role::BranchStaff, Permission::RecognitionReview, Reach::Districts),
    (Role::Expert, Permission::RegistryReadPrivate, Reach::Assigned),
    (Role::Expert, Permission::RecognitionReview, Reach::Assigned),
    (Role::OrgAdmin, Permission::RegistryReadPrivate, Reach::OwnOrganization),
    (Role::OrgAdmin, Permission::RegistryEdit, Reach::OwnOrganization),
    (Role::OrgAdmin, Permission::RegistryExport, Reach::OwnOrganization),
    (Role::OrgAdmin, Permission::AccountRead, Reach::OwnOrganization),
    (Role::OrgMember, Permission::RegistryReadPrivate, Reach::OwnOrganization),
    (Role::Admin, Permission::MatchmakingManage, Reach::All),
    (Role::CityOfficer, Permission::MatchmakingManage, Reach::All),
    (Role::HqStaff, Permission::MatchmakingManage, Reach::All),
    (Role::BranchStaff, Permission::MatchmakingManage, Reach::Districts),
    (Role::Admin, Permission::EventManage, Reach::All),
    (Role::CityOfficer, Permission::EventManage, Reach::All),
    (Role::HqStaff, Permission::EventManage, Reach::All),
    (Role::BranchStaff, Permission::EventManage, Reach::Districts),
];

/// One affiliation of an account: a role, where it applies, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Affiliation {
    /// The role held.
    pub role: Role,
    /// The organization, for org_admin and org_member.
    pub organization: Option<OrganizationId>,
    /// The district, for branch_staff (a delegation is a branch_staff affiliation with an end).
    pub district: Option<DistrictId>,
    /// When the affiliation stops counting (exclusive); `None` for no end.
    pub until: Option<DateTime<Utc>>,
}

impl Affiliation {
    /// Whether the affiliation counts at `now`.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.until.is_none_or(|until| now < until)
    }
}

/// The rows a caller may reach through one function.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Every row.
    pub all: bool,
    /// Rows of these districts.
    pub districts: BTreeSet<DistrictId>,
    /// Rows of these organizations.
    pub organizations: BTreeSet<OrganizationId>,
    /// Rows assigned to the caller (resolved by the store against assignments).
    pub assigned_to: Option<AccountId>,
}

impl Scope {
    /// Reaches nothing.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reaches everything.
    pub fn everything() -> Self {
        Self { all: true, ..Self::default() }
    }

    /// Whether no row can match.
    pub fn is_none(&self) -> bool {
        !self.all && self.districts.is_empty() && self.organizations.is_empty() && self.assigned_to.is_none()
    }

    /// Whether a row in `district` owned by `organization` is reached (assignments are the
    /// store's to resolve and do not count here).
    pub fn covers(&self, district: Option<DistrictId>, organization: Option<OrganizationId>) -> bool {
        self.all
            || district.is_some_and(|d| self.districts.contains(&d))
            || organization.is_some_and(|o| self.organizations.contains(&o))
    }
}

/// A signed-in caller: the account and its affiliations, and, for an API token, the functions
/// the token was limited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The account.
    pub account: AccountId,
    /// Its login name.
    pub username: String,
    /// Its display name.
    pub display_name: String,
    /// Every affiliation, in force or not.
    pub affiliations: Vec<Affiliation>,
    /// For API tokens: the only functions the token may use.
    pub token_permissions: Option<BTreeSet<Permission>>,
    /// The password must be changed before anything else.
    pub must_change_password: bool,
}

impl Principal {
    /// The scope of `permission` at `now`: the union of what each affiliation in force
    /// reaches through a grant of that very permission.
    pub fn scope(&self, permission: Permission, now: DateTime<Utc>) -> Scope {
        if self.token_permissions.as_ref().is_some_and(|allowed| !allowed.contains(&permission)) {
            return Scope::none();
        }
        let mut scope = Scope::none();
        for affiliation in self.affiliations.iter().filter(|a| a.in_force(now)) {
            for (_, _, reach) in GRANTS.iter().filter(|(r, p, _)| *r == affiliation.role && *p == permission) {
                match reach {
                    Reach::All => scope.all = true,
                    Reach::Districts => scope.districts.extend(affiliation.district),
                    Reach::OwnOrganization => scope.organizations.extend(affiliation.organization),
                    Reach::Assigned => scope.assigned_to = Some(self.account),
                }
            }
        }
        scope
    }

    /// Whether the caller may use `permission` on at least some rows.
    pub fn can(&self, permission: Permission, now: DateTime<Utc>) -> bool {
        !self.scope(permission, now).is_none()
    }

    /// The roles in force at `now`, each once.
    pub fn roles(&self, now: DateTime<Utc>) -> BTreeSet<Role> {
        self.affiliations.iter().filter(|a| a.in_force(now)).map(|a| a.role).collect()
    }
}

/// The scope of an optional caller; anonymous visitors reach no private rows.
pub fn scope_of(caller: Option<&Principal>, permission: Permission, now: DateTime<Utc>) -> Scope {
    caller.map_or_else(Scope::none, |p| p.scope(permission, now))
}

/// Account status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// May sign in.
    Active,
    /// Signed up, waiting for district staff to verify.
    Pending,
    /// Switched off by an administrator.
    Disabled,
}

impl AccountStatus {
    /// Every status.
    pub const ALL: [Self; 3] = [Self::Active, Self::Pending, Self::Disabled];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Disabled => "disabled",
        }
    }
}

impl FromStr for AccountStatus {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| InvalidValue { field: "account status", value: s.to_owned() })
    }
}

/// The longest reason for rejecting a registration (it is shown at sign-in and sent by text).
pub const REJECT_REASON_MAX: usize = 500;

/// The window in which failed sign-ins count against an account and an address.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Failures for one account from one address before that pair must wait.
pub const PAIR_FAILURES: u32 = 5;
/// Failures from one address (any names) before it must wait for accounts it has never
/// signed in to.
pub const SOURCE_FAILURES: u32 = 20;
/// Failures for one account from addresses it has never signed in from before those
/// addresses must wait (guessing spread over many machines).
pub const ACCOUNT_UNKNOWN_FAILURES: u32 = 50;
/// How long a successful sign-in makes an address known to the account.
pub const KNOWN_SOURCE_DAYS: i64 = 90;
/// How long a failed sign-in is kept: long past the window in which it counts, for an
/// administrator looking into an attack, then pruned with successes older than
/// [`KNOWN_SOURCE_DAYS`] (which no longer make anything known).
pub const FAILURE_RETENTION_DAYS: i64 = 30;

/// The instants before which sign-in attempts are no longer read and are pruned: failures,
/// then successes.
pub fn attempts_prunable_before(
    now: chrono::DateTime<chrono::Utc>,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    (now - chrono::Duration::days(FAILURE_RETENTION_DAYS), now - chrono::Duration::days(KNOWN_SOURCE_DAYS))
}

/// What the record of recent sign-ins (within [`THROTTLE_WINDOW_MINUTES`]) says about one
/// attempt: for `account` from `address`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInHistory {
    /// Failures for this account from this address.
    pub pair_failures: u32,
    /// Failures from this address, whatever the name.
    pub source_failures: u32,
    /// Failures for this account from addresses it has not signed in from.
    pub account_unknown_failures: u32,
    /// The account signed in from this address within [`KNOWN_SOURCE_DAYS`].
    pub known_source: bool,
}

/// Whether this attempt must wait (answered 429, the password not even checked).
///
/// Failures slow down who makes them and never lock the account: anyone could otherwise
/// lock `admin` out with five wrong passwords, and behind a shared address (an office, a
/// proxy) twenty invented names would shut out everyone. So one account from one address
/// waits after [`PAIR_FAILURES`]; an address that has made [`SOURCE_FAILURES`] waits only for
/// accounts that never signed in from it; and guessing spread over many addresses slows only
/// the addresses the account does not know. The owner at their usual address gets through.
pub fn must_wait(h: &SignInHistory) -> bool {
    h.pair_failures >= PAIR_FAILURES
        || (!h.known_source
            && (h.source_failures >= SOURCE_FAILURES || h.account_unknown_failures >= ACCOUNT_UNKNOWN_FAILURES))
}

/// Whether a lock is still in force.
pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    locked_until.is_some_and(|until| now < until)
}

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ends after this long without a request.
    pub idle: Duration,
    /// Ends this long after sign-in, whatever happens.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::minutes(30), absolute: Duration::hours(12) }
    }
}

impl SessionPolicy {
    /// Whether a session created at `created` and last used at `last_seen` is still alive.
    pub fn alive(&self, created: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now < created + self.absolute && now < last_seen + self.idle
    }
}

/// Why a password is refused. Each maps to the message key `password.<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than 8 characters.
    #[error("shorter than 8 characters")]
    TooShort,
    /// More than 128 characters.
    #[error("longer than 128 characters")]
    TooLong,
    /// Fewer than 3 of: lower case, upper case, digits, symbols.
    #[error("fewer than 3 character classes")]
    TooFewClasses,
    /// Contains the username.
    #[error("contains the username")]
    ContainsUsername,
    /// On the list of common passwords.
    #[error("a common password")]
    Common,
}

impl PasswordProblem {
    /// The catalogue key of the message.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::TooShort => "password.too_short",
            Self::TooLong => "password.too_long",
            Self::TooFewClasses => "password.classes",
            Self::ContainsUsername => "password.username",
            Self::Common => "password.common",
        }
    }
}

const COMMON_PASSWORDS: &str = include_str!("../../../../reference/common_passwords.txt");

/// The password policy (等保 2.0 level 3): at least 8 characters from 3 of the 4 classes, not
/// containing the username, not a commonly used password.
pub fn check_password(password: &str, username: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < 8 {
        return Err(PasswordProblem::TooShort);
    }
    if length > 128 {
        return Err(PasswordProblem::TooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err(PasswordProblem::TooFewClasses);
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Err(PasswordProblem::ContainsUsername);
    }
    let mut common = COMMON_PASSWORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    if common.any(|c| c.eq_ignore_ascii_case(&lower)) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// Usernames: 3–32 characters of letters, digits, `_`, `.` and `-`, starting with a letter or
/// digit. Stored lower-case so `Admin` and `admin` are one account.
pub fn normalize_username(input: &str) -> Option<String> {
    let name = input.trim().to_ascii_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    ok.then_some(name)
}

/// A mainland mobile number (11 digits starting 1[3-9]) or a landline such as 023-6789 1234,
/// normalised to digits and one dash.
pub fn normalize_phone(input: &str) -> Option<String> {
    let folded: String = input.chars().map(crate::registry::to_half_width).filter(|c| !c.is_whitespace()).collect();
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    let mobile = digits.len() == 11
        && digits.starts_with('1')
        && digits.chars().nth(1).is_some_and(|c| ('3'..='9').contains(&c))
        && folded.chars().all(|c| c.is_ascii_digit() || c == '-');
    if mobile {
        return Some(digits);
    }
    let (area, number) = folded.split_once('-')?;
    let landline = area.starts_with('0')
        && (3..=4).contains(&area.len())
        && area.chars().all(|c| c.is_ascii_digit())
        && (7..=8).contains(&number.len())
        && number.chars().all(|c| c.is_ascii_digit());
    landline.then(|| format!("{area}-{number}"))
}

/// A phone number as people without the right to see it get it: 138****1234.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars.iter().take(3).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// A plausible e-mail address: something@domain.tld, no spaces, at most 254 characters.
pub fn valid_email(input: &str) -> bool {
    let s = input.trim();
    let Some((local, domain)) = s.split_once('@') else { return false };
    s.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

/// The platform's public address as stored: `http(s)://host[:port][/path]` without a trailing
/// slash, query or fragment, at most 200 characters; empty input clears it. The error is the
/// message key to show.
pub fn normalize_public_address(input: &str) -> Result<String, &'static str> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(String::new());
    }
    let rest =
        input.strip_prefix("https://").or_else(|| input.strip_prefix("http://")).ok_or("settings.address_scheme")?;
    let rest = rest.trim_end_matches('/');
    let s = input.trim_end_matches('/');
    let host = rest.split('/').next().unwrap_or_default();
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '@' | '\\' | '"' | '<' | '>');
    if host.is_empty() || host.starts_with(':') || s.chars().any(bad) || s.len() > 200 {
        return Err("settings.address_invalid");
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn public_addresses_are_http_with_a_host_and_no_trailing_slash() {
        assert_eq!(normalize_public_address(" https://sheji.cq.gov.cn/ "), Ok("https://sheji.cq.gov.cn".into()));
        assert_eq!(normalize_public_address("http://10.0.0.5:8080/sheji"), Ok("http://10.0.0.5:8080/sheji".into()));
        assert_eq!(normalize_public_address(""), Ok(String::new()));
        assert_eq!(normalize_public_address("javascript:alert(1)"), Err("settings.address_scheme"));
        assert_eq!(normalize_public_address("sheji.cq.gov.cn"), Err("settings.address_scheme"));
        assert_eq!(normalize_public_address("https://"), Err("settings.address_invalid"));
        assert_eq!(normalize_public_address("https://a.cn/?x=1"), Err("settings.address_invalid"));
        assert_eq!(normalize_public_address("https://evil.cn@a.cn"), Err("settings.address_invalid"));
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()
    }

    fn principal(affiliations: Vec<Affiliation>) -> Principal {
        Principal {
            account: AccountId(7),
            username: "u".into(),
            display_name: "u".into(),
            affiliations,
            token_permissions: None,
            must_change_password: false,
        }
    }

    fn aff(role: Role, district: Option<i32>, org: Option<i32>, until: Option<DateTime<Utc>>) -> Affiliation {
        Affiliation { role, district: district.map(DistrictId), organization: org.map(OrganizationId), until }
    }

    #[test]
    fn scope_is_computed_per_function_not_merged_across_roles() {
        // A branch officer of district 1 who is also an expert and administers org 9.
        let p = principal(vec![
            aff(Role::BranchStaff, Some(1), None, None),
            aff(Role::Expert, None, None, None),
            aff(Role::OrgAdmin, None, Some(9), None),
        ]);
        let read = p.scope(Permission::RegistryReadPrivate, now());
        assert!(!read.all);
        assert_eq!(read.districts, BTreeSet::from([DistrictId(1)]));
        assert_eq!(read.organizations, BTreeSet::from([OrganizationId(9)]));
        assert_eq!(read.assigned_to, Some(AccountId(7)));
        // Account verification is a branch function only: the org affiliation adds nothing.
        let verify = p.scope(Permission::AccountVerify, now());
        assert_eq!(verify.districts, BTreeSet::from([DistrictId(1)]));
        assert!(verify.organizations.is_empty());
        assert!(!p.can(Permission::AuditRead, now()));
        assert!(read.covers(Some(DistrictId(1)), None));
        assert!(read.covers(Some(DistrictId(2)), Some(OrganizationId(9))));
        assert!(!read.covers(Some(DistrictId(2)), Some(OrganizationId(8))));
    }

    #[test]
    fn a_delegation_stops_at_its_end_date() {
        let end = now() + Duration::days(3);
        let p = principal(vec![
            aff(Role::BranchStaff, Some(1), None, None),
            aff(Role::BranchStaff, Some(2), None, Some(end)),
        ]);
        assert!(p.scope(Permission::RegistryReadPrivate, now()).districts.contains(&DistrictId(2)));
        let later = p.scope(Permission::RegistryReadPrivate, end);
        assert_eq!(later.districts, BTreeSet::from([DistrictId(1)]), "the end date itself is outside");
    }

    #[test]
    fn tokens_only_reach_their_functions() {
        let mut p = principal(vec![aff(Role::Admin, None, None, None)]);
        p.token_permissions = Some(BTreeSet::from([Permission::RegistryReadPrivate]));
        assert!(p.can(Permission::RegistryReadPrivate, now()));
        assert!(!p.can(Permission::AccountManage, now()));
        assert!(scope_of(None, Permission::RegistryReadPrivate, now()).is_none());
    }

    #[test]
    fn failures_slow_their_source_and_never_lock_the_owner_out() {
        let h = |pair, source, unknown, known| SignInHistory {
            pair_failures: pair,
            source_failures: source,
            account_unknown_failures: unknown,
            known_source: known,
        };
        // Four wrong passwords: the fifth try is still allowed; after five, this pair waits.
        assert!(!must_wait(&h(4, 4, 4, false)));
        assert!(must_wait(&h(5, 5, 5, false)));
        assert!(must_wait(&h(5, 5, 0, true)), "even at a known address, five misses in a row wait");
        // Twenty invented names from one address: strangers from it wait, its own users don't.
        assert!(must_wait(&h(0, 20, 0, false)));
        assert!(!must_wait(&h(0, 20, 0, true)));
        // Guessing from a thousand machines: they wait, the owner at their desk does not.
        assert!(must_wait(&h(1, 1, 50, false)));
        assert!(!must_wait(&h(0, 0, 500, true)));
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let policy = SessionPolicy::default();
        let start = now();
        assert!(policy.alive(start, start, start + Duration::minutes(29)));
        assert!(!policy.alive(start, start, start + Duration::minutes(30)));
        let busy = start + Duration::hours(11) + Duration::minutes(50);
        assert!(policy.alive(start, busy, busy + Duration::minutes(5)));
        assert!(!policy.alive(start, busy, start + Duration::hours(12)));
    }

    #[test]
    fn password_policy_says_why() {
        assert_eq!(check_password("Ab1!", "zhang"), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("abcdefgh1", "zhang"), Err(PasswordProblem::TooFewClasses));
        assert_eq!(check_password("Zhangsan#2026", "zhangsan"), Err(PasswordProblem::ContainsUsername));
        assert_eq!(check_password("P@ssw0rd", "zhang"), Err(PasswordProblem::Common));
        assert_eq!(check_password("Admin@123", "zhang"), Err(PasswordProblem::Common));
        assert_eq!(check_password("渝设计Lab-2026", "zhang"), Ok(()));
        assert_eq!(check_password(&"Aa1!".repeat(40), "zhang"), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn usernames_phones_and_masks() {
        assert_eq!(normalize_username(" Admin "), Some("admin".into()));
        assert_eq!(normalize_username("ab"), None);
        assert_eq!(normalize_username("_x1"), None);
        assert_eq!(normalize_username("张三"), None);
        assert_eq!(normalize_phone("138 1234 5678"), Some("13812345678".into()));
        assert_eq!(normalize_phone("１３８１２３４５６７８"), Some("13812345678".into()));
        assert_eq!(normalize_phone("023-67891234"), Some("023-67891234".into()));
        assert_eq!(normalize_phone("12345"), None);
        assert_eq!(normalize_phone("12812345678"), None);
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("023-67891234"), "023*****1234");
        assert!(valid_email("a.b@cq.gov.cn"));
        assert!(!valid_email("a b@cq.cn"));
        assert!(!valid_email("ab@cn"));
    }

    #[test]
    fn every_role_and_permission_round_trips() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(r));
        }
        for p in Permission::ALL {
            assert_eq!(p.code().parse::<Permission>(), Ok(p));
        }
    }
}
