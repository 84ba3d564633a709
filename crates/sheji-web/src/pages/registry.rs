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
use sheji_core::registry::LibraryAction;
use sheji_core::registry::OrgKind;
use sheji_service::registry::{self, OrgFilter, OrgPublic, OrgView, PrivateView, library};
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
    cluster: String,
    #[serde(default)]
    qualification: String,
    #[serde(default)]
    library: String,
    #[serde(default)]
    page: String,
    /// After a bulk admission: how many were admitted.
    #[serde(default)]
    done: String,
}

impl OrgQuery {
    fn filter(&self) -> OrgFilter {
        OrgFilter {
            district: self.district.parse().ok().map(DistrictId),
            kind: self.kind.parse::<OrgKind>().ok(),
            cluster: self.cluster.parse().ok().map(sheji_core::ids::ClusterId),
            qualification: self.qualification.parse().ok(),
            library: self.library.parse().ok(),
        }
    }
}

/// One row of an organization list.
pub struct OrgRow {
    id: OrganizationId,
    library: String,
    library_class: &'static str,
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
        id: public.id,
        library: lang.t(&format!("library.status.{}", public.library_status.code())).to_owned(),
        library_class: public.library_status.badge(),
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
    clusters: Vec<(String, String, bool)>,
    qualifications: Vec<(&'static str, String, bool)>,
    libraries: Vec<(&'static str, String, bool)>,
    count_line: String,
    export_href: Option<String>,
    can_import: bool,
    can_admit: bool,
    notice: Option<String>,
    pager: Pager,
}

/// Select options: (value, label, selected).
type Options = Vec<(String, String, bool)>;
/// Select options with fixed codes.
type CodeOptions = Vec<(&'static str, String, bool)>;
type Choices = (Options, CodeOptions);
type MoreChoices = (Options, CodeOptions, CodeOptions);

async fn more_filters(state: &AppState, lang: Lang, q: &OrgQuery) -> Result<MoreChoices, ServiceError> {
    let clusters = reference::list_clusters(&state.services, None, PageRequest::new(Some(1), Some(200))).await?;
    Ok((
        clusters.items.into_iter().map(|c| (c.id.to_string(), c.name, q.cluster == c.id.to_string())).collect(),
        sheji_core::registry::Qualification::ALL
            .iter()
            .map(|k| (k.code(), lang.t(&format!("qualification.{}", k.code())).to_owned(), q.qualification == k.code()))
            .collect(),
        sheji_core::registry::LibraryStatus::ALL
            .iter()
            .map(|k| (k.code(), lang.t(&format!("library.status.{}", k.code())).to_owned(), q.library == k.code()))
            .collect(),
    ))
}

async fn filters(state: &AppState, lang: Lang, q: &OrgQuery) -> Result<Choices, ServiceError> {
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
        can_import: false,
        can_admit: false,
        notice: None,
        clusters: Vec::new(),
        qualifications: Vec::new(),
        libraries: sheji_core::registry::LibraryStatus::ALL
            .iter()
            .map(|k| (k.code(), lang.t(&format!("library.status.{}", k.code())).to_owned(), q.library == k.code()))
            .collect(),
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
    let can_edit = p.can(Permission::RegistryEdit, state.services.now());
    let (clusters, qualifications, libraries) = match more_filters(&state, lang, &q).await {
        Ok(f) => f,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let view = OrganizationsPage {
        staff: true,
        action: "/admin/organizations",
        count_line: lang.tf("org.count_scoped", &[("n", &i18n::count(page.total))]),
        export_href: can_export
            .then(|| format!("/admin/organizations/export.xlsx?{}", ctx.uri.query().unwrap_or_default())),
        can_import: can_edit,
        can_admit: can_edit,
        notice: (!q.done.is_empty()).then(|| lang.tf("library.admitted", &[("n", &q.done)])),
        clusters,
        qualifications,
        libraries,
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

/// The library tab as the page shows it.
pub struct LibraryTab {
    headers: Vec<String>,
    years: Vec<(i32, Vec<String>)>,
    bars: Vec<(i32, u32, String)>,
    checklist: Vec<(String, String, String, bool)>,
    actions: Vec<(&'static str, String)>,
    history: Vec<(String, String, String, String)>,
}

fn library_tab(lang: Lang, v: library::LibraryView) -> LibraryTab {
    let money = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), i18n::wan_yuan);
    let count =
        |x: Option<i64>| x.map_or_else(|| "—".to_owned(), |n| i18n::count(u64::try_from(n).unwrap_or_default()));
    let headers = [
        "revenue",
        "rd_spend",
        "design_investment",
        "staff_total",
        "design_staff",
        "senior_design_staff",
        "design_patents",
        "new_product_sales",
        "design_service_revenue",
        "awards",
    ]
    .iter()
    .map(|k| lang.t(&format!("indicator.{k}")).to_owned())
    .collect();
    let max = v.indicators.iter().filter_map(|(_, i)| i.design_investment).fold(0.0_f64, f64::max);
    LibraryTab {
        headers,
        years: v
            .indicators
            .iter()
            .map(|(y, i)| {
                (
                    *y,
                    vec![
                        money(i.revenue),
                        money(i.rd_spend),
                        money(i.design_investment),
                        count(i.staff_total),
                        count(i.design_staff),
                        count(i.senior_design_staff),
                        count(i.design_patents),
                        money(i.new_product_sales),
                        money(i.design_service_revenue),
                        count(i.awards),
                    ],
                )
            })
            .collect(),
        bars: v
            .indicators
            .iter()
            .map(|(y, i)| {
                let value = i.design_investment.unwrap_or(0.0);
                // Widths in steps of 5 %, as classes: the CSP allows no inline styles.
                let width = if max > 0.0 { ((value / max * 20.0).round() as u32) * 5 } else { 0 };
                (*y, width.min(100), money(i.design_investment))
            })
            .collect(),
        checklist: v
            .checklist
            .iter()
            .map(|c| (lang.t(c.key).to_owned(), c.required.clone(), c.actual.clone(), c.passed))
            .collect(),
        actions: v
            .actions
            .iter()
            .map(|a| (a.code(), lang.t(&format!("library.action.{}", a.code())).to_owned()))
            .collect(),
        history: v
            .history
            .iter()
            .map(|h| {
                let step = format!(
                    "{} → {}",
                    lang.t(&format!("library.status.{}", h.from.code())),
                    lang.t(&format!("library.status.{}", h.to.code()))
                );
                (i18n::datetime(h.at), step, h.reason.clone(), h.actor.clone())
            })
            .collect(),
    }
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
    library_label: String,
    library_class: &'static str,
    library: Option<LibraryTab>,
    notice: Option<String>,
}

fn detail(chrome: Chrome, lang: Lang, view: OrgView) -> OrganizationPage {
    let p = view.private.as_ref();
    OrganizationPage {
        library_label: lang.t(&format!("library.status.{}", view.public.library_status.code())).to_owned(),
        library_class: view.public.library_status.badge(),
        library: None,
        notice: None,
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

async fn staff_page(
    state: &AppState,
    ctx: &Ctx,
    p: &sheji_core::identity::Principal,
    id: OrganizationId,
    notice: Option<String>,
) -> Result<OrganizationPage, PageError> {
    let chrome = ctx.chrome("org.detail").crumb("nav.admin_organizations", Some("/admin/organizations"));
    let view = match registry::get_private(&state.services, p, id).await {
        Ok(view) => view,
        Err(ServiceError::Forbidden) => return Err(PageError::forbidden(chrome)),
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let lib = match library::view(&state.services, p, id).await {
        Ok(l) => l,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let mut page = detail(chrome, ctx.lang, view);
    page.library = Some(library_tab(ctx.lang, lib));
    page.notice = notice;
    Ok(page)
}

pub async fn staff_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("library.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &staff_page(&state, &ctx, &p, OrganizationId(id), notice).await?))
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct LibraryForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn library_action(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    axum::Form(f): axum::Form<LibraryForm>,
) -> Result<Response, PageError> {
    let id = OrganizationId(id);
    let result = match f.action.parse::<LibraryAction>() {
        Ok(action) => library::act(&state.services, &p, id, action, &f.reason, &c.ip).await.map(|_| action),
        Err(_) => Err(ServiceError::Invalid { key: "library.illegal", args: vec![] }),
    };
    match result {
        Ok(action) => {
            Ok(axum::response::Redirect::to(&format!("/admin/organizations/{id}?done={}", action.code()))
                .into_response())
        }
        Err(e @ (ServiceError::Forbidden | ServiceError::NotFound { .. })) => {
            Err(PageError::service(&e, ctx.chrome("org.detail")))
        }
        Err(e) => {
            let status =
                if matches!(e, ServiceError::Conflict { .. }) { StatusCode::CONFLICT } else { StatusCode::BAD_REQUEST };
            Ok(render(status, &staff_page(&state, &ctx, &p, id, Some(e.message(ctx.lang))).await?))
        }
    }
}

pub async fn staff_export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<OrgQuery>,
) -> Result<Response, PageError> {
    match registry::export_xlsx(&state.services, &p, &q.filter(), ctx.lang).await {
        Ok(bytes) => Ok(xlsx_response(bytes, "organizations.xlsx")),
        Err(ServiceError::Forbidden) => Err(PageError::forbidden(ctx.chrome("nav.admin_organizations"))),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.admin_organizations"))),
    }
}

/// An .xlsx download.
pub fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        Body::from(bytes),
    )
        .into_response()
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

/// Admits the ticked organizations into the library.
pub async fn admit_selected(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let ids: Vec<OrganizationId> = body
        .split('&')
        .filter_map(|pair| pair.strip_prefix("ids="))
        .filter_map(|v| v.parse::<i32>().ok())
        .map(OrganizationId)
        .collect();
    match library::admit_many(&state.services, &p, &ids, &c.ip).await {
        Ok((n, _)) => {
            Ok(axum::response::Redirect::to(&format!("/admin/organizations?library=in_library&done={n}"))
                .into_response())
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.admin_organizations"))),
    }
}
