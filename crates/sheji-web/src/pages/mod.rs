//! Server-rendered pages. Each handler builds a typed template struct holding the shared
//! [`Chrome`](crate::layout::Chrome) and the data of one use case.

mod api_docs;
mod home;
mod reference;

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/districts", get(reference::districts))
        .route("/clusters", get(reference::clusters))
        .route("/api/docs", get(api_docs::page))
}
