//! What an attack on the registry found, kept as tests: racing applications, control
//! characters through every entrance, a rename onto another's name, partial updates that
//! cleared fields, and spreadsheets built to exhaust memory.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sheji_core::i18n::Lang;
use sheji_core::page::PageRequest;
use sheji_service::Backend;
use sheji_service::identity::system_principal;
use sheji_service::registry::import::{self, Upload};
use sheji_service::registry::{self, OrgFilter};

use super::{uscc, xlsx};
use crate::support::{Browser, TestApp, backend_tests};

backend_tests!(
    one_open_library_application_under_200_racing_submissions,
    text_that_is_not_text_is_refused,
    one_organization_per_name_under_racing_renames_and_imports
);

/// An organization of 璧山区 not yet in the library, with an administrator signed in.
async fn applicant(app: &TestApp) -> (sheji_core::ids::OrganizationId, Browser) {
    let org = super::outside_the_library(app, "璧山区").await;
    app.user("race_owner", "org_admin", None, Some(org.get())).await;
    (org, app.signed_in("race_owner").await)
}

async fn one_open_library_application_under_200_racing_submissions(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (org, owner) = applicant(&app).await;
    let statement = "公司设有独立设计中心，设计人员 18 人，近两年设计投入均超过 100 万元。";
    let path = format!("/admin/organizations/{org}/apply");
    let requests = (0..200).map(|_| app.form_request(&owner, &path, &[("statement", statement)])).collect();
    let answers = app.race(requests).await;
    let accepted = answers.iter().filter(|(s, _)| *s == StatusCode::SEE_OTHER).count();
    let refused = answers.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).count();
    assert_eq!(accepted, 1, "exactly one application is filed");
    assert_eq!(
        refused,
        199,
        "every other is refused as a conflict, none fails: {:?}",
        answers.iter().find(|(s, _)| *s != StatusCode::SEE_OTHER && *s != StatusCode::CONFLICT)
    );
    let store = sheji_store::Store::connect(app.db.url()).await.unwrap();
    let open = sheji_store::registry::library::list_applications_of(&store, org).await.unwrap();
    assert_eq!(open.len(), 1, "the database holds one application");
    store.close().await.unwrap();
    app.finish().await;
}

