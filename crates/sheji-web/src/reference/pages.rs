//! 区县 and 产业集群 pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sheji_core::i18n::Lang;
use sheji_core::page::PageRequest;
use sheji_core::reference::{Cluster, District, DistrictKind, DistrictStatus};
use sheji_service::reference::{self, DistrictSort};

use crate::AppState;
use crate::error::{PageError, render};
use crate::layout::{Choice, Chrome, Ctx, Pager};
use crate::reference::api::district_filter;

/// Filters typed into the page's form; unknown values are ignored rather than refused, so a
/// stale bookmark still opens.
#[derive(Debug, Deserialize, Default)]
pub struct DistrictParams {
    kind: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

/// One row as the table shows it.
pub struct DistrictRow {
    name: String,
    code: String,
    kind: String,
    status: String,
    status_class: &'static str,
    ended: String,
}

fn district_row(lang: Lang, d: District) -> DistrictRow {
    let status_class = match d.status {
        DistrictStatus::Active => "passed",
        DistrictStatus::Abolished => "rejected",
        DistrictStatus::Superseded => "draft",
    };
    let ended = match (d.status, d.valid_to) {
        (DistrictStatus::Abolished, Some(date)) => lang.tf("district.abolished_on", &[("date", &date.to_string())]),
        (DistrictStatus::Superseded, Some(date)) => lang.tf("district.superseded_on", &[("date", &date.to_string())]),
        _ => String::new(),
    };
    DistrictRow {
        name: d.name,
        code: d.code.map_or_else(|| lang.t("district.no_code").to_owned(), |c| c.to_string()),
        kind: lang.t(&format!("district.kind.{}", d.kind.code())).to_owned(),
        status: lang.t(&format!("district.status.{}", d.status.code())).to_owned(),
        status_class,
        ended,
    }
}

#[derive(Template)]
#[template(path = "reference/districts.html")]
struct DistrictsPage {
    chrome: Chrome,
    rows: Vec<DistrictRow>,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    count_line: String,
    code_sort_href: String,
    code_sort: &'static str,
    pager: Pager,
}

pub async fn districts(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<DistrictParams>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("district.title").crumb("nav.reference", None);
    let kind = params.kind.as_deref().filter(|k| k.parse::<DistrictKind>().is_ok());
    // Districts in force unless the visitor asks for others ("all" is an empty choice): the
    // abolished and superseded entries (两江新区 as a functional zone) are history.
    let status = match params.status.as_deref() {
        None => Some(DistrictStatus::Active.code()),
        Some(s) => Some(s).filter(|s| s.parse::<DistrictStatus>().is_ok()),
    };
    let mut filter = district_filter(kind, status, None).unwrap_or_default();
    filter.sort = match params.sort.as_deref() {
        Some("code") => DistrictSort::CodeAsc,
        Some("-code") => DistrictSort::CodeDesc,
        _ => DistrictSort::Official,
    };
    let page = match reference::list_districts(
        &state.services,
        &filter,
        PageRequest::new(params.page.and_then(|p| p.parse().ok()), None),
    )
    .await
    {
        Ok(page) => page,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let (code_sort, next_sort) = match filter.sort {
        DistrictSort::CodeAsc => ("ascending", "-code"),
        DistrictSort::CodeDesc => ("descending", ""),
        DistrictSort::Official => ("none", "code"),
    };
    let view = DistrictsPage {
        kinds: DistrictKind::ALL
            .iter()
            .map(|k| {
                Choice::selected_if(k.code(), lang.t(&format!("district.kind.{}", k.code())), kind == Some(k.code()))
            })
            .collect(),
        statuses: DistrictStatus::ALL
            .iter()
            .map(|s| {
                Choice::selected_if(
                    s.code(),
                    lang.t(&format!("district.status.{}", s.code())),
                    status == Some(s.code()),
                )
            })
            .collect(),
        count_line: lang.tf("district.count", &[("n", &sheji_core::i18n::count(page.total))]),
        code_sort_href: chrome.href_with("sort", next_sort),
        code_sort,
        pager: chrome.pager(&page),
        rows: page.items.into_iter().map(|d| district_row(lang, d)).collect(),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// One tier of the cluster tree.
pub struct Tier {
    number: u8,
    name: String,
    clusters: Vec<ClusterRow>,
}

/// One cluster as the page shows it.
pub struct ClusterRow {
    name: String,
}

// Whether a row is confirmed and where it comes from are research notes for maintainers (they
// stay in the reference data and the API), not something the public page shows.
impl From<Cluster> for ClusterRow {
    fn from(c: Cluster) -> Self {
        Self { name: c.name }
    }
}

#[derive(Template)]
#[template(path = "reference/clusters.html")]
struct ClustersPage {
    chrome: Chrome,
    tiers: Vec<Tier>,
    total: String,
}

pub async fn clusters(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("cluster.title").crumb("nav.reference", None);
    // The 33618 system is a bounded list (30 rows); one page of the maximum size holds it.
    let page = match reference::list_clusters(&state.services, None, PageRequest::new(Some(1), Some(200))).await {
        Ok(page) => page,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let total = lang.tf("cluster.count", &[("n", &sheji_core::i18n::count(page.total))]);
    let mut tiers: Vec<Tier> = Vec::new();
    for cluster in page.items {
        match tiers.last_mut() {
            Some(tier) if tier.number == cluster.tier.get() => tier.clusters.push(cluster.into()),
            _ => tiers.push(Tier {
                number: cluster.tier.get(),
                name: cluster.tier_name.clone(),
                clusters: vec![cluster.into()],
            }),
        }
    }
    Ok(render(StatusCode::OK, &ClustersPage { chrome, tiers, total }))
}
