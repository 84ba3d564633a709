//! Results on public notice (公示), the objection form, and the administrator's working-day
//! calendar.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sheji_core::ids::{CampaignId, ItemId};
use sheji_core::page::PageRequest;
use sheji_core::review::CampaignStatus;
use sheji_core::review::notice::PublicityPhase;
use sheji_service::ServiceError;
use sheji_service::review::CalendarDay;
use sheji_service::review::publicity as service;
use sheji_service::review::sheet::public_results;

use super::{PageQuery, status_class};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager};

/// The public badge of a campaign on a day: final, or where its window stands (never "on
/// notice" before the window opens or after it ends).
pub(crate) fn public_badge(
    lang: sheji_core::i18n::Lang,
    c: &sheji_service::review::Campaign,
    today: chrono::NaiveDate,
) -> (String, &'static str) {
    match (c.status, c.publicity) {
        (CampaignStatus::Publicity, Some((from, last))) => {
            let phase = PublicityPhase::on(from, last, today);
            (lang.tf(&format!("review.phase.{}", phase.code()), &[("from", &from.to_string())]), phase.badge())
        }
        (s, _) => (lang.t(&format!("review.public_status.{}", s.code())).to_owned(), status_class(s)),
    }
}

struct NoticeLine {
    id: CampaignId,
    name: String,
    status: String,
    class: &'static str,
    window: String,
}

#[derive(Template)]
#[template(path = "review/publicity_list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<NoticeLine>,
    pager: Pager,
}

/// Campaigns on public notice or published.
pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.publicity");
    let page = service::public_campaigns(&state.services, PageRequest::new(q.page.parse().ok(), None))
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    let today = state.services.today();
    let rows = page
        .items
        .iter()
        .map(|c| {
            let (status, class) = public_badge(ctx.lang, c, today);
            NoticeLine {
                id: c.id,
                name: c.fields.name.clone(),
                status,
                class,
                window: c.publicity.map(|(a, b)| format!("{a} – {b}")).unwrap_or_default(),
            }
        })
        .collect();
    let pager = chrome.pager(&page);
    Ok(render(StatusCode::OK, &ListPage { chrome, rows, pager }))
}

struct PublicLine {
    rank: String,
    item: ItemId,
    title: String,
    organization: String,
    score: String,
    grade: String,
}

#[derive(Template)]
#[template(path = "review/publicity.html")]
struct NoticePage {
    chrome: Chrome,
    /// The notice as an official document.
    documents: Vec<crate::document::DocumentLink>,
    id: CampaignId,
    status: String,
    class: &'static str,
    window: String,
    open: bool,
    /// Published, the window not yet open: when it opens.
    opens: Option<String>,
    /// The notice's reference number (文号), empty when none.
    number: String,
    /// Where objections go.
    contact: String,
    /// Which items are listed, when a mark applies.
    proposed: String,
    show_scores: bool,
    /// Some row has a grade (or an upheld objection) to show; a notice without one (a list
    /// without expert review) has no grade column.
    graded: bool,
    rows: Vec<PublicLine>,
    pager: Pager,
    form: FormState,
    done: bool,
    /// The objector's receipt number, right after they objected.
    receipt: String,
}