async fn text_that_is_not_text_is_refused(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await.get();
    app.user("ctl_branch", "branch_staff", Some(bishan), None).await;
    let branch = app.signed_in("ctl_branch").await;
    // Through a form: NUL (which PostgreSQL refuses outright), ESC and a direction override.
    for name in ["重庆\u{0}设计有限公司", "重庆\u{1b}[31m设计有限公司", "重庆设计\u{202E}司公限有"]
    {
        let r = app
            .post_form(
                &branch,
                "/admin/organizations/new",
                &[
                    ("uscc", &uscc("91500120MA5UCTRL1")),
                    ("name", name),
                    ("kind", "manufacturer"),
                    ("district_id", &bishan.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name:?}: {}", r.body);
        assert!(r.body.contains("控制字符"), "the message says what is wrong: {}", r.body);
    }
    // Through the API, in the body and in the query, with the session's CSRF header.
    let json = |body: serde_json::Value| {
        Request::post("/api/v1/staff/organizations")
            .header("cookie", format!("sheji_csrf={}; sheji_session={}", branch.csrf, branch.session.clone().unwrap()))
            .header("x-csrf-token", branch.csrf.clone())
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let r = app
        .send(json(serde_json::json!({"uscc": uscc("91500120MA5UCTRL2"), "name": "重庆\u{0}设计", "kind": "manufacturer", "district_id": bishan})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("U+0000"), "{}", r.body);
    let r = app.get("/api/v1/organizations?kind=%00").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a NUL in a query is refused, not a 500: {}", r.body);
    // A line break has no place in a name, and only http(s) addresses are links.
    let r = app
        .send(json(serde_json::json!({"uscc": uscc("91500120MA5UCTRL3"), "name": "重庆\n设计有限公司", "kind": "manufacturer", "district_id": bishan, "website": "javascript:alert(1)"})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("只能填写一行") && message.contains("http://"), "{message}");
    let r = app
        .send(json(serde_json::json!({"uscc": uscc("91500120MA5UCTRL4"), "name": "重庆正常设计有限公司", "kind": "manufacturer", "district_id": bishan, "website": "www.cq-design.cn", "description": "第一段。\n第二段。"})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "long text keeps its line breaks: {}", r.body);
    // Through an import: the row is refused, naming the character; the others are taken.
    let header: Vec<String> =
        ["统一社会信用代码", "单位名称", "单位类型", "所在区县", "地址"].iter().map(|s| (*s).to_owned()).collect();
    let rows = vec![
        header,
        vec![uscc("91500120MA5UCTRL5"), "重庆\u{1b}导入有限公司".into(), "制造企业".into(), "璧山区".into(), "".into()],
        vec![
            uscc("91500120MA5UCTRL6"),
            "重庆导入二有限公司".into(),
            "制造企业".into(),
            "璧山区".into(),
            "璧山\u{202E}路".into(),
        ],
        vec![
            uscc("91500120MA5UCTRL7"),
            "重庆导入三有限公司".into(),
            "制造企业".into(),
            "璧山区".into(),
            "璧泉街道".into(),
        ],
    ];
    let upload = Upload::new(xlsx(&rows), "list.xlsx").unwrap();
    let report = import::preview(&app.services, &system_principal(), &upload, Lang::Zh).await.unwrap();
    assert_eq!((report.valid(), report.invalid()), (1, 2), "{:?}", report.bad_rows().collect::<Vec<_>>());
    let bad: Vec<(usize, &str)> = report.bad_rows().collect();
    assert!(bad.iter().any(|(_, m)| m.contains("U+001B")) && bad.iter().any(|(_, m)| m.contains("U+202E")), "{bad:?}");
    app.finish().await;
}

/// 璧山区 and the first page of its organizations.
async fn bishan_orgs(app: &TestApp) -> (sheji_core::ids::DistrictId, Vec<registry::OrgPublic>) {
    let bishan = app.district("璧山区").await;
    let filter = OrgFilter { district: Some(bishan), ..Default::default() };
    (bishan, registry::list_public(&app.services, &filter, PageRequest::default()).await.unwrap().items)
}

/// Names are kept unique by the database: racing renames onto one free name, a namesake left
/// from before the rule, and an import naming another registered organization.
async fn one_organization_per_name_under_racing_renames_and_imports(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (bishan, orgs) = bishan_orgs(&app).await;
    let (a, b, c) = (&orgs[0], &orgs[1], &orgs[2]);
    app.user("nm_branch", "branch_staff", Some(bishan.get()), None).await;
    let branch = app.signed_in("nm_branch").await;
    let wanted = "重庆抢注名称设计有限公司";
    let rename = |org: &registry::OrgPublic| {
        app.form_request(
            &branch,
            &format!("/admin/organizations/{}/edit", org.id),
            &[("name", wanted), ("kind", org.kind.code()), ("district_id", &org.district_id.to_string())],
        )
    };
    // Twenty requests rename A and twenty rename B to the same free name, all at once.
    let requests = (0..40).map(|i| rename(if i % 2 == 0 { a } else { b })).collect();
    let answers = app.race(requests).await;
    assert!(
        answers.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
        "each is saved or refused as a conflict, none fails: {:?}",
        answers.iter().find(|(s, _)| *s != StatusCode::SEE_OTHER && *s != StatusCode::CONFLICT)
    );
    let mut holders = 0;
    for org in [a, b] {
        if registry::get(&app.services, None, org.id).await.unwrap().public.name == wanted {
            holders += 1;
        }
    }
    assert_eq!(holders, 1, "exactly one of the two took the name");
    let refused = answers.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).collect::<Vec<_>>();
    assert!(!refused.is_empty() && refused.iter().all(|(_, body)| body.contains("已有其他单位以该名称登记")));

    // A namesake from before names were unique (no guard): it stays listed, and saving it
    // without a name of its own is refused with the reason, not a failure.
    let d = &orgs[3];
    let store = sheji_store::Store::connect(app.db.url()).await.unwrap();
    let tx = store.begin().await.unwrap();
    sheji_store::registry::library::make_namesake_for_test(&tx, c.id, &d.name).await.unwrap();
    tx.commit().await.unwrap();
    let listed = registry::list_public(
        &app.services,
        &OrgFilter { district: Some(bishan), ..Default::default() },
        PageRequest::new(Some(1), Some(200)),
    )
    .await
    .unwrap()
    .items;
    assert_eq!(listed.iter().filter(|o| o.name == d.name).count(), 2, "the namesake stays listed");
    let save_c = |name: &str| {
        let name = name.to_owned();
        let path = format!("/admin/organizations/{}/edit", c.id);
        let (kind, district) = (c.kind.code(), c.district_id.to_string());
        let branch = &branch;
        let app = &app;
        async move { app.post_form(branch, &path, &[("name", &name), ("kind", kind), ("district_id", &district)]).await }
    };
    let r = save_c(&d.name).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("已有其他单位以该名称登记"), "{}", r.body);
    let r = save_c("重庆改回本名设计有限公司").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "a name of its own is saved: {}", r.body);
    let r = save_c(&d.name).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "and it cannot take the other's back: {}", r.body);

    // An import: a new organization under a registered name, and one name on two rows.
    let header: Vec<String> =
        ["统一社会信用代码", "单位名称", "单位类型", "所在区县", "地址"].iter().map(|s| (*s).to_owned()).collect();
    let row = |code: &str, name: &str| {
        vec![uscc(code), name.to_owned(), "制造企业".to_owned(), "璧山区".to_owned(), "璧泉街道".to_owned()]
    };
    let rows = vec![
        header,
        row("91500120MA5UNAME1", wanted),
        row("91500120MA5UNAME2", "重庆同名导入有限公司"),
        row("91500120MA5UNAME3", "重庆同名导入有限公司"),
    ];
    let upload = Upload::new(xlsx(&rows), "names.xlsx").unwrap();
    let report = import::preview(&app.services, &system_principal(), &upload, Lang::Zh).await.unwrap();
    assert_eq!((report.valid(), report.invalid()), (1, 2), "{:?}", report.bad_rows().collect::<Vec<_>>());
    let bad: Vec<(usize, &str)> = report.bad_rows().collect();
    assert!(bad.iter().any(|(row, m)| *row == 2 && m.contains("已有其他登记机构使用此名称")), "{bad:?}");
    assert!(bad.iter().any(|(row, m)| *row == 4 && m.contains("与第 3 行的机构名称重复")), "{bad:?}");
    store.close().await.unwrap();
    app.finish().await;
}

#[tokio::test]
async fn an_enterprise_cannot_rename_itself_to_another_s_name() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let (_, orgs) = bishan_orgs(&app).await;
    let (mine, theirs) = (&orgs[0], &orgs[1]);
    app.user("ren_owner", "org_admin", None, Some(mine.id.get())).await;
    let owner = app.signed_in("ren_owner").await;
    let form = app.get_as(&owner, &format!("/admin/organizations/{}/edit", mine.id)).await;
    assert_eq!(form.status, StatusCode::OK);
    // The other's name typed with half-width brackets and extra spaces is still its name.
    let taken = theirs.name.replace('（', "(").replace('）', ")");
    let r = app
        .post_form(
            &owner,
            &format!("/admin/organizations/{}/edit", mine.id),
            &[
                ("name", &format!(" {taken} ")),
                ("kind", "manufacturer"),
                ("district_id", &mine.district_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("已有其他单位以该名称登记"), "{}", r.body);
    let after = registry::get(&app.services, None, mine.id).await.unwrap();
    assert_eq!(after.public.name, mine.name, "the name did not change");
    app.finish().await;
}

#[tokio::test]
async fn a_partial_update_changes_only_what_it_sends_and_a_get_body_writes_back() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await.get();
    app.user("pat_branch", "branch_staff", Some(bishan), None).await;
    let branch = app.signed_in("pat_branch").await;
    let send = |method: &str, path: &str, body: serde_json::Value| {
        Request::builder()
            .method(method)
            .uri(path)
            .header("cookie", format!("sheji_csrf={}; sheji_session={}", branch.csrf, branch.session.clone().unwrap()))
            .header("x-csrf-token", branch.csrf.clone())
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let created = app
        .send(send(
            "POST",
            "/api/v1/staff/organizations",
            serde_json::json!({"uscc": uscc("91500120MA5UPATC1"), "name": "重庆局部更新有限公司", "kind": "manufacturer",
                "district_id": bishan, "contact_name": "李工", "contact_phone": "13700002222", "industry_code": "36",
                "founded_on": "2015-06-01", "address": "璧山区璧泉街道 1 号"}),
        ))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/staff/organizations/{id}");
    for method in ["PATCH", "PUT"] {
        let r = app.send(send(method, &path, serde_json::json!({"description": format!("{method} 只改简介")}))).await;
        assert_eq!(r.status, StatusCode::OK, "{method}: {}", r.body);
        let body = r.json();
        assert_eq!(body["description"], format!("{method} 只改简介"));
        assert_eq!(body["industry_code"], "36", "{method} keeps what it did not send");
        assert_eq!(body["private"]["contact_name"], "李工");
        assert_eq!(body["private"]["contact_phone"], "13700002222");
        assert_eq!(body["private"]["founded_on"], "2015-06-01");
    }
    // What a GET returns is a valid body, nulls included, and writing it back changes nothing.
    let cleared = app.send(send("PATCH", &path, serde_json::json!({"industry_code": ""}))).await;
    assert_eq!(cleared.json()["industry_code"], serde_json::Value::Null, "an empty string clears");
    let got = app.get_as(&branch, &path).await.json();
    let back = app.send(send("PUT", &path, got.clone())).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.json(), got, "the GET body wrote back unchanged");
    app.finish().await;
}

#[tokio::test]
async fn spreadsheet_bombs_are_refused_naming_the_limit_and_nothing_is_written() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let before = registry::counts(&app.services).await.unwrap().total;
    let p = system_principal();
    // A column at 300 000 000 and a 200 000-character cell: each would have asked for gigabytes.
    let far = br#"<row r="1"><c r="ZZZZZZ1" t="inlineStr"><is><t>x</t></is></c></row>"#;
    let book = super::raw_xlsx(std::str::from_utf8(far).unwrap());
    let refused = import::preview(&app.services, &p, &Upload::new(book, "far.xlsx").unwrap(), Lang::Zh).await;
    let message = refused.err().map(|e| e.message(Lang::Zh)).unwrap_or_default();
    assert!(message.contains("256 列"), "{message}");
    let csv = format!("统一社会信用代码,单位名称\n{},{}\n", uscc("91500120MA5UB0MB1"), "长".repeat(40_000));
    let refused =
        import::preview(&app.services, &p, &Upload::new(csv.into_bytes(), "one.csv").unwrap(), Lang::Zh).await;
    let message = refused.err().map(|e| e.message(Lang::Zh)).unwrap_or_default();
    assert!(message.contains("32767 个字符"), "{message}");
    // Through the page, the file is refused with the limit named; nothing is written.
    app.user("bomb_branch", "branch_staff", Some(app.district("璧山区").await.get()), None).await;
    let branch = app.signed_in("bomb_branch").await;
    let boundary = "----shejibomb";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n", "很长的文件名".repeat(100)).into_bytes();
    body.extend_from_slice(&super::raw_xlsx(std::str::from_utf8(far).unwrap()));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = app
        .send(
            Request::post(format!("/admin/organizations/import?csrf={}", branch.csrf))
                .header(
                    "cookie",
                    format!("sheji_csrf={}; sheji_session={}", branch.csrf, branch.session.clone().unwrap()),
                )
                .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("256 列"), "{}", r.body);
    assert_eq!(registry::counts(&app.services).await.unwrap().total, before, "nothing was written");
    app.finish().await;
}
