//! Organization pages: the public directory and detail (public fields for everyone, private
//! ones where the caller's scope reaches), the staff list of the organizations the caller's
//! scope reaches, and its CSV export.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sheji_core::i18n::{self, Lang};
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;
use sheji_core::registry::{LibraryAction, LibraryDecision};
use sheji_service::registry::edit::{self, FiguresInput, OrgInput};
use sheji_service::registry::{self, OrgFilter, OrgPublic, OrgView, PrivateView, library};

use crate::forms::{self, Fields, FormState};
use sheji_service::{ErrorKind, ServiceError, reference};

use crate::AppState;
use crate::auth::PageUser;
use crate::download::{CsvOut, xlsx_response};
use crate::error::{PageError, render, status_of};
use crate::layout::{Choice, Chrome, Ctx, Pager, TimelineEntry};

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
    /// After a bulk admission: the organizations the checklist left out.
    #[serde(default)]
    left: String,
    #[serde(default)]
    sort: String,
}

impl OrgQuery {
    fn filter(&self) -> OrgFilter {
        OrgFilter {
            district: self.district.parse().ok().map(DistrictId),
            kind: self.kind.parse::<OrgKind>().ok(),
            cluster: self.cluster.parse().ok().map(sheji_core::ids::ClusterId),
            qualification: self.qualification.parse().ok(),
            library: self.library.parse().ok(),
            sort: match self.sort.as_str() {
                "name" => registry::OrgSort::Name,
                "newest" => registry::OrgSort::Newest,
                _ => registry::OrgSort::Registered,
            },
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
#[template(path = "registry/organizations.html")]
struct OrganizationsPage {
    chrome: Chrome,
    staff: bool,
    action: &'static str,
    rows: Vec<OrgRow>,
    districts: Vec<Choice>,
    kinds: Vec<Choice>,
    clusters: Vec<Choice>,
    qualifications: Vec<Choice>,
    libraries: Vec<Choice>,
    count_line: String,
    export_href: Option<String>,
    can_import: bool,
    can_admit: bool,
    notice: Option<String>,
    name_sort: &'static str,
    name_sort_href: String,
    newest_href: String,
    pager: Pager,
}

/// The district and kind filters.
type Choices = (Vec<Choice>, Vec<Choice>);
/// The cluster, qualification and library filters (staff only).
type MoreChoices = (Vec<Choice>, Vec<Choice>, Vec<Choice>);

async fn more_filters(state: &AppState, lang: Lang, q: &OrgQuery) -> Result<MoreChoices, ServiceError> {
    let clusters = reference::list_clusters(&state.services, None, PageRequest::new(Some(1), Some(200))).await?;
    Ok((
        clusters
            .items
            .into_iter()
            .map(|c| Choice::selected_if(c.id.to_string(), c.name, q.cluster == c.id.to_string()))
            .collect(),
        sheji_core::registry::Qualification::ALL
            .iter()
            .map(|k| {
                Choice::selected_if(
                    k.code(),
                    lang.t(&format!("qualification.{}", k.code())),
                    q.qualification == k.code(),
                )
            })
            .collect(),
        sheji_core::registry::LibraryStatus::ALL
            .iter()
            .map(|k| {
                Choice::selected_if(k.code(), lang.t(&format!("library.status.{}", k.code())), q.library == k.code())
            })
            .collect(),
    ))
}

async fn filters(state: &AppState, lang: Lang, q: &OrgQuery) -> Result<Choices, ServiceError> {
    // Pickers offer districts in force only (the issue of abolished names in pickers); an
    // organization still filed under an abolished one is found by name or code.
    let in_force =
        reference::DistrictFilter { status: Some(sheji_core::reference::DistrictStatus::Active), ..Default::default() };
    let districts = reference::list_districts(&state.services, &in_force, PageRequest::new(Some(1), Some(200))).await?;
    Ok((
        districts
            .items
            .into_iter()
            .map(|d| Choice::selected_if(d.id.to_string(), d.name, q.district == d.id.to_string()))
            .collect(),
        OrgKind::ALL
            .iter()
            .map(|k| Choice::selected_if(k.code(), lang.t(&format!("org.kind.{}", k.code())), q.kind == k.code()))
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
        name_sort: if q.sort == "name" { "ascending" } else { "none" },
        name_sort_href: chrome.href_with("sort", if q.sort == "name" { "" } else { "name" }),
        newest_href: chrome.href_with("sort", "newest"),
        clusters: Vec::new(),
        qualifications: Vec::new(),
        libraries: sheji_core::registry::LibraryStatus::ALL
            .iter()
            .map(|k| {
                Choice::selected_if(k.code(), lang.t(&format!("library.status.{}", k.code())), q.library == k.code())
            })
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
    let may = sheji_service::registry::actions(&state.services, &p);
    if !may.read.all && may.read.organizations.is_empty() {
        districts.retain(|c| may.read.districts.iter().any(|d| d.to_string() == c.value));
    }
    let (clusters, qualifications, libraries) = match more_filters(&state, lang, &q).await {
        Ok(f) => f,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let left: std::collections::BTreeSet<OrganizationId> =
        q.left.split(',').filter_map(|x| x.trim().parse::<i32>().ok()).map(OrganizationId).take(50).collect();
    let left_out: Vec<String> = if left.is_empty() {
        Vec::new()
    } else {
        match sheji_service::registry::names(&state.services, &left).await {
            Ok(names) => names.into_values().collect(),
            Err(e) => return Err(PageError::service(&e, chrome)),
        }
    };
    let view = OrganizationsPage {
        staff: true,
        action: "/admin/organizations",
        count_line: lang.tf("org.count_scoped", &[("n", &i18n::count(page.total))]),
        export_href: may
            .export
            .then(|| format!("/admin/organizations/export.xlsx?{}", ctx.uri.query().unwrap_or_default())),
        can_import: may.edit,
        can_admit: may.admit,
        name_sort: if q.sort == "name" { "ascending" } else { "none" },
        name_sort_href: chrome.href_with("sort", if q.sort == "name" { "" } else { "name" }),
        newest_href: chrome.href_with("sort", "newest"),
        notice: (!q.done.is_empty()).then(|| {
            let admitted = lang.tf("library.admitted", &[("n", &q.done)]);
            if left_out.is_empty() {
                admitted
            } else {
                format!("{admitted} {}", lang.tf("library.left_out", &[("names", &lang.join_list(&left_out))]))
            }
        }),
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
    years: Vec<YearFigures>,
    bars: Vec<InvestmentBar>,
    checklist: Vec<Criterion>,
    actions: Vec<ActionButton>,
    /// Status changes (the reason as the note), for the timeline.
    history: Vec<TimelineEntry>,
    /// Whether the caller may confirm a year's figures.
    can_confirm: bool,
}

/// One year's row of the indicator table: the year and its cells, formatted.
pub struct YearFigures {
    year: i32,
    /// One cell per column of `LibraryTab::headers`.
    cells: Vec<String>,
    /// Who entered them, how and when ("bishan · 表单填报 · 2026-12-06 10:00").
    entered: String,
    /// The district's confirmation ("已确认：bishan · …"), empty while unconfirmed.
    confirmed: String,
    /// When they were entered (Unix ms): the confirmation names the figures it confirms.
    entered_ms: i64,
}

/// One year's bar of the design investment chart.
pub struct InvestmentBar {
    year: i32,
    /// Width in per cent, in steps of 5 (a CSS class).
    width: u32,
    /// The amount, formatted.
    label: String,
}

/// One criterion of the library checklist and whether the organization meets it.
pub struct Criterion {
    label: String,
    required: String,
    actual: String,
    passed: bool,
}

/// A library decision the caller may take: the action's code and its button text.
pub struct ActionButton {
    code: &'static str,
    label: String,
}

/// An organization's application to the library.
struct LibraryApplicationLine {
    submitted_at: String,
    /// Its status, as shown.
    status: String,
    /// The status's badge tone.
    class: &'static str,
    submitted_by: String,
    /// Who decided it and when ("" while open).
    decided: String,
    /// The decision's comment; may be empty.
    comment: String,
}

/// One field of the yearly figures form: its name and label (with the unit for amounts).
struct FigureField {
    name: &'static str,
    label: String,
}

fn criterion(lang: Lang, c: &sheji_core::registry::CheckItem) -> Criterion {
    Criterion {
        label: lang.t(c.key).to_owned(),
        required: c.required.clone(),
        actual: c.actual.clone(),
        passed: c.passed,
    }
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
        can_confirm: v.can_confirm,
        years: v
            .records
            .iter()
            .map(|r| (r.year, &r.figures, r))
            .map(|(y, i, r)| YearFigures {
                year: y,
                entered_ms: r.entered_at.timestamp_millis(),
                entered: {
                    let at = i18n::datetime(r.entered_at);
                    match (r.entered_by.as_deref(), r.entered_via.as_deref()) {
                        (Some(who), Some(via)) => {
                            let who = if who == "system" { lang.t("indicator.by_platform") } else { who };
                            let key = format!("indicator.via.{via}");
                            let via = lang.t(&key);
                            lang.tf("indicator.entered", &[("who", who), ("via", via), ("at", &at)])
                        }
                        // Figures stored before the platform kept their source.
                        _ => lang.tf("indicator.entered_unknown", &[("at", &at)]),
                    }
                },
                confirmed: match (&r.confirmed_by, r.confirmed_at) {
                    (Some(by), Some(at)) => lang.tf("indicator.confirmed", &[("who", by), ("at", &i18n::datetime(at))]),
                    _ => String::new(),
                },
                cells: vec![
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
            })
            .collect(),
        bars: v
            .indicators
            .iter()
            .map(|(y, i)| {
                let value = i.design_investment.unwrap_or(0.0);
                // Widths in steps of 5 %, as classes: the CSP allows no inline styles.
                let width = if max > 0.0 { ((value / max * 20.0).round() as u32) * 5 } else { 0 };
                InvestmentBar { year: *y, width: width.min(100), label: money(i.design_investment) }
            })
            .collect(),
        checklist: v.checklist.iter().map(|c| criterion(lang, c)).collect(),
        actions: v
            .actions
            .iter()
            .map(|a| ActionButton { code: a.code(), label: lang.t(&format!("library.action.{}", a.code())).to_owned() })
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
                TimelineEntry { at: i18n::datetime(h.at), what: step, who: h.actor.clone(), note: h.reason.clone() }
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "registry/organization.html")]
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
    can_edit: bool,
    form: FormState,
    figure_fields: Vec<FigureField>,
    can_apply: bool,
    applications: Vec<LibraryApplicationLine>,
    /// Latest services as timeline entries (day, kind, no one, summary), where the caller may
    /// see them.
    services: Option<Vec<TimelineEntry>>,
    /// Its recognitions (public): certificate, tier, valid until, standing.
    recognitions: Vec<crate::recognition::pages::HeldLine>,
}

/// An industry division as people read it: "13 农副食品加工业", the bare code only if unknown.
fn industry_label(code: Option<&str>, divisions: &[(String, String)]) -> String {
    match code {
        None => "—".to_owned(),
        Some(c) => divisions.iter().find(|(d, _)| d == c).map_or_else(|| c.to_owned(), |(d, n)| format!("{d} {n}")),
    }
}

fn detail(chrome: Chrome, lang: Lang, view: OrgView, divisions: &[(String, String)]) -> OrganizationPage {
    let p = view.private.as_ref();
    OrganizationPage {
        library_label: lang.t(&format!("library.status.{}", view.public.library_status.code())).to_owned(),
        library_class: view.public.library_status.badge(),
        library: None,
        notice: None,
        can_edit: false,
        form: FormState::default(),
        figure_fields: Vec::new(),
        can_apply: false,
        services: None,
        recognitions: Vec::new(),
        applications: Vec::new(),
        kind: lang.t(&format!("org.kind.{}", view.public.kind.code())).to_owned(),
        industry: industry_label(view.public.industry_code.as_deref(), divisions),
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
    let found = async {
        let view = registry::get(&state.services, ctx.caller.principal.as_ref(), OrganizationId(id)).await?;
        Ok::<_, ServiceError>((view, reference::industry_divisions(&state.services).await?))
    };
    match found.await {
        Ok((view, divisions)) => {
            let mut page = detail(chrome.clone(), ctx.lang, view, &divisions);
            page.recognitions = crate::recognition::pages::held_lines(&state, ctx.lang, OrganizationId(id))
                .await
                .map_err(|e| PageError::service(&e, chrome))?;
            Ok(render(StatusCode::OK, &page))
        }
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
    staff_page_with(state, ctx, p, id, notice, FormState::default()).await
}

/// `form` with the latest year's stored figures filled in.
fn latest_figures(indicators: &[(i32, sheji_core::registry::Indicators)], mut form: FormState) -> FormState {
    let Some((year, figures)) = indicators.iter().max_by_key(|(y, _)| *y) else { return form };
    form = form.keep("year", &year.to_string());
    let values = serde_json::to_value(figures).unwrap_or_default();
    for (field, _) in edit::FIGURE_FIELDS {
        let shown = match values.get(field) {
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        form = form.keep(field, &shown);
    }
    form
}

async fn staff_page_with(
    state: &AppState,
    ctx: &Ctx,
    p: &sheji_core::identity::Principal,
    id: OrganizationId,
    notice: Option<String>,
    form: FormState,
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
    let can_edit = sheji_service::registry::may_edit(&state.services, p, &view.public);
    let status = view.public.library_status;
    let apps = async {
        Ok::<_, ServiceError>((
            library::can_apply(&state.services, p, id, status).await?,
            library::applications_of(&state.services, p, id).await?,
            reference::industry_divisions(&state.services).await?,
        ))
    };
    let (can_apply, applications, divisions) = match apps.await {
        Ok(a) => a,
        Err(e) => return Err(PageError::service(&e, ctx.chrome("org.detail"))),
    };
    let recent = sheji_service::service::view(&state.services, p, id, PageRequest::new(Some(1), Some(5))).await.ok();
    let mut page = detail(chrome, ctx.lang, view, &divisions);
    page.recognitions = crate::recognition::pages::held_lines(state, ctx.lang, id)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("org.detail")))?;
    page.services = recent.map(|v| {
        v.records
            .items
            .iter()
            .map(|r| TimelineEntry {
                at: r.served_on.to_string(),
                what: ctx.lang.t(&format!("service.kind.{}", r.kind.code())).to_owned(),
                who: String::new(),
                note: r.summary.clone(),
            })
            .collect()
    });
    // A fresh figures form opens with the latest year as stored, so changing one value does
    // not mean typing all the others again.
    let form =
        if form.has_errors() || !form.value("year").is_empty() { form } else { latest_figures(&lib.indicators, form) };
    page.library = Some(library_tab(ctx.lang, lib));
    page.notice = notice;
    page.can_edit = can_edit;
    page.can_apply = can_apply;
    page.applications = applications
        .into_iter()
        .map(|a| LibraryApplicationLine {
            submitted_at: i18n::datetime(a.submitted_at),
            status: ctx.lang.t(&format!("library.application.{}", a.status.code())).to_owned(),
            class: a.status.badge(),
            submitted_by: a.submitted_by,
            decided: match (a.decided_by, a.decided_at) {
                (Some(by), Some(at)) => ctx.lang.tf("library.decided_by", &[("who", &by), ("at", &i18n::datetime(at))]),
                _ => String::new(),
            },
            comment: a.comment.unwrap_or_default(),
        })
        .collect();
    page.form = form;
    page.figure_fields = edit::FIGURE_FIELDS
        .iter()
        .map(|(f, money)| {
            let label = ctx.lang.t(&format!("indicator.{f}")).to_owned();
            FigureField {
                name: f,
                label: if *money {
                    ctx.lang.tf("page.paren", &[("text", &label), ("detail", ctx.lang.t("unit.wan_yuan"))])
                } else {
                    label
                },
            }
        })
        .collect();
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

pub async fn staff_export(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<OrgQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let mut out = CsvOut::new(
        lang,
        &["org.uscc", "org.name", "org.kind", "org.district", "org.address", "org.contact", "org.contact_phone"],
    );
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
        out.row(&cells);
    })
    .await;
    match result {
        Ok(_) => Ok(out.into_response("organizations.csv")),
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
        Ok(bulk) => {
            // Those the checklist kept out are named on the page it returns to.
            let left: Vec<String> = bulk.not_eligible.iter().take(50).map(|(id, _)| id.to_string()).collect();
            Ok(axum::response::Redirect::to(&format!(
                "/admin/organizations?library=in_library&done={}&left={}",
                bulk.admitted,
                left.join(",")
            ))
            .into_response())
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.admin_organizations"))),
    }
}

#[derive(Template)]
#[template(path = "registry/org_form.html")]
struct OrgFormPage {
    chrome: Chrome,
    form: FormState,
    creating: bool,
    action: String,
    cancel: String,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
    clusters: Vec<Choice>,
    /// Industry division codes (value and text alike).
    industries: Vec<Choice>,
    qualifications: Vec<QualificationCheck>,
}

/// A qualification on the organization form: a checkbox with the year it was obtained.
struct QualificationCheck {
    code: &'static str,
    label: String,
    checked: bool,
    /// The year as typed (kept even when the box is not ticked).
    year: String,
}

/// The organization form as typed; the service parses and checks every field at once (a
/// credit code, a date, a district), so each keeps its own message.
fn input_from_body(body: &str) -> OrgInput {
    let f = Fields::new(body);
    OrgInput {
        uscc: f.text("uscc"),
        name: f.text("name"),
        short_names: f.text("short_names"),
        kind: f.text("kind"),
        district_id: f.text("district_id"),
        address: f.text("address"),
        clusters: f.all("clusters"),
        industry_code: f.text("industry_code"),
        qualifications: f
            .all("qualifications")
            .into_iter()
            .map(|q| {
                let year = f.text(&format!("year_{q}"));
                (q, year)
            })
            .collect(),
        website: f.text("website"),
        description: f.text("description"),
        founded_on: f.text("founded_on"),
        contact_name: f.text("contact_name"),
        contact_phone: f.text("contact_phone"),
    }
}

async fn org_form(
    state: &AppState,
    ctx: &Ctx,
    p: &sheji_core::identity::Principal,
    input: &OrgInput,
    form: FormState,
    target: Option<OrganizationId>,
) -> Result<OrgFormPage, PageError> {
    let lang = ctx.lang;
    let title = if target.is_some() { "org.edit" } else { "org.new" };
    let chrome = ctx.chrome(title).crumb("nav.admin_organizations", Some("/admin/organizations"));
    let scope = sheji_service::registry::edit_scope(&state.services, p);
    let lists = async {
        let districts =
            reference::list_districts(&state.services, &Default::default(), PageRequest::new(Some(1), Some(200)))
                .await?;
        let clusters = reference::list_clusters(&state.services, None, PageRequest::new(Some(1), Some(200))).await?;
        let industries = reference::industry_divisions(&state.services).await?;
        Ok::<_, ServiceError>((districts.items, clusters.items, industries))
    };
    let (districts, clusters, industries) = match lists.await {
        Ok(l) => l,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let form = form
        .keep("uscc", &input.uscc)
        .keep("name", &input.name)
        .keep("short_names", &input.short_names)
        .keep("kind", &input.kind)
        .keep("district_id", &input.district_id)
        .keep("address", &input.address)
        .keep("industry_code", &input.industry_code)
        .keep("website", &input.website)
        .keep("description", &input.description)
        .keep("founded_on", &input.founded_on)
        .keep("contact_name", &input.contact_name)
        .keep("contact_phone", &input.contact_phone);
    Ok(OrgFormPage {
        creating: target.is_none(),
        action: target
            .map_or_else(|| "/admin/organizations/new".to_owned(), |id| format!("/admin/organizations/{id}/edit")),
        cancel: target.map_or_else(|| "/admin/organizations".to_owned(), |id| format!("/admin/organizations/{id}")),
        kinds: OrgKind::ALL.iter().map(|k| Choice::new(k.code(), lang.t(&format!("org.kind.{}", k.code())))).collect(),
        // The picker offers only districts in force that the caller's scope reaches.
        districts: districts
            .into_iter()
            .filter(|d| {
                d.status.accepts_new_records()
                    && (scope.all || scope.districts.contains(&d.id) || input.district_id == d.id.to_string())
            })
            .map(|d| Choice::new(d.id.to_string(), d.name))
            .collect(),
        clusters: clusters
            .into_iter()
            .map(|c| Choice::selected_if(c.id.to_string(), c.name, input.clusters.contains(&c.id.to_string())))
            .collect(),
        industries: industries
            .into_iter()
            .map(|(code, name)| Choice::new(code.clone(), format!("{code} {name}")))
            .collect(),
        qualifications: sheji_core::registry::Qualification::ALL
            .iter()
            .map(|q| {
                let chosen = input.qualifications.iter().find(|(c, _)| c == q.code());
                QualificationCheck {
                    code: q.code(),
                    label: lang.t(&format!("qualification.{}", q.code())).to_owned(),
                    checked: chosen.is_some(),
                    // A year typed next to an unticked qualification is kept too.
                    year: chosen
                        .map_or_else(|| form.value(&format!("year_{}", q.code())).to_owned(), |(_, y)| y.clone()),
                }
            })
            .collect(),
        form,
        chrome,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    if !sheji_service::registry::actions(&state.services, &p).edit {
        return Err(PageError::forbidden(ctx.chrome("org.new")));
    }
    Ok(render(StatusCode::OK, &org_form(&state, &ctx, &p, &OrgInput::default(), FormState::default(), None).await?))
}

pub async fn new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let input = input_from_body(&body);
    match edit::create(&state.services, &p, &input, &c.ip).await {
        Ok(id) => Ok(axum::response::Redirect::to(&format!("/admin/organizations/{id}?done=created")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "org.new", |form| {
                org_form(&state, &ctx, &p, &input, form, None)
            })
            .await
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let id = OrganizationId(id);
    match edit::form_of(&state.services, &p, id).await {
        Ok(input) => {
            Ok(render(StatusCode::OK, &org_form(&state, &ctx, &p, &input, FormState::default(), Some(id)).await?))
        }
        Err(ServiceError::Forbidden) => Err(PageError::forbidden(ctx.chrome("org.edit"))),
        Err(e) => Err(PageError::service(&e, ctx.chrome("org.edit"))),
    }
}

pub async fn edit_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = OrganizationId(id);
    let mut input = input_from_body(&body);
    match edit::update(&state.services, &p, id, &input, &c.ip).await {
        Ok(changed) => Ok(axum::response::Redirect::to(&format!(
            "/admin/organizations/{id}?done={}",
            if changed { "saved" } else { "unchanged" }
        ))
        .into_response()),
        Err(e) => {
            // The credit code is not editable: show the stored one.
            if let Ok(stored) = edit::form_of(&state.services, &p, id).await {
                input.uscc = stored.uscc;
            }
            forms::refused(e, FormState::from_body(&body), &ctx, "org.edit", |form| {
                org_form(&state, &ctx, &p, &input, form, Some(id))
            })
            .await
        }
    }
}

pub async fn figures_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = OrganizationId(id);
    let f = Fields::new(&body);
    let mut input = FiguresInput { year: f.text("year"), ..Default::default() };
    for (field, _) in edit::FIGURE_FIELDS {
        input.values.insert(field, f.text(field));
    }
    match edit::save_figures(&state.services, &p, id, &input, &c.ip).await {
        Ok(()) => Ok(axum::response::Redirect::to(&format!("/admin/organizations/{id}?done=figures")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "org.detail", |form| {
                staff_page_with(&state, &ctx, &p, id, None, form)
            })
            .await
        }
    }
}

pub async fn figures_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, year)): Path<(i32, i32)>,
    body: String,
) -> Result<Response, PageError> {
    let id = OrganizationId(id);
    // A form without the time it saw confirms nothing.
    let seen = Fields::new(&body).text("seen").parse::<i64>().unwrap_or(-1);
    match edit::confirm_figures(&state.services, &p, id, year, seen, &c.ip).await {
        Ok(()) => {
            Ok(axum::response::Redirect::to(&format!("/admin/organizations/{id}?done=confirmed")).into_response())
        }
        Err(e @ ServiceError::Conflict { .. }) => {
            let notice = Some(e.message(ctx.lang));
            let page = staff_page_with(&state, &ctx, &p, id, notice, FormState::default()).await?;
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("org.detail"))),
    }
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = OrganizationId(id);
    let statement = Fields::new(&body).text("statement");
    match library::apply(&state.services, &p, id, &statement, &c.ip).await {
        Ok(_) => Ok(axum::response::Redirect::to(&format!("/admin/organizations/{id}?done=applied")).into_response()),
        Err(e) => {
            // A refusal that is not about the statement (applied already) shows at the top too.
            let notice = (!matches!(e, ServiceError::Fields(_))).then(|| e.message(ctx.lang));
            forms::refused(e, FormState::from_body(&body), &ctx, "org.detail", |form| {
                staff_page_with(&state, &ctx, &p, id, notice, form)
            })
            .await
        }
    }
}

/// One open application in the district's queue, with the organization's checklist.
pub struct ApplicationRow {
    id: i32,
    org: OrganizationId,
    name: String,
    by: String,
    at: String,
    statement: String,
    checklist: Vec<Criterion>,
    /// Whether every criterion passes (the queue says so at a glance).
    eligible: bool,
    /// The comment as typed, when a decision on this application was refused.
    comment: String,
    /// Why it was refused.
    error: String,
}

fn application_row(lang: Lang, q: library::QueuedApplication) -> ApplicationRow {
    let a = q.application;
    ApplicationRow {
        id: a.id,
        org: a.organization,
        name: a.organization_name,
        by: a.submitted_by,
        at: i18n::datetime(a.submitted_at),
        statement: a.statement,
        eligible: q.checklist.iter().all(|c| c.passed),
        checklist: q.checklist.iter().map(|c| criterion(lang, c)).collect(),
        comment: String::new(),
        error: String::new(),
    }
}

#[derive(Template)]
#[template(path = "registry/applications.html")]
struct ApplicationsPage {
    chrome: Chrome,
    rows: Vec<ApplicationRow>,
    notice: Option<String>,
    /// A refused decision: the application, what was wrong and the comment as typed.
    refused: Option<RefusedDecision>,
    pager: Pager,
    /// This page's number: a decision posts it, so a refusal comes back to the same page.
    page: u64,
}

/// A decision the service refused, shown beside its application with the comment kept.
struct RefusedDecision {
    application: i32,
    message: String,
    comment: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    page: String,
}

/// The open applications the caller may decide, one page, with a notice above them.
async fn applications_page(
    state: &AppState,
    ctx: &Ctx,
    p: &sheji_core::identity::Principal,
    request: PageRequest,
    notice: Option<String>,
    refused: Option<RefusedDecision>,
) -> Result<ApplicationsPage, PageError> {
    let chrome = ctx.chrome("nav.applications").crumb("nav.registry", None);
    let page = match library::queue(&state.services, p, request).await {
        Ok(page) => page,
        Err(ServiceError::Forbidden) => return Err(PageError::forbidden(chrome)),
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let pager = chrome.pager(&page);
    let rows = page
        .items
        .into_iter()
        .map(|q| {
            let mut row = application_row(ctx.lang, q);
            if let Some(f) = refused.as_ref().filter(|f| f.application == row.id) {
                row.comment.clone_from(&f.comment);
                row.error.clone_from(&f.message);
            }
            row
        })
        .collect();
    Ok(ApplicationsPage { notice, refused, pager, rows, page: page.page, chrome })
}

pub async fn applications(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("library.done.{}", q.done)).to_owned());
    let request = PageRequest::new(q.page.parse().ok(), None);
    Ok(render(StatusCode::OK, &applications_page(&state, &ctx, &p, request, notice, None).await?))
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let comment = f.text("comment");
    let page = PageRequest::new(f.text("page").parse().ok(), None);
    let result = match LibraryDecision::parse(&f.text("decision")) {
        Some(decision) => library::decide(&state.services, &p, id, decision, &comment, &c.ip).await.map(|()| decision),
        None => Err(ServiceError::Invalid { key: "library.decision_missing", args: vec![] }),
    };
    match result {
        Ok(decision) => Ok(axum::response::Redirect::to(&format!(
            "/admin/library/applications?done={}",
            match decision {
                LibraryDecision::Accept => "admit",
                LibraryDecision::Return => "return",
                LibraryDecision::Reject => "reject",
            }
        ))
        .into_response()),
        Err(e) if forms::belongs_on_form(&e) && e.kind() != ErrorKind::Internal => {
            let refused = RefusedDecision { application: id, message: e.message(ctx.lang), comment };
            let view = applications_page(&state, &ctx, &p, page, None, Some(refused)).await?;
            Ok(render(status_of(e.kind()), &view))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.applications"))),
    }
}
