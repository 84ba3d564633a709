//! Test support: fresh databases per test on each backend, an app over them, accounts of
//! every role, and HTTP helpers that sign in the way a browser does.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use sheji_core::clock::FixedClock;
use sheji_service::crypto::Secrets;
use sheji_service::identity::{self, AffiliationInput};
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
            // Straight to stderr, not through println!, which the test harness captures for
            // passing tests; once per backend.
            static NOTICE: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
            if let Ok(mut shown) = NOTICE.lock()
                && !shown.contains(&var)
            {
                shown.push(var);
                use std::io::Write;
                let _ =
                    writeln!(std::io::stderr(), "skipped: the {backend} tests, because {var} is not set (see README)");
            }
            None
        }
        Err(e) => panic!("cannot create a {backend} test database: {e}"),
    }
}

/// The instant every test clock starts at.
pub fn test_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("valid time")
}

/// The key every test encrypts with.
pub fn test_secrets() -> Arc<Secrets> {
    Arc::new(Secrets::from_base64_key("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=").expect("valid key"))
}

/// The password of every account the tests create.
pub const PASSWORD: &str = "Test-Pass-2026";

/// A migrated, seeded platform over a fresh database, with its router and a clock the test
/// can move.
pub struct TestApp {
    pub services: Services,
    pub router: Router,
    pub db: TestDb,
    pub clock: Arc<FixedClock>,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Option<Self> {
        let db = fresh_db(backend).await?;
        let clock = Arc::new(FixedClock::new(test_time()));
        let (services, _) = platform::open(db.url(), clock.clone(), test_secrets()).await.expect("open platform");
        let (services, _) = sheji_service::search::attach(services, None).await.expect("attach the search index");
        let upload_dir = std::env::temp_dir().join(format!("sheji_uploads_{}", uuid::Uuid::new_v4().simple()));
        let services = services.with_files(upload_dir.join("files"));
        let router = sheji_web::router(sheji_web::AppState {
            services: services.clone(),
            upload_dir,
            network: std::sync::Arc::new(sheji_web::Network::default()),
        });
        Some(Self { services, router, db, clock })
    }

    pub async fn with_demo(backend: Backend) -> Option<Self> {
        let app = Self::new(backend).await?;
        sheji_service::demo::load(&app.services).await.expect("load demo");
        Some(app)
    }

    /// Runs every due job on a test node, one after the other, until none is due; how many ran.
    pub async fn run_jobs(&self) -> usize {
        let options = sheji_service::job::WorkerOptions::for_node("test-node");
        let mut n = 0;
        while sheji_service::job::work_one(&self.services, &options).await.expect("run a job") {
            n += 1;
        }
        n
    }

    /// The district of this name in the reference data (e.g. "璧山区").
    pub async fn district(&self, name: &str) -> sheji_core::ids::DistrictId {
        let all = sheji_service::reference::list_districts(
            &self.services,
            &Default::default(),
            sheji_core::page::PageRequest::new(Some(1), Some(200)),
        )
        .await
        .expect("list districts");
        all.items.iter().find(|d| d.name == name).map(|d| d.id).unwrap_or_else(|| panic!("no district {name}"))
    }

    /// Creates an account with one affiliation and [`PASSWORD`].
    pub async fn user(&self, username: &str, role: &str, district: Option<i32>, organization: Option<i32>) -> String {
        let affiliation = AffiliationInput {
            role: role.to_owned(),
            district_id: district.map(|d| d.to_string()).unwrap_or_default(),
            organization_id: organization.map(|o| o.to_string()).unwrap_or_default(),
            until: String::new(),
        };
        identity::shell::create(&self.services, username, username, &affiliation).await.expect("create user");
        identity::shell::set_password(&self.services, username, PASSWORD).await.expect("set password");
        username.to_owned()
    }

    /// Sends a request and returns status, headers and body text.
    pub async fn send(&self, request: Request<Body>) -> Response {
        self.send_via(&self.router, request).await
    }

    /// A second node serving the same database (its own memory, no search index), for what
    /// one node may keep that another must not trust.
    pub async fn other_node(&self) -> Router {
        let (services, _) =
            platform::open(self.db.url(), self.clock.clone(), test_secrets()).await.expect("open the other node");
        let upload_dir = std::env::temp_dir().join(format!("sheji_uploads_{}", uuid::Uuid::new_v4().simple()));
        sheji_web::router(sheji_web::AppState {
            services,
            upload_dir,
            network: std::sync::Arc::new(sheji_web::Network::default()),
        })
    }

