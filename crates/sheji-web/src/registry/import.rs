//! Organization import pages: upload, check (every bad row with its row, column and reason),
//! then commit the valid rows or download the file back with an error column. The upload waits
//! in the upload folder under a random name between the check and the commit.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use serde::Deserialize;
use sheji_core::identity::Principal;
use sheji_service::ServiceError;
use sheji_service::registry::import::{self, ImportReport, RowAction, Upload};

use crate::AppState;
use crate::auth::PageUser;
use crate::download::xlsx_response;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx, Step};

/// The largest file an import accepts.
pub const MAX_UPLOAD: usize = 32 * 1024 * 1024;

/// One row of the check report.
pub struct ReportRow {
    row: usize,
    uscc: String,
    name: String,
    outcome: String,
    class: &'static str,
    errors: Vec<CellError>,
    /// What was read differently, the row still taken.
    notices: Vec<CellError>,
    changes: String,
}

/// What is wrong in one column of a row.
pub struct CellError {
    /// The column's heading.
    column: String,
    message: String,
}

#[derive(Template)]
#[template(path = "registry/import.html")]
struct ImportPage {
    chrome: Chrome,
    step: u8,
    steps: Vec<Step>,
    notice: Option<String>,
    filename: String,
    token: String,
    header_row: usize,
    valid: u64,
    invalid: u64,
    changes: u64,
    unknown: String,
    /// The year given to rows without one, and where it came from.
    year_line: String,
    /// The year to commit with (as chosen; empty when none was).
    year: String,
    /// How many rows were taken with a notice.
    noticed: String,
    shown_note: String,
    rows: Vec<ReportRow>,
    result: String,
}

fn page(ctx: &Ctx, step: u8) -> ImportPage {
    ImportPage {
        chrome: ctx.chrome("import.title").crumb("nav.admin_organizations", Some("/admin/organizations")),
        step,
        steps: crate::layout::steps(
            [ctx.lang.t("import.step_upload"), ctx.lang.t("import.step_check"), ctx.lang.t("import.step_commit")]
                .map(str::to_owned),
            usize::from(step.saturating_sub(1)),
            step >= 3,
        ),
        notice: None,
        filename: String::new(),
        token: String::new(),
        header_row: 0,
        valid: 0,
        invalid: 0,
        changes: 0,
        unknown: String::new(),
        year_line: String::new(),
        year: String::new(),
        noticed: String::new(),
        shown_note: String::new(),
        rows: Vec::new(),
        result: String::new(),
    }
}

fn require_editor(state: &AppState, ctx: &Ctx, p: &Principal) -> Result<(), PageError> {
    if sheji_service::registry::actions(&state.services, p).edit {
        Ok(())
    } else {
        Err(PageError::forbidden(ctx.chrome("import.title")))
    }
}

pub async fn form(State(state): State<AppState>, ctx: Ctx, PageUser(p, _): PageUser) -> Result<Response, PageError> {
    require_editor(&state, &ctx, &p)?;
    Ok(render(StatusCode::OK, &page(&ctx, 1)))
}

pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    require_editor(&state, &ctx, &p)?;
    match import::template(&state.services, ctx.lang).await {
        Ok(bytes) => Ok(xlsx_response(bytes, "organizations-template.xlsx")),
        Err(e) => Err(PageError::service(&e, ctx.chrome("import.title"))),
    }
}

