//! Services to enterprises: service records, cultivation targets and the branch work page.

mod pages;

use axum::Router;
use axum::routing::{get, post};
use sheji_core::identity::Permission;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: api_routes, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[NavEntry {
    group: NavGroup::Recognition,
    href: "/services/work",
    key: "nav.service_work",
    permission: Some(Permission::LibraryDecide),
}];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/organizations/{id}/services", get(pages::services).post(pages::record))
        .route("/admin/organizations/{id}/target", post(pages::mark))
        .route("/services/work", get(pages::work))
        .route("/services/work.xlsx", get(pages::work_xlsx))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
