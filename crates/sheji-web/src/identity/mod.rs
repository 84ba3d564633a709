//! Accounts: sign-in, registration, the account page, administration of accounts and the security settings.

mod account;
mod admin;
pub mod api;

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
        group: NavGroup::System,
        href: "/admin/accounts",
        key: "nav.accounts",
        permission: Some(Permission::AccountRead),
    },
    NavEntry {
        group: NavGroup::System,
        href: "/admin/settings",
        key: "nav.settings",
        permission: Some(Permission::SettingsEdit),
    },
];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
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
        .route("/admin/accounts/{id}/reject", post(admin::account_reject))
        .route("/admin/accounts/{id}/reset-password", post(admin::account_reset))
        .route("/admin/accounts/{id}/unlock", post(admin::account_unlock))
        .route("/admin/accounts/{id}/affiliations", post(admin::affiliation_add))
        .route("/admin/accounts/{id}/affiliations/{aid}/remove", post(admin::affiliation_remove))
        .route("/admin/settings", get(admin::settings_page).post(admin::settings_submit))
        .route("/admin/settings/library", post(admin::criteria_submit))
        .route("/admin/settings/search", post(admin::search_submit))
        .route("/admin/settings/address", post(admin::address_submit))
}

/// Its JSON API (registered through `utoipa_axum`, so the OpenAPI document follows).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::me)).routes(routes!(api::list_accounts)).routes(routes!(api::get_account))
}
