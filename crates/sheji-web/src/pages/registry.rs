//! Organization pages: the public directory and detail (public fields for everyone, private
//! ones where the caller's scope reaches), the staff list of the organizations the caller's
//! scope reaches, and its CSV export.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sheji_core::i18n::{self, Lang};
use sheji_core::identity::Permission;
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;
use sheji_service::registry::{self, OrgFilter, OrgPublic, OrgView, PrivateView};
use sheji_service::{ServiceError, reference};

use super::admin::csv_field;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx, Pager};

#[derive(Debug, Deserialize, Default)]
pub struct OrgQuery {
    #[serde(default)]
    district: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: String,
}

impl OrgQuery {
    fn filter(&self) -> OrgFilter {
        OrgFilter { district: self.district.parse().ok().map(DistrictId), kind: self.kind.parse::<OrgKind>().ok() }
    }
}

/// One row of an organization list.
pub struct OrgRow {
    href: String,
    name: String,
    uscc: String,
    kind: String,
    district: String,
    contact: String,
    phone: String,
}

fn row(lang: Lang, href: String, public: &OrgPublic, private: Option<&PrivateView>) -> OrgRow {
    OrgRow {
        href,
        name: public.name.clone(),
        uscc: public.uscc.clone(),
        kind: lang.t(&format!("org.kind.{}", public.kind.code())).to_owned(),
        district: public.district_name.clone(),
        contact: private.and_then(|p| p.contact_name.clone()).unwrap_or_default(),
        phone: private.and_then(|p| p.contact_phone.clone()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct OrganizationsPage {
    chrome: Chrome,
    staff: bool,
    action: &'static str,
    rows: Vec<OrgRow>,
    districts: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, String, bool)>,
    count_line: String,
    export_href: Option<String>,
    pager: Pager,
}

async fn filters(
    state: &AppState,
    lang: Lang,
    q: &OrgQuery,
) -> Result<(Vec<(String, String, bool)>, Vec<(&'static str, String, bool)>), ServiceError> {
    let districts =
        reference::list_districts(&state.services, &Default::default(), PageRequest::new(Some(1), Some(200))).await?;
    Ok((
        districts.items.into_iter().map(|d| (d.id.to_string(), d.name, q.district == d.id.to_string())).collect(),
        OrgKind::ALL
            .iter()
            .map(|k| (k.code(), lang.t(&format!("org.kind.{}", k.code())).to_owned(), q.kind == k.code()))
            .collect(),
    ))
}

pub async fn directory(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OrgQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("nav.organizations").crumb("nav.registry", None);
    let page = registry::list_public(&state.services, &q.filter(), PageRequest::new(q.page.parse().ok(), None)).await;
    let (page, (districts, kinds)) = match (page, filters(&state, lang, &q).await) {
        (Ok(page), Ok(f)) => (page, f),
        (Err(e), _) | (_, Err(e)) => return Err(PageError::service(&e, chrome)),
    };
    let view = OrganizationsPage {
        staff: false,
        action: "/organizations",
        count_line: lang.tf("org.count", &[("n", &i18n::count(page.total))]),
        export_href: None,
        pager: chrome.pager(&page),
        rows: page.items.iter().map(|o| row(lang, format!("/organizations/{}", o.id), o, None)).collect(),
        districts,
        kinds,
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

pub async fn staff_list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<OrgQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("nav.admin_organizations").crumb("nav.registry", None);
    let page =
        match registry::list_private(&state.services, &p, &q.filter(), PageRequest::new(q.page.parse().ok(), None))
            .await
        {
            Ok(page) => page,
            Err(ServiceError::Forbidden) => return Err(PageError::forbidden(chrome)),
            Err(e) => return Err(PageError::service(&e, chrome)),
        };
    let (mut districts, kinds) = match filters(&state, lang, &q).await {
        Ok(f) => f,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    // The district filter offers only districts the caller's scope reaches.
    let scope = p.scope(Permission::RegistryReadPrivate, state.services.now());
    if !scope.all && scope.organizations.is_empty() {
        districts.retain(|(id, _, _)| scope.districts.iter().any(|d| d.to_string() == *id));
    }
    let can_export = p.can(Permission::RegistryExport, state.services.now());
    let view = OrganizationsPage {
        staff: true,
        action: "/admin/organizations",
        count_line: lang.tf("org.count_scoped", &[("n", &i18n::count(page.total))]),
        export_href: can_export
            .then(|| format!("/admin/organizations/export.csv?{}", ctx.uri.query().unwrap_or_default())),
        pager: chrome.pager(&page),
        rows: page
            .items
            .iter()
            .map(|o| row(lang, format!("/admin/organizations/{}", o.public.id), &o.public, o.private.as_ref()))
            .collect(),
        districts,
        kinds,
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage {
    chrome: Chrome,
    org: OrgPublic,
    kind: String,
    industry: String,
    private: Option<PrivateView>,
    founded: String,
    contact: String,
    phone: String,
}

fn detail(chrome: Chrome, lang: Lang, view: OrgView) -> OrganizationPage {
    let p = view.private.as_ref();
    OrganizationPage {
        kind: lang.t(&format!("org.kind.{}", view.public.kind.code())).to_owned(),
        industry: view.public.industry_code.clone().unwrap_or_else(|| "—".to_owned()),
        founded: p.and_then(|p| p.founded_on).map(|d| lang.date(d)).unwrap_or_else(|| "—".to_owned()),
        contact: p.and_then(|p| p.contact_name.clone()).unwrap_or_else(|| "—".to_owned()),
        phone: p.and_then(|p| p.contact_phone.clone()).unwrap_or_else(|| "—".to_owned()),
        org: view.public,
        private: view.private,
        chrome,
    }
}

pub async fn public_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("org.detail").crumb("nav.organizations", Some("/organizations"));
    match registry::get(&state.services, ctx.caller.principal.as_ref(), OrganizationId(id)).await {
        Ok(view) => Ok(render(StatusCode::OK, &detail(chrome, ctx.lang, view))),
        Err(e) => Err(PageError::service(&e, chrome)),
    }
}

pub async fn staff_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("org.detail").crumb("nav.admin_organizations", Some("/admin/organizations"));
    match registry::get_private(&state.services, &p, OrganizationId(id)).await {
        Ok(view) => Ok(render(StatusCode::OK, &detail(chrome, ctx.lang, view))),
        Err(ServiceError::Forbidden) => Err(PageError::forbidden(chrome)),
        Err(e) => Err(PageError::service(&e, chrome)),
    }
}

pub async fn staff_export(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<OrgQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let mut out = String::from("\u{feff}");
    let header =
        ["org.uscc", "org.name", "org.kind", "org.district", "org.address", "org.contact", "org.contact_phone"];
    out.push_str(&header.iter().map(|k| csv_field(lang.t(k))).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    let result = registry::export(&state.services, &p, &q.filter(), |o| {
        let private = o.private.as_ref();
        let cells = [
            o.public.uscc.clone(),
            o.public.name.clone(),
            lang.t(&format!("org.kind.{}", o.public.kind.code())).to_owned(),
            o.public.district_name.clone(),
            private.map(|p| p.address.clone()).unwrap_or_default(),
            private.and_then(|p| p.contact_name.clone()).unwrap_or_default(),
            private.and_then(|p| p.contact_phone.clone()).unwrap_or_default(),
        ];
        out.push_str(&cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    })
    .await;
    match result {
        Ok(_) => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"organizations.csv\""),
            ],
            Body::from(out),
        )
            .into_response()),
        Err(ServiceError::Forbidden) => Err(PageError::forbidden(ctx.chrome("nav.admin_organizations"))),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.admin_organizations"))),
    }
}
