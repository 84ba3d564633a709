//! The audit trail: the filtered page, its CSV export and the API.

mod api;
mod pages;

use axum::Router;
use axum::routing::get;
use sheji_core::identity::Permission;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: api_routes, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[NavEntry {
    group: NavGroup::System,
    href: "/admin/audit",
    key: "nav.audit",
    permission: Some(Permission::AuditRead),
}];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(pages::audit_page))
        .route("/admin/audit/export.csv", get(pages::audit_export))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::list))
}