async fn notice_page(
    state: &AppState,
    ctx: &Ctx,
    id: i32,
    page: Option<u64>,
    form: FormState,
) -> Result<NoticePage, PageError> {
    let base = ctx.chrome("nav.publicity").crumb("nav.publicity", Some("/publicity"));
    let (c, lines) = public_results(&state.services, CampaignId(id), PageRequest::new(page, None))
        .await
        .map_err(|e| PageError::service(&e, base.clone()))?;
    let mut chrome = base.clone();
    chrome.title = c.fields.name.clone();
    let today = state.services.today();
    let pager = chrome.pager(&lines);
    let (status, class) = public_badge(ctx.lang, &c, today);
    let notice = c.notice.clone().unwrap_or_default();
    Ok(NoticePage {
        documents: vec![crate::document::DocumentLink::new(
            ctx.lang,
            "document.kind.notice",
            format!("/publicity/{id}/print"),
            format!("/publicity/{id}/notice.pdf"),
        )],
        id: c.id,
        status,
        class,
        opens: c
            .publicity
            .filter(|(from, _)| c.status == CampaignStatus::Publicity && today < *from)
            .map(|(from, _)| ctx.lang.tf("review.window_upcoming", &[("from", &from.to_string())])),
        number: notice.number.clone(),
        contact: if notice.phone.is_empty() || c.status == CampaignStatus::Final {
            String::new()
        } else {
            ctx.lang.tf("review.notice.contact", &[("phone", &notice.phone), ("address", &notice.address)])
        },
        proposed: notice
            .min_score
            .map(|m| ctx.lang.tf("review.proposed_only", &[("min", &m.to_string())]))
            .unwrap_or_default(),
        show_scores: notice.show_scores,
        window: c
            .publicity
            .map(|(a, b)| {
                ctx.lang.tf("review.publicity_window", &[("from", &a.to_string()), ("until", &b.to_string())])
            })
            .unwrap_or_default(),
        open: service::window_open(&c, today),
        graded: lines.items.iter().any(|l| l.upheld || l.result.grade.is_some()),
        rows: lines
            .items
            .iter()
            .map(|l| PublicLine {
                rank: if l.result.tied {
                    ctx.lang.tf(
                        "page.paren",
                        &[("text", &l.result.rank.to_string()), ("detail", ctx.lang.t("review.tied"))],
                    )
                } else {
                    l.result.rank.to_string()
                },
                item: l.item.item.id,
                title: l.item.item.fields.title.clone(),
                organization: l.item.organization.clone().unwrap_or_default(),
                score: l.result.score.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".to_owned()),
                grade: if l.upheld {
                    ctx.lang.t("review.upheld").to_owned()
                } else {
                    l.result.grade.clone().unwrap_or_default()
                },
            })
            .collect(),
        pager,
        form,
        done: false,
        receipt: String::new(),
        chrome,
    })
}

/// A campaign's results on notice, with the objection form while the window is open.
pub async fn notice(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let mut page = notice_page(&state, &ctx, id, q.page.parse().ok(), FormState::default()).await?;
    page.done = q.done == "objection";
    // Only a receipt of our own shape is echoed.
    let r = sheji_core::review::notice::normalize_receipt(&q.receipt);
    if page.done && r.len() <= 32 && r.starts_with("YY-") && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        page.receipt = r;
    }
    Ok(render(StatusCode::OK, &page))
}

/// The largest objection form: a few evidence files with the text (each file at most 20 MB).
pub const MAX_OBJECTION_UPLOAD: usize = 40 * 1024 * 1024;

/// Raises an objection, with its evidence files (a multipart form).
pub async fn object(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let (pairs, uploads, whole) =
        forms::read_multipart_parts(multipart).await.map_err(|e| e.page(ctx.chrome("review.objections")))?;
    // The text comes before the files in the form, so it is kept even when the files were too
    // large to receive.
    let form = pairs.iter().fold(FormState::default(), |form, (k, v)| form.keep(k, v));
    if !whole {
        let e = ServiceError::Fields(vec![sheji_service::FieldError::new("files", "review.evidence_total_too_large")]);
        return forms::refused(e, form, &ctx, "nav.publicity", |form| notice_page(&state, &ctx, id, None, form)).await;
    }
    let f = Fields::from_pairs(pairs);
    let files: Vec<(String, Vec<u8>)> =
        uploads.into_iter().filter(|(field, _, _)| field == "files").map(|(_, name, bytes)| (name, bytes)).collect();
    let item = f.text("item").parse::<i32>().ok().map(ItemId);
    let result = service::object(
        &state.services,
        CampaignId(id),
        item,
        &f.text("name"),
        &f.text("contact"),
        &f.text("evidence"),
        &files,
        &ctx.caller.ip,
    )
    .await;
    match result {
        Ok(receipt) => Ok(Redirect::to(&format!("/publicity/{id}?done=objection&receipt={receipt}")).into_response()),
        Err(e) => {
            forms::refused(e, form, &ctx, "nav.publicity", |form| notice_page(&state, &ctx, id, None, form)).await
        }
    }
}

/// One evidence file of an objection, for the staff who decide it.
pub async fn evidence_file(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path((_campaign, objection, file)): Path<(i32, i32, i32)>,
) -> Result<Response, PageError> {
    let (f, bytes) = service::evidence_file(&state.services, &p, objection, file)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("review.objections")))?;
    Ok(crate::download::foreign_file_response(&f.name, &f.content_type, bytes))
}

