//! The search page: one box, results grouped by type with highlighted names and snippets,
//! facet filters beside them. The header of every page has the same box, with completions.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sheji_service::search::{self, FacetView, SearchHit, SearchPage};

use crate::AppState;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx, Pager};
use crate::search::api::SearchParams;

/// Results of one type.
pub struct Group {
    label: String,
    hits: Vec<SearchHit>,
}

/// One facet dimension as the page shows it.
pub struct FacetBox {
    label: String,
    values: Vec<FacetLink>,
}

/// A facet value: a link that turns its filter on or off.
pub struct FacetLink {
    label: String,
    count: String,
    href: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "search/search.html")]
struct SearchView {
    chrome: Chrome,
    q: String,
    searched: bool,
    count_line: String,
    relaxed: bool,
    groups: Vec<Group>,
    facets: Vec<FacetBox>,
    pager: Option<Pager>,
}

fn facet_boxes(chrome: &Chrome, facets: Vec<FacetView>) -> Vec<FacetBox> {
    facets
        .into_iter()
        .filter(|f| !f.values.is_empty())
        .map(|f| FacetBox {
            label: chrome.t(&format!("search.facet.{}", f.dimension)).to_owned(),
            values: f
                .values
                .into_iter()
                .take(30)
                .map(|v| FacetLink {
                    href: chrome.href_with(f.dimension, if v.selected { "" } else { &v.value }),
                    label: v.label,
                    count: sheji_core::i18n::count(v.count),
                    selected: v.selected,
                })
                .collect(),
        })
        .collect()
}

fn groups(chrome: &Chrome, hits: Vec<SearchHit>) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut types: Vec<&'static str> = Vec::new();
    for h in hits {
        match types.iter().position(|t| *t == h.doc_type).and_then(|i| out.get_mut(i)) {
            Some(g) => g.hits.push(h),
            None => {
                types.push(h.doc_type);
                out.push(Group { label: chrome.t(&format!("search.type.{}", h.doc_type)).to_owned(), hits: vec![h] });
            }
        }
    }
    out
}

fn pager(chrome: &Chrome, page: &SearchPage) -> Pager {
    // Only the reachable pages are offered, and the total is counted over those.
    let pages = page.pages();
    chrome.pager_at(page.page.min(pages), pages, page.total.min(pages * page.per_page))
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(params): axum::extract::Query<SearchParams>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("search.title");
    let q = params.q.clone().unwrap_or_default();
    if q.trim().is_empty() {
        let view = SearchView {
            chrome,
            q,
            searched: false,
            count_line: String::new(),
            relaxed: false,
            groups: Vec::new(),
            facets: Vec::new(),
            pager: None,
        };
        return Ok(render(StatusCode::OK, &view));
    }
    let result = match search::search(&state.services, ctx.caller.principal.as_ref(), &params.request(), lang).await {
        Ok(r) => r,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let count_line = if result.empty_query {
        chrome.t("search.empty_query").to_owned()
    } else {
        lang.tf("search.count", &[("n", &sheji_core::i18n::count(result.total))])
    };
    let view = SearchView {
        pager: (result.total > result.per_page).then(|| pager(&chrome, &result)),
        facets: facet_boxes(&chrome, result.facets),
        groups: groups(&chrome, result.hits),
        relaxed: result.relaxed,
        count_line,
        searched: true,
        q,
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}
