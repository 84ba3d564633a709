//! The organization registry and the design-driven library: directories, records, imports, library applications.

pub mod api;
mod import;
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
    NavEntry { group: NavGroup::Registry, href: "/organizations", key: "nav.organizations", permission: None },
    NavEntry {
        group: NavGroup::Registry,
        href: "/admin/organizations",
        key: "nav.admin_organizations",
        permission: Some(Permission::RegistryReadPrivate),
    },
    NavEntry {
        group: NavGroup::Registry,
        href: "/admin/library/applications",
        key: "nav.applications",
        permission: Some(Permission::LibraryDecide),
    },
];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/organizations", get(pages::directory))
        .route("/organizations/{id}", get(pages::public_detail))
        .route("/admin/organizations", get(pages::staff_list))
        .route("/admin/organizations/export.csv", get(pages::staff_export))
        .route("/admin/organizations/export.xlsx", get(pages::staff_export_xlsx))
        .route("/admin/organizations/template.xlsx", get(import::template))
        .route(
            "/admin/organizations/import",
            get(import::form).post(import::upload).layer(axum::extract::DefaultBodyLimit::max(import::MAX_UPLOAD)),
        )
        .route("/admin/organizations/import/commit", post(import::commit))
        .route("/admin/organizations/library/admit", post(pages::admit_selected))
        .route("/admin/organizations/new", get(pages::new_form).post(pages::new_submit))
        .route("/admin/organizations/{id}/edit", get(pages::edit_form).post(pages::edit_submit))
        .route("/admin/organizations/{id}/figures", post(pages::figures_submit))
        .route("/admin/organizations/{id}/figures/{year}/confirm", post(pages::figures_confirm))
        .route("/admin/organizations/{id}/apply", post(pages::apply))
        .route("/admin/library/applications", get(pages::applications))
        .route("/admin/library/applications/{id}", post(pages::decide))
        .route("/admin/organizations/import/{token}/errors.xlsx", get(import::errors))
        .route("/admin/organizations/{id}", get(pages::staff_detail))
        .route("/admin/organizations/{id}/library", post(pages::library_action))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_public))
        .routes(routes!(api::get))
        .routes(routes!(api::list_private, api::create))
        .routes(routes!(api::get_private, api::update, api::patch))
        .routes(routes!(api::get_library, api::post_library))
}