#[derive(Template)]
#[template(path = "review/objection_status.html")]
struct StatusPage {
    chrome: Chrome,
    form: FormState,
    /// The objection found: notice, status, badge class, raised, decision.
    found: Option<(String, String, &'static str, String, String)>,
}

/// The objector checks an objection's status with its receipt and their contact.
pub async fn objection_status_form(ctx: Ctx) -> Result<Response, PageError> {
    let chrome = ctx.chrome("review.objection_status").crumb("nav.publicity", Some("/publicity"));
    Ok(render(StatusCode::OK, &StatusPage { chrome, form: FormState::default(), found: None }))
}

/// Looks the objection up; a wrong pair says only that nothing matches.
pub async fn objection_status(State(state): State<AppState>, ctx: Ctx, body: String) -> Result<Response, PageError> {
    let chrome = ctx.chrome("review.objection_status").crumb("nav.publicity", Some("/publicity"));
    let f = Fields::new(&body);
    // The contact is not echoed back: the page may be on a shared screen.
    let typed = FormState::default().keep("receipt", &f.text("receipt"));
    match service::objection_status(&state.services, &f.text("receipt"), &f.text("contact")).await {
        Ok(s) => {
            let lang = ctx.lang;
            let found = (
                s.campaign,
                lang.t(&format!("review.objection.{}", s.status.code())).to_owned(),
                s.status.badge(),
                sheji_core::i18n::datetime(s.raised),
                s.resolution.unwrap_or_default(),
            );
            Ok(render(StatusCode::OK, &StatusPage { chrome, form: typed, found: Some(found) }))
        }
        Err(e) => {
            let status = crate::error::status_of(e.kind());
            Ok(render(status, &StatusPage { chrome, form: typed.with_error(&e, ctx.lang), found: None }))
        }
    }
}

/// One day of the working-day calendar.
struct CalendarLine {
    day: String,
    /// Holiday or working day, as shown.
    kind: String,
    name: String,
}

#[derive(Template)]
#[template(path = "review/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    days: Vec<CalendarLine>,
    /// The kinds of day the form sets: holiday, workday.
    kinds: Vec<Choice>,
    form: FormState,
}

async fn calendar_page(
    state: &AppState,
    ctx: &Ctx,
    p: &sheji_core::identity::Principal,
    form: FormState,
) -> Result<CalendarPage, PageError> {
    let chrome = ctx.chrome("nav.calendar");
    let days = service::calendar(&state.services, p).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    Ok(CalendarPage {
        days: days
            .into_iter()
            .map(|d| CalendarLine {
                day: d.day.to_string(),
                kind: ctx.lang.t(if d.workday { "review.workday" } else { "review.holiday" }).to_owned(),
                name: d.name,
            })
            .collect(),
        kinds: vec![
            Choice::new("holiday", ctx.lang.t("review.holiday")),
            Choice::new("workday", ctx.lang.t("review.workday")),
        ],
        chrome,
        form,
    })
}

/// The working-day calendar.
pub async fn calendar(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    Ok(render(StatusCode::OK, &calendar_page(&state, &ctx, &p, FormState::default()).await?))
}

/// Adds, replaces or removes a day.
pub async fn calendar_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let day = f.date("day");
    let (delete, workday, name) = (f.text("action") == "delete", f.text("kind") == "workday", f.text("name"));
    let result = match f.finish(day, |_| Vec::new()) {
        Err(e) => Err(e),
        Ok(day) if delete => service::delete_day(&state.services, &p, day, &c.ip).await,
        Ok(day) => service::set_day(&state.services, &p, CalendarDay { day, workday, name }, &c.ip).await,
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/calendar").into_response()),
        // Removing a day the calendar does not hold is a slip on this form, not a missing page.
        Err(ServiceError::NotFound { key }) => {
            let e = ServiceError::Fields(vec![sheji_service::FieldError::new("day", key)]);
            forms::refused(e, FormState::from_body(&body), &ctx, "nav.calendar", |form| {
                calendar_page(&state, &ctx, &p, form)
            })
            .await
        }
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "nav.calendar", |form| {
                calendar_page(&state, &ctx, &p, form)
            })
            .await
        }
    }
}

/// The 公示 notice (or final results) as PDF, for attaching to the official notice.
pub async fn notice_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> Result<Response, PageError> {
    let made = sheji_service::review::documents::notice_paper(&state.services, CampaignId(id), ctx.lang)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("nav.publicity")))?;
    crate::document::pdf_response(&made, &ctx).await
}

/// The notice's print view.
pub async fn notice_print(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> Result<Response, PageError> {
    let made = sheji_service::review::documents::notice_paper(&state.services, CampaignId(id), ctx.lang)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("nav.publicity")))?;
    Ok(crate::document::print_view(
        made,
        &ctx,
        format!("/publicity/{id}/notice.pdf"),
        ("nav.publicity", format!("/publicity/{id}")),
    ))
}
