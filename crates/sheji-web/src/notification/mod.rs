//! Messages (消息): the signed-in person's list, read and unread, opened to where they lead;
//! their choice of e-mail and SMS per kind of message; and, for administrators, the delivery
//! log with the channel settings and a test for each channel. To-dos are shown on the home
//! page and counted in the header.

mod deliveries;
mod pages;
mod preferences;

use axum::Router;
use axum::routing::{get, post};
use sheji_core::identity::Permission;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

/// What this capability adds to the application (messages are reached from the header; the
/// delivery log from the system menu).
pub const CAPABILITY: Capability = Capability { pages, api: OpenApiRouter::new, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[NavEntry {
    group: NavGroup::System,
    href: "/admin/deliveries",
    key: "notification.deliveries.title",
    permission: Some(Permission::SettingsEdit),
}];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/messages", get(pages::list))
        .route("/messages/read", post(pages::read_all))
        .route("/messages/{id}", get(pages::open))
        .route("/account/notifications", get(preferences::page).post(preferences::save))
        .route("/admin/deliveries", get(deliveries::list))
        .route("/admin/deliveries/settings", post(deliveries::settings_submit))
        .route("/admin/deliveries/test", post(deliveries::test))
        .route("/admin/deliveries/{id}/resend", post(deliveries::resend))
}
