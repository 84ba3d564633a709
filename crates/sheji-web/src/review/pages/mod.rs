//! Review pages. Staff (`review.manage`): campaigns with their items, conflicts, assignment
//! dry runs and deployment, progress, results, publicity and objections (this module); the
//! expert pool and rubrics (`pool`). Experts: their own sheets (`sheet`). Everyone: results on
//! public notice and the objection form (`publicity`).

pub mod pool;
pub mod publicity;
pub mod sheet;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::ids::{CampaignId, ExpertId, ItemId};
use sheji_core::page::PageRequest;
use sheji_core::review::conflict::{Declarant, Declaration, Reason};
use sheji_core::review::notice::PublicityNotice;
use sheji_core::review::score::Aggregation;
use sheji_core::review::{CampaignStatus, ShortfallAdvice};
use sheji_service::ServiceError;
use sheji_service::review::assign::{self, Mode, Plan};
use sheji_service::review::{self, ItemInput, excel, publicity as pub_service, sheet as sheet_service};
use sheji_service::review::{Campaign, CampaignFields};

use crate::AppState;
use crate::auth::PageUser;
use crate::download::xlsx_response;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState, read_multipart};
use crate::layout::{Choice, Chrome, Ctx, Fact, Pager, Step};

/// The largest item spreadsheet accepted.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;

/// Badge class of a campaign status (the status colours of DESIGN.md).
pub fn status_class(s: CampaignStatus) -> &'static str {
    match s {
        CampaignStatus::Draft => "draft",
        CampaignStatus::Scoring => "progress",
        CampaignStatus::Closed | CampaignStatus::Publicity => "action",
        CampaignStatus::Final => "passed",
    }
}

fn status_label(lang: Lang, s: CampaignStatus) -> String {
    lang.t(&format!("review.status.{}", s.code())).to_owned()
}

fn chrome(ctx: &Ctx, key: &str) -> Chrome {
    ctx.chrome(key).crumb("nav.reviews", Some("/admin/reviews"))
}

#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
    /// The receipt of an objection just raised, shown once to the objector.
    #[serde(default)]
    receipt: String,
}

struct CampaignLine {
    id: CampaignId,
    name: String,
    status: String,
    class: &'static str,
    period: String,
    created: String,
}

#[derive(Template)]
#[template(path = "review/reviews.html")]
struct ReviewsPage {
    chrome: Chrome,
    rows: Vec<CampaignLine>,
    pager: Pager,
}

/// The staff list of campaigns.
pub async fn campaigns(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.reviews");
    let page = review::campaigns(&state.services, &p, PageRequest::new(q.page.parse().ok(), None))
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    let rows = page
        .items
        .iter()
        .map(|c| CampaignLine {
            id: c.id,
            name: c.fields.name.clone(),
            status: status_label(ctx.lang, c.status),
            class: status_class(c.status),
            period: format!("{} – {}", c.fields.period_start, c.fields.deadline),
            created: c.created_at.format("%Y-%m-%d").to_string(),
        })
        .collect();
    let pager = chrome.pager(&page);
    Ok(render(StatusCode::OK, &ReviewsPage { chrome, rows, pager }))
}

#[derive(Template)]
#[template(path = "review/review_new.html")]
struct NewCampaignPage {
    chrome: Chrome,
    form: FormState,
    rubrics: Vec<Choice>,
    aggregations: Vec<Choice>,
}

async fn new_page(state: &AppState, ctx: &Ctx, p: &Principal, form: FormState) -> Result<NewCampaignPage, PageError> {
    let chrome = chrome(ctx, "review.new_campaign");
    let rubrics = review::rubrics(&state.services, p, PageRequest::new(Some(1), Some(200)))
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    Ok(NewCampaignPage {
        rubrics: rubrics
            .items
            .iter()
            .map(|r| Choice::new(r.id.to_string(), format!("{} · v{}", r.name, r.version)))
            .collect(),
        aggregations: Aggregation::ALL
            .iter()
            .map(|a| Choice::new(a.code(), ctx.lang.t(&format!("review.aggregation.{}", a.code()))))
            .collect(),
        chrome,
        form,
    })
}

