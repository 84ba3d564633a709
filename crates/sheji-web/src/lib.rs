//! HTTP adapters for Sheji: server-rendered pages (askama templates) and the JSON API under
//! `/api/v1` with its OpenAPI document. Handlers are thin: they identify the caller, call one
//! use case in `sheji-service`, and render the result.
//!
//! Cross-cutting concerns are middleware, not handler code: request ids, tracing, security
//! headers and the language cookie (see [`middleware`]).

pub mod api;
mod assets;
mod error;
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
        .with_state(state)
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
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
