//! The 供需指南 on the web: the list of published guides (with the publishing form for city
//! staff), a guide's page, and its print view, PDF and workbook.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::matchmaking::GuideDraft;
use sheji_core::page::PageRequest;
use sheji_service::ServiceError;
use sheji_service::document::Table;
use sheji_service::matchmaking::guide as service;

use crate::AppState;
use crate::auth::PageUser;
use crate::document::print_view;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Chrome, Ctx, Pager};

#[derive(Debug, Deserialize, Default)]
pub struct GuideQuery {
    #[serde(default)]
    page: String,
}

/// A guide in the list.
struct GuideRow {
    id: i32,
    title: String,
    period: String,
    counts: String,
    published: String,
}

#[derive(Template)]
#[template(path = "matchmaking/guides.html")]
struct GuidesPage {
    chrome: Chrome,
    rows: Vec<GuideRow>,
    pager: Pager,
    can_publish: bool,
    form: FormState,
}

fn period(lang: sheji_core::i18n::Lang, g: &GuideDraft, key: &str) -> String {
    let d = |x: Option<chrono::NaiveDate>| x.map(|d| lang.date(d)).unwrap_or_default();
    lang.tf(key, &[("from", &d(g.period_from)), ("to", &d(g.period_to))])
}

async fn list_page(state: &AppState, ctx: &Ctx, page: Option<u64>, form: FormState) -> Result<GuidesPage, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("nav.guides");
    let p = service::guides(&state.services, PageRequest::new(page, None))
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("nav.guides")))?;
    Ok(GuidesPage {
        rows: p
            .items
            .iter()
            .map(|g| GuideRow {
                id: g.id,
                title: g.draft.title.clone(),
                period: period(lang, &g.draft, "matchmaking.guide_range"),
                counts: lang.tf(
                    "matchmaking.guide_counts",
                    &[("demands", &g.demands.to_string()), ("offers", &g.offers.to_string())],
                ),
                published: lang.date(sheji_core::clock::beijing_date(g.published_at)),
            })
            .collect(),
        pager: chrome.pager(&p),
        can_publish: service::may_publish(&state.services, ctx.caller.principal.as_ref()),
        form,
        chrome,
    })
}

/// The published guides.
pub async fn guides(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<GuideQuery>,
) -> Result<Response, PageError> {
    let today = state.services.today();
    let form = FormState::default()
        .keep("period_from", &today.to_string())
        .keep("period_to", &(today + chrono::Duration::days(90)).to_string());
    Ok(render(StatusCode::OK, &list_page(&state, &ctx, q.page.parse().ok(), form).await?))
}

/// Publishes a guide (city staff).
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let draft = GuideDraft {
        title: f.text("title"),
        period_from: f.optional_date("period_from"),
        period_to: f.optional_date("period_to"),
        intro: f.text("intro"),
    };
    let result = match f.finish(draft, |g| {
        sheji_core::matchmaking::check_guide(g)
            .into_iter()
            .map(|(field, key)| sheji_service::FieldError::new(field, key))
            .collect()
    }) {
        Ok(g) => service::publish(&state.services, &p, &g, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/guides/{id}")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "nav.guides", |form| {
                list_page(&state, &ctx, None, form)
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "matchmaking/guide.html")]
struct GuidePage {
    chrome: Chrome,
    id: i32,
    period: String,
    counts: String,
    intro: Vec<String>,
    demands: Table,
    offers: Table,
}

/// One guide.
pub async fn guide(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("nav.guides").crumb("nav.guides", Some("/guides"));
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let (g, snap) = service::guide(&state.services, id).await.map_err(err)?;
    let (demands, offers) = service::tables(&state.services, &snap, lang).await.map_err(err)?;
    let mut chrome = base.clone();
    chrome.title = g.draft.title.clone();
    Ok(render(
        StatusCode::OK,
        &GuidePage {
            id,
            period: period(lang, &g.draft, "matchmaking.guide_period"),
            counts: lang.tf(
                "matchmaking.guide_counts",
                &[("demands", &snap.demands.len().to_string()), ("offers", &snap.offers.len().to_string())],
            ),
            intro: g.draft.intro.split("\n\n").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            demands,
            offers,
            chrome,
        },
    ))
}

/// A guide's print view (`guide`), PDF (`guide.pdf`) or workbook (`guide.xlsx`).
pub async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, document)): Path<(i32, String)>,
) -> Result<Response, PageError> {
    let back = ("nav.guides", format!("/guides/{id}"));
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("document.print").crumb(back.0, Some(&back.1)));
    match document.as_str() {
        "guide" => {
            let printable = service::paper(&state.services, id, ctx.lang).await.map_err(err)?;
            Ok(print_view(printable, &ctx, format!("/guides/{id}/guide.pdf"), back))
        }
        "guide.pdf" => {
            let bytes = service::pdf(&state.services, id, ctx.lang).await.map_err(err)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("inline; filename=\"guide-{id}.pdf\"")),
                ],
                Body::from(bytes.as_ref().clone()),
            )
                .into_response())
        }
        "guide.xlsx" => {
            let bytes = service::xlsx(&state.services, id, ctx.lang).await.map_err(err)?;
            Ok(crate::download::xlsx_response(bytes, &format!("guide-{id}.xlsx")))
        }
        _ => Err(PageError::not_found(ctx.chrome("document.print"))),
    }
}