/// The form for a new campaign.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    let today = state.services.today();
    let form = FormState::default()
        .keep("reviewers_per_item", "5")
        .keep("aggregation", "trimmed_mean")
        .keep("period_start", &today.to_string())
        .keep("deadline", &(today + chrono::Duration::days(14)).to_string())
        .keep("conflict_years", "3")
        .keep("forbid_repeat", "on")
        .keep("require_match", "on")
        .keep("blind", "on")
        .keep("min_load", "0")
        .keep("max_load", "20")
        .keep("publicity_days", "5")
        .keep("outlier_pct", &sheji_core::review::score::DEFAULT_OUTLIER_PCT.to_string())
        .keep("thresholds", "优秀 85\n良好 75\n合格 60");
    if !review::actions(&state.services, &p).manage {
        return Err(PageError::forbidden(ctx.chrome("review.new_campaign")));
    }
    Ok(render(StatusCode::OK, &new_page(&state, &ctx, &p, form).await?))
}

fn campaign_input(body: &str) -> Result<CampaignFields, ServiceError> {
    let mut f = Fields::new(body);
    let rubric = f.optional::<i32>("rubric").map(sheji_core::ids::RubricId);
    if rubric.is_none() {
        f.refuse(sheji_service::FieldError::new("rubric", "review.no_rubric"));
    }
    let thresholds = match review::parse_thresholds(&f.text("thresholds")) {
        Ok(t) => t,
        Err(e) => {
            e.fields().iter().cloned().for_each(|x| f.refuse(x));
            Vec::new()
        }
    };
    let input = CampaignFields {
        name: f.text("name"),
        rubric: rubric.unwrap_or(sheji_core::ids::RubricId(0)),
        reviewers_per_item: f.whole("reviewers_per_item"),
        blind: f.flag("blind"),
        aggregation: f.choice_or("aggregation", Aggregation::parse, Aggregation::TrimmedMean),
        thresholds,
        period_start: f.date("period_start"),
        deadline: f.date("deadline"),
        conflict_years: f.whole("conflict_years"),
        forbid_repeat: f.flag("forbid_repeat"),
        require_match: f.flag("require_match"),
        min_load: f.whole("min_load"),
        max_load: f.whole("max_load"),
        publicity_days: f.whole("publicity_days"),
        // Left empty: the default margin.
        outlier_pct: f.optional("outlier_pct").unwrap_or(sheji_core::review::score::DEFAULT_OUTLIER_PCT),
    };
    f.finish(input, review::check_campaign)
}

/// Creates a campaign.
pub async fn new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let result = match campaign_input(&body) {
        Ok(f) => review::create_campaign(&state.services, &p, &f, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/reviews/{id}?done=created")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "review.new_campaign", |form| {
                new_page(&state, &ctx, &p, form)
            })
            .await
        }
    }
}

struct ItemLine {
    title: String,
    organization: String,
    specialties: String,
    team: String,
}

struct ConflictLine {
    item: ItemId,
    item_title: String,
    expert: ExpertId,
    expert_name: String,
    reasons: String,
    overridden: Option<String>,
}

struct PlanItem {
    title: String,
    experts: Vec<PlanExpert>,
}

/// An expert a dry run puts on an item, and why (the specialties they share).
struct PlanExpert {
    name: String,
    why: String,
}

struct PlanView {
    mode: String,
    seed: String,
    pairs: usize,
    objective: u64,
    items: Vec<PlanItem>,
    more: usize,
    /// Each item short of reviewers: why, and what would fill it.
    shortfalls: Vec<(String, Vec<String>)>,
    under_min: Vec<String>,
    blocked: usize,
}

struct ProgressLine {
    label: String,
    assigned: u32,
    submitted: u32,
    note: String,
}

struct ResultView {
    rank: String,
    title: String,
    organization: String,
    score: String,
    grade: String,
    sheets: String,
}

struct ObjectionLine {
    id: i32,
    item: String,
    name: String,
    contact: String,
    evidence: String,
    status: String,
    class: &'static str,
    open: bool,
    resolution: String,
    at: String,
    receipt: String,
    statement: String,
    /// Evidence files sent with it: (file id, name).
    files: Vec<(i32, String)>,
}

struct SwapLine {
    id: i32,
    label: String,
}

/// How far scoring has come: score sheets assigned and submitted.
#[derive(Default)]
struct ProgressTotal {
    assigned: u32,
    submitted: u32,
}

