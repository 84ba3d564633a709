//! The organization registry's use cases, scoped by the caller: the public directory for
//! everyone, private fields for callers whose `registry.read_private` scope reaches the
//! organization, contact phones in clear only where `registry.edit` reaches too (PIPL).

use chrono::NaiveDate;
use sheji_core::identity::{Permission, Principal, mask_phone, scope_of};
use sheji_core::ids::OrganizationId;
use sheji_core::page::{Page, PageRequest};
use sheji_core::registry::OrgKind;
use sheji_core::search::{Dimension, DocType, Document};
use sheji_store::registry::library::{self as library_store, OrgState};
use sheji_store::registry::{self as store, OrgPrivate};

pub use sheji_store::registry::{OrgFilter, OrgPublic, OrgSort};

use crate::{ServiceError, Services};

pub mod demo;
pub mod edit;
pub mod import;
pub mod library;

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

/// What the caller may do in the registry as a whole: pages show exactly these actions, and
/// the use cases refuse the rest with the same scopes.
#[derive(Debug, Clone)]
pub struct RegistryActions {
    /// Read private fields, within this reach (the staff list's district filter offers it).
    pub read: sheji_core::identity::Scope,
    /// Export the list.
    pub export: bool,
    /// Add and edit organizations, and import them.
    pub edit: bool,
    /// Admit organizations to the library.
    pub admit: bool,
}

/// Organizations' names by id (names are public), for pages that name a few of them.
pub async fn names(
    services: &Services,
    ids: &std::collections::BTreeSet<OrganizationId>,
) -> Result<std::collections::BTreeMap<OrganizationId, String>, ServiceError> {
    Ok(sheji_store::registry::names(services.store(), ids).await?.into_iter().collect())
}

/// The caller's registry actions.
pub fn actions(services: &Services, caller: &Principal) -> RegistryActions {
    let now = services.now();
    RegistryActions {
        read: caller.scope(Permission::RegistryReadPrivate, now),
        export: !caller.scope(Permission::RegistryExport, now).is_none(),
        edit: !caller.scope(Permission::RegistryEdit, now).is_none(),
        admit: !caller.scope(Permission::LibraryDecide, now).is_none(),
    }
}

/// Whether the caller may edit this organization (its district or itself in their reach).
pub fn may_edit(services: &Services, caller: &Principal, org: &OrgPublic) -> bool {
    caller.scope(Permission::RegistryEdit, services.now()).covers(Some(org.district_id), Some(org.id))
}

/// The caller's reach for editing (which districts and organizations a form may name).
pub fn edit_scope(services: &Services, caller: &Principal) -> sheji_core::identity::Scope {
    caller.scope(Permission::RegistryEdit, services.now())
}

/// One page of the public directory.
pub async fn list_public(
    services: &Services,
    filter: &OrgFilter,
    page: PageRequest,
) -> Result<Page<OrgPublic>, ServiceError> {
    let key = format!("public {filter:?}");
    services
        .kept_page(format!("registry {key} {page:?}"), || async {
            if let Some(ids) = ordered_ids(services, &key, None, filter).await? {
                let rows = store::by_ids(services.store(), slice(&ids, page)).await?;
                return Ok(Page::new(rows.into_iter().map(|(public, _)| public).collect(), page, ids.len() as u64));
            }
            let known = services.cached_count(&key);
            let stamp = services.count_stamp();
            let page = store::list_public(services.store(), filter, page, known).await?;
            if known.is_none() {
                services.remember_count(&key, page.total, stamp);
            }
            Ok(page)
        })
        .await
}

/// The ids of a list in order, from this node's memory if read in the last few seconds (a
/// write on the node forgets them); `None` for a list too long to keep.
async fn ordered_ids(
    services: &Services,
    key: &str,
    scope: Option<&sheji_core::identity::Scope>,
    filter: &OrgFilter,
) -> Result<Option<std::sync::Arc<Vec<i32>>>, ServiceError> {
    if let Some(ids) = services.cached_ids(key) {
        return Ok(Some(ids));
    }
    // One reader builds a list while the others wait for it: when a popular list expires under
    // load, sixty requests reading a hundred thousand ids each at once took seconds.
    let _building = services.id_list_builder().lock().await;
    if let Some(ids) = services.cached_ids(key) {
        return Ok(Some(ids));
    }
    let stamp = services.ids_stamp();
    let Some(ids) = store::ordered_ids(services.store(), scope, filter, crate::ID_LIST_CAP).await? else {
        return Ok(None);
    };
    let ids = std::sync::Arc::new(ids);
    services.remember_ids(key, ids.clone(), stamp);
    Ok(Some(ids))
}

