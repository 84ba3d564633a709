//! Search across the platform: the search page and the search and suggestion API.

pub mod api;
mod pages;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::NavEntry;

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: api_routes, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new().route("/search", get(pages::page))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::search)).routes(routes!(api::suggest))
}