#[derive(Template)]
#[template(path = "review/review.html")]
struct CampaignPage {
    chrome: Chrome,
    c: Campaign,
    status: String,
    class: &'static str,
    steps: Vec<Step>,
    notice: Option<String>,
    error: Option<String>,
    facts: Vec<Fact>,
    /// A public notice without expert review: no scoring, no export, every item listed.
    notice_only: bool,
    items: Vec<ItemLine>,
    item_total: u64,
    pager: Pager,
    item_form: FormState,
    specialties: Vec<Choice>,
    conflicts: Vec<ConflictLine>,
    conflict_total: usize,
    can_override: bool,
    plan: Option<PlanView>,
    mode: String,
    seed: String,
    progress_items: Vec<ProgressLine>,
    progress_experts: Vec<ProgressLine>,
    progress_total: ProgressTotal,
    swaps: Vec<SwapLine>,
    results: Vec<ResultView>,
    result_pager: Option<Pager>,
    objections: Vec<ObjectionLine>,
    publicity: String,
    /// The publish form: the notice's official details.
    notice_form: FormState,
}

/// Every extra a campaign page may carry after an action.
#[derive(Default)]
struct Extras {
    notice: Option<String>,
    error: Option<String>,
    item_form: FormState,
    plan: Option<Plan>,
    mode: Option<Mode>,
    page: Option<u64>,
    /// The publish form as typed, after a refusal.
    notice_form: Option<FormState>,
}

fn reason_text(lang: Lang, r: &Reason, orgs: &BTreeMap<sheji_core::ids::OrganizationId, String>) -> String {
    let org = |o: &sheji_core::ids::OrganizationId| orgs.get(o).cloned().unwrap_or_else(|| o.to_string());
    match r {
        Reason::Employment { organization, until: None } => {
            lang.tf("review.reason.employment_now", &[("org", &org(organization))])
        }
        Reason::Employment { organization, until: Some(d) } => {
            lang.tf("review.reason.employment_past", &[("org", &org(organization)), ("until", &d.to_string())])
        }
        Reason::Cooperation { expert_organization, item_organization, on } => lang.tf(
            "review.reason.cooperation",
            &[("mine", &org(expert_organization)), ("theirs", &org(item_organization)), ("on", &on.to_string())],
        ),
        Reason::TeamMember { name } => lang.tf("review.reason.team_member", &[("name", name)]),
        Reason::EarlierRound { subject } => lang.tf("review.reason.earlier_round", &[("subject", subject)]),
        Reason::Declared { by: Declarant::Expert, reason } => lang.tf("review.reason.by_expert", &[("reason", reason)]),
        Reason::Declared { by: Declarant::Applicant, reason } => {
            lang.tf("review.reason.by_applicant", &[("reason", reason)])
        }
    }
}

fn reason_orgs(r: &Reason) -> Vec<sheji_core::ids::OrganizationId> {
    match r {
        Reason::Employment { organization, .. } => vec![*organization],
        Reason::Cooperation { expert_organization, item_organization, .. } => {
            vec![*expert_organization, *item_organization]
        }
        _ => Vec::new(),
    }
}

/// Shown at most on one page; the count says how many there are.
const MAX_LINES: usize = 200;

