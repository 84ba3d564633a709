//! The HTTP surface: probes, the error shape, the OpenAPI document, the language switch and
//! the reference pages, through the real router.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sheji_service::Backend;

use crate::support::{TestApp, backend_tests};

backend_tests!(
    probes_answer,
    api_errors_share_one_shape,
    district_api_filters_and_pages,
    every_list_refuses_impossible_pages_without_a_panic,
    what_a_node_keeps_serves_reads_and_never_writes
);

/// A node reuses list pages and signed-in callers for a few seconds (BENCHMARKS.md, lists).
/// Whoever writes sees the change at once on that node; another node within seconds; and a
/// session ended elsewhere can no longer change anything, even where it is still kept.
async fn what_a_node_keeps_serves_reads_and_never_writes(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    app.user("kp_branch", "branch_staff", Some(bishan.get()), None).await;
    let branch = app.signed_in("kp_branch").await;
    let other = app.other_node().await;
    let list = "/admin/organizations?sort=newest";
    // Both nodes read the list (and the session) once: each keeps them now.
    let before = app.get_as(&branch, list).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(app.get_via(&other, &branch, list).await.status, StatusCode::OK);
    assert_eq!(app.get("/organizations?sort=newest").await.status, StatusCode::OK);

    // A new organization on the first node: its own lists show it at once.
    let name = "重庆即时可见设计有限公司";
    let created = app
        .post_form(
            &branch,
            "/admin/organizations/new",
            &[
                ("uscc", &crate::registry::uscc("91500120MA5UKEPT1")),
                ("name", name),
                ("kind", "manufacturer"),
                ("district_id", &bishan.to_string()),
                ("address", "璧山区璧泉街道 8 号"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(app.get_as(&branch, list).await.body.contains(name), "the writer's node lists it at once");
    assert!(app.get("/organizations?sort=newest").await.body.contains(name), "so does its public directory");
    assert!(!app.get_via(&other, &branch, list).await.body.contains(name), "the other node shows its kept page");
    app.clock.advance(chrono::Duration::seconds(6));
    assert!(app.get_via(&other, &branch, list).await.body.contains(name), "and the change within seconds");

    // Signed out on the first node (a unit of work, no registry write), the session is
    // forgotten there at once; the other node keeps it for reading at most a few seconds, and
    // it can change nothing there.
    assert_eq!(app.get_as(&branch, list).await.status, StatusCode::OK, "the first node keeps the session again");
    let signed_out = app.post_form(&branch, "/logout", &[]).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    let mine = app.get_as(&branch, list).await;
    assert_eq!(mine.status, StatusCode::SEE_OTHER, "signed out at once where it signed out");
    assert_eq!(app.get_via(&other, &branch, list).await.status, StatusCode::OK, "read for a few seconds elsewhere");
    let org = crate::support::first(r#"href="/admin/organizations/(\d+)""#, &before.body);
    let edit = app
        .post_via(
            &other,
            &branch,
            &format!("/admin/organizations/{org}/edit"),
            &[("name", "重庆冒用会话设计有限公司"), ("kind", "manufacturer"), ("district_id", &bishan.to_string())],
        )
        .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER);
    assert!(edit.header("location").starts_with("/login"), "sent to sign in: {}", edit.header("location"));
    let id = sheji_core::ids::OrganizationId(org.parse().unwrap());
    let stored = sheji_service::registry::get(&app.services, None, id).await.unwrap();
    assert_ne!(stored.public.name, "重庆冒用会话设计有限公司", "an ended session wrote nothing");
    app.clock.advance(chrono::Duration::seconds(6));
    let after = app.get_via(&other, &branch, list).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "and after a few seconds it reads nothing either");
    assert!(after.header("location").starts_with("/login"), "{}", after.header("location"));
    app.finish().await;
}

/// `?page=9223372036854775807` once panicked inside the query builder on every list and
/// dropped the connection. The API refuses numbers out of bounds with a 400 that names them;
/// pages stay lenient (a hand-typed link shows the list's end); nothing answers 500.
async fn every_list_refuses_impossible_pages_without_a_panic(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    app.user("pg_admin", "admin", None, None).await;
    let admin = app.signed_in("pg_admin").await;
    let lists = [
        "/api/v1/organizations",
        "/api/v1/districts",
        "/api/v1/clusters",
        "/api/v1/recognitions",
        "/api/v1/recognition/batches",
        "/api/v1/search",
        "/api/v1/staff/organizations",
        "/api/v1/accounts",
        "/api/v1/audit",
        "/api/v1/reviews/campaigns",
    ];
    for list in lists {
        for (query, named) in [
            ("page=9223372036854775807", "1000000"),
            ("page=0", "1000000"),
            ("per_page=0", "200"),
            ("per_page=9223372036854775807", "200"),
        ] {
            let r = app.get_as(&admin, &format!("{list}?{query}")).await;
            assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
            let message = r.json()["error"]["message"].as_str().unwrap_or_default().to_owned();
            assert!(message.contains(named), "{list}?{query}: {message}");
        }
        let r = app.get_as(&admin, &format!("{list}?page=-1")).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
        let last = app.get_as(&admin, &format!("{list}?page=1000000&per_page=200")).await;
        assert_eq!(last.status, StatusCode::OK, "{list}: the farthest page is empty, not an error: {}", last.body);
    }
    for page in [
        "/organizations",
        "/admin/organizations",
        "/admin/audit",
        "/admin/accounts",
        "/publicity",
        "/recognition",
        "/districts",
    ] {
        let r = app.get_as(&admin, &format!("{page}?page=9223372036854775807")).await;
        assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.body.chars().take(300).collect::<String>());
    }
    app.finish().await;
}

async fn probes_answer(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    assert!(!ready.header("x-request-id").is_empty(), "every response carries a request id");
    app.finish().await;
}

fn assert_error(response: &crate::support::Response, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    assert!(response.header("content-type").starts_with("application/json"));
    let body = response.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(body["error"]["request_id"], response.header("x-request-id"), "the body quotes the request id");
}

async fn api_errors_share_one_shape(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    assert_error(&app.get("/api/v1/no-such-thing").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(&app.get("/api/v1/districts/99999").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(&app.get("/api/v1/districts/abc").await, StatusCode::BAD_REQUEST, "invalid_input");
    assert_error(&app.get("/api/v1/districts?kind=city").await, StatusCode::BAD_REQUEST, "invalid_input");
    assert_error(&app.get("/api/v1/districts?page=first").await, StatusCode::BAD_REQUEST, "invalid_input");
    assert_error(&app.get("/api/v1/clusters?tier=9").await, StatusCode::BAD_REQUEST, "invalid_input");
    let post = app.send(Request::post("/api/v1/districts").body(Body::empty()).expect("request")).await;
    assert_error(&post, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");

    // A request id sent by a proxy is kept, so logs on both sides line up.
    let traced = app.get_with("/api/v1/districts/99999", ("x-request-id", "proxy-42")).await;
    assert_eq!(traced.json()["error"]["request_id"], "proxy-42");

    // The message follows the caller's language; the code does not.
    let en = app.get_with("/api/v1/districts/99999", ("accept-language", "en-US,en;q=0.9")).await;
    assert_eq!(en.json()["error"]["code"], "not_found");
    assert!(en.json()["error"]["message"].as_str().is_some_and(|m| m.starts_with("No such district")), "{}", en.body);
    app.finish().await;
}

async fn district_api_filters_and_pages(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let all = app.get("/api/v1/districts?per_page=200").await.json();
    assert_eq!(all["total"], 42);
    assert_eq!(all["per_page"], 200);
    let refused = app.get("/api/v1/districts?per_page=1000").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "a page size beyond 200 is refused, naming the bound");
    let abolished = app.get("/api/v1/districts?status=abolished").await.json();
    let names: Vec<&str> =
        abolished["items"].as_array().expect("items").iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(names, ["江北区", "渝北区"]);
    assert_eq!(abolished["items"][0]["valid_to"], "2025-11");
    let zones = app.get("/api/v1/districts?kind=functional_zone").await.json();
    assert_eq!(zones["total"], 3);
    assert!(zones["items"][0]["code"].is_null(), "functional zones have no division code");
    let page2 = app.get("/api/v1/districts?per_page=20&page=3").await.json();
    assert_eq!(page2["items"].as_array().map(Vec::len), Some(2));
    let id = all["items"][0]["id"].as_i64().expect("id");
    let one = app.get(&format!("/api/v1/districts/{id}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json()["name"], "万州区");
    let clusters = app.get("/api/v1/clusters?tier=1").await.json();
    assert_eq!(clusters["total"], 3);
    app.finish().await;
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let doc = app.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "OpenAPI 3.1: {}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    let expected = [
        "/healthz",
        "/readyz",
        "/api/v1/districts",
        "/api/v1/districts/{id}",
        "/api/v1/clusters",
        "/api/v1/organizations",
        "/api/v1/organizations/{id}",
        "/api/v1/staff/organizations",
        "/api/v1/staff/organizations/{id}",
        "/api/v1/staff/organizations/{id}/library",
        "/api/v1/me",
        "/api/v1/accounts",
        "/api/v1/accounts/{id}",
        "/api/v1/audit",
        "/api/v1/search",
        "/api/v1/search/suggest",
        "/api/v1/reviews/campaigns",
        "/api/v1/reviews/campaigns/{id}/plan",
        "/api/v1/reviews/campaigns/{id}/results",
        "/api/v1/reviews/mine",
        "/api/v1/reviews/sheets/{id}",
        "/api/v1/publicity/{id}",
        "/api/v1/recognitions",
        "/api/v1/certificates/{number}",
        "/api/v1/recognition/batches",
        "/api/v1/recognition/applications/{id}",
        "/api/v1/demands",
        "/api/v1/demands/{id}",
        "/api/v1/demands/{id}/matches",
        "/api/v1/offers",
        "/api/v1/offers/{id}",
    ];
    let mut listed: Vec<&str> = paths.keys().map(String::as_str).collect();
    listed.sort_unstable();
    let mut wanted = expected.to_vec();
    wanted.sort_unstable();
    assert_eq!(listed, wanted, "the document lists exactly the API's routes");
    // Every documented route answers (ids replaced by a real one), so the document cannot
    // name a route the router lacks; the protected ones ask for a token.
    sheji_service::demo::load(&app.services).await.expect("demo");
    for (path, item) in paths {
        let concrete = path.replace("{id}", "1");
        let response = app.get(&concrete).await;
        if item["get"].is_null() {
            continue;
        }
        let protected = item["get"]["security"].is_array();
        let expected = if protected {
            StatusCode::UNAUTHORIZED
        } else if path == "/api/v1/publicity/{id}" || path == "/api/v1/certificates/{number}" {
            // The demo's campaign is in preparation and nothing is recognized yet.
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        assert_eq!(response.status, expected, "{path}: {}", response.body);
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object(), "the bearer scheme is documented");
    for schema in ["ErrorBody", "DistrictResponse", "ClusterResponse"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema} documented");
    }
    let docs_page = app.get("/api/docs").await;
    assert_eq!(docs_page.status, StatusCode::OK);
    for path in expected {
        assert!(docs_page.body.contains(path), "docs page lists {path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn language_follows_header_then_cookie_then_query() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let zh = app.get("/districts").await;
    assert!(zh.body.contains("<html lang=\"zh-CN\">") && zh.body.contains("区县"), "Chinese by default");
    let en = app.get_with("/districts", ("accept-language", "en-GB,en;q=0.9")).await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Districts"));
    let cookie = app.get_with("/districts", ("cookie", "lang=en")).await;
    assert!(cookie.body.contains("<html lang=\"en\">"), "the cookie is honoured");
    let request = Request::get("/districts?lang=zh-CN")
        .header("cookie", "lang=en")
        .header("accept-language", "en")
        .body(Body::empty())
        .expect("request");
    let query = app.send(request).await;
    assert!(query.body.contains("<html lang=\"zh-CN\">"), "?lang= wins over cookie and header");
    assert_eq!(crate::support::cookie_value(&query.headers, "lang").as_deref(), Some("zh-CN"), "and is remembered");
    assert!(query.body.contains("href=\"/districts?lang=en\""), "the switch links to the other language");
    app.finish().await;
}

#[tokio::test]
async fn district_page_shows_abolished_divisions_with_dates() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let page = app.get("/districts?status=abolished").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("江北区") && page.body.contains("渝北区"));
    assert!(page.body.contains("已撤销") && page.body.contains("2025-11 起"), "the abolition date is shown");
    assert!(!page.body.contains("万州区"), "the filter applies");
    assert!(page.body.contains("共 2 个区县和功能区"));
    let sorted = app.get("/districts?sort=-code").await;
    assert!(sorted.body.contains("aria-sort=\"descending\""));
    let first_code = sorted.body.find("500243").expect("highest code shown");
    let low_code = sorted.body.find("500101").expect("lowest code shown");
    assert!(first_code < low_code, "descending by code");
    // By default the districts in force, 两江新区 once, and no research notes.
    let current = app.get("/districts").await;
    assert_eq!(current.body.matches("两江新区").count(), 1, "{}", current.body);
    assert!(
        !current.body.contains("江北区") && !current.body.contains("modood") && !current.body.contains("UNCONFIRMED")
    );
    let empty = app.get("/districts?kind=bogus&page=zzz").await;
    assert_eq!(empty.status, StatusCode::OK, "stale filters are ignored on pages");
    app.finish().await;
}

#[tokio::test]
async fn cluster_page_shows_the_33618_tree() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let page = app.get("/clusters").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["万亿级主导产业集群", "智能网联新能源汽车", "“新星”产业集群", "卫星互联网", "30 个集群"]
    {
        assert!(page.body.contains(text), "{text}");
    }
    assert_eq!(page.body.matches("class=\"card tier\"").count(), 4);
    assert!(!page.body.contains("待核实") && !page.body.contains("UNCONFIRMED"), "no research notes in public");
    app.finish().await;
}

#[tokio::test]
async fn private_answers_and_exports_are_never_cached() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    app.user("cache_city", "city_officer", None, None).await;
    let city = app.signed_in("cache_city").await;
    for path in [
        "/api/v1/me",
        "/admin/organizations",
        "/admin/organizations/export.csv",
        "/admin/organizations/export.xlsx",
        "/",
        "/api/v1/organizations",
    ] {
        let r = app.get_as(&city, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.header("cache-control").contains("no-store"), "{path}: {}", r.header("cache-control"));
    }
    let css = app.get("/static/sheji.css").await;
    assert!(css.header("cache-control").starts_with("public"), "static files may be kept");
    assert!(app.get("/").await.header("strict-transport-security").is_empty(), "no HSTS over plain HTTP");
    app.finish().await;
}

#[tokio::test]
async fn pages_carry_security_headers_and_errors_quote_the_request() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else {
        return;
    };
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("240"), "the home page counts the organizations");
    let csp = home.header("content-security-policy");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(home.header("x-content-type-options"), "nosniff");
    assert!(!home.header("referrer-policy").is_empty());
    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.header("content-type").starts_with("text/html"));
    assert!(missing.body.contains(missing.header("x-request-id")), "the error page shows the request id");
    let css = app.get("/static/sheji.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    app.finish().await;
}

