//! One error shape for the API — `{"error":{"code","message","request_id"}}` with the matching
//! HTTP status — and one error page for HTML, both quoting the request id.

use askama::Template;
use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use sheji_core::i18n::Lang;
use sheji_service::{ErrorKind, ServiceError};
use utoipa::ToSchema;

use crate::i18n;
use crate::layout::Chrome;
use crate::middleware::current_request_id;

/// The body of every API error.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, for people and for programs.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code (`not_found`, `invalid_input`, …).
    pub code: String,
    /// What happened and what to do, in the request's language.
    pub message: String,
    /// The id of this request, to quote when reporting a problem.
    pub request_id: String,
}

/// An API failure, rendered as [`ErrorBody`].
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

/// The HTTP status of a kind of failure (pages that re-render a form use it too).
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    /// The same error under another stable code.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// The same error with another status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// A use-case failure, in the caller's language.
    pub fn service(err: &ServiceError, lang: Lang) -> Self {
        if err.kind() == ErrorKind::Internal {
            tracing::error!(error = %err, "request failed");
        }
        Self { status: status_of(err.kind()), code: err.code(), message: err.message(lang) }
    }

    /// A malformed request (bad query or path parameter).
    pub fn bad_request(detail: &str, lang: Lang) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_input",
            message: lang.tf("error.bad_request", &[("detail", detail)]),
        }
    }

    /// A request the API refuses with a message of its own.
    pub fn invalid(message: String) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code: "invalid_input", message }
    }

    /// A fault on our side (a bug), with nothing more to say than the request id.
    pub fn internal(lang: Lang) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: lang.t("error.internal").to_owned(),
        }
    }

    /// No such route or resource.
    pub fn not_found(lang: Lang) -> Self {
        Self { status: StatusCode::NOT_FOUND, code: "not_found", message: lang.t("error.not_found").to_owned() }
    }

    /// The route exists but not with this method.
    pub fn method_not_allowed(lang: Lang) -> Self {
        Self {
            status: StatusCode::METHOD_NOT_ALLOWED,
            code: "method_not_allowed",
            message: lang.t("error.method_not_allowed").to_owned(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail { code: self.code.to_owned(), message: self.message, request_id: current_request_id() },
        };
        (self.status, Json(body)).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    message: String,
    request_id: String,
}

/// A page failure, rendered as the error page in the page's language.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    // Boxed: handlers return `Result<_, PageError>` everywhere, and the chrome is large.
    chrome: Box<Chrome>,
    message: String,
}

impl PageError {
    /// A use-case failure on a page.
    pub fn service(err: &ServiceError, chrome: Chrome) -> Self {
        if err.kind() == ErrorKind::Internal {
            tracing::error!(error = %err, "page failed");
        }
        Self { status: status_of(err.kind()), message: err.message(chrome.lang), chrome: Box::new(chrome) }
    }

    /// A page the caller may not open.
    pub fn forbidden(chrome: Chrome) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            message: chrome.lang.t("error.forbidden").to_owned(),
            chrome: Box::new(chrome),
        }
    }

    /// A request that cannot be taken as sent, with what to do about it.
    pub fn bad_request(chrome: Chrome, message: String) -> Self {
        Self { status: StatusCode::BAD_REQUEST, message, chrome: Box::new(chrome) }
    }

    /// A page that does not exist.
    pub fn not_found(chrome: Chrome) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: chrome.lang.t("error.not_found").to_owned(),
            chrome: Box::new(chrome),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            status: self.status.as_u16(),
            message: self.message,
            request_id: current_request_id(),
            chrome: *self.chrome,
        };
        render(self.status, &page)
    }
}

/// The error page as HTML, for middleware that has no page context.
pub fn simple_page(lang: Lang, status: StatusCode, message: &str) -> Html<String> {
    let uri = axum::http::Uri::from_static("/");
    let page = ErrorPage {
        chrome: Chrome::new(lang, &uri, "error.title"),
        status: status.as_u16(),
        message: message.to_owned(),
        request_id: current_request_id(),
    };
    Html(page.render().unwrap_or_else(|_| message.to_owned()))
}

/// Renders a template; a template failure (a bug) becomes a plain 500 that still names the request.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, format!("500 · request id {}", current_request_id())).into_response()
        }
    }
}

/// No route matched: JSON under `/api/`, the error page elsewhere.
pub async fn fallback(request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let lang = i18n::resolve(&parts);
    if parts.uri.path().starts_with("/api/") {
        ApiError::not_found(lang).into_response()
    } else {
        let mut chrome = Chrome::new(lang, &parts.uri, "error.title");
        chrome.title = lang.t("error.title").to_owned();
        PageError::not_found(chrome).into_response()
    }
}

/// A route matched but not its method: 405 in the API's shape (pages only take GET so far).
pub async fn method_not_allowed(request: Request) -> Response {
    let (parts, _) = request.into_parts();
    ApiError::method_not_allowed(i18n::resolve(&parts)).into_response()
}