async fn campaign_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: CampaignId,
    extras: Extras,
) -> Result<CampaignPage, PageError> {
    let lang = ctx.lang;
    let s = &state.services;
    let base = chrome(ctx, "review.campaign");
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let (c, rubric) = review::campaign(s, p, id).await.map_err(err)?;
    let mut chrome = base.clone();
    chrome.title = c.fields.name.clone();
    let names = review::specialty_names(s).await.map_err(err)?;
    let label = |codes: &mut dyn Iterator<Item = &String>| -> String {
        lang.join_list(codes.map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone())))
    };
    let page = PageRequest::new(extras.page, None);
    let items = review::items(s, p, id, page).await.map_err(err)?;
    let pager = chrome.pager(&items);
    let item_lines = items
        .items
        .iter()
        .map(|r| ItemLine {
            title: r.item.fields.title.clone(),
            organization: r.organization.clone().unwrap_or_default(),
            specialties: label(&mut r.item.fields.specialties.iter()),
            team: lang.join_list(&r.item.fields.team),
        })
        .collect();
    // A notice without expert review was never prepared or scored: its steps are the notice's.
    let notice_only = review::notice_only(&rubric);
    let stages: Vec<CampaignStatus> = CampaignStatus::ALL
        .iter()
        .copied()
        .filter(|s| !notice_only || !matches!(s, CampaignStatus::Draft | CampaignStatus::Scoring))
        .collect();
    let now_index = stages.iter().position(|x| *x == c.status).unwrap_or(0);
    let steps = stages
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let class = if i < now_index {
                "done"
            } else if i == now_index {
                "current"
            } else {
                ""
            };
            let label = if notice_only && *st == CampaignStatus::Closed {
                lang.t("review.notice_ready").to_owned()
            } else {
                status_label(lang, *st)
            };
            Step { label, state: class }
        })
        .collect();
    let yes_no = |b: bool| lang.t(if b { "form.yes" } else { "form.no" }).to_owned();
    let facts = if notice_only {
        vec![
            Fact::new(lang.t("review.rubric"), lang.t("review.notice_only").to_owned()),
            Fact::new(lang.t("review.publicity_days"), c.fields.publicity_days.to_string()),
        ]
    } else {
        vec![
            Fact::new(lang.t("review.rubric"), format!("{} · v{}", rubric.name, rubric.version)),
            Fact::new(lang.t("review.reviewers_per_item"), c.fields.reviewers_per_item.to_string()),
            Fact::new(lang.t("review.period"), format!("{} – {}", c.fields.period_start, c.fields.deadline)),
            Fact::new(lang.t("review.blind"), yes_no(c.fields.blind)),
            Fact::new(
                lang.t("review.aggregation"),
                lang.t(&format!("review.aggregation.{}", c.fields.aggregation.code())),
            ),
            Fact::new(
                lang.t("review.thresholds"),
                lang.join_clauses(c.fields.thresholds.iter().map(|t| format!("{} ≥ {}", t.grade, t.min))),
            ),
            Fact::new(lang.t("review.conflict_years"), c.fields.conflict_years.to_string()),
            Fact::new(lang.t("review.load"), format!("{} – {}", c.fields.min_load, c.fields.max_load)),
            Fact::new(lang.t("review.publicity_days"), c.fields.publicity_days.to_string()),
        ]
    };
    let titles = if c.status == CampaignStatus::Draft {
        items_titles(state, p, id).await.map_err(err)?
    } else {
        BTreeMap::new()
    };
    let mut conflicts = Vec::new();
    let mut conflict_total = 0;
    let mut swaps = Vec::new();
    let mut progress_items = Vec::new();
    let mut progress_experts = Vec::new();
    let mut progress_total = ProgressTotal::default();
    if c.status == CampaignStatus::Draft {
        let found = assign::conflicts(s, p, id).await.map_err(err)?;
        conflict_total = found.found.len();
        let experts = review::expert_names(s, p, found.found.keys().map(|(_, e)| *e).collect()).await.map_err(err)?;
        let orgs = review::organization_names(s, found.found.values().flatten().flat_map(reason_orgs).collect())
            .await
            .map_err(err)?;
        for ((item, expert), reasons) in found.found.iter().take(MAX_LINES) {
            conflicts.push(ConflictLine {
                item: *item,
                item_title: titles.get(item).cloned().unwrap_or_else(|| format!("#{item}")),
                expert: *expert,
                expert_name: experts.get(expert).cloned().unwrap_or_else(|| format!("#{expert}")),
                reasons: lang.join_clauses(reasons.iter().map(|r| reason_text(lang, r, &orgs))),
                overridden: found
                    .overrides
                    .get(&(*item, *expert))
                    .map(|o| lang.tf("review.overridden_by", &[("by", &o.created_by), ("reason", &o.reason)])),
            });
        }
    }
    if c.status == CampaignStatus::Scoring {
        let pr = sheet_service::progress(s, p, id).await.map_err(err)?;
        progress_total = ProgressTotal { assigned: pr.assigned, submitted: pr.submitted };
        progress_items = pr
            .items
            .iter()
            .take(MAX_LINES)
            .map(|i| ProgressLine {
                label: i.title.clone(),
                assigned: i.assigned,
                submitted: i.submitted,
                note: String::new(),
            })
            .collect();
        progress_experts = pr
            .experts
            .iter()
            .map(|e| ProgressLine {
                label: e.name.clone(),
                assigned: e.assigned,
                submitted: e.submitted,
                note: e
                    .reminded_at
                    .map(|t| lang.tf("review.reminded_at", &[("at", &sheji_core::i18n::datetime(t))]))
                    .unwrap_or_default(),
            })
            .collect();
        swaps = swap_lines(state, p, id).await.map_err(err)?;
    }
    let mut results = Vec::new();
    let mut result_pager = None;
    if !matches!(c.status, CampaignStatus::Draft | CampaignStatus::Scoring) {
        let r = sheet_service::results(s, p, id, page).await.map_err(err)?;
        result_pager = Some(chrome.pager(&r));
        results = r
            .items
            .iter()
            .map(|l| ResultView {
                rank: if l.result.tied {
                    lang.tf("page.paren", &[("text", &l.result.rank.to_string()), ("detail", lang.t("review.tied"))])
                } else {
                    l.result.rank.to_string()
                },
                title: l.item.item.fields.title.clone(),
                organization: l.item.organization.clone().unwrap_or_default(),
                score: l.result.score.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".to_owned()),
                // Withdrawn by an upheld objection: its grade does not stand.
                grade: if l.upheld {
                    lang.t("review.upheld").to_owned()
                } else {
                    l.result.grade.clone().unwrap_or_default()
                },
                sheets: lang.join_clauses(l.sheets.iter().map(|(n, t, f)| {
                    if *f { format!("{n} {t:.2} ⚠{}", lang.t("review.outlier")) } else { format!("{n} {t:.2}") }
                })),
            })
            .collect();
    }
    let mut objections = Vec::new();
    if matches!(c.status, CampaignStatus::Publicity | CampaignStatus::Final) {
        let o = pub_service::objections(s, p, id, PageRequest::new(Some(1), Some(200))).await.map_err(err)?;
        objections = o
            .items
            .into_iter()
            .map(|v| ObjectionLine {
                id: v.objection.id,
                item: v.item_title.unwrap_or_else(|| lang.t("review.whole_list").to_owned()),
                name: v.objection.name,
                contact: v.contact,
                evidence: v.objection.evidence,
                class: v.objection.status.badge(),
                status: lang.t(&format!("review.objection.{}", v.objection.status.code())).to_owned(),
                open: v.objection.status.is_open(),
                resolution: v.objection.resolution.unwrap_or_default(),
                at: sheji_core::i18n::datetime(v.objection.created_at),
                receipt: v.objection.receipt.unwrap_or_default(),
                statement: v.objection.statement.unwrap_or_default(),
                files: v.files.into_iter().map(|f| (f.id, f.name)).collect(),
            })
            .collect();
    }
    let publicity = c
        .publicity
        .map(|(from, last)| {
            lang.tf("review.publicity_window", &[("from", &from.to_string()), ("until", &last.to_string())])
        })
        .unwrap_or_default();
    let plan = match extras.plan.as_ref() {
        Some(plan) => {
            let experts = review::expert_names(
                s,
                p,
                plan.pairs.iter().map(|x| x.expert).chain(plan.under_min.iter().map(|(e, _)| *e)).collect(),
            )
            .await
            .map_err(err)?;
            Some(plan_view(lang, plan, &names, &titles, &experts))
        }
        None => None,
    };
    let specialties = review::specialties(s)
        .await
        .map_err(err)?
        .into_iter()
        .map(|sp| {
            let checked = extras.item_form.is("specialties", &sp.code);
            Choice::selected_if(sp.code, sp.name, checked)
        })
        .collect();
    let notice_form = match extras.notice_form {
        Some(typed) => typed,
        None if c.status == CampaignStatus::Closed => {
            notice_form(&pub_service::notice_defaults(s, &c).await.map_err(err)?)
        }
        None => FormState::default(),
    };
    // On notice, the badge says where the window stands (never "on notice" before it opens).
    let (status, class) = if c.status == CampaignStatus::Publicity {
        publicity::public_badge(lang, &c, s.today())
    } else if notice_only && c.status == CampaignStatus::Closed {
        (lang.t("review.notice_ready").to_owned(), status_class(c.status))
    } else {
        (status_label(lang, c.status), status_class(c.status))
    };
    Ok(CampaignPage {
        status,
        class,
        steps,
        notice: extras.notice,
        error: extras.error,
        facts,
        notice_only,
        items: item_lines,
        item_total: items.total,
        pager,
        item_form: extras.item_form,
        specialties,
        conflicts,
        conflict_total,
        can_override: review::actions(s, p).override_conflicts,
        seed: extras.plan.as_ref().and_then(|pl| pl.seed).map(|x| x.to_string()).unwrap_or_default(),
        mode: extras.mode.unwrap_or(Mode::Optimal).code().to_owned(),
        plan,
        progress_items,
        progress_experts,
        progress_total,
        swaps,
        results,
        result_pager,
        objections,
        publicity,
        notice_form,
        chrome,
        c,
    })
}