/// The ids of one page of a list.
fn slice(ids: &[i32], page: PageRequest) -> &[i32] {
    let start = usize::try_from(page.offset()).unwrap_or(usize::MAX).min(ids.len());
    let end = start.saturating_add(usize::try_from(page.per_page()).unwrap_or(0)).min(ids.len());
    ids.get(start..end).unwrap_or_default()
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
    let key = format!("private {scope:?} {filter:?}");
    // Kept by reach, before the phones are shown or masked for this caller.
    let page = services
        .kept_page(format!("registry {key} {page:?}"), || async {
            Ok(match ordered_ids(services, &key, Some(&scope), filter).await? {
                Some(ids) => {
                    Page::new(store::by_ids(services.store(), slice(&ids, page)).await?, page, ids.len() as u64)
                }
                None => {
                    let known = services.cached_count(&key);
                    let stamp = services.count_stamp();
                    let page = store::list_private(services.store(), &scope, filter, page, known).await?;
                    if known.is_none() {
                        services.remember_count(&key, page.total, stamp);
                    }
                    page
                }
            })
        })
        .await?;
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
    // Public fields only from here: the same for every such caller, so briefly cached.
    if let Some(public) = services.cached_public(id) {
        return Ok(OrgView { public, private: None });
    }
    let stamp = services.public_stamp();
    let public = store::find_public(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?;
    services.remember_public(&public, stamp);
    Ok(OrgView { public, private: None })
}

/// One organization with its private fields, or 404 when the caller's scope does not reach
/// it (the staff view: never the data, never a hint it exists beyond the public directory).
pub async fn get_private(services: &Services, caller: &Principal, id: OrganizationId) -> Result<OrgView, ServiceError> {
    let scope = caller.scope(Permission::RegistryReadPrivate, services.now());
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let found = match store::find_private(services.store(), &scope, id).await? {
        Some(found) => Some(found),
        // A liaison officer follows the organization wherever it is (a branch officer may be
        // assigned one in another district): they read it as its own district's staff do.
        None if crate::service::is_liaison(services, caller, id).await? => {
            let mut reach = scope.clone();
            reach.organizations.insert(id);
            store::find_private(services.store(), &reach, id).await?
        }
        None => None,
    };
    let (public, private) = found.ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?;
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
            store::list_private(services.store(), &export, filter, PageRequest::new(Some(page), Some(200)), None)
                .await?;
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

/// The filtered, scoped organization list as an .xlsx workbook, written in constant memory
/// (rows stream from the database in keyset pages); phones masked per the caller's rights.
pub async fn export_xlsx(
    services: &Services,
    caller: &Principal,
    filter: &OrgFilter,
    lang: sheji_core::i18n::Lang,
) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{Format, Workbook};
    let now = services.now();
    let export = caller.scope(Permission::RegistryExport, now);
    if export.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let xl = |e: rust_xlsxwriter::XlsxError| ServiceError::Invalid {
        key: "import.unreadable",
        args: vec![("detail", e.to_string())],
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(xl)?;
    let bold = Format::new().set_bold();
    let headers = [
        sheji_core::registry::import::OrgColumn::Uscc.header(),
        sheji_core::registry::import::OrgColumn::Name.header(),
        sheji_core::registry::import::OrgColumn::Kind.header(),
        sheji_core::registry::import::OrgColumn::District.header(),
        sheji_core::registry::import::OrgColumn::Address.header(),
        sheji_core::registry::import::OrgColumn::Industry.header(),
        sheji_core::registry::import::OrgColumn::ContactName.header(),
        sheji_core::registry::import::OrgColumn::ContactPhone.header(),
        "设计驱动型企业库",
    ];
    for (j, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(j).unwrap_or(0), *h, &bold).map_err(xl)?;
    }
    let mut row: u32 = 1;
    let mut after = 0;
    loop {
        let batch = store::list_private_after(services.store(), &export, filter, after, 500).await?;
        let Some((last, _)) = batch.last() else { break };
        after = last.id.get();
        for (public, private) in batch {
            let p = private_view(services, Some(caller), &public, private);
            let cells = [
                public.uscc.clone(),
                public.name.clone(),
                sheji_core::i18n::Lang::Zh.t(&format!("org.kind.{}", public.kind.code())).to_owned(),
                public.district_name.clone(),
                p.address,
                public.industry_code.clone().unwrap_or_default(),
                p.contact_name.unwrap_or_default(),
                p.contact_phone.unwrap_or_default(),
                lang.t(&format!("library.status.{}", public.library_status.code())).to_owned(),
            ];
            for (j, c) in cells.iter().enumerate() {
                sheet.write_string(row, u16::try_from(j).unwrap_or(0), c).map_err(xl)?;
            }
            row += 1;
        }
    }
    book.save_to_buffer().map_err(xl)
}

/// The search documents of these organizations (those that exist). Public text is the
/// description; the address and contact person are private (matched only in scope).
pub(crate) async fn search_documents(services: &Services, ids: &[i64]) -> Result<Vec<Document>, ServiceError> {
    let ids: Vec<OrganizationId> = ids.iter().filter_map(|id| i32::try_from(*id).ok()).map(OrganizationId).collect();
    Ok(library_store::find_states_by_id(services.store(), &ids).await?.into_iter().map(document).collect())
}

/// Up to `limit` search documents after id `after`, in id order (for a rebuild).
pub(crate) async fn search_scan(services: &Services, after: i64, limit: u64) -> Result<Vec<Document>, ServiceError> {
    let after = i32::try_from(after).unwrap_or(i32::MAX);
    Ok(library_store::scan_states(services.store(), after, limit).await?.into_iter().map(document).collect())
}

fn document(state: OrgState) -> Document {
    let f = state.fields;
    let mut facets = vec![(Dimension::Kind, f.kind.code().to_owned())];
    facets.extend(f.clusters.iter().map(|c| (Dimension::Cluster, c.get().to_string())));
    let private_text = [f.address.as_str(), f.contact_name.as_deref().unwrap_or_default()].join(" ");
    Document {
        doc_type: DocType::Organization,
        id: i64::from(state.id.get()),
        title: f.name,
        short_names: f.short_names.into_iter().collect(),
        codes: vec![f.uscc.as_str().to_owned()],
        text: f.description,
        private_text,
        district: Some(f.district_id.get()),
        organization: Some(state.id.get()),
        public: true,
        facets,
    }
}

/// The organization registered under a credit code (public fields), if any.
pub async fn find_by_uscc(
    services: &Services,
    uscc: &sheji_core::registry::uscc::Uscc,
) -> Result<Option<OrgPublic>, ServiceError> {
    Ok(store::find_by_uscc(services.store(), uscc).await?)
}
