//! An expert's own reviews: the list of what is assigned to them and one score sheet at a
//! time. Anything not assigned to the caller is a 404.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sheji_core::identity::Principal;
use sheji_core::page::PageRequest;
use sheji_service::ServiceError;
use sheji_service::review::sheet::{self as service, CRITERION_FIELDS, SheetInput};
use sheji_service::review::{assign, specialty_names};

use super::PageQuery;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Chrome, Ctx, Pager};

struct ReviewLine {
    id: i32,
    campaign: String,
    title: String,
    deadline: String,
    status: String,
    class: &'static str,
    reminded: bool,
}

#[derive(Template)]
#[template(path = "review/my_reviews.html")]
struct MyReviewsPage {
    chrome: Chrome,
    rows: Vec<ReviewLine>,
    pager: Pager,
    notice: Option<String>,
}

/// The caller's assignments.
pub async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.my_reviews");
    let page = service::my_reviews(&state.services, &p, PageRequest::new(q.page.parse().ok(), None))
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    let rows = page
        .items
        .iter()
        .map(|r| {
            let submitted = r.assignment.sheet_status == sheji_core::review::SheetStatus::Submitted;
            ReviewLine {
                id: r.assignment.id,
                campaign: r.campaign.clone(),
                title: if r.blind {
                    ctx.lang.tf("review.blind_item", &[("n", &r.assignment.item.get().to_string())])
                } else {
                    r.title.clone()
                },
                deadline: r.deadline.to_string(),
                status: ctx.lang.t(&format!("review.sheet.{}", r.assignment.sheet_status.code())).to_owned(),
                class: if submitted { "passed" } else { "action" },
                reminded: !submitted && r.assignment.reminded_at.is_some(),
            }
        })
        .collect();
    let pager = chrome.pager(&page);
    let notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("review.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &MyReviewsPage { chrome, rows, pager, notice }))
}

struct CriterionLine {
    field: &'static str,
    comment_field: String,
    name: String,
    max: String,
    weight: String,
    levels: Vec<String>,
}

#[derive(Template)]
#[template(path = "review/sheet.html")]
struct SheetPage {
    chrome: Chrome,
    id: i32,
    campaign: String,
    deadline: String,
    organization: String,
    team: String,
    specialties: String,
    blind: bool,
    editable: bool,
    total: String,
    status: String,
    criteria: Vec<CriterionLine>,
    form: FormState,
    notice: Option<String>,
    /// The application's page, when the item is one.
    materials: Option<String>,
}

async fn sheet_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    form: Option<FormState>,
) -> Result<SheetPage, PageError> {
    let base = ctx.chrome("review.sheet").crumb("nav.my_reviews", Some("/reviews"));
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let v = service::sheet(&state.services, p, id).await.map_err(err)?;
    let names = specialty_names(&state.services).await.map_err(err)?;
    let mut chrome = base.clone();
    chrome.title = if v.campaign.fields.blind {
        ctx.lang.tf("review.blind_item", &[("n", &v.item.item.id.get().to_string())])
    } else {
        v.item.item.fields.title.clone()
    };
    // The application behind the item, which the expert may read while the campaign runs.
    let materials = sheji_service::recognition::application_of_item(&state.services, v.item.item.id)
        .await
        .map_err(err)?
        .map(|a| format!("/recognition/applications/{a}"));
    let form = match form {
        Some(f) => f,
        None => {
            let mut f = FormState::default().keep("comment", &v.assignment.comment);
            for (i, field) in CRITERION_FIELDS.iter().enumerate().take(v.rubric.rubric.criteria.len()) {
                f = f.keep(
                    field,
                    &v.assignment.scores.get(i).copied().flatten().map(|x| x.to_string()).unwrap_or_default(),
                );
                f = f.keep(
                    COMMENT_FIELDS.get(i).copied().unwrap_or("comment_x"),
                    v.assignment.comments.get(i).map(String::as_str).unwrap_or(""),
                );
            }
            f
        }
    };
    Ok(SheetPage {
        materials,
        id,
        campaign: v.campaign.fields.name.clone(),
        deadline: v.campaign.fields.deadline.to_string(),
        organization: v.item.organization.clone().unwrap_or_default(),
        team: ctx.lang.join_list(&v.item.item.fields.team),
        specialties: ctx.lang.join_list(
            v.item.item.fields.specialties.iter().map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone())),
        ),
        blind: v.campaign.fields.blind,
        editable: v.editable,
        total: v.assignment.total.map(|t| format!("{t:.2}")).unwrap_or_default(),
        status: ctx.lang.t(&format!("review.sheet.{}", v.assignment.sheet_status.code())).to_owned(),
        criteria: v
            .rubric
            .rubric
            .criteria
            .iter()
            .zip(CRITERION_FIELDS)
            .zip(COMMENT_FIELDS)
            .map(|((c, field), comment)| CriterionLine {
                field,
                comment_field: comment.to_owned(),
                name: c.name.clone(),
                max: c.max_score.to_string(),
                weight: c.weight.to_string(),
                levels: c.levels.clone(),
            })
            .collect(),
        form,
        notice: None,
        chrome,
    })
}

/// Form field names of criterion comments.
const COMMENT_FIELDS: [&str; 20] = [
    "comment_1",
    "comment_2",
    "comment_3",
    "comment_4",
    "comment_5",
    "comment_6",
    "comment_7",
    "comment_8",
    "comment_9",
    "comment_10",
    "comment_11",
    "comment_12",
    "comment_13",
    "comment_14",
    "comment_15",
    "comment_16",
    "comment_17",
    "comment_18",
    "comment_19",
    "comment_20",
];

/// One sheet.
pub async fn sheet(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let mut page = sheet_page(&state, &ctx, &p, id, None).await?;
    page.notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("review.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &page))
}

/// Saves or submits a sheet.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let mut scores = Vec::new();
    let mut comments = Vec::new();
    for (field, comment) in CRITERION_FIELDS.iter().zip(COMMENT_FIELDS) {
        // Experts type on phones with Chinese keyboards: full-width digits count.
        let raw: String = f.text(field).trim().chars().map(sheji_core::registry::to_half_width).collect();
        scores.push(if raw.is_empty() {
            None
        } else {
            match raw.parse::<f64>() {
                Ok(x) => Some(x),
                Err(_) => {
                    f.refuse(sheji_service::FieldError::new(field, "review.number_required"));
                    None
                }
            }
        });
        comments.push(f.text(comment));
    }
    let submit = f.text("action") == "submit";
    let input = SheetInput { scores, comments, comment: f.text("comment"), submit };
    let result = match f.finish(input, |_| Vec::new()) {
        Ok(input) => service::save(&state.services, &p, id, &input, &c.ip).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/reviews/{id}?done={}", if submit { "submitted" } else { "draft" }))
                .into_response())
        }
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "review.sheet", |form| {
                sheet_page(&state, &ctx, &p, id, Some(form))
            })
            .await
        }
    }
}

/// Declines an assignment.
pub async fn decline(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    match assign::decline(&state.services, &p, id, &f.text("reason"), f.flag("conflict"), &c.ip).await {
        Ok(_) => Ok(Redirect::to("/reviews?done=declined").into_response()),
        // The sheet keeps the scores already saved; the refusal shows at its top.
        Err(e) => {
            forms::refused(e, FormState::default(), &ctx, "review.sheet", |form| async {
                let mut page = sheet_page(&state, &ctx, &p, id, None).await?;
                page.form.notice = form.notice;
                Ok(page)
            })
            .await
        }
    }
}
