//! Cooperation (合作): the deals that follow accepted interests, as each side and the staff
//! over their districts see them: the list with its district tally, a deal with its quote,
//! milestones, dispute, dated steps and ratings, and the provider's quote form.

mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: api_routes, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] =
    &[NavEntry { group: NavGroup::Matchmaking, href: "/deals", key: "nav.deals", permission: None }];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/deals", get(pages::deals))
        .route("/deals/{id}", get(pages::deal))
        .route("/deals/{id}/act", post(pages::act))
        .route("/deals/{id}/quote", get(pages::quote_form).post(pages::quote))
        .route("/deals/{id}/milestones/{milestone}", post(pages::milestone))
        .route("/deals/{id}/rate", post(pages::rate))
}

/// No JSON endpoints yet: deals are worked through the pages (see DESIGN-NOTES).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
