//! The recognition ladder over HTTP on the demo city: a library member becomes a district
//! design center, then a municipal one through district recommendation within quota, the
//! city's formal check, an expert review campaign, publicity with an objection rejected, and
//! a certificate anyone can verify; the refusals along the way (quota, eligibility, another
//! district's branch) and a returned application's history.

use sheji_core::page::PageRequest;
use sheji_core::registry::LibraryStatus;
use sheji_service::Backend;
use sheji_service::registry::{OrgFilter, list_public};

use crate::support::{Browser, TestApp, all, backend_tests, first};

/// Opens a batch through the form (three years of validity unless `fields` say otherwise);
/// returns its id.
pub(crate) async fn open_batch(
    app: &TestApp,
    city: &Browser,
    kind: &str,
    name: &str,
    quota: &str,
    rubric: &str,
    fields: &[(&str, &str)],
) -> String {
    let mut form = vec![
        ("kind", kind),
        ("name", name),
        ("year", "2026"),
        ("opens_on", "2026-11-01"),
        ("closes_on", "2026-12-31"),
        ("district_quota", quota),
        ("rubric", rubric),
        ("min_years", "0"),
        ("incident_free_years", "2"),
        ("requires_credit_statement", "on"),
        ("min_design_staff", "0"),
        ("min_qualified_share", "0"),
        ("min_patents", "0"),
        ("min_design_revenue", "0"),
        ("pass_score", "70"),
        ("rectify_score", "60"),
        ("rectify_months", "6"),
        ("reviewers_per_item", "3"),
        ("publicity_days", "5"),
    ];
    // A field given replaces its default rather than repeating it.
    form.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
    form.extend_from_slice(fields);
    if !fields.iter().any(|(k, _)| *k == "validity_years") {
        form.push(("validity_years", "3"));
    }
    let r = app.post_form(city, "/admin/recognition/new", &form).await;
    assert_eq!(r.status, 303, "{}", r.body);
    first(r"/admin/recognition/(\d+)", r.header("location"))
}

