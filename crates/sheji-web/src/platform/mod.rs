//! The platform itself: the home page, the API documentation page and the health probes.

mod api;
mod api_docs;
pub(crate) mod home;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: api_routes, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[
    NavEntry { group: NavGroup::Top, href: "/", key: "nav.home", permission: None },
    NavEntry { group: NavGroup::Developer, href: "/api/docs", key: "nav.api", permission: None },
];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new().route("/", get(home::page)).route("/api/docs", get(api_docs::page))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::healthz)).routes(routes!(api::readyz))
}
