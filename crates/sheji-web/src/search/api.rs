//! Search over JSON: results with facets and highlighted snippets, and completions for a
//! search box. Whatever is typed, the answer is a result list (possibly empty), never a
//! parse error: the query text is analysed, not parsed.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::page::PageRequest;
use sheji_core::search::Dimension;
use sheji_service::search::{self, SearchRequest};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::ApiQuery;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// Search parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for: names, short names (简称), pinyin ("changan"), initials ("cqca"),
    /// words of descriptions, a USCC. Operators have no meaning; at most 64 characters count.
    pub q: Option<String>,
    /// Only this document type (`organization`, `demand` or `offer`).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub doc_type: Option<String>,
    /// Only this district (id).
    pub district: Option<String>,
    /// Only this cluster (id).
    pub cluster: Option<String>,
    /// Only this kind (organization kind code).
    pub kind: Option<String>,
    /// Page number, from 1 (results beyond the 1 000th are not reachable).
    pub page: Option<u64>,
    /// Results per page (1–50, default 20).
    pub per_page: Option<u64>,
}

impl SearchParams {
    /// The request the service runs; filter values longer than any code are dropped.
    pub fn request(&self) -> SearchRequest {
        let mut filters = Vec::new();
        for (dim, value) in [
            (Dimension::Type, &self.doc_type),
            (Dimension::District, &self.district),
            (Dimension::Cluster, &self.cluster),
            (Dimension::Kind, &self.kind),
        ] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty() && v.len() <= 32) {
                filters.push((dim, v.to_owned()));
            }
        }
        SearchRequest {
            q: self.q.clone().unwrap_or_default(),
            filters,
            page: PageRequest::new(self.page, Some(self.per_page.unwrap_or(20))),
        }
    }
}

/// A piece of text; `hit` marks what matched the query.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentBody {
    /// The text.
    pub text: String,
    /// Whether it matched.
    pub hit: bool,
}

/// One result.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitBody {
    /// Document type.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Id within the type.
    pub id: i64,
    /// The title as plain text.
    pub title: String,
    /// The title in segments, matches marked.
    pub title_segments: Vec<SegmentBody>,
    /// Public text around the first match, in segments.
    pub snippet: Vec<SegmentBody>,
    /// The page that shows it.
    pub url: String,
}

/// A facet value and its count.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValueBody {
    /// The value (use it as the filter parameter).
    pub value: String,
    /// Its name.
    pub label: String,
    /// Results with this value (under the other filters).
    pub count: u64,
    /// Whether this filter is on.
    pub selected: bool,
}

/// One facet.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetBody {
    /// `type`, `district`, `cluster` or `kind`.
    pub dimension: String,
    /// Values, most frequent first.
    pub values: Vec<FacetValueBody>,
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchBody {
    /// The query as received (first 200 characters).
    pub query: String,
    /// Results in all.
    pub total: u64,
    /// Page number.
    pub page: u64,
    /// Results per page.
    pub per_page: u64,
    /// No result matched every word; these match some of them.
    pub relaxed: bool,
    /// The results.
    pub items: Vec<HitBody>,
    /// Counts per facet.
    pub facets: Vec<FacetBody>,
}

fn segments(s: Vec<sheji_core::search::Segment>) -> Vec<SegmentBody> {
    s.into_iter().map(|s| SegmentBody { text: s.text, hit: s.hit }).collect()
}

/// Searches everything the caller may find (public records for everyone; private fields
/// are matched only within the caller's data scope).
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses((status = 200, body = SearchBody), (status = 400, body = ErrorBody))
)]
pub async fn search(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchBody>, ApiError> {
    crate::api::page_request(params.page, params.per_page, lang)?;
    let page = search::search(&state.services, caller.principal.as_ref(), &params.request(), lang)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(SearchBody {
        query: page.query,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        relaxed: page.relaxed,
        items: page
            .hits
            .into_iter()
            .map(|h| HitBody {
                doc_type: h.doc_type.to_owned(),
                id: h.id,
                title: h.title_text(),
                title_segments: segments(h.title),
                snippet: segments(h.snippet),
                url: h.url,
            })
            .collect(),
        facets: page
            .facets
            .into_iter()
            .map(|f| FacetBody {
                dimension: f.dimension.to_owned(),
                values: f
                    .values
                    .into_iter()
                    .map(|v| FacetValueBody { value: v.value, label: v.label, count: v.count, selected: v.selected })
                    .collect(),
            })
            .collect(),
    }))
}

/// Completion parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What has been typed so far.
    pub q: Option<String>,
}

/// A completion.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionBody {
    /// Document type.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Id within the type.
    pub id: i64,
    /// The name.
    pub title: String,
    /// The page that shows it.
    pub url: String,
}

/// Completions for a search box: up to 8 names that contain the Han text typed, or whose
/// pinyin or initials start with the Latin letters typed.
#[utoipa::path(
    get,
    path = "/api/v1/search/suggest",
    tag = "search",
    params(SuggestParams),
    responses((status = 200, body = Vec<SuggestionBody>), (status = 400, body = ErrorBody))
)]
pub async fn suggest(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    ApiQuery(params): ApiQuery<SuggestParams>,
) -> Result<Json<Vec<SuggestionBody>>, ApiError> {
    let found = search::suggest(&state.services, caller.principal.as_ref(), params.q.as_deref().unwrap_or_default())
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(
        found
            .into_iter()
            .map(|s| SuggestionBody { doc_type: s.doc_type.to_owned(), id: s.id, title: s.title, url: s.url })
            .collect(),
    ))
}
