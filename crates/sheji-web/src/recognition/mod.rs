//! The recognition ladder: batches, applications, district and formal checks, the register and certificates.

mod api;
mod documents;
pub(crate) mod pages;
mod rectification;

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
    NavEntry {
        group: NavGroup::Recognition,
        href: "/recognition",
        key: "nav.recognition",
        permission: Some(Permission::RegistryReadPrivate),
    },
    NavEntry { group: NavGroup::Recognition, href: "/recognitions", key: "nav.recognitions", permission: None },
];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/recognition", get(pages::home))
        .route("/recognition/{batch}/apply", post(pages::apply))
        .route("/recognition/applications/{id}", get(pages::application).post(pages::save))
        .route("/recognition/applications/{id}/act", post(pages::act))
        .route(
            "/recognition/applications/{id}/attachments",
            post(pages::attach).layer(axum::extract::DefaultBodyLimit::max(pages::MAX_UPLOAD)),
        )
        .route(
            "/recognition/applications/{id}/inspection",
            post(pages::inspect).layer(axum::extract::DefaultBodyLimit::max(pages::MAX_UPLOAD)),
        )
        .route("/recognition/rectifications/{id}", get(rectification::show))
        .route("/recognition/rectifications/{id}/report", post(rectification::report))
        .route("/recognition/rectifications/{id}/decide", post(rectification::decide))
        .route("/files/{id}", get(pages::download))
        .route("/admin/recognition/new", get(pages::new_form).post(pages::new_submit))
        .route("/admin/recognition/{id}", get(pages::batch))
        .route("/admin/recognition/{id}/edit", get(pages::edit_form).post(pages::edit_submit))
        .route("/admin/recognition/{id}/steps/{step}", post(pages::batch_step))
        .route("/admin/recognition/{id}/call/{what}", post(pages::batch_call))
        .route("/recognitions", get(pages::register))
        .route("/recognitions/export.xlsx", get(pages::register_export))
        .route("/certificates/{number}", get(pages::certificate))
        .route("/certificates/{number}/{document}", get(documents::certificate))
        .route("/recognition/applications/{id}/{document}", get(documents::application))
        .route("/recognition/batches/{id}/{document}", get(documents::list))
        .route("/verify/application", get(documents::verify))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::register))
        .routes(routes!(api::certificate))
        .routes(routes!(api::batches))
        .routes(routes!(api::application))
}
