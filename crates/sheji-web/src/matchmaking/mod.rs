//! Matchmaking (供需对接): the public demand and offer lists, their pages and forms, the
//! ranked matches with their reasons, interests, the staff review list and its export.

mod api;
mod guide;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use sheji_core::identity::Permission;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: api_routes, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[
    NavEntry { group: NavGroup::Matchmaking, href: "/demands", key: "nav.demands", permission: None },
    NavEntry { group: NavGroup::Matchmaking, href: "/offers", key: "nav.offers", permission: None },
    NavEntry { group: NavGroup::Matchmaking, href: "/guides", key: "nav.guides", permission: None },
    NavEntry {
        group: NavGroup::Matchmaking,
        href: "/matchmaking/review",
        key: "nav.matchmaking_review",
        permission: Some(Permission::MatchmakingManage),
    },
];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/demands", get(pages::demands))
        .route("/demands/new", get(pages::new_demand).post(pages::create_demand))
        .route("/demands/{id}", get(pages::demand))
        .route("/demands/{id}/edit", get(pages::edit_demand).post(pages::save_demand))
        .route("/demands/{id}/act", post(pages::act_on_demand))
        .route("/demands/{id}/matches", get(pages::demand_matches))
        .route(
            "/demands/{id}/files",
            post(pages::attach).layer(axum::extract::DefaultBodyLimit::max(pages::MAX_UPLOAD)),
        )
        .route("/demands/files/{file}", get(pages::download))
        .route("/demands/files/{file}/remove", post(pages::detach))
        .route("/offers", get(pages::offers))
        .route("/offers/new", get(pages::new_offer).post(pages::create_offer))
        .route("/offers/{id}", get(pages::offer))
        .route("/offers/{id}/edit", get(pages::edit_offer).post(pages::save_offer))
        .route("/offers/{id}/act", post(pages::act_on_offer))
        .route("/offers/{id}/matches", get(pages::offer_matches))
        .route("/matchmaking/mine", get(pages::mine))
        .route("/matchmaking/interests", post(pages::express))
        .route("/matchmaking/interests/{id}", post(pages::answer))
        .route("/matchmaking/review", get(pages::review))
        .route("/matchmaking/districts", get(pages::districts).post(pages::save_districts))
        .route("/matchmaking/export.xlsx", get(pages::export))
        .route("/guides", get(guide::guides).post(guide::publish))
        .route("/guides/{id}", get(guide::guide))
        .route("/guides/{id}/{document}", get(guide::document))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::demands))
        .routes(routes!(api::demand))
        .routes(routes!(api::demand_matches))
        .routes(routes!(api::offers))
        .routes(routes!(api::offer))
}
