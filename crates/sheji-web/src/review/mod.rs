//! Expert review: campaigns, the expert pool, rubrics, scoring sheets, publicity and the working-day calendar.

mod api;
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
    NavEntry {
        group: NavGroup::Review,
        href: "/admin/reviews",
        key: "nav.reviews",
        permission: Some(Permission::ReviewManage),
    },
    NavEntry {
        group: NavGroup::Review,
        href: "/admin/experts",
        key: "nav.experts",
        permission: Some(Permission::ReviewManage),
    },
    NavEntry {
        group: NavGroup::Review,
        href: "/admin/rubrics",
        key: "nav.rubrics",
        permission: Some(Permission::ReviewManage),
    },
    NavEntry {
        group: NavGroup::Review,
        href: "/reviews",
        key: "nav.my_reviews",
        permission: Some(Permission::ReviewScore),
    },
    NavEntry { group: NavGroup::Review, href: "/publicity", key: "nav.publicity", permission: None },
    NavEntry {
        group: NavGroup::System,
        href: "/admin/calendar",
        key: "nav.calendar",
        permission: Some(Permission::SettingsEdit),
    },
];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/reviews", get(pages::campaigns))
        .route("/admin/reviews/new", get(pages::new_form).post(pages::new_submit))
        .route("/admin/reviews/items-template.xlsx", get(pages::items_template))
        .route("/admin/reviews/{id}", get(pages::campaign))
        .route("/admin/reviews/{id}/items", post(pages::add_item))
        .route(
            "/admin/reviews/{id}/items/import",
            post(pages::import_items).layer(axum::extract::DefaultBodyLimit::max(pages::MAX_UPLOAD)),
        )
        .route("/admin/reviews/{id}/plan", post(pages::plan))
        .route("/admin/reviews/{id}/deploy", post(pages::deploy))
        .route("/admin/reviews/{id}/declare", post(pages::declare))
        .route("/admin/reviews/{id}/override", post(pages::override_conflict))
        .route("/admin/reviews/{id}/swap", post(pages::swap))
        .route("/admin/reviews/{id}/steps/{step}", post(pages::step))
        .route("/admin/reviews/{id}/publish", post(pages::publish))
        .route("/admin/reviews/{id}/objections/{oid}", post(pages::resolve))
        .route("/admin/reviews/{id}/objections/{oid}/statement", post(pages::statement))
        .route("/admin/reviews/{id}/objections/{oid}/files/{fid}", get(pages::publicity::evidence_file))
        .route("/admin/reviews/{id}/export.xlsx", get(pages::export))
        .route("/admin/experts", get(pages::pool::experts))
        .route("/admin/experts/new", get(pages::pool::new_form).post(pages::pool::new_submit))
        .route("/admin/experts/{id}", get(pages::pool::detail).post(pages::pool::update))
        .route("/admin/rubrics", get(pages::pool::rubrics).post(pages::pool::rubric_submit))
        .route("/admin/calendar", get(pages::publicity::calendar).post(pages::publicity::calendar_submit))
        .route("/reviews", get(pages::sheet::mine))
        .route("/reviews/{id}", get(pages::sheet::sheet).post(pages::sheet::save))
        .route("/reviews/{id}/decline", post(pages::sheet::decline))
        .route("/publicity", get(pages::publicity::list))
        .route("/publicity/{id}", get(pages::publicity::notice))
        .route("/publicity/{id}/notice.pdf", get(pages::publicity::notice_pdf))
        .route("/publicity/{id}/print", get(pages::publicity::notice_print))
        .route(
            "/publicity/{id}/objections",
            post(pages::publicity::object)
                .layer(axum::extract::DefaultBodyLimit::max(pages::publicity::MAX_OBJECTION_UPLOAD)),
        )
        .route(
            "/publicity/objection-status",
            get(pages::publicity::objection_status_form).post(pages::publicity::objection_status),
        )
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::campaigns))
        .routes(routes!(api::plan))
        .routes(routes!(api::results))
        .routes(routes!(api::publicity))
        .routes(routes!(api::mine))
        .routes(routes!(api::get_sheet, api::put_sheet))
}