/// Upload tokens are ours: 43 URL-safe characters; anything else never reaches the disk.
fn valid_token(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn stored(state: &AppState, token: &str) -> Option<(std::path::PathBuf, &'static str)> {
    if !valid_token(token) {
        return None;
    }
    ["xlsx", "csv"]
        .into_iter()
        .map(|ext| (state.upload_dir.join(format!("{token}.{ext}")), ext))
        .find(|(p, _)| p.exists())
}

/// The upload kept under `token`, or a message that it is gone (re-upload).
async fn kept(state: &AppState, token: &str) -> Result<Upload, ServiceError> {
    let (path, ext) = stored(state, token).ok_or(ServiceError::NotFound { key: "import.expired" })?;
    let bytes = tokio::fs::read(&path).await.map_err(|_| ServiceError::NotFound { key: "import.expired" })?;
    Upload::new(bytes, &format!("upload.{ext}"))
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    require_editor(&state, &ctx, &p)?;
    let lang = ctx.lang;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut year_text = String::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("year") {
            year_text = field.text().await.unwrap_or_default().chars().take(20).collect();
        } else if field.name() == Some("file") {
            let name = sheji_service::spreadsheet::quoted(field.file_name().unwrap_or_default());
            match field.bytes().await {
                Ok(b) => file = Some((name, b.to_vec())),
                Err(_) => {
                    let mut view = page(&ctx, 1);
                    view.notice = Some(lang.t("import.too_large").to_owned());
                    return Ok(render(StatusCode::PAYLOAD_TOO_LARGE, &view));
                }
            }
        }
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let mut view = page(&ctx, 1);
        view.notice = Some(lang.t("import.no_file").to_owned());
        return Ok(render(StatusCode::BAD_REQUEST, &view));
    };
    let year = match parse_year(&year_text) {
        Ok(y) => y,
        Err(()) => {
            let mut view = page(&ctx, 1);
            view.notice = Some(lang.t("import.year_range").to_owned());
            view.year = year_text;
            return Ok(render(StatusCode::BAD_REQUEST, &view));
        }
    };
    let upload = match Upload::new(bytes, &filename) {
        Ok(u) => u.with_year(year),
        Err(e) => {
            let mut view = page(&ctx, 1);
            view.notice = Some(e.message(lang));
            return Ok(render(StatusCode::BAD_REQUEST, &view));
        }
    };
    let report = match import::preview(&state.services, &p, &upload, lang).await {
        Ok(r) => r,
        Err(ServiceError::Forbidden) => return Err(PageError::forbidden(ctx.chrome("import.title"))),
        Err(e) => {
            let mut view = page(&ctx, 1);
            view.notice = Some(e.message(lang));
            return Ok(render(StatusCode::BAD_REQUEST, &view));
        }
    };
    let token = sheji_service::crypto::random_token(32)
        .map_err(|e| PageError::service(&e.into(), ctx.chrome("import.title")))?;
    let ext = if filename.to_lowercase().ends_with(".csv") { "csv" } else { "xlsx" };
    let saved = async {
        tokio::fs::create_dir_all(&state.upload_dir).await?;
        tokio::fs::write(state.upload_dir.join(format!("{token}.{ext}")), upload.bytes()).await
    }
    .await;
    if let Err(e) = saved {
        tracing::error!(error = %e, "cannot keep the upload");
        let mut view = page(&ctx, 1);
        view.notice = Some(lang.t("error.internal").to_owned());
        return Ok(render(StatusCode::INTERNAL_SERVER_ERROR, &view));
    }
    Ok(render(StatusCode::OK, &report_page(&ctx, report, &filename, &token, year)))
}

/// The year typed on the form: empty for none; a year from 2000 to 2100, else refused.
fn parse_year(text: &str) -> Result<Option<i32>, ()> {
    // Full-width digits (２０２６) as typed with a Chinese input method read as ASCII.
    let t: String = text
        .trim()
        .chars()
        .map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFF10 + 0x30).unwrap_or(c) } else { c })
        .collect();
    let t = t.as_str();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).map(Some).ok_or(())
}