/// The publish form's fields from a notice.
fn notice_form(n: &PublicityNotice) -> FormState {
    FormState::default()
        .keep("number", &n.number)
        .keep("phone", &n.phone)
        .keep("address", &n.address)
        .keep("min_score", &n.min_score.map(|m| m.to_string()).unwrap_or_default())
        .keep("show_scores", if n.show_scores { "on" } else { "" })
}

/// Publishes the closed results as an official notice.
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let mut f = Fields::new(&body);
    let notice = PublicityNotice {
        number: f.text("number"),
        phone: f.text("phone"),
        address: f.text("address"),
        show_scores: f.flag("show_scores"),
        min_score: f.optional_as("min_score", "review.notice.min_score_range"),
    };
    let check = |n: &PublicityNotice| {
        n.problems().into_iter().map(|(field, key)| sheji_service::FieldError::new(field, key)).collect()
    };
    let result = match f.finish(notice, check) {
        Ok(notice) => {
            pub_service::publish(&state.services, &p, id, &notice, &c.ip).await.map(|_| "published".to_owned())
        }
        Err(e) => Err(e),
    };
    match result {
        Err(e) if !e.fields().is_empty() => {
            let form = FormState::from_body(&body).with_error(&e, ctx.lang);
            let extras = Extras { notice_form: Some(form), ..Extras::default() };
            Ok(render(crate::error::status_of(e.kind()), &campaign_page(&state, &ctx, &p, id, extras).await?))
        }
        other => after(&state, &ctx, &p, id, other, Extras::default()).await,
    }
}