/// An organization's administrator applies in a batch and signs; returns the application id.
pub(crate) async fn apply(app: &TestApp, applicant: &Browser, batch: &str) -> String {
    let r = app.post_form(applicant, &format!("/recognition/{batch}/apply"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    first(r"/recognition/applications/(\d+)", r.header("location"))
}

pub(crate) async fn submit(app: &TestApp, applicant: &Browser, id: &str) -> crate::support::Response {
    app.post_form(
        applicant,
        &format!("/recognition/applications/{id}"),
        &[
            ("description", "设计中心成立于2019年，现有设计团队，年均完成新产品设计20余项。"),
            ("incident_free", "on"),
            ("credit_ok", "on"),
            ("statement_signed", "on"),
            ("action", "submit"),
        ],
    )
    .await
}

pub(crate) async fn step(
    app: &TestApp,
    who: &Browser,
    id: &str,
    action: &str,
    comment: &str,
) -> crate::support::Response {
    app.post_form(who, &format!("/recognition/applications/{id}/act"), &[("action", action), ("comment", comment)])
        .await
}

backend_tests!(the_ladder_from_library_to_municipal_center);

async fn the_ladder_from_library_to_municipal_center(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let members = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(2))).await.unwrap().items;
    let outside = OrgFilter { district: Some(bishan), library: Some(LibraryStatus::None), ..Default::default() };
    let non_member = list_public(&app.services, &outside, PageRequest::new(Some(1), Some(1))).await.unwrap().items;
    let (a, b, c) = (&members[0], &members[1], &non_member[0]);
    let jiangjin = app.district("江津区").await;
    app.user("city1", "city_officer", None, None).await;
    app.user("hq1", "hq_staff", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("jj1", "branch_staff", Some(jiangjin.get()), None).await;
    app.user("orga", "org_admin", None, Some(a.id.get())).await;
    app.user("orgb", "org_admin", None, Some(b.id.get())).await;
    app.user("orgc", "org_admin", None, Some(c.id.get())).await;
    let city = app.signed_in("city1").await;
    let branch = app.signed_in("bs1").await;
    let other_branch = app.signed_in("jj1").await;
    let (org_a, org_b, org_c) = (app.signed_in("orga").await, app.signed_in("orgb").await, app.signed_in("orgc").await);

    // 1. District design centers: library members only, one recommendation per district, no
    //    expert review (the formal check decides).
    let district_batch = open_batch(
        &app,
        &city,
        "district_center",
        "2026年度区县级工业设计中心认定",
        "1",
        "",
        // One year of validity, so the re-review at the end takes it up.
        &[("requires_library", "on"), ("validity_years", "1")],
    )
    .await;
    let app_a = apply(&app, &org_a, &district_batch).await;
    let app_b = apply(&app, &org_b, &district_batch).await;
    // Applying twice in one batch is refused.
    assert_eq!(app.post_form(&org_a, &format!("/recognition/{district_batch}/apply"), &[]).await.status, 409);
    // The non-member is told why it cannot apply, and nothing is created.
    let refused = app.post_form(&org_c, &format!("/recognition/{district_batch}/apply"), &[]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("暂不能申报该批次：已具备前置层级"), "{}", refused.body);
    let mine = app.get_as(&org_c, "/recognition").await;
    assert!(!mine.body.contains("/recognition/applications/"), "no draft was left behind: {}", mine.body);
    // Signing is required.
    let unsigned = app
        .post_form(
            &org_a,
            &format!("/recognition/applications/{app_a}"),
            &[("incident_free", "on"), ("credit_ok", "on"), ("action", "submit")],
        )
        .await;
    assert_eq!(unsigned.status, 400);
    assert!(unsigned.body.contains("请勾选真实性承诺"));
    assert_eq!(submit(&app, &org_a, &app_a).await.status, 303);
    assert_eq!(submit(&app, &org_b, &app_b).await.status, 303);
    // Another organization cannot open A's application; another district's branch cannot act.
    assert_eq!(app.get_as(&org_b, &format!("/recognition/applications/{app_a}")).await.status, 404);
    assert_eq!(step(&app, &other_branch, &app_a, "recommend", "").await.status, 404);
    // The district recommends A; B exceeds the quota and is refused.
    assert_eq!(step(&app, &branch, &app_a, "recommend", "同意推荐").await.status, 303);
    let over = step(&app, &branch, &app_b, "recommend", "").await;
    assert_eq!(over.status, 409);
    assert!(over.body.contains("推荐名额已用完"), "{}", over.body);
    // Returning needs a reason; a returned application keeps its history and comes back.
    assert_eq!(step(&app, &branch, &app_b, "return", "").await.status, 400);
    assert_eq!(step(&app, &branch, &app_b, "return", "请补充设计团队名单").await.status, 303);
    assert_eq!(submit(&app, &org_b, &app_b).await.status, 303);
    let history = app.get_as(&org_b, &format!("/recognition/applications/{app_b}")).await;
    assert!(history.body.contains("请补充设计团队名单"));
    assert_eq!(history.body.matches("<time>").count(), 3, "submit, return, submit again");
    // The batch page shows the funnel and the quota to the branch; the city passes A and
    // concludes; A holds a certificate anyone can verify.
    let batch_page = app.get_as(&branch, &format!("/admin/recognition/{district_batch}")).await;
    assert!(
        batch_page.body.contains(r#"<tr class="row-full"><td>璧山区</td><td class="num">1</td><td class="num">0</td>"#),
        "{}",
        batch_page.body
    );
    assert_eq!(step(&app, &branch, &app_a, "pass", "").await.status, 403, "the formal check is the city's");
    assert_eq!(step(&app, &city, &app_a, "pass", "材料齐全").await.status, 303);
    // B still waits for the district: the batch cannot conclude and leave it behind.
    let pending = app.post_form(&city, &format!("/admin/recognition/{district_batch}/steps/conclude"), &[]).await;
    assert_eq!(pending.status, 409);
    assert!(pending.body.contains("还有 1 份申报等待"), "{}", pending.body);
    assert_eq!(step(&app, &branch, &app_b, "reject", "本批次名额已满").await.status, 303);
    let concluded = app.post_form(&city, &format!("/admin/recognition/{district_batch}/steps/conclude"), &[]).await;
    assert_eq!(concluded.status, 303, "{}", concluded.body);
    let cert = app.get("/certificates/QX-2026-0002").await;
    assert_eq!(cert.status, 200);
    assert!(
        cert.body.contains(&a.name) && cert.body.contains("有效") && cert.body.contains("2027年11月26日"),
        "{}",
        cert.body
    );
    assert_eq!(app.get("/certificates/QX-2026-9999").await.status, 404);

    // 2. Municipal centers: a district center (or a library member) may apply; expert review.
    let form = app.get_as(&city, "/admin/recognition/new?kind=municipal_center").await;
    assert!(form.body.contains(r#"name="min_design_staff" type="number" value="30""#), "municipal defaults filled in");
    // Choosing another tier loads its rules and keeps what was typed; nothing is created.
    let reloaded = app
        .post_form(
            &city,
            "/admin/recognition/new",
            &[
                ("kind", "municipal_center"),
                ("name", "已填写的名称"),
                ("min_design_staff", "0"),
                ("action", "defaults"),
            ],
        )
        .await;
    assert_eq!(reloaded.status, 200);
    assert!(
        reloaded.body.contains(r#"name="min_design_staff" type="number" value="30""#)
            && reloaded.body.contains(r#"value="已填写的名称""#),
        "{}",
        reloaded.body
    );
    assert!(!app.get_as(&city, "/recognition").await.body.contains("已填写的名称"), "no batch was opened");
    let rubric = first(r#"<option value="(\d+)">市级工业设计中心认定评审 · v1"#, &form.body);
    let municipal = open_batch(
        &app,
        &city,
        "municipal_center",
        "2026年度市级工业设计中心认定",
        "2",
        &rubric,
        &[("requires_any_of", "district_center")],
    )
    .await;
    let app_a2 = apply(&app, &org_a, &municipal).await;
    let checklist = app.get_as(&org_a, &format!("/recognition/applications/{app_a2}")).await;
    assert!(checklist.body.contains("已具备前置层级：区县级工业设计中心"));
    assert_eq!(submit(&app, &org_a, &app_a2).await.status, 303);
    assert_eq!(step(&app, &branch, &app_a2, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &app_a2, "pass", "").await.status, 303);
    let sent = app.post_form(&city, &format!("/admin/recognition/{municipal}/steps/review"), &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let batch_page = app.get_as(&city, &format!("/admin/recognition/{municipal}")).await;
    let campaign = first(r#"/admin/reviews/(\d+)"#, &batch_page.body);
    // Concluding before the review's final list is refused.
    let early = app.post_form(&city, &format!("/admin/recognition/{municipal}/steps/conclude"), &[]).await;
    assert_eq!(early.status, 409);
    // The review: three of the demo's experts, scores, close, publish.
    let hq = app.signed_in("hq1").await;
    let deployed = app.post_form(&hq, &format!("/admin/reviews/{campaign}/deploy"), &[("mode", "optimal")]).await;
    assert_eq!(deployed.status, 303, "{}", deployed.body);
    let mut sheets = 0;
    let mut outsiders = 0;
    for u in ["expert", "expert2", "expert3", "expert4", "expert5", "expert6"] {
        let (b, r) = app.sign_in(u, sheji_service::demo::DEMO_PASSWORD).await;
        assert_eq!(r.status, 303, "{u} signs in");
        // Only this campaign's sheets (the demo's experts also scored the demo's own campaign).
        let mut mine = Vec::new();
        for sheet in all(r#"href="/reviews/(\d+)""#, &app.get_as(&b, "/reviews").await.body) {
            if app.get_as(&b, &format!("/reviews/{sheet}")).await.body.contains("2026年度市级工业设计中心认定专家评审")
            {
                mine.push(sheet);
            }
        }
        // An expert reads what they score (read only, no papers that name the applicant); an
        // expert not assigned to it cannot open it.
        let application = format!("/recognition/applications/{app_a2}");
        if mine.is_empty() {
            assert_eq!(app.get_as(&b, &application).await.status, 404, "{u} is not assigned");
            outsiders += 1;
        }
        for sheet in &mine {
            let page = app.get_as(&b, &format!("/reviews/{sheet}")).await;
            assert!(page.body.contains(&format!(r#"href="{application}""#)), "{}", page.body);
            let materials = app.get_as(&b, &application).await;
            assert_eq!(materials.status, 200, "{}", materials.body);
            assert!(materials.body.contains("设计中心成立于2019年") && !materials.body.contains("name=\"action\""));
            assert_eq!(app.get_as(&b, &format!("{application}/application.pdf")).await.status, 404);
        }
        for sheet in mine {
            let r = app
                .post_form(
                    &b,
                    &format!("/reviews/{sheet}"),
                    &[("score_1", "27"), ("score_2", "26"), ("score_3", "17"), ("score_4", "18"), ("action", "submit")],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
            sheets += 1;
        }
    }
    assert_eq!((sheets, outsiders), (3, 3));
    assert_eq!(app.post_form(&hq, &format!("/admin/reviews/{campaign}/steps/close"), &[]).await.status, 303);
    // The publish form starts from the batch's pass score as the mark for being proposed.
    let closed = app.get_as(&hq, &format!("/admin/reviews/{campaign}")).await;
    assert!(closed.body.contains(r#"name="min_score" type="text" value="70""#), "{}", closed.body);
    let published = app
        .post_form(
            &hq,
            &format!("/admin/reviews/{campaign}/publish"),
            &[
                ("phone", "023-6389 0000"),
                ("address", "重庆市渝北区金开大道1号"),
                ("min_score", "70"),
                ("show_scores", "on"),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    // The notice as an official document, for anyone: print view and PDF.
    let notice = app.get(&format!("/publicity/{campaign}/print")).await;
    assert_eq!(notice.status, 200);
    assert!(notice.body.contains("评审结果的公示") && notice.body.contains(&a.name), "{}", notice.body);
    assert!(app.get(&format!("/publicity/{campaign}/notice.pdf")).await.body.starts_with("%PDF-"));
    // The applicant is told its item is on notice.
    let told = app.get_as(&org_a, "/messages").await;
    assert!(told.body.contains("评审结果已公示，公示期"), "{}", told.body);
    // Publicity: one objection, rejected with reasons.
    let anon = app.browser().await;
    let objection = multipart(
        &app,
        &anon,
        &format!("/publicity/{campaign}/objections"),
        &[
            ("name", "某公司"),
            ("contact", "023-88886666"),
            ("evidence", "该单位设计团队人数与申报材料不符，附社保缴纳名单。"),
        ],
        &[],
    )
    .await;
    assert_eq!(objection.status, 303, "{}", objection.body);
    let case = app.get_as(&hq, &format!("/admin/reviews/{campaign}")).await;
    let oid = first(r#"/objections/(\d+)""#, &case.body);
    let rejected = app
        .post_form(
            &hq,
            &format!("/admin/reviews/{campaign}/objections/{oid}"),
            &[("decision", "reject"), ("resolution", "经核查社保名单与申报一致，异议不成立。")],
        )
        .await;
    assert_eq!(rejected.status, 303);
    // The window runs out: the platform's daily job confirms the final list (no objection is
    // open) and tells the managers; a manual finalize finds nothing left to do.
    app.clock.advance(chrono::Duration::days(9));
    sheji_service::job::schedule_due(&app.services).await.unwrap();
    assert!(app.run_jobs().await >= 1);
    let hq = app.signed_in("hq1").await;
    let city = app.signed_in("city1").await;
    let told = app.get_as(&hq, "/messages").await;
    assert!(told.body.contains("公示期已结束且没有待处理的异议，平台已确认最终名单"), "{}", told.body);
    assert_eq!(app.post_form(&hq, &format!("/admin/reviews/{campaign}/steps/finalize"), &[]).await.status, 409);
    let concluded = app.post_form(&city, &format!("/admin/recognition/{municipal}/steps/conclude"), &[]).await;
    assert_eq!(concluded.status, 303, "{}", concluded.body);
    // Recognized: the application's timeline, the register and the certificate agree.
    let org_a = app.signed_in("orga").await;
    let done = app.get_as(&org_a, &format!("/recognition/applications/{app_a2}")).await;
    assert!(done.body.contains("已认定") && done.body.contains("SJ-2026-0001"), "{}", done.body);
    let register = app.get("/recognitions?kind=municipal_center").await;
    assert!(register.body.contains("SJ-2026-0001") && register.body.contains(&a.name));
    assert!(app.get("/certificates/SJ-2026-0001").await.body.contains("市级工业设计中心"));
    let verified = app.get("/api/v1/certificates/SJ-2026-0001").await.json();
    assert_eq!((verified["kind"].as_str(), verified["standing"].as_str()), (Some("municipal_center"), Some("valid")));
    assert_eq!(app.get("/api/v1/recognitions?kind=golden").await.status, 400);

    // 3. A re-review (复核) of district centers takes up A's certificate, which falls due within
    //    a year; the experts score it low and it is revoked, which the register shows.
    let re_review = open_batch(
        &app,
        &city,
        "district_center",
        "2026年度区县级工业设计中心复核",
        "",
        &rubric,
        // A blind review: the experts score the holder without its name.
        &[("purpose", "re_review"), ("blind_review", "on")],
    )
    .await;
    // A second re-review batch may not cover the same recognitions while the first is open.
    let form = [
        ("kind", "district_center"),
        ("purpose", "re_review"),
        ("name", "重复的复核批次"),
        ("year", "2026"),
        ("opens_on", "2026-11-01"),
        ("closes_on", "2026-12-31"),
        ("rubric", rubric.as_str()),
        ("min_years", "0"),
        ("incident_free_years", "2"),
        ("min_design_staff", "0"),
        ("min_qualified_share", "0"),
        ("min_patents", "0"),
        ("min_design_revenue", "0"),
        ("pass_score", "70"),
        ("rectify_score", "60"),
        ("rectify_months", "6"),
        ("reviewers_per_item", "3"),
        ("publicity_days", "5"),
        ("validity_years", "3"),
    ];
    let twice = app.post_form(&city, "/admin/recognition/new", &form).await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert!(twice.body.contains("都已在尚未办结的复核批次中") && twice.body.contains("重复的复核批次"));
    let org_b = app.signed_in("orgb").await;
    assert_eq!(
        app.post_form(&org_b, &format!("/recognition/{re_review}/apply"), &[]).await.status,
        409,
        "only holders due"
    );
    let mine = app.get_as(&org_a, "/recognition").await;
    let rr = all(r#"href="/recognition/applications/(\d+)""#, &mine.body)
        .into_iter()
        .max_by_key(|x| x.parse::<i32>().unwrap())
        .unwrap();
    assert!(mine.body.contains("2026年度区县级工业设计中心复核"), "{}", mine.body);
    assert!(
        // Three here, and the demo's two of the same company (the concluded district-center
        // call and the backbone-firm call with the experts).
        mine.body.matches("/recognition/applications/").count() == 5,
        "{}",
        mine.body.split("<main").nth(1).unwrap_or_default()
    );
    let sub = submit(&app, &org_a, &rr).await;
    assert_eq!(sub.status, 303, "{}", sub.body.split("<main").nth(1).unwrap_or_default());
    let branch = app.signed_in("bs1").await;
    assert_eq!(step(&app, &branch, &rr, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &rr, "pass", "").await.status, 303);
    assert_eq!(app.post_form(&city, &format!("/admin/recognition/{re_review}/steps/review"), &[]).await.status, 303);
    let campaign =
        first(r#"/admin/reviews/(\d+)"#, &app.get_as(&city, &format!("/admin/recognition/{re_review}")).await.body);
    assert_eq!(
        app.post_form(&hq, &format!("/admin/reviews/{campaign}/deploy"), &[("mode", "optimal")]).await.status,
        303
    );
    let mut blind_sheets = 0;
    for u in ["expert", "expert2", "expert3", "expert4", "expert5", "expert6"] {
        let (b, _) = app.sign_in(u, sheji_service::demo::DEMO_PASSWORD).await;
        for sheet in all(r#"href="/reviews/(\d+)""#, &app.get_as(&b, "/reviews").await.body) {
            let page = app.get_as(&b, &format!("/reviews/{sheet}")).await;
            if !page.body.contains("name=\"action\" value=\"submit\"") {
                continue;
            }
            if page.body.contains("2026年度区县级工业设计中心复核专家评审") {
                assert!(!page.body.contains(&a.name), "blind: the sheet hides the holder");
                let materials = app.get_as(&b, &format!("/recognition/applications/{rr}")).await;
                assert_eq!(materials.status, 200);
                assert!(!materials.body.contains(&a.name) && materials.body.contains("盲评"), "{}", materials.body);
                let list = app.get_as(&b, "/reviews").await.body;
                let row = list.split("<tr").find(|r| r.contains(&format!("\"/reviews/{sheet}\""))).unwrap_or_default();
                assert!(row.contains("评审对象") && !row.contains(&a.name), "nor does the list: {row}");
                blind_sheets += 1;
            }
            let r = app
                .post_form(
                    &b,
                    &format!("/reviews/{sheet}"),
                    &[("score_1", "6"), ("score_2", "6"), ("score_3", "4"), ("score_4", "4"), ("action", "submit")],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
    }
    assert_eq!(blind_sheets, 3);
    assert_eq!(app.post_form(&hq, &format!("/admin/reviews/{campaign}/steps/close"), &[]).await.status, 303);
    // A re-review's notice lists every outcome: no mark is proposed.
    let closed = app.get_as(&hq, &format!("/admin/reviews/{campaign}")).await;
    assert!(closed.body.contains(r#"name="min_score" type="text" value="""#), "{}", closed.body);
    let published = app
        .post_form(
            &hq,
            &format!("/admin/reviews/{campaign}/publish"),
            &[("phone", "023-6389 0000"), ("address", "重庆市渝北区金开大道1号"), ("min_score", "")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    app.clock.advance(chrono::Duration::days(9));
    let hq = app.signed_in("hq1").await;
    let city = app.signed_in("city1").await;
    assert_eq!(app.post_form(&hq, &format!("/admin/reviews/{campaign}/steps/finalize"), &[]).await.status, 303);
    assert_eq!(app.post_form(&city, &format!("/admin/recognition/{re_review}/steps/conclude"), &[]).await.status, 303);
    let register = app.get("/recognitions?kind=district_center").await;
    assert!(register.body.contains("QX-2026-0002") && register.body.contains("已撤销"), "{}", register.body);
    // The certificate's page says when and why: the re-review, its score and the line.
    let revoked = app.get("/certificates/QX-2026-0002").await;
    assert!(revoked.body.contains("已撤销") && revoked.body.contains("复核中撤销：得分"), "{}", revoked.body);
    assert!(revoked.body.contains("低于 60 分"), "{}", revoked.body);
    // The holder's public page lists its recognitions with their standing.
    let public = app.get(&format!("/organizations/{}", a.id)).await;
    assert!(public.body.contains("QX-2026-0002") && public.body.contains("已撤销"), "{}", public.body);
    app.finish().await;
}

#[tokio::test]
async fn expiry_reminders_reach_the_holder_and_its_district_only_and_the_register_exports() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let jiangjin = app.district("江津区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let a = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(1))).await.unwrap().items.remove(0);
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("jj1", "branch_staff", Some(jiangjin.get()), None).await;
    app.user("orga", "org_admin", None, Some(a.id.get())).await;
    let city = app.signed_in("city1").await;
    let batch = open_batch(&app, &city, "district_center", "区县级中心", "", "", &[("validity_years", "1")]).await;
    let org_a = app.signed_in("orga").await;
    let id = apply(&app, &org_a, &batch).await;
    assert_eq!(submit(&app, &org_a, &id).await.status, 303);
    let branch = app.signed_in("bs1").await;
    assert_eq!(step(&app, &branch, &id, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &id, "pass", "").await.status, 303);
    assert_eq!(app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await.status, 303);
    // Valid until 2027-11-26: nothing to remind today; 300 days later, 64 days are left.
    assert!(!app.get_as(&org_a, "/recognition").await.body.contains("即将到期"));
    app.clock.advance(chrono::Duration::days(300));
    for (user, sees) in [("orga", true), ("bs1", true), ("jj1", false), ("city1", true)] {
        let b = app.signed_in(user).await;
        let page = app.get_as(&b, "/recognition").await;
        assert_eq!(page.body.contains("剩余 64 天 · 90 天提醒"), sees, "{user}");
    }
    // The register filters by district and exports for staff only.
    let city = app.signed_in("city1").await;
    let listed = app.get(&format!("/recognitions?district={}", bishan.get())).await;
    assert!(listed.body.contains("QX-2026-0002"));
    assert!(!app.get(&format!("/recognitions?district={}", jiangjin.get())).await.body.contains("QX-2026-0002"));
    let xlsx = app.get_as(&city, "/recognitions/export.xlsx?kind=district_center").await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.header("content-type").contains("spreadsheetml"));
    let org_a = app.signed_in("orga").await;
    assert_eq!(app.get_as(&org_a, "/recognitions/export.xlsx").await.status, 403);
    app.finish().await;
}

#[tokio::test]
async fn liaison_officers_record_services_that_count_for_their_branch() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let jiangjin = app.district("江津区").await;
    let in_bishan = OrgFilter { district: Some(bishan), ..Default::default() };
    let a = list_public(&app.services, &in_bishan, PageRequest::new(Some(1), Some(1))).await.unwrap().items.remove(0);
    app.user("city1", "city_officer", None, None).await;
    app.user("hq1", "hq_staff", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("jj1", "branch_staff", Some(jiangjin.get()), None).await;
    app.user("orga", "org_admin", None, Some(a.id.get())).await;
    app.user("designer1", "designer", None, None).await;
    let city = app.signed_in("city1").await;
    let path = format!("/admin/organizations/{}/services", a.id);
    // The liaison must be staff; then HQ's officer is assigned.
    let not_staff =
        app.post_form(&city, &format!("/admin/organizations/{}/target", a.id), &[("liaison", "designer1")]).await;
    assert_eq!(not_staff.status, 400);
    let marked = app
        .post_form(
            &city,
            &format!("/admin/organizations/{}/target", a.id),
            &[("liaison", "hq1"), ("note", "冲刺国家级")],
        )
        .await;
    assert_eq!(marked.status, 303, "{}", marked.body);
    // The liaison records a diagnosis; an incomplete report is refused.
    let hq = app.signed_in("hq1").await;
    let incomplete = app
        .post_form(
            &hq,
            &path,
            &[("kind", "diagnosis"), ("served_on", "2026-11-20"), ("summary", "上门诊断"), ("strengths", "外观能力强")],
        )
        .await;
    assert_eq!(incomplete.status, 400);
    assert!(incomplete.body.contains("设计诊断须填写优势、差距与问题、改进建议三部分"));
    let done = app
        .post_form(
            &hq,
            &path,
            &[
                ("kind", "diagnosis"),
                ("served_on", "2026-11-20"),
                ("summary", "上门开展设计能力诊断"),
                ("strengths", "外观设计能力强"),
                ("gaps", "缺少用户研究"),
                ("recommendations", "设立用户研究岗位"),
                ("follow_up_on", "2027-02-20"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    // The branch records a policy briefing; another district's branch cannot.
    let branch = app.signed_in("bs1").await;
    let r = app
        .post_form(
            &branch,
            &path,
            &[("kind", "policy_briefing"), ("served_on", "2026-11-25"), ("summary", "宣讲市级中心认定政策")],
        )
        .await;
    assert_eq!(r.status, 303);
    let other = app.signed_in("jj1").await;
    assert_eq!(app.get_as(&other, &path).await.status, 404);
    assert_eq!(
        app.post_form(&other, &path, &[("kind", "training"), ("served_on", "2026-11-25"), ("summary", "x")])
            .await
            .status,
        404
    );
    // The records show on the organization's page, for the organization too.
    let org_a = app.signed_in("orga").await;
    let page = app.get_as(&org_a, &format!("/admin/organizations/{}", a.id)).await;
    assert!(page.body.contains("上门开展设计能力诊断") && page.body.contains("宣讲市级中心认定政策"), "{}", page.body);
    let services = app.get_as(&org_a, &path).await;
    assert!(services.body.contains("设立用户研究岗位"), "{}", services.body);
    assert!(!services.body.contains("冲刺国家级"), "the city's note on the target is internal");
    // They count as the branch's work.
    let work = app.get_as(&branch, "/services/work?year=2026").await;
    assert!(work.body.contains("璧山区") && work.body.contains("<strong>2</strong>"), "{}", work.body);
    assert!(!app.get_as(&other, "/services/work?year=2026").await.body.contains("璧山区"));
    // Three days before the follow-up the liaison and the district are reminded, once, and the
    // visit is among their to-dos; another district hears nothing.
    let target = chrono::DateTime::parse_from_rfc3339("2027-02-17T09:00:00+08:00").unwrap().to_utc();
    app.clock.advance(target - app.services.now());
    for _ in 0..2 {
        sheji_service::job::schedule_due(&app.services).await.unwrap();
        app.run_jobs().await;
    }
    let (hq, branch, other) = (app.signed_in("hq1").await, app.signed_in("bs1").await, app.signed_in("jj1").await);
    for who in [&hq, &branch] {
        let messages = app.get_as(who, "/messages").await;
        assert_eq!(messages.body.matches("3 天后（2027-02-20）应对").count(), 1, "{}", messages.body);
        assert!(app.get_as(who, "/").await.body.contains("1 项服务回访临近或已到期"));
    }
    assert!(!app.get_as(&other, "/messages").await.body.contains("服务回访"));
    assert!(!app.get_as(&other, "/").await.body.contains("服务回访"));

    // The city picks the liaison among the staff and reads its own note.
    let city = app.signed_in("city1").await;
    let page = app.get_as(&city, &path).await;
    assert!(page.body.contains(r#"<option value="hq1" selected>"#), "the picker shows the liaison: {}", page.body);
    assert!(page.body.contains(r#"<option value="jj1">"#) && page.body.contains("江津区分中心"));
    assert!(!page.body.contains(r#"<option value="designer1">"#), "only staff are offered");
    assert!(page.body.contains("冲刺国家级"), "staff read the internal note");
    // A branch officer may follow an organization in another district: as its liaison they
    // open its page and record services, which count for their own branch.
    let org_page = format!("/admin/organizations/{}", a.id);
    assert_eq!(app.get_as(&other, &org_page).await.status, 404, "not before they are its liaison");
    let marked =
        app.post_form(&city, &format!("{org_page}/target"), &[("liaison", "jj1"), ("note", "冲刺国家级")]).await;
    assert_eq!(marked.status, 303, "{}", marked.body);
    let opened = app.get_as(&other, &org_page).await;
    assert_eq!(opened.status, 200, "the liaison opens the organization");
    let r = app
        .post_form(
            &other,
            &path,
            &[
                ("kind", "diagnosis"),
                ("served_on", "2027-02-17"),
                ("summary", "跨区县上门诊断"),
                ("strengths", "团队稳定"),
                ("gaps", "用户研究薄弱"),
                ("recommendations", "引入用户研究方法"),
                ("follow_up_on", "2027-02-22"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let work = app.get_as(&city, "/services/work?year=2027").await;
    assert!(work.body.contains("<tr><td>jj1</td><td>江津区</td>"), "it counts for the officer's branch: {}", work.body);
    // Its follow-up still reaches the organization's district (and the liaison), whose pages open.
    let branch = app.signed_in("bs1").await;
    assert!(app.get_as(&branch, "/").await.body.contains("2 项服务回访临近或已到期"), "Bishan has both visits");
    assert!(app.get_as(&other, "/").await.body.contains("服务回访临近或已到期"), "the liaison has theirs");
    // Every district shows, zeros too, and the tables export to Excel.
    let all = app.get_as(&city, "/services/work?year=2026").await;
    assert!(all.body.contains("<td>渝中区</td>") && all.body.contains("<td>hq1</td>"), "{}", all.body);
    let xlsx = app.get_as(&city, "/services/work.xlsx?year=2026").await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.bytes.starts_with(b"PK"), "a workbook");
    app.finish().await;
}

pub(crate) async fn multipart(
    app: &TestApp,
    who: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> crate::support::Response {
    let boundary = "----shejiboundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    // An anonymous visitor (an objector) has a CSRF cookie but no session.
    let cookie = match &who.session {
        Some(session) => format!("sheji_csrf={}; sheji_session={session}", who.csrf),
        None => format!("sheji_csrf={}", who.csrf),
    };
    let request = axum::http::Request::post(format!("{path}?csrf={}", who.csrf))
        .header("cookie", cookie)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn documents_and_an_on_site_verification_with_photos() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let orgs = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(2))).await.unwrap().items;
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("orga", "org_admin", None, Some(orgs[0].id.get())).await;
    app.user("orgb", "org_admin", None, Some(orgs[1].id.get())).await;
    let city = app.signed_in("city1").await;
    let batch = open_batch(
        &app,
        &city,
        "district_center",
        "区县级中心（现场核查）",
        "",
        "",
        &[("onsite_required", "on"), ("required_documents", "营业执照\n上年度审计报告\n营业执照")],
    )
    .await;
    let org_a = app.signed_in("orga").await;
    let id = apply(&app, &org_a, &batch).await;
    let path = format!("/recognition/applications/{id}");
    // Documents must be PDFs, whatever their name says.
    let fake =
        multipart(&app, &org_a, &format!("{path}/attachments"), &[], &[("file", "营业执照.pdf", b"MZ not a pdf")])
            .await;
    assert_eq!(fake.status, 400);
    assert!(fake.body.contains("文件类型不符合要求"));
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let attach = |document: &'static str, name: &'static str| {
        let (app, org_a, path) = (&app, &org_a, &path);
        async move {
            multipart(app, org_a, &format!("{path}/attachments"), &[("document", document)], &[("file", name, pdf)])
                .await
        }
    };
    // The batch names its required documents (a repeat is read once); each needs a file.
    assert_eq!(attach("0", "营业执照.pdf").await.status, 303);
    let unknown = attach("7", "x.pdf").await;
    assert_eq!(unknown.status, 400);
    assert_eq!(attach("abc", "x.pdf").await.status, 400, "not silently filed as other material");
    assert!(unknown.body.contains("请选择所列材料之一"), "{}", unknown.body);
    let missing = submit(&app, &org_a, &id).await;
    assert_eq!(missing.status, 400, "{}", missing.body);
    assert!(missing.body.contains("必备材料：上年度审计报告"), "{}", missing.body);
    assert_eq!(attach("1", "2025审计报告.pdf").await.status, 303);
    let page = app.get_as(&org_a, &path).await;
    let file = first(r#"href="/files/(\d+)">营业执照.pdf"#, &page.body);
    let got = app.get_as(&org_a, &format!("/files/{file}")).await;
    assert_eq!((got.status.as_u16(), got.header("content-type")), (200, "application/pdf"));
    let org_b = app.signed_in("orgb").await;
    assert_eq!(app.get_as(&org_b, &format!("/files/{file}")).await.status, 404);
    assert_eq!(app.get(&format!("/files/{file}")).await.status, 303);
    assert_eq!(submit(&app, &org_a, &id).await.status, 303);
    let branch = app.signed_in("bs1").await;
    // The figures were frozen at submission. When the registry's change afterwards, staff see
    // both values; the applicant's page keeps what was submitted.
    let submitted = app.get_as(&branch, &path).await;
    assert!(submitted.body.contains("提交时已锁定") && !submitted.body.contains("申报数据与企业库不一致"));
    let year = first(r"<dt>(\d{4}) · ", &submitted.body);
    app.user("adm1", "admin", None, None).await;
    let admin = app.signed_in("adm1").await;
    let org = orgs[0].id;
    let changed = app
        .post_form(&admin, &format!("/admin/organizations/{org}/figures"), &[("year", &year), ("staff_total", "9999")])
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    // Figures for a year not yet begun are refused (they would become the "latest").
    let future = app
        .post_form(&admin, &format!("/admin/organizations/{org}/figures"), &[("year", "2031"), ("staff_total", "10")])
        .await;
    assert_eq!(future.status, 400);
    assert!(future.body.contains("最晚只能填报到 2026 年"), "{}", future.body);
    let drift = app.get_as(&branch, &path).await;
    assert!(
        drift.body.contains("申报数据与企业库不一致") && drift.body.contains(r#"<td class="num">9999</td>"#),
        "{}",
        drift.body
    );
    let own = app.get_as(&org_a, &path).await;
    assert!(!own.body.contains("申报数据与企业库不一致") && !own.body.contains("9999"), "{}", own.body);
    assert_eq!(step(&app, &branch, &id, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &id, "pass", "").await.status, 303);
    // Not concluded before the visit.
    assert_eq!(app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await.status, 409);
    // The visit: a photo is required; one point failing returns the application.
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    let items = [
        ("item_0", "on"),
        ("item_1", "on"),
        ("item_2", "on"),
        ("conclusion", "样机间未见在制样机，请补充。"),
        ("on", "2026-11-26"),
    ];
    let no_photo = multipart(&app, &branch, &format!("{path}/inspection"), &items, &[]).await;
    assert_eq!(no_photo.status, 400);
    let failed = multipart(&app, &branch, &format!("{path}/inspection"), &items, &[("photos", "site.png", &png)]).await;
    assert_eq!(failed.status, 303, "{}", failed.body);
    let page = app.get_as(&org_a, &path).await;
    assert!(page.body.contains("现场核查整改中") && page.body.contains("样机间未见在制样机"), "{}", page.body);
    // It keeps its recommendation slot while the applicant corrects (the city's table of
    // districts counts it), and the applicant is told.
    let staff = app.get_as(&city, &format!("/admin/recognition/{batch}")).await;
    assert!(staff.body.contains(r#"<td>璧山区</td><td class="num">1</td>"#), "{}", staff.body);
    assert!(staff.body.contains(r#"<td>万州区</td><td class="num">0</td>"#), "every district, zeros too");
    assert!(!staff.body.contains("<td>江北区</td>"), "not an abolished one");
    let told = app.get_as(&org_a, "/messages").await;
    assert!(told.body.contains("未通过现场核查"), "{}", told.body);
    // Corrected and resubmitted: straight back to the verification, no new recommendation.
    assert_eq!(submit(&app, &org_a, &id).await.status, 303);
    assert_eq!(step(&app, &branch, &id, "recommend", "").await.status, 409);
    let all_items =
        [("item_0", "on"), ("item_1", "on"), ("item_2", "on"), ("item_3", "on"), ("conclusion", "核查属实。")];
    assert_eq!(
        multipart(&app, &branch, &format!("{path}/inspection"), &all_items, &[("photos", "team.png", &png)])
            .await
            .status,
        303
    );
    assert_eq!(app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await.status, 303);
    let done = app.get_as(&org_a, &path).await;
    assert!(
        done.body.contains("已认定") && done.body.contains("team.png") && done.body.contains("核查属实"),
        "{}",
        done.body
    );
    app.finish().await;
}

#[tokio::test]
async fn a_refused_re_review_batch_comes_back_as_typed() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    app.user("city1", "city_officer", None, None).await;
    let city = app.signed_in("city1").await;
    let form = [
        ("kind", "municipal_center"),
        ("purpose", "re_review"),
        ("name", "2026年度市级工业设计中心复核"),
        ("year", "2026"),
        ("opens_on", "2026-11-01"),
        // The close date is not a date: the form is refused and must come back whole.
        ("closes_on", "2026-13-45"),
        ("onsite_required", "on"),
        ("requires_credit_statement", "on"),
        ("pass_score", "70"),
        ("rectify_score", "60"),
        ("reviewers_per_item", "5"),
        ("publicity_days", "7"),
        ("validity_years", "3"),
    ];
    let r = app.post_form(&city, "/admin/recognition/new", &form).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains(r#"<option value="re_review" selected>"#), "still a re-review batch");
    assert!(r.body.contains(r#"name="onsite_required" checked"#), "on-site verification still ticked");
    assert!(r.body.contains("2026年度市级工业设计中心复核"), "the name as typed");
    assert!(r.body.contains(r#"value="2026-13-45""#), "the wrong date as typed, to correct");
    assert!(r.body.contains(r#"name="publicity_days" type="number" value="7""#), "{}", r.body);
    app.finish().await;
}

/// A clerk who gets five fields wrong sees five messages in one round, each beside its field,
/// and every value comes back as typed; a negative quota is refused, never read as "no limit".
#[tokio::test]
async fn every_mistake_in_a_batch_form_is_reported_at_once() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    app.user("city1", "city_officer", None, None).await;
    let city = app.signed_in("city1").await;
    let mut form = vec![
        ("kind", "municipal_center"),
        ("purpose", "recognition"),
        ("name", "  "),
        ("year", "二〇二六"),
        ("opens_on", "2026-11-01"),
        ("closes_on", "2026-10-01"),
        ("district_quota", "-1"),
        ("min_qualified_share", "三成"),
        ("requires_any_of", "district_center, foo_center"),
        ("outlier_pct", "0"),
    ];
    for field in [
        "min_years",
        "incident_free_years",
        "min_design_staff",
        "min_patents",
        "min_design_revenue",
        "validity_years",
        "pass_score",
        "rectify_score",
        "rectify_months",
        "reviewers_per_item",
        "publicity_days",
    ] {
        form.push((field, "1"));
    }
    let r = app.post_form(&city, "/admin/recognition/new", &form).await;
    assert_eq!(r.status, 400, "{}", r.body);
    for (field, message) in [
        ("year", "请填写有效年度。"),
        ("district_quota", "推荐名额须为正整数，或留空表示不限。"),
        ("min_qualified_share", "请填写不小于 0 的数，如 2.5。"),
        ("name", "请填写名称。"),
        ("closes_on", "截止日期不能早于开始日期。"),
        ("requires_any_of", "“foo_center”不是认定层级代码，请按提示填写，用逗号分隔。"),
        ("outlier_pct", "偏离提示阈值须为 1 到 50 的整数。"),
    ] {
        assert!(r.body.contains(&format!(r#"id="e-{field}">{message}"#)), "{field}: {}", r.body);
    }
    assert!(r.body.contains(r#"value="二〇二六""#) && r.body.contains(r#"value="-1""#), "typed values come back");
    let batches = app.get_as(&city, "/recognition").await;
    assert!(!batches.body.contains("二〇二六"), "nothing was opened");
    app.finish().await;
}

/// The register's export link shows exactly to those the export serves: every role's page
/// and download agree.
#[tokio::test]
async fn the_register_export_link_shows_only_where_the_export_works() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let orgs = list_public(&app.services, &OrgFilter::default(), PageRequest::new(Some(1), Some(1))).await.unwrap();
    let org = orgs.items[0].id.get();
    for (user, role, district, organization) in [
        ("admin1", "admin", None, None),
        ("city1", "city_officer", None, None),
        ("hq1", "hq_staff", None, None),
        ("bs1", "branch_staff", Some(bishan.get()), None),
        ("orga", "org_admin", None, Some(org)),
        ("exp1", "expert", None, None),
        ("des1", "designer", None, None),
    ] {
        app.user(user, role, district, organization).await;
        let b = app.signed_in(user).await;
        let page = app.get_as(&b, "/recognitions").await;
        assert_eq!(page.status, 200, "{user}");
        let linked = page.body.contains("/recognitions/export.xlsx");
        let export = app.get_as(&b, "/recognitions/export.xlsx").await;
        assert_eq!(linked, export.status == 200, "{user}: link shown {linked}, export answered {}", export.status);
    }
    app.finish().await;
}

/// Irreversible steps ask first, without JavaScript: the button opens a panel that says what
/// will happen and holds the real submit button; the step indicator shows where an
/// application stands.
#[tokio::test]
async fn irreversible_steps_ask_for_confirmation() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let member = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(1))).await.unwrap().items;
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("orga", "org_admin", None, Some(member[0].id.get())).await;
    let (city, branch, org) = (app.signed_in("city1").await, app.signed_in("bs1").await, app.signed_in("orga").await);
    let batch = open_batch(&app, &city, "district_center", "区县级中心（确认）", "", "", &[]).await;
    let id = apply(&app, &org, &batch).await;

    // The applicant: saving a draft is direct, submitting is confirmed.
    let draft = app.get_as(&org, &format!("/recognition/applications/{id}")).await;
    let confirm = r#"(?s)<details class="confirm">\s*<summary class="btn primary">提交申报</summary>\s*<div class="confirm-panel">\s*<p>提交后申报将送区县审核[^<]*</p>\s*<button class="btn primary" type="submit" name="action" value="submit">确认提交申报</button>"#;
    assert!(regex::Regex::new(confirm).unwrap().is_match(&draft.body), "{}", draft.body);
    assert!(draft.body.contains(r#"<button class="btn" name="action" value="save" type="submit">"#));
    assert!(draft.body.contains(r#"<li class="current" aria-current="step">填写申报</li>"#), "{}", draft.body);
    assert_eq!(submit(&app, &org, &id).await.status, 303);

    // The district: recommending and rejecting are confirmed, returning is not; Enter in the
    // comment field submits nothing.
    let queue = app.get_as(&branch, &format!("/recognition/applications/{id}")).await;
    assert!(queue.body.contains("推荐后将占用本区县的一个推荐名额"), "{}", queue.body);
    assert!(queue.body.contains(r#"name="action" value="reject">确认不予推荐</button>"#), "{}", queue.body);
    assert!(queue.body.contains(r#"<button class="btn" name="action" value="return" type="submit">退回修改</button>"#));
    let form = queue.body.split(r#"/act">"#).nth(1).expect("the decision form");
    let guard = form.find(r#"<button type="submit" hidden disabled"#).expect("a guard against Enter");
    assert!(guard < form.find(r#"name="comment""#).expect("the comment field"), "{form}");
    assert!(
        queue.body.contains(r#"<li class="done">填写申报"#) && queue.body.contains(r#"aria-current="step">区县审核"#)
    );

    // Nothing is ready to decide yet: concluding is not offered (it would be refused).
    let early = app.get_as(&city, &format!("/admin/recognition/{batch}")).await;
    assert!(!early.body.contains(&format!(r#"action="/admin/recognition/{batch}/steps/conclude""#)));
    assert_eq!(step(&app, &branch, &id, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &id, "pass", "").await.status, 303);
    // The city: concluding the batch is confirmed, in a form of its own.
    let page = app.get_as(&city, &format!("/admin/recognition/{batch}")).await;
    let conclude = format!(
        r#"(?s)<details class="confirm">\s*<summary class="btn primary">评审结束，生成认定结果</summary>\s*<div class="confirm-panel">\s*<p>将根据审查与评审结果生成认定结果[^<]*</p>\s*<form method="post" action="/admin/recognition/{batch}/steps/conclude">.*?<input type="hidden" name="csrf" value="[^"]+">\s*<button class="btn primary" type="submit">确认评审结束，生成认定结果</button>\s*</form>"#
    );
    assert!(regex::Regex::new(&conclude).unwrap().is_match(&page.body), "{}", page.body);
    // A batch without a rubric has no expert review: the step is not offered at all.
    assert!(!page.body.contains(&format!(r#"action="/admin/recognition/{batch}/steps/review""#)));
    // English reads English.
    let en = app.get_as(&city, &format!("/admin/recognition/{batch}?lang=en")).await;
    assert!(en.body.contains("certificate numbers are assigned") && en.body.contains("Confirm: "), "{}", en.body);
    app.finish().await;
}

mod documents;

backend_tests!(a_batch_closes_early_or_is_cancelled_with_a_reason_applicants_read);

/// A batch behaves like an official call: intake ends before its published date only by an
/// explicit "close early" with a reason the public list shows; a cancelled batch tells every
/// applicant why; both need a reason, and only the city may do either.
async fn a_batch_closes_early_or_is_cancelled_with_a_reason_applicants_read(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let orgs = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(2))).await.unwrap().items;
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("orga", "org_admin", None, Some(orgs[0].id.get())).await;
    app.user("orgb", "org_admin", None, Some(orgs[1].id.get())).await;
    let city = app.signed_in("city1").await;
    let (org_a, org_b) = (app.signed_in("orga").await, app.signed_in("orgb").await);
    let branch = app.signed_in("bs1").await;
    let early = open_batch(&app, &city, "district_center", "提前截止批次", "", "", &[]).await;
    let page = app.get_as(&city, &format!("/admin/recognition/{early}")).await;
    assert!(page.body.contains("批次进度") && page.body.contains("受理申报"), "the timeline is shown");
    let first_app = apply(&app, &org_a, &early).await;
    // Until the first submission the city may change the terms (a draft does not stop it);
    // a wrong value comes back with every field as typed.
    assert_eq!(app.get_as(&city, &format!("/admin/recognition/{early}/edit")).await.status, 200);
    let terms = |name: &'static str, year: &'static str| {
        vec![
            ("kind", "district_center"),
            ("name", name),
            ("year", year),
            ("opens_on", "2026-11-01"),
            ("closes_on", "2026-12-31"),
            ("district_quota", "2"),
            ("rubric", ""),
            ("min_years", "0"),
            ("incident_free_years", "2"),
            ("min_design_staff", "0"),
            ("min_qualified_share", "0"),
            ("min_patents", "0"),
            ("min_design_revenue", "0"),
            ("pass_score", "70"),
            ("rectify_score", "60"),
            ("rectify_months", "6"),
            ("reviewers_per_item", "5"),
            ("publicity_days", "5"),
            ("validity_years", "3"),
        ]
    };
    let wrong = app.post_form(&city, &format!("/admin/recognition/{early}/edit"), &terms("改名批次", "二〇二六")).await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(wrong.body.contains(r#"value="改名批次""#) && wrong.body.contains(r#"value="二〇二六""#));
    let long_name: &'static str = Box::leak("批".repeat(201).into_boxed_str());
    let long = app.post_form(&city, &format!("/admin/recognition/{early}/edit"), &terms(long_name, "2026")).await;
    assert_eq!(long.status, 400);
    assert!(long.body.contains("最多 200 个字"), "a long name is refused, not cut");
    let edited =
        app.post_form(&city, &format!("/admin/recognition/{early}/edit"), &terms("提前截止批次（修订）", "2026")).await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    assert!(app.get_as(&city, &format!("/admin/recognition/{early}")).await.body.contains("提前截止批次（修订）"));
    // A reason is required; the branch may not close intake.
    let bare = app.post_form(&city, &format!("/admin/recognition/{early}/call/close-early"), &[]).await;
    assert_eq!(bare.status, 400);
    assert!(bare.body.contains("请填写原因") && bare.body.contains(r#"id="e-close_reason""#), "{}", bare.body);
    let by_branch = app
        .post_form(&branch, &format!("/admin/recognition/{early}/call/close-early"), &[("close_reason", "名额已满")])
        .await;
    assert_eq!(by_branch.status, 403);
    let closed = app
        .post_form(
            &city,
            &format!("/admin/recognition/{early}/call/close-early"),
            &[("close_reason", "申报数量已达预期")],
        )
        .await;
    assert_eq!(closed.status, 303, "{}", closed.body);
    // No new applications; the list says why; the application already started goes on.
    assert_eq!(app.post_form(&org_b, &format!("/recognition/{early}/apply"), &[]).await.status, 409);
    let list = app.get_as(&org_b, "/recognition").await;
    assert!(list.body.contains("提前截止受理：申报数量已达预期"), "{}", list.body);
    assert_eq!(app.get_as(&org_a, &format!("/recognition/applications/{first_app}")).await.status, 200);
    let twice = app
        .post_form(&city, &format!("/admin/recognition/{early}/call/close-early"), &[("close_reason", "再次")])
        .await;
    assert_eq!(twice.status, 409);

    // Cancelled: its applicant is told the reason; nothing more can be done in it.
    let called_off = open_batch(&app, &city, "district_center", "取消批次", "", "", &[]).await;
    let app_b = apply(&app, &org_b, &called_off).await;
    let other = apply(&app, &org_a, &called_off).await;
    assert_eq!(submit(&app, &org_a, &other).await.status, 303);
    // Submitted once: the terms are fixed.
    let late = app.post_form(&city, &format!("/admin/recognition/{called_off}/edit"), &terms("改期", "2026")).await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert!(late.body.contains("不能再修改"), "{}", late.body);
    let cancelled = app
        .post_form(
            &city,
            &format!("/admin/recognition/{called_off}/call/cancel"),
            &[("cancel_reason", "政策调整，另行通知")],
        )
        .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    let told = app.get_as(&org_b, "/messages").await;
    assert!(told.body.contains("取消批次") && told.body.contains("政策调整，另行通知"), "{}", told.body);
    let page = app.get_as(&org_b, &format!("/recognition/applications/{app_b}")).await;
    assert!(page.body.contains("已取消：政策调整，另行通知"), "{}", page.body);
    assert_eq!(submit(&app, &org_b, &app_b).await.status, 409, "a cancelled batch takes nothing");
    let again = app
        .post_form(&city, &format!("/admin/recognition/{called_off}/call/cancel"), &[("cancel_reason", "再次")])
        .await;
    assert_eq!(again.status, 409);
    app.finish().await;
}

/// A certificate page's standing badge when the recognition is in force (the page also says
/// 有效期至, so the word alone proves nothing).
const VALID: &str = r#"<span class="badge passed">有效</span>"#;
/// An application's badge once it is decided against (未通过 also stands in other labels).
const NOT_RECOGNIZED: &str = r#"<span class="badge rejected">未通过</span>"#;

backend_tests!(a_re_review_decides_unsent_holders_and_a_rectification_is_reported_then_decided);

/// Issue 18, re-review with consequences: holders who never submit are marked overdue and
/// handled by the batch's rule (rectify, or revoke); a rectification has a deadline, a report
/// the holder sends once, and the city's acceptance (a new term) or refusal (revoked, with the
/// reason on the certificate); a deadline passed with no report revokes it through the daily
/// job. Each step is what the holder, the branch and the public see.
async fn a_re_review_decides_unsent_holders_and_a_rectification_is_reported_then_decided(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    // Any five organizations of Bishan: these batches do not ask for the library.
    let in_bishan = OrgFilter { district: Some(bishan), ..Default::default() };
    let members = list_public(&app.services, &in_bishan, PageRequest::new(Some(1), Some(5))).await.unwrap().items;
    assert_eq!(members.len(), 5, "the demo has five organizations in Bishan");
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    let names = ["holder1", "holder2", "holder3", "holder4", "holder5"];
    for (u, m) in names.iter().zip(&members) {
        app.user(u, "org_admin", None, Some(m.id.get())).await;
    }
    let city = app.signed_in("city1").await;
    let branch = app.signed_in("bs1").await;
    let mut orgs = Vec::new();
    for u in names {
        orgs.push(app.signed_in(u).await);
    }
    // Recognizes the given holders as district centers for one year (no expert review).
    async fn recognize(app: &TestApp, city: &Browser, branch: &Browser, holders: &[&Browser], name: &str) {
        let batch = open_batch(app, city, "district_center", name, "", "", &[("validity_years", "1")]).await;
        for h in holders {
            let id = apply(app, h, &batch).await;
            assert_eq!(submit(app, h, &id).await.status, 303);
            assert_eq!(step(app, branch, &id, "recommend", "").await.status, 303);
            assert_eq!(step(app, city, &id, "pass", "").await.status, 303);
        }
        let r = app.post_form(city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    recognize(&app, &city, &branch, &[&orgs[0], &orgs[1], &orgs[2], &orgs[3]], "一年期区县级中心认定").await;
    // The demo's own district center is 0001; these are 0002–0005 in the order applied.
    let cert = |i: usize| format!("QX-2026-{:04}", i + 2);
    for (i, m) in members.iter().take(4).enumerate() {
        assert!(app.get(&format!("/certificates/{}", cert(i))).await.body.contains(&m.name));
    }

    // A re-review whose rule for holders who do not submit is rectification.
    let rule = app.get_as(&city, "/admin/recognition/new?kind=district_center&purpose=re_review").await;
    assert!(rule.body.contains(r#"<option value="revoke" selected>"#), "revocation is the default rule");
    let re_review = open_batch(
        &app,
        &city,
        "district_center",
        "一年期区县级中心复核",
        "",
        "",
        &[("purpose", "re_review"), ("overdue_rule", "rectify")],
    )
    .await;
    let page = app.get_as(&city, &format!("/admin/recognition/{re_review}")).await;
    assert!(page.body.contains("逾期未报的处理") && page.body.contains("责令限期整改"), "{}", page.body);
    let mine = |b: usize| {
        let app = &app;
        let orgs = &orgs;
        async move {
            let home = app.get_as(&orgs[b], "/recognition").await;
            all(r#"href="/recognition/applications/(\d+)""#, &home.body)
                .into_iter()
                .max_by_key(|x| x.parse::<i32>().unwrap())
                .unwrap()
        }
    };
    let (rr_a, rr_b, rr_c, rr_d) = (mine(0).await, mine(1).await, mine(2).await, mine(3).await);
    // Before the close the holder is told the date and what happens if they do not submit.
    let draft = app.get_as(&orgs[1], &format!("/recognition/applications/{rr_b}")).await;
    assert!(draft.body.contains("请在 2026年12月31日 前提交。逾期未报将责令限期整改"), "{}", draft.body);
    // A submits and goes through; B, C and D send nothing.
    assert_eq!(submit(&app, &orgs[0], &rr_a).await.status, 303);
    assert_eq!(step(&app, &branch, &rr_a, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &rr_a, "pass", "").await.status, 303);
    // While intake runs, unsent holders cannot be decided.
    let early = app.post_form(&city, &format!("/admin/recognition/{re_review}/steps/conclude"), &[]).await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert!(early.body.contains("复核申报尚未截止"), "{}", early.body);
    // After the close: A is renewed, the three others are marked overdue and put under
    // rectification for the rules' six months.
    app.clock.advance(chrono::Duration::days(36));
    let city = app.signed_in("city1").await;
    let branch = app.signed_in("bs1").await;
    let mut orgs = Vec::new();
    for u in names {
        orgs.push(app.signed_in(u).await);
    }
    let concluded = app.post_form(&city, &format!("/admin/recognition/{re_review}/steps/conclude"), &[]).await;
    assert_eq!(concluded.status, 303, "{}", concluded.body);
    assert!(app.get(&format!("/certificates/{}", cert(0))).await.body.contains(VALID), "A is renewed");
    let b_app = app.get_as(&orgs[1], &format!("/recognition/applications/{rr_b}")).await;
    assert!(b_app.body.contains("逾期未提交复核材料") && b_app.body.contains("限期整改"), "{}", b_app.body);
    let told = app.get_as(&orgs[1], "/messages").await;
    assert!(told.body.contains("因逾期未提交复核材料，已责令限期整改"), "{}", told.body);
    let b_cert = app.get_as(&orgs[1], &format!("/certificates/{}", cert(1))).await;
    assert!(b_cert.body.contains("整改中") && b_cert.body.contains("整改期限至 2027年7月2日"), "{}", b_cert.body);
    let href = first(r#"href="(/recognition/rectifications/\d+)""#, &b_cert.body);
    // The public sees the deadline but no way in; another holder gets 404.
    let public = app.get(&format!("/certificates/{}", cert(1))).await;
    assert!(public.body.contains("整改期限至") && !public.body.contains("/recognition/rectifications/"));
    assert_eq!(app.get_as(&orgs[2], &href).await.status, 404);
    // The holder's to-do, then the report: empty and too long are refused as typed.
    assert!(app.get_as(&orgs[1], "/").await.body.contains(&format!("证书 {} 须提交整改报告", cert(1))));
    let empty = app.post_form(&orgs[1], &format!("{href}/report"), &[("report", "  ")]).await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("请填写整改报告"), "{}", empty.body);
    let long = "整".repeat(5_001);
    let too_long = app.post_form(&orgs[1], &format!("{href}/report"), &[("report", long.as_str())]).await;
    assert_eq!(too_long.status, 400);
    assert!(too_long.body.contains(&"整".repeat(100)), "the text comes back as typed");
    let report = "一、补充专职设计人员4名。\n二、建立设计成果转化台账。";
    let sent = app.post_form(&orgs[1], &format!("{href}/report"), &[("report", report)]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let again = app.post_form(&orgs[1], &format!("{href}/report"), &[("report", "再交一次")]).await;
    assert_eq!(again.status, 409, "once");
    // The branch reads it without deciding; the city must give a reason to refuse.
    let read = app.get_as(&branch, &href).await;
    assert!(read.body.contains("建立设计成果转化台账") && !read.body.contains("value=\"accept\""), "{}", read.body);
    assert_eq!(app.post_form(&branch, &format!("{href}/decide"), &[("decision", "accept")]).await.status, 403);
    assert!(app.get_as(&city, "/").await.body.contains("1 份整改报告等待验收"));
    let bare = app.post_form(&city, &format!("{href}/decide"), &[("decision", "refuse"), ("comment", "")]).await;
    assert_eq!(bare.status, 400);
    assert!(bare.body.contains("验收不通过时请写明理由"), "{}", bare.body);
    let accepted = app.post_form(&city, &format!("{href}/decide"), &[("decision", "accept")]).await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    // A full term from the acceptance (the re-review's three years).
    let b_cert = app.get(&format!("/certificates/{}", cert(1))).await;
    assert!(b_cert.body.contains(VALID) && b_cert.body.contains("2030年1月1日"), "{}", b_cert.body);
    assert!(app.get_as(&orgs[1], "/messages").await.body.contains("整改已验收通过"));
    assert_eq!(app.post_form(&city, &format!("{href}/decide"), &[("decision", "accept")]).await.status, 409);

    // D reports and is refused: revoked, the reason on its certificate.
    let d_href = first(
        r#"href="(/recognition/rectifications/\d+)""#,
        &app.get_as(&orgs[3], &format!("/certificates/{}", cert(3))).await.body,
    );
    // Two of D's clerks send a report at the same moment: one is kept, the other is told.
    let second_clerk = {
        app.user("holder4b", "org_admin", None, Some(members[3].id.get())).await;
        app.signed_in("holder4b").await
    };
    let d_report = format!("{d_href}/report");
    let (one, two) = tokio::join!(
        app.post_form(&orgs[3], &d_report, &[("report", "已整改。")]),
        app.post_form(&second_clerk, &d_report, &[("report", "另一份整改报告。")]),
    );
    let mut statuses = [one.status, two.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409], "{} / {}", one.body, two.body);
    let refused = app
        .post_form(&city, &format!("{d_href}/decide"), &[("decision", "refuse"), ("comment", "整改措施未落实")])
        .await;
    assert_eq!(refused.status, 303, "{}", refused.body);
    let d_cert = app.get(&format!("/certificates/{}", cert(3))).await;
    assert!(
        d_cert.body.contains("已撤销") && d_cert.body.contains("整改验收未通过。理由：整改措施未落实"),
        "{}",
        d_cert.body
    );
    let d_app = app.get_as(&orgs[3], &format!("/recognition/applications/{rr_d}")).await;
    assert!(d_app.body.contains(NOT_RECOGNIZED) && d_app.body.contains("整改措施未落实"), "{}", d_app.body);

    // C sends nothing: the day after its deadline the daily job revokes it, once.
    app.clock.advance(chrono::Duration::days(190));
    assert_eq!(sheji_service::recognition::rectification::revoke_lapsed(&app.services).await.unwrap(), 1);
    assert_eq!(sheji_service::recognition::rectification::revoke_lapsed(&app.services).await.unwrap(), 0);
    let c_cert = app.get(&format!("/certificates/{}", cert(2))).await;
    assert!(c_cert.body.contains("已撤销") && c_cert.body.contains("整改期限（2027-07-02）届满"), "{}", c_cert.body);
    let orgs_c = app.signed_in("holder3").await;
    assert!(app.get_as(&orgs_c, "/messages").await.body.contains("整改期限（2027-07-02）已过且未提交整改报告"));
    let c_href = first(
        r#"href="(/recognition/rectifications/\d+)""#,
        &app.get_as(&orgs_c, &format!("/certificates/{}", cert(2))).await.body,
    );
    let ended = app.get_as(&orgs_c, &c_href).await;
    assert_eq!(ended.status, 200, "the message's link still opens: {}", ended.body);
    assert!(ended.body.contains("已撤销") && !ended.body.contains("name=\"report\""), "{}", ended.body);
    let c_app = app.get_as(&orgs_c, &format!("/recognition/applications/{rr_c}")).await;
    assert!(c_app.body.contains(NOT_RECOGNIZED), "{}", c_app.body);

    // A re-review whose rule is revocation: E, recognized later, sends nothing and is revoked.
    let city = app.signed_in("city1").await;
    let branch = app.signed_in("bs1").await;
    let org_e = app.signed_in("holder5").await;
    let today = app.services.today();
    assert!(today > chrono::NaiveDate::from_ymd_opt(2027, 7, 1).unwrap());
    let batch = open_batch(
        &app,
        &city,
        "district_center",
        "下半年区县级中心认定",
        "",
        "",
        &[("validity_years", "1"), ("opens_on", "2027-07-01"), ("closes_on", "2027-12-31")],
    )
    .await;
    let id = apply(&app, &org_e, &batch).await;
    assert_eq!(submit(&app, &org_e, &id).await.status, 303);
    assert_eq!(step(&app, &branch, &id, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &id, "pass", "").await.status, 303);
    assert_eq!(app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await.status, 303);
    let second = open_batch(
        &app,
        &city,
        "district_center",
        "下半年区县级中心复核",
        "",
        "",
        &[("purpose", "re_review"), ("opens_on", "2027-07-01"), ("closes_on", "2027-07-20")],
    )
    .await;
    app.clock.advance(chrono::Duration::days(30));
    let city = app.signed_in("city1").await;
    let offered = app.get_as(&city, &format!("/admin/recognition/{second}")).await;
    assert!(offered.body.contains(&format!("/admin/recognition/{second}/steps/conclude")), "only unsent holders");
    let r = app.post_form(&city, &format!("/admin/recognition/{second}/steps/conclude"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let e_cert = app.get("/certificates/QX-2027-0001").await;
    assert!(
        e_cert.body.contains("已撤销") && e_cert.body.contains("未在“下半年区县级中心复核”复核中按期提交材料"),
        "{}",
        e_cert.body
    );
    app.finish().await;
}

backend_tests!(without_expert_review_a_district_call_goes_on_notice_before_it_concludes);

/// Issue 18: kinds without expert review still go through 公示 when the batch requires it
/// (district centers by default). The checked applications go on a notice-only list that
/// headquarters publish with its reference number and contacts; anyone may object against one
/// name; an upheld objection withdraws it; the others are recognized after the window.
async fn without_expert_review_a_district_call_goes_on_notice_before_it_concludes(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    let in_bishan = OrgFilter { district: Some(bishan), ..Default::default() };
    let orgs = list_public(&app.services, &in_bishan, PageRequest::new(Some(1), Some(2))).await.unwrap().items;
    let (a, b) = (&orgs[0], &orgs[1]);
    app.user("city1", "city_officer", None, None).await;
    app.user("hq1", "hq_staff", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("noticea", "org_admin", None, Some(a.id.get())).await;
    app.user("noticeb", "org_admin", None, Some(b.id.get())).await;
    let (city, hq, branch) = (app.signed_in("city1").await, app.signed_in("hq1").await, app.signed_in("bs1").await);
    let (org_a, org_b) = (app.signed_in("noticea").await, app.signed_in("noticeb").await);
    // The district-center form asks for a notice by default.
    let form = app.get_as(&city, "/admin/recognition/new?kind=district_center").await;
    assert!(form.body.contains(r#"name="publicity_required" checked"#), "{}", form.body);
    let batch =
        open_batch(&app, &city, "district_center", "区县级中心认定（公示）", "", "", &[("publicity_required", "on")])
            .await;
    let mut ids = Vec::new();
    for org in [&org_a, &org_b] {
        let id = apply(&app, org, &batch).await;
        assert_eq!(submit(&app, org, &id).await.status, 303);
        assert_eq!(step(&app, &branch, &id, "recommend", "").await.status, 303);
        assert_eq!(step(&app, &city, &id, "pass", "").await.status, 303);
        ids.push(id);
    }
    // The batch offers the notice, not the conclusion; concluding now is refused with why.
    let page = app.get_as(&city, &format!("/admin/recognition/{batch}")).await;
    assert!(page.body.contains(&format!("/admin/recognition/{batch}/steps/publicity")), "{}", page.body);
    assert!(!page.body.contains(&format!("/admin/recognition/{batch}/steps/conclude")));
    let early = app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await;
    assert_eq!(early.status, 409);
    assert!(early.body.contains("该批次须先公示"), "{}", early.body);
    assert_eq!(
        app.post_form(&branch, &format!("/admin/recognition/{batch}/steps/publicity"), &[]).await.status,
        403,
        "the city's step"
    );
    let sent = app.post_form(&city, &format!("/admin/recognition/{batch}/steps/publicity"), &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = app.get_as(&city, &format!("/admin/recognition/{batch}")).await;
    assert!(page.body.contains("公示中"), "{}", page.body);
    let campaign = first(r#"/admin/reviews/(\d+)"#, &page.body);
    let mine = app.get_as(&org_a, &format!("/recognition/applications/{}", ids[0])).await;
    assert!(mine.body.contains("公示中") && mine.body.contains("进入公示"), "{}", mine.body);
    // Headquarters see a notice to publish, with nothing about scoring.
    let prepared = app.get_as(&hq, &format!("/admin/reviews/{campaign}")).await;
    assert!(prepared.body.contains("仅公示（无专家评审，不评分）"), "{}", prepared.body);
    assert!(!prepared.body.contains("export.xlsx") && !prepared.body.contains(r#"name="min_score""#));
    assert!(prepared.body.contains(&a.name) && prepared.body.contains(&b.name));
    // Headquarters publish it; the public notice lists both, without scores.
    let published = app
        .post_form(
            &hq,
            &format!("/admin/reviews/{campaign}/publish"),
            &[("number", "渝设促〔2026〕21号"), ("phone", "023-6389 0000"), ("address", "重庆市渝北区金开大道1号")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    // The notice-only rubric is never offered for a review.
    assert!(!app.get_as(&city, "/admin/recognition/new").await.body.contains("仅公示（不评分）"));
    // Inside the window (it opens on the next working day).
    app.clock.advance(chrono::Duration::days(3));
    let notice = app.get(&format!("/publicity/{campaign}")).await;
    assert_eq!(notice.status, 200);
    assert!(notice.body.contains(&a.name) && notice.body.contains(&b.name), "{}", notice.body);
    assert!(notice.body.contains("渝设促〔2026〕21号"));
    assert!(!notice.body.contains(r#"<th scope="col">等级</th>"#), "no grades on a list without review");
    let item_b = first(&format!(r#"<option value="(\d+)">{}</option>"#, regex::escape(&b.name)), &notice.body);
    let anon = app.browser().await;
    // Text that is not text is refused in a multipart form too, in a field or a file's name,
    // naming the field and the character; nothing is kept.
    let objections = format!("/publicity/{campaign}/objections");
    let esc = multipart(
        &app,
        &anon,
        &objections,
        &[("name", "某公司"), ("contact", "023-88886666"), ("evidence", "附件见\u{1b}[31m照片")],
        &[],
    )
    .await;
    assert_eq!(esc.status, 400);
    assert!(esc.body.contains("U+001B") && esc.body.contains("evidence"), "{}", esc.body);
    let bidi = multipart(
        &app,
        &anon,
        &objections,
        &[("name", "某公司"), ("contact", "023-88886666"), ("evidence", "另附照片一张。")],
        &[("files", "photo\u{202E}gpj.exe", b"%PDF-1.4")],
    )
    .await;
    assert_eq!(bidi.status, 400);
    assert!(bidi.body.contains("U+202E"), "{}", bidi.body);
    let objection = multipart(
        &app,
        &anon,
        &format!("/publicity/{campaign}/objections"),
        &[
            ("item", item_b.as_str()),
            ("name", "某公司"),
            ("contact", "023-88886666"),
            ("evidence", "该单位并无独立的设计中心场地，附现场照片。"),
        ],
        &[],
    )
    .await;
    assert_eq!(objection.status, 303, "{}", objection.body);
    let hq = app.signed_in("hq1").await;
    let case = app.get_as(&hq, &format!("/admin/reviews/{campaign}")).await;
    assert!(!case.body.contains("附件见") && !case.body.contains("另附照片一张"), "the refused ones were not kept");
    let oid = first(r#"/objections/(\d+)""#, &case.body);
    let upheld = app
        .post_form(
            &hq,
            &format!("/admin/reviews/{campaign}/objections/{oid}"),
            &[("decision", "accept"), ("resolution", "经现场核实，设计中心场地不符合条件，异议成立。")],
        )
        .await;
    assert_eq!(upheld.status, 303, "{}", upheld.body);
    // Before the final list the batch cannot conclude.
    let city = app.signed_in("city1").await;
    let waiting = app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await;
    assert_eq!(waiting.status, 409);
    assert!(waiting.body.contains("公示尚未结束"), "{}", waiting.body);
    app.clock.advance(chrono::Duration::days(9));
    let hq = app.signed_in("hq1").await;
    let finalized = app.post_form(&hq, &format!("/admin/reviews/{campaign}/steps/finalize"), &[]).await;
    assert_eq!(finalized.status, 303, "{}", finalized.body);
    // The withdrawn one is marked on the notice, in the column that now has something to say.
    let marked = app.get(&format!("/publicity/{campaign}")).await;
    assert!(
        marked.body.contains(r#"<th scope="col">等级</th>"#) && marked.body.contains("异议成立"),
        "{}",
        marked.body
    );
    let city = app.signed_in("city1").await;
    let concluded = app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await;
    assert_eq!(concluded.status, 303, "{}", concluded.body);
    // A is recognized; B, withdrawn by the upheld objection, is not.
    let org_a = app.signed_in("noticea").await;
    let org_b = app.signed_in("noticeb").await;
    let done_a = app.get_as(&org_a, &format!("/recognition/applications/{}", ids[0])).await;
    assert!(done_a.body.contains("已认定") && done_a.body.contains("QX-2026-0002"), "{}", done_a.body);
    let done_b = app.get_as(&org_b, &format!("/recognition/applications/{}", ids[1])).await;
    assert!(done_b.body.contains(NOT_RECOGNIZED) && !done_b.body.contains("QX-2026-0003"), "{}", done_b.body);
    assert!(app.get("/certificates/QX-2026-0002").await.body.contains(&a.name));
    assert_eq!(app.get("/certificates/QX-2026-0003").await.status, 404);
    app.finish().await;
}
