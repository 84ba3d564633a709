//! Server-rendered pages. Each handler builds a typed template struct holding the shared
//! [`Chrome`](crate::layout::Chrome) and the data of one use case.

mod account;
mod admin;
mod api_docs;
mod home;
mod import;
mod recognition;
mod reference;
mod registry;
mod review;
mod search;
mod service;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/search", get(search::page))
        .route("/districts", get(reference::districts))
        .route("/clusters", get(reference::clusters))
        .route("/organizations", get(registry::directory))
        .route("/organizations/{id}", get(registry::public_detail))
        .route("/admin/organizations", get(registry::staff_list))
        .route("/admin/organizations/export.csv", get(registry::staff_export))
        .route("/admin/organizations/export.xlsx", get(registry::staff_export_xlsx))
        .route("/admin/organizations/template.xlsx", get(import::template))
        .route(
            "/admin/organizations/import",
            get(import::form).post(import::upload).layer(axum::extract::DefaultBodyLimit::max(import::MAX_UPLOAD)),
        )
        .route("/admin/organizations/import/commit", post(import::commit))
        .route("/admin/jobs/{id}", get(import::job))
        .route("/admin/organizations/library/admit", post(registry::admit_selected))
        .route("/admin/organizations/new", get(registry::new_form).post(registry::new_submit))
        .route("/admin/organizations/{id}/edit", get(registry::edit_form).post(registry::edit_submit))
        .route("/admin/organizations/{id}/figures", post(registry::figures_submit))
        .route("/admin/organizations/{id}/apply", post(registry::apply))
        .route("/admin/library/applications", get(registry::applications))
        .route("/admin/library/applications/{id}", post(registry::decide))
        .route("/admin/organizations/import/{token}/errors.xlsx", get(import::errors))
        .route("/admin/organizations/{id}", get(registry::staff_detail))
        .route("/admin/organizations/{id}/library", post(registry::library_action))
        .route("/login", get(account::login_page).post(account::login_submit))
        .route("/login/totp", get(account::totp_login_page).post(account::totp_login_submit))
        .route("/logout", post(account::logout))
        .route("/register", get(account::register_page))
        .route("/register/enterprise", get(account::register_enterprise_page).post(account::register_enterprise_submit))
        .route("/register/designer", get(account::register_designer_page).post(account::register_designer_submit))
        .route("/account", get(account::account))
        .route("/account/profile", post(account::profile_submit))
        .route("/account/password", get(account::password_page).post(account::password_submit))
        .route("/account/sessions/{id}/end", post(account::end_session))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/account/totp", get(account::totp_page).post(account::totp_enable))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/admin/accounts", get(admin::accounts))
        .route("/admin/accounts/new", get(admin::account_new_page).post(admin::account_new_submit))
        .route("/admin/accounts/{id}", get(admin::account_detail))
        .route("/admin/accounts/{id}/status", post(admin::account_status))
        .route("/admin/accounts/{id}/verify", post(admin::account_verify))
        .route("/admin/accounts/{id}/reset-password", post(admin::account_reset))
        .route("/admin/accounts/{id}/affiliations", post(admin::affiliation_add))
        .route("/admin/accounts/{id}/affiliations/{aid}/remove", post(admin::affiliation_remove))
        .route("/admin/audit", get(admin::audit_page))
        .route("/admin/audit/export.csv", get(admin::audit_export))
        .route("/admin/settings", get(admin::settings_page).post(admin::settings_submit))
        .route("/admin/settings/library", post(admin::criteria_submit))
        .route("/admin/settings/search", post(admin::search_submit))
        .route("/admin/reviews", get(review::campaigns))
        .route("/admin/reviews/new", get(review::new_form).post(review::new_submit))
        .route("/admin/reviews/items-template.xlsx", get(review::items_template))
        .route("/admin/reviews/{id}", get(review::campaign))
        .route("/admin/reviews/{id}/items", post(review::add_item))
        .route(
            "/admin/reviews/{id}/items/import",
            post(review::import_items).layer(axum::extract::DefaultBodyLimit::max(review::MAX_UPLOAD)),
        )
        .route("/admin/reviews/{id}/plan", post(review::plan))
        .route("/admin/reviews/{id}/deploy", post(review::deploy))
        .route("/admin/reviews/{id}/declare", post(review::declare))
        .route("/admin/reviews/{id}/override", post(review::override_conflict))
        .route("/admin/reviews/{id}/swap", post(review::swap))
        .route("/admin/reviews/{id}/steps/{step}", post(review::step))
        .route("/admin/reviews/{id}/objections/{oid}", post(review::resolve))
        .route("/admin/reviews/{id}/export.xlsx", get(review::export))
        .route("/admin/experts", get(review::pool::experts))
        .route("/admin/experts/new", get(review::pool::new_form).post(review::pool::new_submit))
        .route("/admin/experts/{id}", get(review::pool::detail).post(review::pool::update))
        .route("/admin/rubrics", get(review::pool::rubrics).post(review::pool::rubric_submit))
        .route("/admin/calendar", get(review::publicity::calendar).post(review::publicity::calendar_submit))
        .route("/reviews", get(review::sheet::mine))
        .route("/reviews/{id}", get(review::sheet::sheet).post(review::sheet::save))
        .route("/reviews/{id}/decline", post(review::sheet::decline))
        .route("/publicity", get(review::publicity::list))
        .route("/publicity/{id}", get(review::publicity::notice))
        .route("/publicity/{id}/objections", post(review::publicity::object))
        .route("/recognition", get(recognition::home))
        .route("/recognition/{batch}/apply", post(recognition::apply))
        .route("/recognition/applications/{id}", get(recognition::application).post(recognition::save))
        .route("/recognition/applications/{id}/act", post(recognition::act))
        .route(
            "/recognition/applications/{id}/attachments",
            post(recognition::attach).layer(axum::extract::DefaultBodyLimit::max(recognition::MAX_UPLOAD)),
        )
        .route(
            "/recognition/applications/{id}/inspection",
            post(recognition::inspect).layer(axum::extract::DefaultBodyLimit::max(recognition::MAX_UPLOAD)),
        )
        .route("/files/{id}", get(recognition::download))
        .route("/admin/recognition/new", get(recognition::new_form).post(recognition::new_submit))
        .route("/admin/recognition/{id}", get(recognition::batch))
        .route("/admin/recognition/{id}/steps/{step}", post(recognition::batch_step))
        .route("/recognitions", get(recognition::register))
        .route("/recognitions/export.xlsx", get(recognition::register_export))
        .route("/certificates/{number}", get(recognition::certificate))
        .route("/admin/organizations/{id}/services", get(service::services).post(service::record))
        .route("/admin/organizations/{id}/target", post(service::mark))
        .route("/services/work", get(service::work))
        .route("/api/docs", get(api_docs::page))
}
