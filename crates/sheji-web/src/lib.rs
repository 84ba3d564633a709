//! HTTP adapters for Sheji: server-rendered pages (askama templates) and the JSON API under
//! `/api/v1` with its OpenAPI document. Handlers are thin: they identify the caller, call one
//! use case in `sheji-service`, and render the result.
//!
//! Cross-cutting concerns are middleware, not handler code: request ids, tracing, security
//! headers and the language cookie (see [`middleware`]).

pub mod api;
mod assets;
mod auth;
mod capability;
mod download;
mod error;
mod forms;
mod i18n;
mod layout;
mod middleware;

// The capabilities, each a folder; `capability::ALL` lists them.
mod audit;
mod cooperation;
mod document;
mod event;
mod identity;
mod job;
mod matchmaking;
mod notification;
pub(crate) mod platform;
mod recognition;
mod reference;
mod registry;
mod review;
mod search;
mod service;

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
    /// How the platform sits on the network (proxies, HTTPS).
    pub network: std::sync::Arc<Network>,
}

/// How the platform sits on the network.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed. From any
    /// other peer those headers are ignored: anyone can send them, and a forged address would
    /// dodge the sign-in limits or pin them on someone else.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Send `Strict-Transport-Security` on responses served over HTTPS.
    pub hsts: bool,
}

impl Network {
    /// Reads proxy entries such as `10.0.0.1` or `10.0.0.0/8`; the entry that is neither is
    /// returned as the error.
    pub fn parse_proxies(entries: &[String]) -> Result<Vec<ipnet::IpNet>, String> {
        entries
            .iter()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
            .map(|e| {
                e.parse::<ipnet::IpNet>()
                    .or_else(|_| e.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| e.to_owned())
            })
            .collect()
    }

    /// Whether a peer is one of the trusted proxies.
    pub fn trusts(&self, peer: std::net::IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(&peer))
    }
}

