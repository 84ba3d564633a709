//! Middleware shared by every route: a request id per request (kept in a task-local so error
//! bodies can quote it), a tracing span carrying it, a guard that turns a panic into a 500
//! naming the request, security headers, and the cookie that remembers a `?lang=` choice.

use std::panic::AssertUnwindSafe;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{MakeSpan, TraceLayer};

use crate::error::{ApiError, simple_page};
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

/// A bug that panics while handling a request answers 500 with the request id, in the API's
/// shape or as the error page, instead of dropping the connection without a word.
pub async fn catch_panics(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let lang = i18n::resolve(&parts);
    let api = parts.uri.path().starts_with("/api/");
    let path = parts.uri.path().to_owned();
    match AssertUnwindSafe(next.run(Request::from_parts(parts, body))).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(path = %path, panic = %what, "request panicked");
            let status = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            if api {
                ApiError::internal(lang).into_response()
            } else {
                (status, simple_page(lang, status, lang.t("error.internal"))).into_response()
            }
        }
    }
}

/// The largest form or JSON body read whole to look for control characters; larger ones are
/// refused here (a typed form or an API document is far smaller; uploads are multipart and are
/// checked where they are read).
const TEXT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Refuses text that is not text wherever it enters (path, query, form and JSON bodies): NUL,
/// ESC and other control characters, and bidirectional overrides, with a 400 that names the
/// field and the character. Line breaks and tabs pass here (long text may hold them); each
/// single-line field refuses them in its own validation. This is the net under every
/// capability's own checks: a NUL that reached PostgreSQL used to answer 500.
pub async fn refuse_control_text(request: Request, next: Next) -> Response {
    use sheji_core::text::{forbidden_in_line, forbidden_in_long_text};
    let (parts, body) = request.into_parts();
    let lang = i18n::resolve(&parts);
    let api = parts.uri.path().starts_with("/api/");
    let refuse = |field: &str, c: char| {
        // The field as people know it (名称, not `name`) where the audit trail's labels name it.
        let label = format!("audit.field.{field}");
        let shown = if sheji_core::i18n::catalogue::has(&label) { lang.t(&label).to_owned() } else { clip(field) };
        let message = lang.tf("error.control_chars", &[("field", &shown), ("ch", &sheji_core::text::describe(c))]);
        if api {
            ApiError::invalid(message).into_response()
        } else {
            let status = axum::http::StatusCode::BAD_REQUEST;
            (status, simple_page(lang, status, &message)).into_response()
        }
    };
    let path = percent_encoding::percent_decode_str(parts.uri.path()).decode_utf8_lossy();
    if let Some(c) = forbidden_in_line(&path) {
        return refuse("path", c);
    }
    if let Some(query) = parts.uri.query() {
        for (k, v) in form_pairs(query.as_bytes()) {
            if let Some(c) = forbidden_in_long_text(&k).or_else(|| forbidden_in_long_text(&v)) {
                return refuse(&k, c);
            }
        }
    }
    let kind = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json");
    if !(form || json) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Ok(bytes) = axum::body::to_bytes(body, TEXT_BODY_LIMIT).await else {
        let message = lang.t("error.too_large").to_owned();
        let status = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
        return if api {
            ApiError::invalid(message).with_status(status).into_response()
        } else {
            (status, simple_page(lang, status, &message)).into_response()
        };
    };
    let found = if form {
        form_pairs(&bytes)
            .into_iter()
            .find_map(|(k, v)| forbidden_in_long_text(&k).or_else(|| forbidden_in_long_text(&v)).map(|c| (k, c)))
    } else {
        serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|v| control_in_json("", &v, true))
    };
    if let Some((field, c)) = found {
        return refuse(&field, c);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// The pairs of a query string or form body, decoded (invalid UTF-8 replaced).
fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

/// The first string value in a JSON document holding a character long text may not
/// hold, with the name of the field it is in. Only fields the API knows are read: a handler
/// ignores any other, so its content can do no harm (and the API's contract allows it).
fn control_in_json(field: &str, value: &serde_json::Value, top: bool) -> Option<(String, char)> {
    use sheji_core::text::forbidden_in_long_text;
    match value {
        serde_json::Value::String(s) => forbidden_in_long_text(s).map(|c| (field.to_owned(), c)),
        serde_json::Value::Array(items) => items.iter().find_map(|v| control_in_json(field, v, false)),
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !top || crate::api::is_request_field(k))
            .find_map(|(k, v)| control_in_json(k, v, false)),
        _ => None,
    }
}