async fn items_titles(
    state: &AppState,
    p: &Principal,
    id: CampaignId,
) -> Result<BTreeMap<ItemId, String>, ServiceError> {
    let mut out = BTreeMap::new();
    let mut page = 1;
    loop {
        let r = review::items(&state.services, p, id, PageRequest::new(Some(page), Some(200))).await?;
        for i in &r.items {
            out.insert(i.item.id, i.item.fields.title.clone());
        }
        if page >= r.page_count() {
            return Ok(out);
        }
        page += 1;
    }
}

/// Items shown in a dry run's list; the rest are counted.
const PLAN_ITEMS: usize = 100;

fn plan_view(
    lang: Lang,
    plan: &Plan,
    names: &BTreeMap<String, String>,
    titles: &BTreeMap<ItemId, String>,
    experts: &BTreeMap<ExpertId, String>,
) -> PlanView {
    let mut by_item: BTreeMap<ItemId, Vec<PlanExpert>> = BTreeMap::new();
    for pair in &plan.pairs {
        let shared = pair.shared.iter().map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone())).collect::<Vec<_>>();
        let why = if shared.is_empty() {
            lang.t("review.no_shared").to_owned()
        } else {
            lang.tf("review.shared", &[("list", &lang.join_list(&shared))])
        };
        by_item.entry(pair.item).or_default().push(PlanExpert {
            name: experts.get(&pair.expert).cloned().unwrap_or_else(|| format!("#{}", pair.expert)),
            why,
        });
    }
    let more = by_item.len().saturating_sub(PLAN_ITEMS);
    PlanView {
        mode: lang.t(&format!("review.mode.{}", plan.mode.code())).to_owned(),
        seed: plan.seed.map(|x| x.to_string()).unwrap_or_default(),
        pairs: plan.pairs.len(),
        objective: plan.objective,
        items: by_item
            .into_iter()
            .take(PLAN_ITEMS)
            .map(|(item, experts)| PlanItem {
                title: titles.get(&item).cloned().unwrap_or_else(|| format!("#{item}")),
                experts,
            })
            .collect(),
        more,
        shortfalls: plan
            .shortfalls
            .iter()
            .map(|sh| {
                let full = if sh.got < sh.pool.eligible.min(sh.need) { lang.t("review.shortfall_full") } else { "" };
                let line = lang.tf(
                    "review.shortfall_line",
                    &[
                        ("title", &sh.title),
                        ("need", &sh.need.to_string()),
                        ("got", &sh.got.to_string()),
                        ("eligible", &sh.pool.eligible.to_string()),
                        ("conflicted", &sh.pool.conflicted.to_string()),
                        ("unavailable", &sh.pool.unavailable.to_string()),
                        ("unmatched", &sh.pool.unmatched.to_string()),
                    ],
                ) + full;
                let advice = sh
                    .pool
                    .advice(sh.need, sh.got)
                    .into_iter()
                    .map(|a| match a {
                        ShortfallAdvice::RaiseMaxLoad => lang.t("review.advice.max_load").to_owned(),
                        ShortfallAdvice::RelaxMatch => lang.t("review.advice.match").to_owned(),
                        ShortfallAdvice::WidenPeriod => lang.t("review.advice.period").to_owned(),
                        ShortfallAdvice::FewerReviewers(n) => lang.tf("review.advice.fewer", &[("n", &n.to_string())]),
                        ShortfallAdvice::AddExperts => lang.t("review.advice.add").to_owned(),
                    })
                    .collect();
                (line, advice)
            })
            .collect(),
        under_min: plan
            .under_min
            .iter()
            .map(|(e, load)| {
                lang.tf(
                    "review.under_min_line",
                    &[
                        ("name", &experts.get(e).cloned().unwrap_or_else(|| format!("#{e}"))),
                        ("load", &load.to_string()),
                    ],
                )
            })
            .collect(),
        blocked: plan.blocked,
    }
}

