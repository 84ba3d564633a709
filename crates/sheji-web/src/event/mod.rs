//! Events (活动): the public list and page with registration, the staff form and the
//! organizer's desk (registrations, check-in, the 对接会 schedule), the ticket with its QR code,
//! the check-in address the QR code opens, a participant's wishes and personal schedule.

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
    &[NavEntry { group: NavGroup::Matchmaking, href: "/events", key: "nav.events", permission: None }];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/events", get(pages::events))
        .route("/events/new", get(pages::new_event).post(pages::create_event))
        .route("/events/{id}", get(pages::event))
        .route("/events/{id}/edit", get(pages::edit_event).post(pages::save_event))
        .route("/events/{id}/act", post(pages::act))
        .route("/events/{id}/register", post(pages::register))
        .route("/events/{id}/withdraw", post(pages::withdraw))
        .route("/events/{id}/ticket", get(pages::ticket))
        .route("/events/{id}/wishes", get(pages::wishes).post(pages::save_wishes))
        .route("/events/{id}/schedule", get(pages::schedule).post(pages::request_change))
        .route("/events/{id}/build", post(pages::build))
        .route("/events/{id}/finalize", post(pages::finalize))
        .route("/events/registrations/{id}", post(pages::decide))
        .route("/events/meetings/{id}", post(pages::outcome))
        .route("/events/meetings/{id}/deal", post(pages::open_deal))
        .route("/events/checkin", post(pages::check_in_code))
        .route("/events/checkin/{ticket}", get(pages::ticket_page).post(pages::check_in))
}

/// No JSON endpoints yet: events are run through the pages (see DESIGN-NOTES).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
