//! Reference data: districts and clusters.

pub mod api;
mod pages;

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
    NavEntry { group: NavGroup::Reference, href: "/districts", key: "nav.districts", permission: None },
    NavEntry { group: NavGroup::Reference, href: "/clusters", key: "nav.clusters", permission: None },
];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new().route("/districts", get(pages::districts)).route("/clusters", get(pages::clusters))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_districts))
        .routes(routes!(api::get_district))
        .routes(routes!(api::list_clusters))
}