async fn swap_lines(state: &AppState, p: &Principal, id: CampaignId) -> Result<Vec<SwapLine>, ServiceError> {
    let open = review::open_assignments(&state.services, p, id).await?;
    Ok(open
        .into_iter()
        .map(|(aid, title, expert)| SwapLine { id: aid, label: format!("{title} · {expert}") })
        .collect())
}

/// A campaign's page.
pub async fn campaign(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("review.done.{}", q.done)).to_owned());
    let extras = Extras { notice, page: q.page.parse().ok(), ..Extras::default() };
    Ok(render(StatusCode::OK, &campaign_page(&state, &ctx, &p, CampaignId(id), extras).await?))
}

/// After an action: back to the campaign with a notice, or the page again with the error.
async fn after(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: CampaignId,
    result: Result<String, ServiceError>,
    mut extras: Extras,
) -> Result<Response, PageError> {
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/admin/reviews/{id}?done={done}")).into_response()),
        Err(e) if matches!(e.kind(), sheji_service::ErrorKind::Invalid | sheji_service::ErrorKind::Conflict) => {
            let status = crate::error::status_of(e.kind());
            if extras.item_form.value("title").is_empty()
                || !e
                    .fields()
                    .iter()
                    .any(|f| f.field == "title" || f.field == "specialties" || f.field == "organization")
            {
                extras.error = Some(e.message(ctx.lang));
            } else {
                extras.item_form = extras.item_form.with_error(&e, ctx.lang);
            }
            Ok(render(status, &campaign_page(state, ctx, p, id, extras).await?))
        }
        Err(e) => Err(PageError::service(&e, chrome(ctx, "review.campaign"))),
    }
}

/// Adds one item by hand.
pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let input = ItemInput {
        title: f.text("title"),
        organizations: excel::split_list(&f.text("organization").replace(' ', "、")),
        specialties: f.all("specialties").into_iter().collect(),
        team: f.text("team").split(['、', ',', '，', ';', '；']).map(str::to_owned).collect(),
        subject: Some(f.text("subject")),
    };
    let result = review::add_items(&state.services, &p, CampaignId(id), std::slice::from_ref(&input), &c.ip)
        .await
        .map(|_| "item".to_owned());
    let form = FormState::from_body(&body);
    after(&state, &ctx, &p, CampaignId(id), result, Extras { item_form: form, ..Extras::default() }).await
}

/// Adds items from a spreadsheet.
pub async fn import_items(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let (_, files) = read_multipart(multipart).await.map_err(|e| e.page(chrome(&ctx, "review.campaign")))?;
    let result = match files.into_iter().find(|(f, _, _)| f == "file") {
        None => Err(ServiceError::Invalid { key: "import.no_file", args: vec![] }),
        Some((_, _, bytes)) => match excel::read_items(&state.services, bytes).await {
            Ok(inputs) => review::add_items(&state.services, &p, CampaignId(id), &inputs, &c.ip)
                .await
                .map(|n| format!("imported&n={n}")),
            Err(e) => Err(e),
        },
    };
    after(&state, &ctx, &p, CampaignId(id), result, Extras::default()).await
}

fn mode_of(body: &str) -> Mode {
    Mode::parse(&Fields::new(body).text("mode")).unwrap_or(Mode::Optimal)
}

fn seed_of(body: &str) -> Option<u64> {
    Fields::new(body).text("seed").trim().parse().ok()
}

/// A dry run, shown on the campaign page.
pub async fn plan(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let mode = mode_of(&body);
    match assign::dry_run(&state.services, &p, id, mode, seed_of(&body)).await {
        Ok(plan) => {
            let extras = Extras { plan: Some(plan), mode: Some(mode), ..Extras::default() };
            Ok(render(StatusCode::OK, &campaign_page(&state, &ctx, &p, id, extras).await?))
        }
        Err(e) => after(&state, &ctx, &p, id, Err(e), Extras { mode: Some(mode), ..Extras::default() }).await,
    }
}

/// Deploys the assignment.
pub async fn deploy(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let result = assign::deploy(&state.services, &p, id, mode_of(&body), seed_of(&body), &c.ip)
        .await
        .map(|_| "deployed".to_owned());
    after(&state, &ctx, &p, id, result, Extras::default()).await
}

