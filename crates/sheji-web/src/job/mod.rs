//! Background jobs: the progress page of one's own job (an import), and for administrators
//! the queue with its recurring work, each job's attempts, and a connectivity check.

mod pages;

use axum::Router;
use axum::routing::{get, post};
use sheji_core::identity::Permission;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: OpenApiRouter::new, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[NavEntry {
    group: NavGroup::System,
    href: "/admin/jobs",
    key: "job.admin.title",
    permission: Some(Permission::SettingsEdit),
}];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/jobs", get(pages::list))
        .route("/admin/jobs/ping", post(pages::ping))
        .route("/admin/jobs/{id}", get(pages::job))
}
