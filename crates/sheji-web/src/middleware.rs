//! Middleware shared by every route: a request id per request (kept in a task-local so error
//! bodies can quote it), a tracing span carrying it, security headers, and the cookie that
//! remembers a `?lang=` choice.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{MakeSpan, TraceLayer};

use crate::i18n;

/// The header that carries the request id, in and out.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being handled, for error bodies; empty outside a request.
pub fn current_request_id() -> String {
    CURRENT_REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

#[derive(Clone, Copy)]
struct SpanWithId;

impl<B> MakeSpan<B> for SpanWithId {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> tracing::Span {
        let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
    }
}

async fn scope_request_id(request: Request, next: Next) -> Response {
    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    CURRENT_REQUEST_ID.scope(id, next.run(request)).await
}

/// Wraps the app, outermost first: a request id (the client's if sent, else a new UUID), the
/// tracing span, the task-local id, and the id echoed in the response.
pub fn with_request_id(router: Router) -> Router {
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(SpanWithId))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(axum::middleware::from_fn(scope_request_id)),
    )
}

/// Content-Security-Policy without inline scripts, no framing, no sniffing, a strict referrer.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

/// Remembers an explicit `?lang=` choice in a cookie for a year, so the next page keeps it.
pub async fn lang_cookie(request: Request, next: Next) -> Response {
    let chosen = i18n::lang_from_query(request.uri().query());
    let mut response = next.run(request).await;
    if let Some(lang) = chosen
        && let Ok(value) =
            HeaderValue::from_str(&format!("{}={}; Path=/; Max-Age=31536000; SameSite=Lax", i18n::COOKIE, lang.tag()))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
