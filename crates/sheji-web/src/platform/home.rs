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

/// One of the plan's targets: its figure and what it counts.
struct Target {
    figure: String,
    label: &'static str,
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
    targets: Vec<Target>,
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
    let page = HomePage {
        targets: PLAN_TARGETS
            .iter()
            .map(|key| Target { figure: lang.t(&format!("{key}_figure")).to_owned(), label: lang.t(key) })
            .collect(),
        stats: vec![
            Stat { figure: i18n::count(orgs.total), label: lang.t("home.counts.organizations"), href: "" },
            Stat { figure: i18n::count(refs.districts), label: lang.t("home.counts.districts"), href: "/districts" },
            Stat { figure: i18n::count(refs.clusters), label: lang.t("home.counts.clusters"), href: "/clusters" },
        ],
        chrome,
    };
    Ok(render(StatusCode::OK, &page))
}