fn report_page(ctx: &Ctx, report: ImportReport, filename: &str, token: &str, year: Option<i32>) -> ImportPage {
    let lang = ctx.lang;
    let mut view = page(ctx, 2);
    view.year = year.map(|y| y.to_string()).unwrap_or_default();
    view.year_line = match report.year {
        Some((y, import::YearSource::Chosen)) => lang.tf("import.year_chosen", &[("year", &y.to_string())]),
        Some((y, import::YearSource::Title)) => lang.tf("import.year_title", &[("year", &y.to_string())]),
        None => String::new(),
    };
    if report.noticed > 0 {
        view.noticed = lang.tf("import.noticed", &[("n", &sheji_core::i18n::count(report.noticed))]);
    }
    view.filename = filename.to_owned();
    view.token = token.to_owned();
    view.header_row = report.header_row;
    view.valid = report.valid();
    view.invalid = report.invalid();
    view.changes = report.changes();
    view.unknown = report.unknown_columns.join("、");
    let total = report.data_rows();
    if (report.rows.len() as u64) < total {
        view.shown_note = lang.tf(
            "import.rows_shown",
            &[("shown", &report.rows.len().to_string()), ("total", &sheji_core::i18n::count(total))],
        );
    }
    view.rows = report
        .rows
        .into_iter()
        .map(|r| {
            let (outcome, class, changes) = match &r.action {
                RowAction::Create => ("import.create", "progress", String::new()),
                RowAction::Update(fields) => ("import.update", "action", fields.join("、")),
                RowAction::Unchanged => ("import.unchanged", "draft", String::new()),
                RowAction::Invalid => ("import.invalid", "rejected", String::new()),
            };
            ReportRow {
                row: r.row,
                uscc: r.uscc,
                name: r.name,
                outcome: lang.t(outcome).to_owned(),
                class,
                errors: r.errors.into_iter().map(|e| CellError { column: e.column, message: e.message }).collect(),
                notices: r.notices.into_iter().map(|e| CellError { column: e.column, message: e.message }).collect(),
                changes,
            }
        })
        .collect();
    view
}

#[derive(Debug, Deserialize)]
pub struct CommitForm {
    #[serde(default)]
    token: String,
    /// The data rows the check counted, for the progress bar only (anything else counts as 0).
    #[serde(default)]
    rows: String,
    /// The year chosen at upload, for rows without one (the check's year from the title is
    /// found again in the file).
    #[serde(default)]
    year: String,
}

pub async fn commit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Form(f): Form<CommitForm>,
) -> Result<Response, PageError> {
    require_editor(&state, &ctx, &p)?;
    let lang = ctx.lang;
    // The job reads the file from the shared store; the check page's copy goes.
    let kept = match stored(&state, &f.token) {
        Some((path, ext)) => tokio::fs::read(&path).await.ok().map(|bytes| (path, ext, bytes)),
        None => None,
    };
    let Some((path, ext, bytes)) = kept else {
        let mut view = page(&ctx, 1);
        view.notice = Some(ServiceError::NotFound { key: "import.expired" }.message(lang));
        return Ok(render(StatusCode::BAD_REQUEST, &view));
    };
    let rows = f.rows.parse().unwrap_or(0);
    let name = format!("upload.{ext}");
    let upload = match Upload::new(bytes, &name) {
        Ok(u) => u.with_year(parse_year(&f.year).ok().flatten()),
        Err(e) => return Err(PageError::service(&e, ctx.chrome("import.title"))),
    };
    match sheji_service::job::start_import(&state.services, &p, &upload, &name, rows, &c.ip, lang).await {
        Ok(job) => {
            // A second commit of the same token finds nothing.
            let _ = tokio::fs::remove_file(path).await;
            Ok(axum::response::Redirect::to(&format!("/admin/jobs/{job}")).into_response())
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("import.title"))),
    }
}

/// The year chosen at upload, carried to the error workbook's link.
#[derive(Debug, Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

pub async fn errors(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(token): Path<String>,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> Result<Response, PageError> {
    require_editor(&state, &ctx, &p)?;
    let result = match kept(&state, &token).await {
        Ok(upload) => {
            let upload = upload.with_year(parse_year(&q.year).ok().flatten());
            import::error_workbook(&state.services, &p, &upload, ctx.lang).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(bytes) => Ok(xlsx_response(bytes, "import-errors.xlsx")),
        Err(e) => Err(PageError::service(&e, ctx.chrome("import.title"))),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_year;

    #[test]
    fn a_year_typed_in_full_width_digits_reads_as_ascii() {
        assert_eq!(parse_year(" ２０２６ "), Ok(Some(2026)));
        assert_eq!(parse_year(""), Ok(None));
        assert_eq!(parse_year("1999"), Err(()));
        assert_eq!(parse_year("二〇二六"), Err(()));
    }
}
