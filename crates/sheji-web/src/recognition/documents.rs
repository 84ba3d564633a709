//! The recognition ladder's documents on the web: each as PDF and as a print view, and the
//! public check of a paper application against the record.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sheji_service::ServiceError;
use sheji_service::document::{Line, Printable};
use sheji_service::recognition::documents as service;

use crate::AppState;
use crate::auth::PageUser;
use crate::document::{pdf_response, print_view};
use crate::error::{PageError, render};
use crate::forms::FormState;
use crate::layout::{Chrome, Ctx};

/// The PDF, or the print view, of one document.
async fn respond(
    made: Result<Printable, ServiceError>,
    ctx: &Ctx,
    pdf: bool,
    pdf_href: String,
    back: (&str, String),
) -> Result<Response, PageError> {
    let printable =
        made.map_err(|e| PageError::service(&e, ctx.chrome("document.print").crumb(back.0, Some(&back.1))))?;
    if pdf { pdf_response(&printable, ctx).await } else { Ok(print_view(printable, ctx, pdf_href, back)) }
}

/// The certificate: `print` (the print view) or `certificate.pdf`.
pub async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path((number, document)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let back = ("recognition.certificate", format!("/certificates/{number}"));
    let pdf = match document.as_str() {
        "print" => false,
        "certificate.pdf" => true,
        _ => return Err(PageError::not_found(ctx.chrome("document.print"))),
    };
    let made = service::certificate_paper(&state.services, &p, &number, ctx.lang).await;
    respond(made, &ctx, pdf, format!("/certificates/{number}/certificate.pdf"), back).await
}

/// An application's papers: the application as submitted (`application`, 申报书) and the
/// district's recommendation letter (`letter`, 推荐函), each also as `….pdf`.
pub async fn application(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path((id, document)): Path<(i32, String)>,
) -> Result<Response, PageError> {
    let back = ("recognition.application", format!("/recognition/applications/{id}"));
    let (kind, pdf) = document.strip_suffix(".pdf").map_or((document.as_str(), false), |k| (k, true));
    let made = match kind {
        "application" => service::application_paper(&state.services, &p, id, ctx.lang).await,
        "letter" => service::letter_paper(&state.services, &p, id, ctx.lang).await,
        _ => return Err(PageError::not_found(ctx.chrome("document.print"))),
    };
    respond(made, &ctx, pdf, format!("/recognition/applications/{id}/{kind}.pdf"), back).await
}

/// A concluded batch's final list (public): `list` or `list.pdf`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, document)): Path<(i32, String)>,
) -> Result<Response, PageError> {
    let back = ("nav.recognitions", "/recognitions".to_owned());
    let pdf = match document.as_str() {
        "list" => false,
        "list.pdf" => true,
        _ => return Err(PageError::not_found(ctx.chrome("document.print"))),
    };
    let made = service::final_list_paper(&state.services, id, ctx.lang).await;
    respond(made, &ctx, pdf, format!("/recognition/batches/{id}/list.pdf"), back).await
}

#[derive(Debug, Deserialize, Default)]
pub struct VerifyQuery {
    #[serde(default)]
    no: String,
    #[serde(default)]
    digest: String,
}

#[derive(Template)]
#[template(path = "recognition/verify.html")]
struct VerifyPage {
    chrome: Chrome,
    form: FormState,
    /// Checked: whether it matched.
    outcome: Option<bool>,
    lines: Vec<Line>,
}

/// Checks a paper application's number and digest (public; the QR code on every page opens
/// this with both filled in).
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("document.verify_title");
    let form = FormState::default().keep("no", q.no.trim()).keep("digest", q.digest.trim());
    if q.no.is_empty() && q.digest.is_empty() {
        return Ok(render(StatusCode::OK, &VerifyPage { chrome, form, outcome: None, lines: Vec::new() }));
    }
    let checked = match service::verify_application(&state.services, &q.no, &q.digest, ctx.lang).await {
        Ok(checked) => checked,
        Err(e @ ServiceError::Fields(_)) => {
            let form = form.with_error(&e, ctx.lang);
            return Ok(render(StatusCode::BAD_REQUEST, &VerifyPage { chrome, form, outcome: None, lines: Vec::new() }));
        }
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    Ok(render(StatusCode::OK, &VerifyPage { chrome, form, outcome: Some(checked.matches), lines: checked.lines }))
}
