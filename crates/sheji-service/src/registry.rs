//! The organization registry's use cases, scoped by the caller: the public directory for
//! everyone, private fields for callers whose `registry.read_private` scope reaches the
//! organization, contact phones in clear only where `registry.edit` reaches too (PIPL).

use chrono::NaiveDate;
use sheji_core::identity::{Permission, Principal, mask_phone, scope_of};
use sheji_core::ids::OrganizationId;
use sheji_core::page::{Page, PageRequest};
use sheji_core::registry::OrgKind;
use sheji_store::registry::{self as store, OrgPrivate};

pub use sheji_store::registry::{OrgFilter, OrgPublic};

use crate::{ServiceError, Services};

/// How many organizations are registered, in all and by kind.
#[derive(Debug, Clone, Default)]
pub struct RegistryCounts {
    /// All organizations.
    pub total: u64,
    /// By kind, in the order of [`OrgKind::ALL`], kinds with none included.
    pub by_kind: Vec<(OrgKind, u64)>,
}

/// The registry's counts. Counts reveal no private field, so every caller may see them.
pub async fn counts(services: &Services) -> Result<RegistryCounts, ServiceError> {
    let found = store::count_organizations_by_kind(services.store()).await?;
    let by_kind: Vec<(OrgKind, u64)> = OrgKind::ALL
        .into_iter()
        .map(|kind| (kind, found.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n)))
        .collect();
    Ok(RegistryCounts { total: by_kind.iter().map(|(_, n)| n).sum(), by_kind })
}

/// The private fields as a caller may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateView {
    /// Street address.
    pub address: String,
    /// Date of establishment.
    pub founded_on: Option<NaiveDate>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone, in clear or masked.
    pub contact_phone: Option<String>,
    /// Whether the phone is masked.
    pub phone_masked: bool,
}

/// An organization as one caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgView {
    /// Public fields.
    pub public: OrgPublic,
    /// Private fields, when the caller's scope reaches the organization.
    pub private: Option<PrivateView>,
}

fn private_view(services: &Services, caller: Option<&Principal>, public: &OrgPublic, p: OrgPrivate) -> PrivateView {
    let edit = scope_of(caller, Permission::RegistryEdit, services.now());
    let unmasked = edit.covers(Some(public.district_id), Some(public.id));
    let phone = p.contact_phone_enc.as_deref().and_then(|enc| services.secrets().decrypt(enc).ok());
    PrivateView {
        address: p.address,
        founded_on: p.founded_on,
        contact_name: p.contact_name,
        contact_phone: phone.map(|ph| if unmasked { ph } else { mask_phone(&ph) }),
        phone_masked: !unmasked,
    }
}

/// One page of the public directory.
pub async fn list_public(
    services: &Services,
    filter: &OrgFilter,
    page: PageRequest,
) -> Result<Page<OrgPublic>, ServiceError> {
    Ok(store::list_public(services.store(), filter, page).await?)
}

/// One page of the organizations the caller's scope reaches, with private fields; 403 for a
/// caller who reaches none.
pub async fn list_private(
    services: &Services,
    caller: &Principal,
    filter: &OrgFilter,
    page: PageRequest,
) -> Result<Page<OrgView>, ServiceError> {
    let scope = caller.scope(Permission::RegistryReadPrivate, services.now());
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let page = store::list_private(services.store(), &scope, filter, page).await?;
    Ok(page.map(|(public, private)| {
        let private = Some(private_view(services, Some(caller), &public, private));
        OrgView { public, private }
    }))
}

/// One organization: public fields for everyone, private ones when the caller's scope
/// reaches it.
pub async fn get(services: &Services, caller: Option<&Principal>, id: OrganizationId) -> Result<OrgView, ServiceError> {
    let scope = scope_of(caller, Permission::RegistryReadPrivate, services.now());
    if let Some((public, private)) = store::find_private(services.store(), &scope, id).await? {
        let private = Some(private_view(services, caller, &public, private));
        return Ok(OrgView { public, private });
    }
    let public = store::find_public(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?;
    Ok(OrgView { public, private: None })
}

/// One organization with its private fields, or 404 when the caller's scope does not reach
/// it (the staff view: never the data, never a hint it exists beyond the public directory).
pub async fn get_private(services: &Services, caller: &Principal, id: OrganizationId) -> Result<OrgView, ServiceError> {
    let scope = caller.scope(Permission::RegistryReadPrivate, services.now());
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let (public, private) = store::find_private(services.store(), &scope, id)
        .await?
        .ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?;
    let private = Some(private_view(services, Some(caller), &public, private));
    Ok(OrgView { public, private })
}

/// Streams the organizations the caller's export scope reaches to `sink`, page by page;
/// 403 for a caller who may not export.
pub async fn export(
    services: &Services,
    caller: &Principal,
    filter: &OrgFilter,
    mut sink: impl FnMut(&OrgView),
) -> Result<u64, ServiceError> {
    let now = services.now();
    let export = caller.scope(Permission::RegistryExport, now);
    if export.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let mut count = 0;
    let mut page = 1;
    loop {
        let rows =
            store::list_private(services.store(), &export, filter, PageRequest::new(Some(page), Some(200))).await?;
        let done = rows.page >= rows.page_count();
        for (public, private) in rows.items {
            let private = Some(private_view(services, Some(caller), &public, private));
            sink(&OrgView { public, private });
            count += 1;
        }
        if done {
            break;
        }
        page += 1;
    }
    Ok(count)
}