/// The whole application: pages, API, static assets and middleware.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    let app = Router::new()
        .merge(capability::pages())
        .merge(api_router)
        .merge(assets::router())
        .fallback(error::fallback)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn(middleware::refuse_control_text))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::resolve))
        .layer(axum::middleware::from_fn(middleware::catch_panics))
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
    //! Every message key the code and templates use must exist in both languages (a missing
    //! one would show its raw key to users), and a message that takes variables must be
    //! rendered with them (else a placeholder such as `{tiers}` reaches the page).

    use std::path::Path;

    use sheji_core::i18n::{Lang, catalogue};
    use sheji_core::identity::{AccountStatus, Permission, Role};
    use sheji_core::reference::{DistrictKind, DistrictStatus};
    use sheji_core::registry::OrgKind;

    /// A key used in the source: the key, how it was used (`t(`, `tf(` …), the text after it
    /// (for the arguments of `tf`) and the file.
    struct Use {
        key: String,
        marker: &'static str,
        rest: String,
        file: String,
    }

    fn scan(dir: &Path, found: &mut Vec<Use>) {
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
                        let after: String = rest.chars().skip(key.len()).take(400).collect();
                        found.push(Use { key, marker, rest: after, file: path.display().to_string() });
                    }
                }
            }
        }
    }

    fn used_keys() -> Vec<Use> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut found = Vec::new();
        for dir in ["sheji-web/src", "sheji-web/templates", "sheji-service/src", "sheji-store/src", "sheji/src"] {
            scan(&root.join(dir), &mut found);
        }
        assert!(found.len() > 1000, "the scan found the keys ({})", found.len());
        found
    }

    /// Audit actions look like message keys but name what happened in the trail.
    /// Strings in the code that look like message keys but are permission codes.
    const NOT_KEYS: &[&str] = &["audit.read", "settings.edit"];

    #[test]
    fn every_used_key_exists() {
        // Every namespace the catalogue has is checked: a key under any of them must exist.
        let namespaces: std::collections::HashSet<&str> =
            catalogue::keys().iter().filter_map(|k| k.split('.').next()).collect();
        let missing: Vec<_> = used_keys()
            .into_iter()
            .filter(|u| u.key.split('.').next().is_some_and(|n| namespaces.contains(n)))
            .filter(|u| {
                u.key != "no.such.key"
                    && !NOT_KEYS.contains(&u.key.as_str())
                    // Audit actions are codes, named by `audit.action.<code>` (checked in the core).
                    && !sheji_core::audit::ACTIONS.contains(&u.key.as_str())
            })
            .filter(|u| !catalogue::has(&u.key))
            .map(|u| format!("{} in {}", u.key, u.file))
            .collect();
        assert!(missing.is_empty(), "keys missing from the message files: {missing:#?}");
    }

    #[test]
    fn every_message_gets_the_variables_it_takes() {
        let mut wrong = Vec::new();
        for u in used_keys() {
            let variables = catalogue::variables(&u.key);
            if variables.is_empty() {
                continue;
            }
            match u.marker {
                // `t` shows a message as it is: one with variables would leave them empty.
                "t(\"" => wrong.push(format!("{} takes {variables:?} but is shown with t() in {}", u.key, u.file)),
                // `tf("key", &[("name", …), …])`: every variable named among the arguments.
                // (Arguments built elsewhere, `tf("key", &args)`, are checked when rendered.)
                "tf(\"" if u.rest.trim_start_matches(['"', ',', ' ', '\n']).starts_with("&[") => {
                    let args = u.rest.split("])").next().unwrap_or_default();
                    for v in variables {
                        if !args.contains(&format!("(\"{v}\"")) {
                            wrong.push(format!("{} is rendered without {v} in {}", u.key, u.file));
                        }
                    }
                }
                _ => {}
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn every_key_built_at_run_time_exists() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Role::ALL.iter().map(|r| format!("role.{}", r.code())));
        keys.extend(AccountStatus::ALL.iter().map(|s| format!("status.{}", s.code())));
        keys.extend(Permission::ALL.iter().map(|p| format!("perm.{}", p.code())));
        keys.extend(OrgKind::ALL.iter().map(|k| format!("org.kind.{}", k.code())));
        keys.extend(DistrictKind::ALL.iter().map(|k| format!("district.kind.{}", k.code())));
        keys.extend(DistrictStatus::ALL.iter().map(|s| format!("district.status.{}", s.code())));
        keys.extend(sheji_core::registry::LibraryStatus::ALL.iter().map(|s| format!("library.status.{}", s.code())));
        keys.extend(sheji_core::registry::Qualification::ALL.iter().map(|q| format!("qualification.{}", q.code())));
        keys.extend(sheji_core::registry::import::OrgColumn::ALL.iter().map(|c| c.hint_key()));
        keys.extend(sheji_core::service::Kind::ALL.iter().map(|k| format!("service.kind.{}", k.code())));
        keys.extend(["form", "import", "demo", "generator"].iter().map(|v| format!("indicator.via.{v}")));
        keys.extend(["admit", "return", "reject", "confirmed"].iter().map(|d| format!("library.done.{d}")));
        keys.extend(sheji_core::recognition::Kind::ALL.iter().map(|k| format!("recognition.kind.{}", k.code())));
        keys.extend(sheji_core::recognition::Status::ALL.iter().map(|s| format!("recognition.status.{}", s.code())));
        keys.extend(sheji_core::review::CampaignStatus::ALL.iter().map(|s| format!("review.status.{}", s.code())));
        keys.extend(sheji_core::job::JobStatus::ALL.iter().map(|s| format!("job.status.{}", s.code())));
        keys.extend(sheji_core::job::RunOutcome::ALL.iter().map(|s| format!("job.outcome.{}", s.code())));
        keys.extend(
            sheji_core::recognition::BatchStatus::ALL.iter().map(|s| format!("recognition.batch_status.{}", s.code())),
        );
        keys.extend(sheji_core::review::ObjectionStatus::ALL.iter().map(|s| format!("review.objection.{}", s.code())));
        keys.extend(sheji_core::review::SheetStatus::ALL.iter().map(|s| format!("review.sheet.{}", s.code())));
        keys.extend(
            sheji_core::registry::LibraryApplicationStatus::ALL
                .iter()
                .map(|s| format!("library.application.{}", s.code())),
        );
        // Every kind of job is named on the administrators' page.
        keys.extend(sheji_service::job::kinds().iter().map(|k| format!("job.kind.{}", k.code)));
        keys.extend(
            // Only published campaigns are public.
            ["publicity", "final"].iter().map(|s| format!("review.public_status.{s}")),
        );
        keys.extend(
            sheji_core::review::score::Aggregation::ALL.iter().map(|a| format!("review.aggregation.{}", a.code())),
        );
        keys.extend(sheji_core::search::Dimension::ALL.iter().map(|d| format!("search.facet.{}", d.code())));
        // Outgoing messages: each kind's name, e-mail subject and body; channels, states, causes.
        for k in sheji_core::notification::MessageKind::ALL {
            for form in ["notification.kind.{}", "notification.mail.{}.subject", "notification.mail.{}.body"] {
                keys.push(form.replace("{}", k.code()));
            }
        }
        use sheji_core::notification::delivery::{Channel, DeliveryStatus, FailureCause, SmtpSecurity};
        keys.extend(Channel::ALL.iter().map(|c| format!("notification.channel.{}", c.code())));
        keys.extend(DeliveryStatus::ALL.iter().map(|s| format!("notification.delivery.status.{}", s.code())));
        keys.extend(FailureCause::ALL.iter().map(|c| format!("notification.error.{}", c.code())));
        keys.extend(SmtpSecurity::ALL.iter().map(|s| format!("notification.deliveries.security.{}", s.code())));
        keys.extend(sheji_core::search::DocType::ALL.iter().map(|d| format!("search.type.{}", d.code())));
        for done in ["password", "profile", "session", "token", "totp_on", "totp_off"] {
            keys.push(format!("account.done.{done}"));
        }
        for done in ["affiliation", "created", "reset", "status", "unlock", "verify"] {
            keys.push(format!("accounts.done.{done}"));
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
        keys.extend(crate::platform::home::PLAN_TARGETS.iter().map(|k| format!("{k}_figure")));
        keys.extend(
            crate::recognition::pages::CONFIRMED_ACTIONS.iter().map(|a| format!("recognition.confirm.{}", a.code())),
        );
        keys.extend(crate::recognition::pages::step_keys(true, true, false).iter().map(|k| (*k).to_owned()));
        keys.extend(crate::recognition::pages::step_keys(true, false, true).iter().map(|k| (*k).to_owned()));
        let missing: Vec<_> = keys.iter().filter(|k| !catalogue::has(k)).collect();
        assert!(missing.is_empty(), "{missing:?}");
        assert_ne!(Lang::Zh.t("role.admin"), Lang::En.t("role.admin"));
    }
}

#[cfg(test)]
mod rules_tests {
    //! Pages show the actions the services say the caller may take; handlers and templates
    //! never ask for a permission themselves, so a page and its use case cannot drift apart.
    //! Only the request guard (`auth.rs`, which lists the navigation a caller may open) reads
    //! permissions.

    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.display().to_string(), text));
            }
        }
    }

    #[test]
    fn no_handler_or_template_decides_permissions() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        sources(&root.join("templates"), &mut files);
        assert!(files.len() > 40, "the scan read the sources");
        let wrong: Vec<&str> = files
            .iter()
            .filter(|(path, _)| !path.ends_with("auth.rs") && !path.ends_with("lib.rs"))
            .filter(|(_, text)| text.contains(".can(Permission") || text.contains(".scope(Permission"))
            .map(|(path, _)| path.as_str())
            .collect();
        assert!(wrong.is_empty(), "ask the capability's service what the caller may do: {wrong:#?}");
    }
}
