//! The shared PDF and print-view responses, and the document settings page.

use askama::Template;
use axum::body::Body;
use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sheji_service::document::{self as service, Paper, Printable};
use sheji_service::{ServiceError, identity};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, FormState, read_multipart_whole};
use crate::layout::{Chrome, Ctx};

#[derive(Debug, serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// The PDF of a document, shown in the browser (its name travels for "save as").
pub async fn pdf_response(printable: &Printable, ctx: &Ctx) -> Result<Response, PageError> {
    let bytes = printable.pdf().await.map_err(|e| PageError::service(&e, ctx.chrome("document.print")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}.pdf\"", printable.paper.file_name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "document/print.html")]
struct PrintPage {
    chrome: Chrome,
    paper: Paper,
    certificate: bool,
    /// The QR code as a data URL.
    qr: Option<String>,
    /// The seal as a data URL.
    seal: Option<String>,
    pdf_href: String,
    back_href: String,
}

/// The print view of a document: the same content as the PDF, for the browser's printer.
pub fn print_view(printable: Printable, ctx: &Ctx, pdf_href: String, back: (&str, String)) -> Response {
    let mut chrome = ctx.chrome("document.print").crumb(back.0, Some(&back.1));
    chrome.title.clone_from(&printable.paper.title);
    let page = PrintPage {
        chrome,
        certificate: printable.paper.layout == service::Layout::Certificate,
        qr: printable.qr_data_url(),
        seal: printable.seal_data_url(),
        paper: printable.paper,
        pdf_href,
        back_href: back.1,
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "document/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    form: FormState,
    has_seal: bool,
    saved: bool,
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    form: Option<FormState>,
    saved: bool,
) -> Result<SettingsPage, PageError> {
    let chrome = ctx.chrome("document.settings").crumb("nav.system", None);
    let current = service::settings(&state.services).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    Ok(SettingsPage {
        form: form.unwrap_or_else(|| FormState::default().keep("issuer", &current.issuer)),
        has_seal: current.has_seal,
        saved,
        chrome,
    })
}

/// The documents' settings (administrators).
pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    if !identity::actions(&state.services, &p).settings {
        return Err(PageError::forbidden(ctx.chrome("document.settings")));
    }
    Ok(render(StatusCode::OK, &settings_page(&state, &ctx, None, q.done == "saved").await?))
}

/// Saves the issuer and the seal.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    // A body cut off at the request limit loses the seal: say it is too large rather than
    // save the rest and report success.
    let read = read_multipart_whole(multipart).await.map_err(|e| e.page(ctx.chrome("document.settings")))?;
    let result = match read {
        Some((fields, files)) => {
            let text = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
            let input = service::SettingsInput {
                issuer: text("issuer"),
                seal: files.into_iter().find(|(f, _, _)| f == "seal").map(|(_, _, bytes)| bytes),
                remove_seal: text("remove_seal") == "true",
            };
            let form = FormState::default().keep("issuer", &input.issuer);
            (service::save_settings(&state.services, &p, input, &c.ip).await, form)
        }
        None => (
            Err(ServiceError::Fields(vec![sheji_service::FieldError::new("seal", "document.seal_too_large")])),
            FormState::default(),
        ),
    };
    let (result, form) = result;
    match result {
        Ok(()) => Ok(Redirect::to("/admin/documents?done=saved").into_response()),
        Err(e @ ServiceError::Forbidden) => Err(PageError::service(&e, ctx.chrome("document.settings"))),
        Err(e) => {
            forms::refused(e, form, &ctx, "document.settings", |form| settings_page(&state, &ctx, Some(form), false))
                .await
        }
    }
}

/// The licence of the font embedded in every PDF.
pub async fn font_license() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], service::FONT_LICENSE).into_response()
}
