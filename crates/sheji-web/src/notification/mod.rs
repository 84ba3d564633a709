//! Messages (消息): the signed-in person's list, read and unread, opened to where they lead.
//! To-dos are shown on the home page and counted in the header.

mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::capability::Capability;

/// What this capability adds to the application (its entry is in the header, not the menu).
pub const CAPABILITY: Capability = Capability { pages, api: OpenApiRouter::new, nav: &[] };

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/messages", get(pages::list))
        .route("/messages/read", post(pages::read_all))
        .route("/messages/{id}", get(pages::open))
}
