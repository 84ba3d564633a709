//! HTTP adapters for Sheji: server-rendered pages (askama templates) and the JSON API under
//! `/api/v1` with its OpenAPI document. Handlers are thin: they identify the caller, call one
//! use case in `sheji-service`, and render the result.
//!
//! Cross-cutting concerns are middleware, not handler code: request ids, tracing, security
//! headers and the language cookie (see [`middleware`]).

pub mod api;
mod assets;
mod auth;
mod error;
mod forms;
mod i18n;
mod layout;
mod middleware;
mod pages;

use axum::Router;
use sheji_service::Services;

pub use api::openapi;
pub use error::{ApiError, ErrorBody};

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The use-case context.
    pub services: Services,
    /// Where uploads wait between the check and the commit of an import (names are random
    /// tokens; user-supplied names never reach the file system).
    pub upload_dir: std::path::PathBuf,
}

/// The whole application: pages, API, static assets and middleware.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    let app = Router::new()
        .merge(pages::router())
        .merge(api_router)
        .merge(assets::router())
        .fallback(error::fallback)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::resolve))
        .layer(axum::middleware::from_fn(middleware::lang_cookie))
        .layer(axum::middleware::from_fn(middleware::security_headers));
    middleware::with_request_id(app)
}

/// Serves the application on `listener` until `shutdown` completes, then lets requests in
/// flight finish before returning.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

#[cfg(test)]
mod catalogue_tests {
    //! Every message key the code and templates use must exist in the catalogue, in both
    //! languages; a missing one would show its raw key to users.

    use std::path::Path;

    use sheji_core::i18n::{CATALOGUE, Lang};
    use sheji_core::identity::{AccountStatus, Permission, Role};
    use sheji_core::reference::{DistrictKind, DistrictStatus};
    use sheji_core::registry::OrgKind;

    fn has(key: &str) -> bool {
        CATALOGUE.iter().any(|(k, _, _)| *k == key)
    }

    fn scan(dir: &Path, found: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                scan(&path, found);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            for marker in ["t(\"", "tf(\"", "key: \"", "\", \""] {
                for (i, _) in text.match_indices(marker) {
                    let rest = text.get(i + marker.len()..).unwrap_or_default();
                    let key: String =
                        rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.').collect();
                    let closes = rest.get(key.len()..).is_some_and(|r| r.starts_with('"'));
                    if closes
                        && key.contains('.')
                        && !key.ends_with('.')
                        && key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    {
                        found.push((key, path.display().to_string()));
                    }
                }
            }
        }
    }

    #[test]
    fn every_used_key_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut found = Vec::new();
        for dir in ["sheji-web/src", "sheji-web/templates", "sheji-service/src", "sheji-store/src", "sheji/src"] {
            scan(&root.join(dir), &mut found);
        }
        // Keys that look like message keys but are audit actions or test data.
        let not_messages = ["no.such.key"];
        let prefixes = [
            "account.",
            "accounts.",
            "affiliation.",
            "api.",
            "app.",
            "audit.",
            "bootstrap.",
            "cli.",
            "cluster.",
            "db.",
            "district.",
            "error.",
            "form.",
            "home.",
            "login.",
            "nav.",
            "org.",
            "page.",
            "password.",
            "perm.",
            "register.",
            "role.",
            "search.",
            "session.",
            "settings.",
            "status.",
            "table.",
            "token.",
            "totp.",
            "uscc.",
            "lang.",
            "action.",
            "footer.",
        ];
        let audit_actions = [
            "account.create",
            "account.bootstrap",
            "account.status",
            "account.verify",
            "account.profile",
            "account.password_change",
            "account.password_reset",
            "account.password_set",
            "account.register_enterprise",
            "account.register_designer",
            "account.affiliation_add",
            "account.affiliation_remove",
            "account.totp_enable",
            "account.totp_disable",
            "login.success",
            "login.failed",
            "login.totp",
            "login.totp_failed",
            "settings.security",
            "token.create",
            "token.revoke",
            "session.end",
            "audit.read",
            "settings.edit",
        ];
        let missing: Vec<_> = found
            .iter()
            .filter(|(k, _)| prefixes.iter().any(|p| k.starts_with(p)))
            .filter(|(k, _)| !not_messages.contains(&k.as_str()) && !audit_actions.contains(&k.as_str()))
            .filter(|(k, _)| !has(k))
            .collect();
        assert!(missing.is_empty(), "keys missing from the catalogue: {missing:?}");
        assert!(found.len() > 200, "the scan found the keys ({})", found.len());
    }

    #[test]
    fn every_enum_label_exists() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Role::ALL.iter().map(|r| format!("role.{}", r.code())));
        keys.extend(AccountStatus::ALL.iter().map(|s| format!("status.{}", s.code())));
        keys.extend(Permission::ALL.iter().map(|p| format!("perm.{}", p.code())));
        keys.extend(OrgKind::ALL.iter().map(|k| format!("org.kind.{}", k.code())));
        keys.extend(DistrictKind::ALL.iter().map(|k| format!("district.kind.{}", k.code())));
        keys.extend(DistrictStatus::ALL.iter().map(|s| format!("district.status.{}", s.code())));
        for done in ["password", "profile", "session", "token", "totp_on", "totp_off"] {
            keys.push(format!("account.done.{done}"));
        }
        for done in ["affiliation", "created", "reset", "status", "verify"] {
            keys.push(format!("accounts.done.{done}"));
        }
        for s in sheji_core::registry::LibraryStatus::ALL {
            keys.push(format!("library.status.{}", s.code()));
        }
        for q in sheji_core::registry::Qualification::ALL {
            keys.push(format!("qualification.{}", q.code()));
        }
        for a in ["propose", "admit", "return", "remove"] {
            keys.push(format!("library.action.{a}"));
            keys.push(format!("library.done.{a}"));
        }
        for st in ["submitted", "accepted", "returned"] {
            keys.push(format!("library.application.{st}"));
        }
        for done in ["created", "saved", "unchanged", "figures", "applied"] {
            keys.push(format!("library.done.{done}"));
        }
        for c in sheji_core::import::OrgColumn::ALL {
            keys.push(c.hint_key());
        }
        let missing: Vec<_> = keys.iter().filter(|k| !has(k)).collect();
        assert!(missing.is_empty(), "{missing:?}");
        assert_ne!(Lang::Zh.t("role.admin"), Lang::En.t("role.admin"));
    }
}
