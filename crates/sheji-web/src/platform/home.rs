//! The home page: what the platform is for, the plan's targets, and what is on record.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sheji_core::i18n;
use sheji_service::{reference, registry};

use crate::AppState;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx};

/// The "6个1" targets of the 2024–2027 action plan (渝经信服务〔2024〕16号), as label keys; each
/// figure is the key with `_figure` added ("1 万亿" reads "1 trillion" in English).
pub(crate) const PLAN_TARGETS: [&str; 6] = [
    "home.plan.sales",
    "home.plan.centers",
    "home.plan.designers",
    "home.plan.showcase",
    "home.plan.backbone",
    "home.plan.platforms",
];

/// One action waiting for the signed-in person, as the 待办 list shows it.
pub(crate) struct TodoLine {
    /// What is waiting, in the page's language.
    pub text: String,
    /// Its deadline, if it has one ("截止 2026-12-20").
    pub due: String,
    /// Where to act.
    pub href: String,
}

/// The caller's to-dos, in the page's language.
pub(crate) async fn todo_lines(state: &AppState, ctx: &Ctx) -> Option<Vec<TodoLine>> {
    let p = ctx.caller.principal.as_ref()?;
    let todos = sheji_service::notification::todos(&state.services, p).await.ok()?;
    let lang = ctx.lang;
    Some(
        todos
            .into_iter()
            .map(|t| {
                let args: Vec<(&str, &str)> = t.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                TodoLine {
                    text: if args.is_empty() { lang.t(t.key).to_owned() } else { lang.tf(t.key, &args) },
                    due: t.due.map(|d| lang.tf("notification.due", &[("date", &d.to_string())])).unwrap_or_default(),
                    href: t.href,
                }
            })
            .collect(),
    )
}

/// One of the plan's targets: its figure, what it counts, and how far the platform's records
/// say it has come.
struct Target {
    figure: String,
    label: &'static str,
    progress: String,
}

/// One count of what is on record, linking to its list where there is one.
struct Stat {
    figure: String,
    label: &'static str,
    /// The list's address; empty when it has no public list.
    href: &'static str,
}

#[derive(Template)]
#[template(path = "platform/home.html")]
struct HomePage {
    chrome: Chrome,
    /// The signed-in person's to-dos (待办), first on the page.
    todos: Option<Vec<TodoLine>>,
    targets: Vec<Target>,
    /// When the progress was counted ("统计于 …"), or that it has not been yet.
    progress_as_of: String,
    stats: Vec<Stat>,
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("home.title");
    let refs = match reference::counts(&state.services).await {
        Ok(c) => c,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let orgs = match registry::counts(&state.services).await {
        Ok(c) => c,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    // A snapshot the hourly job keeps; the page never sums on a visitor's time.
    let progress = sheji_service::statistics::plan_progress(&state.services).await.ok().flatten();
    let progress_of = |key: &str| -> String {
        let Some(p) = progress else { return String::new() };
        match key {
            "home.plan.sales" => p.sales_yi().map_or_else(
                || lang.t("statistics.not_tracked").to_owned(),
                |(year, yi)| {
                    lang.tf("statistics.sales", &[("year", &year.to_string()), ("figure", &format!("{yi:.1}"))])
                },
            ),
            "home.plan.centers" => lang.tf("statistics.centers", &[("n", &i18n::count(p.design_centers))]),
            "home.plan.backbone" => lang.tf("statistics.backbone", &[("n", &i18n::count(p.backbone_firms))]),
            _ => lang.t("statistics.not_tracked").to_owned(),
        }
    };
    let page = HomePage {
        todos: todo_lines(&state, &ctx).await,
        targets: PLAN_TARGETS
            .iter()
            .map(|key| Target {
                figure: lang.t(&format!("{key}_figure")).to_owned(),
                label: lang.t(key),
                progress: progress_of(key),
            })
            .collect(),
        progress_as_of: match progress {
            Some(p) => lang.tf("statistics.as_of", &[("time", &i18n::datetime(p.computed_at))]),
            None => lang.t("statistics.not_yet").to_owned(),
        },
        stats: vec![
            Stat { figure: i18n::count(orgs.total), label: lang.t("home.counts.organizations"), href: "" },
            Stat { figure: i18n::count(refs.districts), label: lang.t("home.counts.districts"), href: "/districts" },
            Stat { figure: i18n::count(refs.clusters), label: lang.t("home.counts.clusters"), href: "/clusters" },
        ],
        chrome,
    };
    Ok(render(StatusCode::OK, &page))
}
