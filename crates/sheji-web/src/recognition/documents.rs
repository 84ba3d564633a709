//! The recognition ladder's documents on the web: each as PDF and as a print view, and the
//! public check of a paper application against the record.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sheji_service::document::{Line, Printable};
use sheji_service::recognition::documents as service;
use sheji_service::{FieldError, ServiceError};

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

/// The certificate as PDF.
pub async fn certificate_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let made = service::certificate_paper(&state.services, &p, &number, ctx.lang).await;
    respond(made, &ctx, true, String::new(), ("recognition.certificate", format!("/certificates/{number}"))).await
}

/// The certificate's print view.
pub async fn certificate_print(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let made = service::certificate_paper(&state.services, &p, &number, ctx.lang).await;
    let pdf = format!("/certificates/{number}/certificate.pdf");
    respond(made, &ctx, false, pdf, ("recognition.certificate", format!("/certificates/{number}"))).await
}

/// The application as submitted (申报书), as PDF.
pub async fn application_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let made = service::application_paper(&state.services, &p, id, ctx.lang).await;
    respond(made, &ctx, true, String::new(), ("recognition.application", format!("/recognition/applications/{id}")))
        .await
}

/// The application's print view.
pub async fn application_print(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let made = service::application_paper(&state.services, &p, id, ctx.lang).await;
    let pdf = format!("/recognition/applications/{id}/application.pdf");
    respond(made, &ctx, false, pdf, ("recognition.application", format!("/recognition/applications/{id}"))).await
}

/// The district's recommendation letter (推荐函), as PDF.
pub async fn letter_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let made = service::letter_paper(&state.services, &p, id, ctx.lang).await;
    respond(made, &ctx, true, String::new(), ("recognition.application", format!("/recognition/applications/{id}")))
        .await
}

/// The letter's print view.
pub async fn letter_print(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let made = service::letter_paper(&state.services, &p, id, ctx.lang).await;
    let pdf = format!("/recognition/applications/{id}/letter.pdf");
    respond(made, &ctx, false, pdf, ("recognition.application", format!("/recognition/applications/{id}"))).await
}

/// A concluded batch's final list, as PDF (public).
pub async fn list_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> Result<Response, PageError> {
    let made = service::final_list_paper(&state.services, id, ctx.lang).await;
    respond(made, &ctx, true, String::new(), ("nav.recognitions", "/recognitions".to_owned())).await
}

/// The final list's print view (public).
pub async fn list_print(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> Result<Response, PageError> {
    let made = service::final_list_paper(&state.services, id, ctx.lang).await;
    let pdf = format!("/recognition/batches/{id}/list.pdf");
    respond(made, &ctx, false, pdf, ("nav.recognitions", "/recognitions".to_owned())).await
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
    let mut form = FormState::default().keep("no", q.no.trim()).keep("digest", q.digest.trim());
    if q.no.is_empty() && q.digest.is_empty() {
        return Ok(render(StatusCode::OK, &VerifyPage { chrome, form, outcome: None, lines: Vec::new() }));
    }
    let no = q.no.trim().parse::<i32>().ok().filter(|n| *n > 0);
    let hex: String = q.digest.chars().filter(char::is_ascii_hexdigit).collect();
    let digest_ok = hex.len() == 64 && q.digest.chars().all(|c| c.is_ascii_hexdigit() || c == ' ' || c == '-');
    let mut wrong = Vec::new();
    if no.is_none() {
        wrong.push(FieldError::new("no", "document.verify_no_invalid"));
    }
    if !digest_ok {
        wrong.push(FieldError::new("digest", "document.verify_digest_invalid"));
    }
    let (Some(no), true) = (no, digest_ok) else {
        form = form.with_error(&ServiceError::Fields(wrong), ctx.lang);
        return Ok(render(StatusCode::BAD_REQUEST, &VerifyPage { chrome, form, outcome: None, lines: Vec::new() }));
    };
    let checked = service::verify_application(&state.services, no, &q.digest, ctx.lang)
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    Ok(render(StatusCode::OK, &VerifyPage { chrome, form, outcome: Some(checked.matches), lines: checked.lines }))
}
