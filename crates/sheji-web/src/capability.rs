//! The capabilities the web layer serves, one line each. A capability lives in its own folder
//! (`registry/`, `review/`, …) with its pages, API handlers, navigation entries and templates
//! (`templates/<capability>/`); adding one means adding its folder and one line here.

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::layout::NavEntry;

/// What one capability adds to the application.
#[derive(Debug, Clone, Copy)]
pub struct Capability {
    /// Its page routes.
    pub pages: fn() -> Router<AppState>,
    /// Its JSON API routes, which also make its part of the OpenAPI document.
    pub api: fn() -> OpenApiRouter<AppState>,
    /// Its navigation entries, placed in their groups in the order of this list.
    pub nav: &'static [NavEntry],
}

/// Every capability, in navigation order.
pub const ALL: &[Capability] = &[
    crate::platform::CAPABILITY,
    crate::search::CAPABILITY,
    crate::registry::CAPABILITY,
    crate::recognition::CAPABILITY,
    crate::service::CAPABILITY,
    crate::matchmaking::CAPABILITY,
    crate::cooperation::CAPABILITY,
    crate::event::CAPABILITY,
    crate::review::CAPABILITY,
    crate::reference::CAPABILITY,
    crate::identity::CAPABILITY,
    crate::document::CAPABILITY,
    crate::job::CAPABILITY,
    crate::notification::CAPABILITY,
    crate::audit::CAPABILITY,
];

/// Every page route of every capability.
pub fn pages() -> Router<AppState> {
    ALL.iter().fold(Router::new(), |router, c| router.merge((c.pages)()))
}

/// Every API route of every capability, on top of `base` (which carries the document's info).
pub fn api(base: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    ALL.iter().fold(base, |router, c| router.merge((c.api)()))
}