#[tokio::test]
async fn htmx_is_served_from_the_binary_and_list_pages_swap_only_their_results() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else {
        return;
    };
    // The vendored file, from the binary, as JavaScript.
    let js = app.get("/static/htmx.min.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.header("content-type").starts_with("text/javascript"), "{}", js.header("content-type"));
    assert!(js.body.len() > 40_000 && js.body.contains("htmx"), "the whole library is served");
    // Every page loads it from /static, deferred, and nothing from another origin; its
    // settings keep it inside the CSP (no inline style, no eval).
    let page = app.get("/organizations").await;
    assert!(page.body.contains(r#"<script src="/static/htmx.min.js" defer></script>"#), "{}", page.body);
    for attribute in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!page.body.contains(attribute), "no external resource ({attribute})");
    }
    assert!(page.body.contains(r#""includeIndicatorStyles":false"#) && page.body.contains(r#""allowEval":false"#));
    // The filter form and the pager fetch the page and take only its results region, which
    // the full page (what the server returns either way) carries once.
    assert!(
        page.body.contains(r#"<form class="filters" method="get" action="/organizations" hx-get="/organizations""#)
    );
    assert!(page.body.contains(r##"hx-select="#results""##) && page.body.contains(r#"hx-push-url="true""#));
    assert_eq!(page.body.matches(r#"id="results""#).count(), 1);
    assert!(page.body.contains(r#"rel="next" hx-get="/organizations?page=2""#), "pager links swap the results");
    // Without JavaScript the same links and form work as plain HTML.
    assert!(page.body.contains(r#"<a class="btn" href="/organizations?page=2" rel="next""#));
    assert_eq!(app.get("/organizations?page=2").await.status, StatusCode::OK);
    app.finish().await;
}

/// The font embedded in every official PDF ships its licence, served as plain text.
#[tokio::test]
async fn the_documents_font_licence_is_served() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let licence = app.get("/licenses/fonts").await;
    assert_eq!(licence.status, StatusCode::OK);
    assert!(licence.header("content-type").starts_with("text/plain"));
    assert!(licence.body.contains("SIL OPEN FONT LICENSE") || licence.body.contains("SIL Open Font License"));
    assert!(licence.body.contains("Noto"), "it names the font it covers");
    app.finish().await;
}