/// A field name as a message may quote it: short, and without what is being refused.
pub(crate) fn clip(field: &str) -> String {
    field.chars().filter(|c| !c.is_control() && !sheji_core::text::is_bidi_control(*c)).take(40).collect()
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
    // Pages, API answers and exports carry private data; nothing but the static files (which
    // say so themselves) may be kept by a browser or a proxy.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
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

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    #[allow(clippy::panic)]
    async fn boom() -> &'static str {
        panic!("a bug")
    }

    async fn echo() -> &'static str {
        "ok"
    }

    #[tokio::test]
    async fn text_that_is_not_text_is_refused_wherever_it_enters() {
        let app = Router::new()
            .route("/api/v1/things/{name}", get(echo).post(echo))
            .route("/things", axum::routing::post(echo))
            .layer(axum::middleware::from_fn(refuse_control_text));
        let cases: [(&str, &str, &str, &str, u16); 10] = [
            ("GET", "/api/v1/things/a%00b", "", "", 400),
            ("GET", "/api/v1/things/x?q=%E2%80%AEexe", "", "", 400),
            ("POST", "/api/v1/things/x", "application/json", r#"{"name":"A\u0000B"}"#, 400),
            ("POST", "/api/v1/things/x", "application/json", r#"{"short_names":["\u001b[31m"]}"#, 400),
            // A field no handler reads is ignored, whatever it holds.
            ("POST", "/api/v1/things/x", "application/json", r#"{"no_such_field":"\u0000"}"#, 200),
            ("POST", "/things", "application/x-www-form-urlencoded", "name=a%1Bb", 400),
            ("POST", "/things", "application/x-www-form-urlencoded", "no_label=a%1Bb", 400),
            ("POST", "/things", "application/x-www-form-urlencoded", "description=line%0Aline%09tab", 200),
            ("POST", "/api/v1/things/x", "application/json", r#"{"description":"段一\n段二","name":"重庆设计"}"#, 200),
            ("GET", "/api/v1/things/%E9%87%8D%E5%BA%86?page=2", "", "", 200),
        ];
        for (method, uri, kind, body, want) in cases {
            let mut request = Request::builder().method(method).uri(uri);
            if !kind.is_empty() {
                request = request.header(header::CONTENT_TYPE, kind);
            }
            let request = request.body(Body::from(body.to_owned())).expect("a valid request");
            let Ok(response) = app.clone().oneshot(request).await;
            let status = response.status().as_u16();
            let text = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            let text = String::from_utf8_lossy(&text);
            assert_eq!(status, want, "{method} {uri} {body}: {text}");
            // The field is named as people know it where a label exists, else as sent.
            if body == "name=a%1Bb" {
                assert!(text.contains("“名称”"), "{text}");
            } else if body == "no_label=a%1Bb" {
                assert!(text.contains("“no_label”"), "{text}");
            }
        }
    }

    #[tokio::test]
    async fn a_panic_answers_500_with_the_request_id() {
        let app = with_request_id(
            Router::new()
                .route("/api/v1/boom", get(boom))
                .route("/boom", get(boom))
                .layer(axum::middleware::from_fn(catch_panics)),
        );
        for (path, json) in [("/api/v1/boom", true), ("/boom", false)] {
            let request =
                Request::get(path).header(&REQUEST_ID, "req-42").body(Body::empty()).expect("a valid request");
            let Ok(response) = app.clone().oneshot(request).await;
            assert_eq!(response.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            let text = String::from_utf8_lossy(&body);
            assert!(text.contains("req-42"), "{path} names the request: {text}");
            assert_eq!(text.starts_with('{'), json, "{path}: {text}");
        }
    }
}
