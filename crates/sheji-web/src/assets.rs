//! Static files, embedded in the binary: no CDN, nothing read from disk at run time.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// (name, content type, bytes)
const FILES: &[(&str, &str, &[u8])] = &[
    ("sheji.css", "text/css; charset=utf-8", include_bytes!("../static/sheji.css")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../static/favicon.svg")),
    ("search.js", "text/javascript; charset=utf-8", include_bytes!("../static/search.js")),
    ("print.js", "text/javascript; charset=utf-8", include_bytes!("../static/print.js")),
    ("defaults.js", "text/javascript; charset=utf-8", include_bytes!("../static/defaults.js")),
    // htmx 2.0.11, unchanged from the npm package htmx.org (0BSD; see static/htmx.LICENSE).
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../static/htmx.min.js")),
];

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{name}", get(serve)).route("/favicon.ico", get(favicon))
}

async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, bytes)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn favicon() -> Response {
    serve(Path("favicon.svg".to_owned())).await
}