    /// Sends a request to the given node's router.
    pub async fn send_via(&self, router: &Router, request: Request<Body>) -> Response {
        let response = router.clone().oneshot(request).await.expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Request::get(path).body(Body::empty()).expect("request")).await
    }

    pub async fn get_with(&self, path: &str, header: (&str, &str)) -> Response {
        self.send(Request::get(path).header(header.0, header.1).body(Body::empty()).expect("request")).await
    }

    /// A browser with no session yet: it has fetched the sign-in page and holds its CSRF cookie.
    pub async fn browser(&self) -> Browser {
        let page = self.get("/login").await;
        let csrf = cookie_value(&page.headers, "sheji_csrf").expect("the sign-in page sets the CSRF cookie");
        Browser { csrf, session: None }
    }

    /// Signs in through the form, as a browser does.
    pub async fn sign_in(&self, username: &str, password: &str) -> (Browser, Response) {
        let mut browser = self.browser().await;
        let response = self.post_form(&browser, "/login", &[("username", username), ("password", password)]).await;
        browser.session = cookie_value(&response.headers, "sheji_session");
        // A signed-in session has its own CSRF token, which the sign-in hands over.
        if let Some(csrf) = cookie_value(&response.headers, "sheji_csrf") {
            browser.csrf = csrf;
        }
        (browser, response)
    }

    /// Signs in through the form from another machine (`ip`), as a browser there does.
    pub async fn sign_in_from(&self, username: &str, password: &str, ip: &str) -> (Browser, Response) {
        let mut browser = self.browser().await;
        let body = encode_form(&[("csrf", browser.csrf.as_str()), ("username", username), ("password", password)]);
        let peer: std::net::SocketAddr = format!("{ip}:50000").parse().expect("an address");
        let request = Request::post("/login")
            .header("cookie", browser.cookies())
            .header("content-type", "application/x-www-form-urlencoded")
            .extension(axum::extract::ConnectInfo(peer))
            .body(Body::from(body))
            .expect("request");
        let response = self.send(request).await;
        browser.session = cookie_value(&response.headers, "sheji_session");
        if let Some(csrf) = cookie_value(&response.headers, "sheji_csrf") {
            browser.csrf = csrf;
        }
        (browser, response)
    }

    /// Signs in and insists it worked.
    pub async fn signed_in(&self, username: &str) -> Browser {
        let (browser, response) = self.sign_in(username, PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "sign-in of {username} failed: {}", response.body);
        assert!(browser.session.is_some(), "no session cookie for {username}");
        browser
    }

    /// Signs in one of the demo's own logins (with the demo password) and insists it worked.
    pub async fn signed_in_demo(&self, username: &str) -> Browser {
        let (browser, response) = self.sign_in(username, sheji_service::demo::DEMO_PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "sign-in of {username} failed: {}", response.body);
        browser
    }

    /// GET as a browser, from another node (see [`TestApp::other_node`]).
    pub async fn get_via(&self, router: &Router, browser: &Browser, path: &str) -> Response {
        self.send_via(
            router,
            Request::get(path).header("cookie", browser.cookies()).body(Body::empty()).expect("request"),
        )
        .await
    }

    /// A form POST as a browser, to another node.
    pub async fn post_via(&self, router: &Router, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Response {
        self.send_via(router, self.form_request(browser, path, fields)).await
    }

    /// GET as a browser.
    pub async fn get_as(&self, browser: &Browser, path: &str) -> Response {
        self.send(Request::get(path).header("cookie", browser.cookies()).body(Body::empty()).expect("request")).await
    }

    /// POSTs a form as a browser, with its CSRF token.
    pub async fn post_form(&self, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all = vec![("csrf", browser.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(browser, path, &encode_form(&all)).await
    }

    /// A form POST as a browser would send it, to send later (see [`TestApp::race`]).
    pub fn form_request(&self, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Request<Body> {
        let mut all = vec![("csrf", browser.csrf.as_str())];
        all.extend_from_slice(fields);
        Request::post(path)
            .header("cookie", browser.cookies())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(encode_form(&all)))
            .expect("request")
    }

    /// Sends every request at once (each on its own task) and returns each one's status and
    /// body, in order: what racing users get.
    pub async fn race(&self, requests: Vec<Request<Body>>) -> Vec<(StatusCode, String)> {
        let handles: Vec<_> = requests
            .into_iter()
            .map(|request| {
                let router = self.router.clone();
                tokio::spawn(async move {
                    let response = router.oneshot(request).await.expect("router is infallible");
                    let status = response.status();
                    let bytes = response.into_body().collect().await.expect("body").to_bytes();
                    (status, String::from_utf8_lossy(&bytes).into_owned())
                })
            })
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.expect("the request task finished"));
        }
        out
    }

    /// POSTs an already encoded form body as a browser (with or without a CSRF field).
    pub async fn post_raw(&self, browser: &Browser, path: &str, body: &str) -> Response {
        let request = Request::post(path)
            .header("cookie", browser.cookies())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .expect("request");
        self.send(request).await
    }

    /// GET with an API token.
    pub async fn get_bearer(&self, token: &str, path: &str) -> Response {
        self.get_with(path, ("authorization", &format!("Bearer {token}"))).await
    }

    pub async fn finish(self) {
        self.services.close().await.expect("close");
        self.db.drop_db().await;
    }
}

/// What a browser carries between requests.
#[derive(Debug, Clone)]
pub struct Browser {
    pub csrf: String,
    pub session: Option<String>,
}

impl Browser {
    fn cookies(&self) -> String {
        match &self.session {
            Some(s) => format!("sheji_csrf={}; sheji_session={s}", self.csrf),
            None => format!("sheji_csrf={}", self.csrf),
        }
    }
}

/// A cookie set by a response.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        })
        .filter(|v| !v.is_empty())
}

fn encode_form(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// What came back.
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent (a PDF or a workbook is not text).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The first capture of `re` in a page (the test fails, naming the pattern, when absent).
pub fn first(re: &str, body: &str) -> String {
    regex::Regex::new(re)
        .unwrap()
        .captures(body)
        .unwrap_or_else(|| panic!("{re} not in page"))
        .get(1)
        .unwrap()
        .as_str()
        .to_owned()
}

/// The first capture of every match of `re` in a page.
pub fn all(re: &str, body: &str) -> Vec<String> {
    regex::Regex::new(re).unwrap().captures_iter(body).map(|c| c[1].to_owned()).collect()
}
