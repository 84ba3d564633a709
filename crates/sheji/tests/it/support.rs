//! Test support: fresh databases per test on each backend, an app over them, and HTTP helpers.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use sheji_core::clock::FixedClock;
use sheji_service::{Backend, Services, platform};
use sheji_store::testing::{TestDb, TestDbError, all_required};
use tower::ServiceExt;

/// Declares one test per backend: `name::sqlite`, `name::postgres`, `name::mysql`.
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(sheji_service::Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(sheji_service::Backend::Postgres).await;
            }
            #[tokio::test]
            async fn mysql() {
                super::$name(sheji_service::Backend::MySql).await;
            }
        }
    )+};
}
pub(crate) use backend_tests;

/// A fresh database on `backend`, or `None` (with a printed notice) when that backend is not
/// configured. Panics when CI requires every backend and one is missing.
pub async fn fresh_db(backend: Backend) -> Option<TestDb> {
    match TestDb::create(backend).await {
        Ok(db) => Some(db),
        Err(TestDbError::Skipped(var)) => {
            assert!(!all_required(), "SHEJI_TEST_REQUIRE_ALL=1 but {var} is not set");
            println!("skipped: {backend} tests need {var} (e.g. postgres://postgres@127.0.0.1:5432/test)");
            None
        }
        Err(e) => panic!("cannot create a {backend} test database: {e}"),
    }
}

/// The instant every test clock starts at.
pub fn test_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// A migrated, seeded platform over a fresh database, with its router.
pub struct TestApp {
    pub services: Services,
    pub router: Router,
    pub db: TestDb,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Option<Self> {
        let db = fresh_db(backend).await?;
        let (services, _) = platform::open(db.url(), Arc::new(FixedClock::new(test_time())))
            .await
            .expect("open platform");
        let router = sheji_web::router(sheji_web::AppState {
            services: services.clone(),
        });
        Some(Self { services, router, db })
    }

    pub async fn with_demo(backend: Backend) -> Option<Self> {
        let app = Self::new(backend).await?;
        sheji_service::demo::load(&app.services).await.expect("load demo");
        Some(app)
    }

    /// Sends a request and returns status, headers and body text.
    pub async fn send(&self, request: Request<Body>) -> Response {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn get_with(&self, path: &str, header: (&str, &str)) -> Response {
        self.send(
            Request::get(path)
                .header(header.0, header.1)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn finish(self) {
        self.services.close().await.expect("close");
        self.db.drop_db().await;
    }
}

/// What came back.
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}