/// Records a declared conflict (by the expert or the applicant).
pub async fn declare(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let f = Fields::new(&body);
    let result = match (f.text("item").parse::<i32>(), f.text("expert").parse::<i32>()) {
        (Ok(item), Ok(expert)) => {
            let by = if f.text("by") == "expert" { Declarant::Expert } else { Declarant::Applicant };
            let d = Declaration { item: ItemId(item), expert: ExpertId(expert), by, reason: f.text("reason") };
            assign::declare(&state.services, &p, id, &d, &c.ip).await.map(|()| "declared".to_owned())
        }
        _ => Err(ServiceError::Invalid { key: "review.pick_pair", args: vec![] }),
    };
    after(&state, &ctx, &p, id, result, Extras::default()).await
}

/// An administrator's override of a conflict.
pub async fn override_conflict(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let f = Fields::new(&body);
    let result = match (f.text("item").parse::<i32>(), f.text("expert").parse::<i32>()) {
        (Ok(item), Ok(expert)) => {
            assign::override_conflict(&state.services, &p, id, ItemId(item), ExpertId(expert), &f.text("reason"), &c.ip)
                .await
                .map(|()| "overridden".to_owned())
        }
        _ => Err(ServiceError::Invalid { key: "review.pick_pair", args: vec![] }),
    };
    after(&state, &ctx, &p, id, result, Extras::default()).await
}

/// Staff replace a reviewer.
pub async fn swap(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let f = Fields::new(&body);
    let result = match f.text("assignment").parse::<i32>() {
        Ok(a) => {
            let replacement = f.text("expert").trim().parse::<i32>().ok().map(ExpertId);
            assign::swap(&state.services, &p, a, replacement, &f.text("reason"), &c.ip)
                .await
                .map(|_| "swapped".to_owned())
        }
        Err(_) => Err(ServiceError::Invalid { key: "review.pick_assignment", args: vec![] }),
    };
    after(&state, &ctx, &p, id, result, Extras::default()).await
}

/// One step of the campaign workflow: remind, close or finalize (publishing has its form).
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, step)): Path<(i32, String)>,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let s = &state.services;
    let result = match step.as_str() {
        "remind" => sheet_service::remind(s, &p, id, &c.ip).await.map(|n| format!("reminded&n={n}")),
        "close" => sheet_service::close(s, &p, id, &c.ip).await.map(|_| "closed".to_owned()),
        "finalize" => pub_service::finalize(s, &p, id, &c.ip).await.map(|()| "finalized".to_owned()),
        _ => return Err(PageError::not_found(chrome(&ctx, "review.campaign"))),
    };
    after(&state, &ctx, &p, id, result, Extras::default()).await
}

/// Records the applicant's statement on an objection.
pub async fn statement(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, oid)): Path<(i32, i32)>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let result = pub_service::record_statement(&state.services, &p, oid, &f.text("statement"), &c.ip)
        .await
        .map(|()| "statement".to_owned());
    after(&state, &ctx, &p, CampaignId(id), result, Extras::default()).await
}

/// Decides an objection.
pub async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, oid)): Path<(i32, i32)>,
    body: String,
) -> Result<Response, PageError> {
    let id = CampaignId(id);
    let f = Fields::new(&body);
    // The decision is said, never assumed: anything but the two buttons is refused.
    let result = match f.text("decision").as_str() {
        d @ ("accept" | "reject") => {
            pub_service::resolve(&state.services, &p, oid, d == "accept", &f.text("resolution"), &c.ip)
                .await
                .map(|()| "resolved".to_owned())
        }
        _ => Err(ServiceError::Invalid { key: "review.decision_required", args: vec![] }),
    };
    after(&state, &ctx, &p, id, result, Extras::default()).await
}

/// The blank item list for the Excel import.
pub async fn items_template(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    match excel::items_template(&state.services, &p, ctx.lang).await {
        Ok(bytes) => Ok(xlsx_response(bytes, "review-items.xlsx")),
        Err(e) => Err(PageError::service(&e, chrome(&ctx, "review.campaign"))),
    }
}

/// The results and sheets as a workbook.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    match excel::workbook(&state.services, &p, CampaignId(id), ctx.lang).await {
        Ok(bytes) => Ok(xlsx_response(bytes, &format!("review-{id}.xlsx"))),
        Err(e) => Err(PageError::service(&e, chrome(&ctx, "review.campaign"))),
    }
}
