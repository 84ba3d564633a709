//! The rectification page (整改): the holder's report form before the deadline, the city's
//! acceptance or refusal once it is in, and for everyone allowed the deadline and the outcome.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::recognition::RectificationStep;
use sheji_service::ServiceError;
use sheji_service::recognition::rectification::{self as service, RectificationView};

use super::pages::{kind_label, revocation_text};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Chrome, Ctx};

#[derive(Template)]
#[template(path = "recognition/rectification.html")]
struct RectificationPage {
    chrome: Chrome,
    id: i32,
    number: String,
    organization: String,
    kind: String,
    standing: String,
    class: &'static str,
    /// The deadline while it runs.
    until: String,
    /// Where it stands, while it runs.
    step: String,
    /// The re-review application that ordered it, and its batch.
    ordered_by: Option<(i32, String)>,
    /// The report's paragraphs and who sent it when.
    report: Option<(Vec<String>, String)>,
    revoked: String,
    may_report: bool,
    may_decide: bool,
    /// The report or decision form, as typed after a refusal.
    form: FormState,
    notice: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn page(
    ctx: &Ctx,
    today: chrono::NaiveDate,
    v: RectificationView,
    form: FormState,
    notice: Option<String>,
) -> RectificationPage {
    let lang = ctx.lang;
    let r = &v.recognition;
    let standing = r.standing.on(r.valid_until, today);
    let mut chrome = ctx.chrome("recognition.rectification.title").crumb("nav.recognitions", Some("/recognitions"));
    chrome.title = format!("{} · {}", lang.t("recognition.rectification.title"), r.certificate);
    RectificationPage {
        id: r.id,
        number: r.certificate.clone(),
        organization: v.organization.clone(),
        kind: kind_label(lang, r.kind),
        standing: lang.t(&format!("recognition.standing.{}", standing.code())).to_owned(),
        class: standing.badge(),
        until: v.step.and(r.rectify_until).map(|d| lang.long_date(d)).unwrap_or_default(),
        step: match v.step {
            Some(RectificationStep::Report) => lang.t("recognition.rectification.step.report").to_owned(),
            Some(RectificationStep::Decide) => lang.t("recognition.rectification.step.decide").to_owned(),
            Some(RectificationStep::Lapsed) => lang.t("recognition.rectification.step.lapsed").to_owned(),
            None => String::new(),
        },
        report: r.rectification.as_ref().map(|rep| {
            let paras = rep.text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
            let at = sheji_core::i18n::datetime(rep.at);
            (paras, lang.tf("recognition.rectification.reported_line", &[("by", &rep.by), ("at", &at)]))
        }),
        revoked: revocation_text(lang, r),
        ordered_by: v.ordered_by.clone(),
        may_report: v.may_report,
        may_decide: v.may_decide,
        form,
        notice,
        chrome,
    }
}

/// The rectification (holder, its district's staff, the city).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let v = service::view(&state.services, &p, id)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("recognition.rectification.title")))?;
    let notice = match q.done.as_str() {
        "sent" => Some(ctx.lang.t("recognition.rectification.sent").to_owned()),
        "accepted" => Some(ctx.lang.t("recognition.rectification.accepted").to_owned()),
        "refused" => Some(ctx.lang.t("recognition.rectification.refused").to_owned()),
        _ => None,
    };
    Ok(render(StatusCode::OK, &page(&ctx, state.services.today(), v, FormState::default(), notice)))
}

/// Answers a refused step through the form kit: the page again with the form as typed and
/// every error on it, or the error page for what no form can mend.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    p: &sheji_core::identity::Principal,
    id: i32,
    body: &str,
    e: ServiceError,
) -> Result<Response, PageError> {
    let title = "recognition.rectification.title";
    forms::refused(e, FormState::from_body(body), ctx, title, |form| async move {
        let v = service::view(&state.services, p, id).await.map_err(|e| PageError::service(&e, ctx.chrome(title)))?;
        Ok(page(ctx, state.services.today(), v, form, None))
    })
    .await
}

/// The holder sends the report.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    match service::report(&state.services, &p, id, &f.text("report"), &c.ip).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?done=sent", service::href(id))).into_response()),
        Err(e) => refused(&state, &ctx, &p, id, &body, e).await,
    }
}

/// The city accepts or refuses the report.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let accept = match f.text("decision").as_str() {
        "accept" => true,
        "refuse" => false,
        _ => {
            let e = ServiceError::Fields(vec![sheji_service::FieldError::new(
                "decision",
                "recognition.rectification.decision_required",
            )]);
            return refused(&state, &ctx, &p, id, &body, e).await;
        }
    };
    match service::decide(&state.services, &p, id, accept, &f.text("comment"), &c.ip).await {
        Ok(_) => {
            let done = if accept { "accepted" } else { "refused" };
            Ok(Redirect::to(&format!("{}?done={done}", service::href(id))).into_response())
        }
        Err(e) => refused(&state, &ctx, &p, id, &body, e).await,
    }
}
