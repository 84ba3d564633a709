//! Matchmaking through its pages and API, as its users act: a manufacturer's demand reviewed
//! by its district's branch and published with its details kept private, providers' offers
//! (one declaring a conflict), matches with their reasons, interests sent once per pair,
//! declined with a reason and accepted — the accepted provider alone then reads the details —
//! and two answers racing for one interest.

use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;
use sheji_service::Backend;
use sheji_service::registry::{OrgFilter, list_public};

use crate::support::{TestApp, all, backend_tests, first};

backend_tests!(a_demand_is_reviewed_published_matched_and_answered);

async fn a_demand_is_reviewed_published_matched_and_answered(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    let jiangjin = app.district("江津区").await;
    let makers = list_public(
        &app.services,
        &OrgFilter { district: Some(bishan), kind: Some(OrgKind::Manufacturer), ..Default::default() },
        PageRequest::new(Some(1), Some(2)),
    )
    .await
    .unwrap()
    .items;
    let maker = &makers[1];
    let firms = list_public(
        &app.services,
        &OrgFilter { kind: Some(OrgKind::DesignFirm), ..Default::default() },
        PageRequest::new(Some(1), Some(10)),
    )
    .await
    .unwrap()
    .items;
    let (firm, rival) = (&firms[8], &firms[9]);
    app.user("maker", "org_admin", None, Some(maker.id.get())).await;
    app.user("firm", "org_admin", None, Some(firm.id.get())).await;
    app.user("rival", "org_admin", None, Some(rival.id.get())).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("jj1", "branch_staff", Some(jiangjin.get()), None).await;
    app.user("solo", "designer", None, None).await;
    let maker_b = app.signed_in("maker").await;

    // Submitting an incomplete demand names every problem at once and keeps what was typed.
    let incomplete = app
        .post_form(
            &maker_b,
            "/demands/new",
            &[("title", "伺服电机外壳设计"), ("budget_min", "80"), ("budget_max", "20"), ("then", "submit")],
        )
        .await;
    assert_eq!(incomplete.status, 400, "{}", incomplete.body);
    for problem in
        ["请填写涉及的产品", "请至少选择一项服务类别", "上限不能小于下限", "请填写截止日期", "请写明需要交付的成果"]
    {
        assert!(incomplete.body.contains(problem), "{problem} missing");
    }
    assert!(incomplete.body.contains("value=\"伺服电机外壳设计\"") && incomplete.body.contains("value=\"80\""));

    let deadline = (app.services.today() + chrono::Duration::days(30)).to_string();
    let full: Vec<(&str, &str)> = vec![
        ("title", "伺服电机外壳设计"),
        ("product", "伺服电机"),
        ("summary", "外壳散热与外观一体化设计"),
        ("details", "目标成本 120 元以内"),
        ("deliverables", "方案与三维模型"),
        ("categories", "FORM"),
        ("categories", "STRUCT"),
        ("categories", "CMF"),
        ("budget_min", "20"),
        ("budget_max", "50"),
        ("deadline", &deadline),
        ("modes", "fee"),
        ("ip_terms", "成果归需求方"),
        ("then", "submit"),
    ];
    let created = app.post_form(&maker_b, "/demands/new", &full).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id: i32 = first(r"/demands/(\d+)", created.header("location")).parse().unwrap();
    let path = format!("/demands/{id}");
    let act = format!("/demands/{id}/act");

    // While it waits for review nobody outside sees it, nor another district's branch.
    assert_eq!(app.get(&path).await.status, 404);
    let jj = app.signed_in("jj1").await;
    assert_eq!(app.get_as(&jj, &path).await.status, 404);
    assert!(!app.get("/demands").await.body.contains("伺服电机外壳设计"));
    assert_eq!(app.post_form(&jj, &act, &[("action", "approve")]).await.status, 404);
    // The platform search finds it for its district's branch only.
    let found = |body: &str| body.contains(&format!("\"url\":\"/demands/{id}\""));
    let search = "/api/v1/search?q=%E4%BC%BA%E6%9C%8D%E7%94%B5%E6%9C%BA&type=demand";
    assert!(!found(&app.get(search).await.body));
    assert!(!found(&app.get_as(&jj, search).await.body));

    // The branch returns it (a reason is required); the maker reads why, corrects, resubmits.
    let bs = app.signed_in("bs1").await;
    assert!(found(&app.get_as(&bs, search).await.body), "the branch finds what waits for it");
    let queue = app.get_as(&bs, "/matchmaking/review?status=pending").await;
    assert!(queue.body.contains("伺服电机外壳设计"), "{}", queue.body);
    assert!(app.get_as(&bs, "/").await.body.contains("条需求等待审核"));
    let no_reason = app.post_form(&bs, &act, &[("action", "return"), ("reason", " ")]).await;
    assert_eq!(no_reason.status, 400);
    assert!(no_reason.body.contains("请写明理由"));
    let returned = app.post_form(&bs, &act, &[("action", "return"), ("reason", "请补充散热指标")]).await;
    assert_eq!(returned.status, 303, "{}", returned.body);
    let edit = app.get_as(&maker_b, &format!("/demands/{id}/edit")).await;
    assert!(edit.body.contains("请补充散热指标") && edit.body.contains("value=\"伺服电机\""), "{}", edit.body);
    assert!(app.get_as(&maker_b, "/messages").await.body.contains("请补充散热指标"));
    // While returned, the maker attaches a drawing (a file that is not a PDF or image is refused).
    let attach = format!("/demands/{id}/files");
    let exe = crate::recognition::multipart(&app, &maker_b, &attach, &[], &[("file", "x.pdf", b"MZ not a pdf")]).await;
    assert_eq!(exe.status, 400, "{}", exe.body);
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let up = crate::recognition::multipart(&app, &maker_b, &attach, &[], &[("file", "外壳图纸.pdf", pdf)]).await;
    assert_eq!(up.status, 303, "{}", up.body);
    let file = first(r#"href="/demands/files/(\d+)""#, &app.get_as(&maker_b, &path).await.body);
    // A wrong file can be taken back while the demand is editable.
    let wrong = crate::recognition::multipart(&app, &maker_b, &attach, &[], &[("file", "错传.pdf", pdf)]).await;
    assert_eq!(wrong.status, 303);
    let files = all(r#"href="/demands/files/(\d+)""#, &app.get_as(&maker_b, &path).await.body);
    assert_eq!(files.len(), 2);
    let removed = app.post_form(&maker_b, &format!("/demands/files/{}/remove", files[1]), &[]).await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(all(r#"href="/demands/files/(\d+)""#, &app.get_as(&maker_b, &path).await.body).len(), 1);
    let mut corrected = full.clone();
    corrected[3] = ("details", "目标成本 120 元以内，温升不超过 40K");
    let resubmitted = app.post_form(&maker_b, &format!("/demands/{id}/edit"), &corrected).await;
    assert_eq!(resubmitted.status, 303, "{}", resubmitted.body);
    let approved = app.post_form(&bs, &act, &[("action", "approve")]).await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    // Approving twice (a second click, a colleague) is refused, not applied twice.
    assert_eq!(app.post_form(&bs, &act, &[("action", "approve")]).await.status, 409);

    // Published: the search finds it for everyone, and its private details for no outsider.
    assert!(found(&app.get(search).await.body), "{}", app.get(search).await.body);
    assert!(!found(&app.get("/api/v1/search?q=%E6%B8%A9%E5%8D%87&type=demand").await.body));
    // Published: the public reads the summary, never the details or the IP terms.
    let public = app.get(&path).await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("外壳散热与外观一体化设计"));
    assert!(!public.body.contains("目标成本") && !public.body.contains("成果归需求方"));
    let api = app.get(&format!("/api/v1/demands/{id}")).await.json();
    assert!(api["details"].is_null() && api["ip_terms"].is_null(), "{api}");
    assert!(app.get("/demands?category=STRUCT").await.body.contains("伺服电机外壳设计"));
    assert!(!app.get("/demands?category=PACK").await.body.contains("伺服电机外壳设计"));
    let listed = app.get("/api/v1/demands?category=STRUCT&per_page=200").await.json();
    assert!(listed["items"].as_array().unwrap().iter().any(|d| d["id"] == id && d["details"].is_null()));

    // Offers: the firm's; a designer's, who must name a district; a rival's declaring a
    // conflict with the maker (an unknown credit code is named back).
    let firm_b = app.signed_in("firm").await;
    let offer = |title: &'static str| {
        vec![
            ("title", title),
            ("categories", "FORM"),
            ("categories", "STRUCT"),
            ("capacity", "3"),
            ("price_min", "30"),
            ("price_max", "60"),
            ("description", "全流程外观与结构设计"),
            ("then", "publish"),
        ]
    };
    let before = sheji_service::matchmaking::offered_specialties(&app.services, &[firm.id].into())
        .await
        .unwrap()
        .remove(&firm.id);
    let made = app.post_form(&firm_b, "/offers/new", &offer("电机与结构外观设计")).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let firm_offer = first(r"/offers/(\d+)", made.header("location"));
    // What the firm offers becomes its specialties in a review of it (the experts' vocabulary).
    let (services, firm_id) = (&app.services, firm.id);
    let offered = move |orgs| async move {
        sheji_service::matchmaking::offered_specialties(services, &orgs).await.unwrap().remove(&firm_id)
    };
    let mut expected = before.unwrap_or_default();
    expected.extend(["svc:FORM".to_owned(), "svc:STRUCT".to_owned()]);
    assert_eq!(offered([firm.id].into()).await, Some(expected));
    assert_eq!(offered([maker.id].into()).await, None, "only the organizations asked about");
    let solo = app.signed_in("solo").await;
    let mut designer = offer("独立外观设计工作室");
    let no_district = app.post_form(&solo, "/offers/new", &designer).await;
    assert_eq!(no_district.status, 400);
    assert!(no_district.body.contains("请选择所在区县"));
    let bishan_id = bishan.to_string();
    designer.push(("district", &bishan_id));
    let made = app.post_form(&solo, "/offers/new", &designer).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let solo_offer = first(r"/offers/(\d+)", made.header("location"));
    let rival_b = app.signed_in("rival").await;
    let mut conflicted = offer("对手的电机外观设计");
    conflicted.push(("excluded", "91500000MA5U7XXX0X"));
    let unknown = app.post_form(&rival_b, "/offers/new", &conflicted).await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("91500000MA5U7XXX0X") && unknown.body.contains("不在企业库中"), "{}", unknown.body);
    conflicted.pop();
    conflicted.push(("excluded", &maker.uscc));
    let made = app.post_form(&rival_b, "/offers/new", &conflicted).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let rival_offer = first(r"/offers/(\d+)", made.header("location"));

    // The maker sees ranked providers with the parts of each score; the rival is left out.
    let matches = app.get_as(&maker_b, &format!("/demands/{id}/matches")).await;
    assert_eq!(matches.status, 200, "{}", matches.body);
    assert!(matches.body.contains("电机与结构外观设计") && matches.body.contains("独立外观设计工作室"));
    assert!(matches.body.contains("覆盖需求 3 项服务类别中的 2 项"), "{}", matches.body);
    assert!(!matches.body.contains("对手的电机外观设计"));
    // A provider may not read another organization's matches.
    assert_eq!(app.get_as(&firm_b, &format!("/demands/{id}/matches")).await.status, 403);

    // Interests: one per pair; the conflicted rival cannot connect at all.
    let express = |offer: &str| {
        vec![
            ("demand", id.to_string()),
            ("offer", offer.to_owned()),
            ("message", "做过同类产品".to_owned()),
            ("back", path.clone()),
        ]
    };
    let send = |b, o: &str| {
        let fields = express(o);
        let app = &app;
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(b, "/matchmaking/interests", &borrowed).await
        }
    };
    assert_eq!(send(&firm_b, &firm_offer).await.status, 303);
    let twice = send(&firm_b, &firm_offer).await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("已经有对接意向"));
    assert_eq!(send(&solo, &solo_offer).await.status, 303);
    assert_eq!(send(&rival_b, &rival_offer).await.status, 409);
    assert!(app.get_as(&maker_b, "/").await.body.contains("2 条对接意向等待您回复"));

    // The maker declines the firm (a reason is required) and accepts the designer; two
    // answers racing for one interest: one wins, the other is told it was answered.
    let page = app.get_as(&maker_b, &path).await;
    let answers = all(r#"action="/matchmaking/interests/(\d+)""#, &page.body);
    assert_eq!(answers.len(), 2, "{}", page.body);
    // Newest first: the designer's, then the firm's.
    let (solo_interest, firm_interest) = (&answers[0], &answers[1]);
    let answer = format!("/matchmaking/interests/{firm_interest}");
    let bare = app.post_form(&maker_b, &answer, &[("decision", "decline"), ("back", &path)]).await;
    assert_eq!(bare.status, 400);
    let declined =
        app.post_form(&maker_b, &answer, &[("decision", "decline"), ("reason", "预算不匹配"), ("back", &path)]).await;
    assert_eq!(declined.status, 303, "{}", declined.body);
    let answer = format!("/matchmaking/interests/{solo_interest}");
    let race = app
        .race(vec![
            app.form_request(&maker_b, &answer, &[("decision", "accept")]),
            app.form_request(&maker_b, &answer, &[("decision", "accept")]),
        ])
        .await;
    let mut statuses: Vec<u16> = race.iter().map(|(s, _)| s.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![303, 409], "{race:?}");

    // The accepted designer now reads the details and the attachment; the declined firm does
    // not, and is told why.
    assert!(app.get_as(&solo, &path).await.body.contains("温升不超过 40K"));
    assert!(!app.get_as(&firm_b, &path).await.body.contains("温升不超过 40K"));
    let drawing = format!("/demands/files/{file}");
    assert!(app.get_as(&solo, &drawing).await.body.starts_with("%PDF-"));
    assert_eq!(app.get_as(&firm_b, &drawing).await.status, 404);
    assert_eq!(app.get_as(&jj, &drawing).await.status, 404);
    // Published, the demand's attachments can no longer be changed.
    assert_eq!(app.post_form(&maker_b, &format!("{drawing}/remove"), &[]).await.status, 409);
    assert!(app.get_as(&firm_b, "/messages").await.body.contains("预算不匹配"));
    // The firm cannot answer for the maker.
    let forbidden =
        app.post_form(&firm_b, &format!("/matchmaking/interests/{firm_interest}"), &[("decision", "accept")]).await;
    assert_eq!(forbidden.status, 409, "an answered interest stays answered");

    // Staff export the lists of their scope; providers may not.
    let export = app.get_as(&bs, "/matchmaking/export.xlsx").await;
    assert_eq!(export.status, 200);
    assert_eq!(app.get_as(&firm_b, "/matchmaking/export.xlsx").await.status, 403);
    app.finish().await;
}

/// Public pages show public fields only; a draft is its organization's alone.
#[tokio::test]
async fn drafts_stay_with_their_owner_and_lists_show_public_fields() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let demo = app.get("/demands").await;
    assert_eq!(demo.status, 200);
    assert!(demo.body.contains("家用电动工具外观与人机升级"));
    assert!(!demo.body.contains("包装与开箱体验设计"), "a draft is not listed");
    let owner = app.signed_in_demo("orgadmin").await;
    let mine = app.get_as(&owner, "/matchmaking/mine").await;
    assert!(mine.body.contains("包装与开箱体验设计"));
    let draft_id = first(r#"href="/demands/(\d+)">包装与开箱体验设计"#, &mine.body);
    assert_eq!(app.get(&format!("/demands/{draft_id}")).await.status, 404);
    assert_eq!(app.get_as(&owner, &format!("/demands/{draft_id}")).await.status, 200);
    // Not even the district's branch sees a draft before it is submitted.
    let branch = app.signed_in_demo("bishan").await;
    assert_eq!(app.get_as(&branch, &format!("/demands/{draft_id}")).await.status, 404);
    let queue = app.get_as(&branch, "/matchmaking/review").await;
    assert!(queue.body.contains("智能门锁结构优化") && !queue.body.contains("包装与开箱体验设计"));
    let offers = app.get("/offers").await;
    assert!(offers.body.contains("独立设计师：小家电与工具外观设计"));
    app.finish().await;
}

backend_tests!(the_city_publishes_a_guide_that_stays_as_published);

/// The 供需指南: published by city staff only, every problem of the form at once, then a page,
/// a PDF and a workbook for everyone, frozen as it was published.
async fn the_city_publishes_a_guide_that_stays_as_published(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    app.user("city1", "city_officer", None, None).await;
    let city = app.signed_in("city1").await;
    let wrong = app
        .post_form(&city, "/guides", &[("title", " "), ("period_from", "2027-03-31"), ("period_to", "2027-01-01")])
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("请填写名称") && wrong.body.contains("结束日期不能早于开始日期"), "{}", wrong.body);
    assert!(wrong.body.contains("value=\"2027-03-31\""));
    let branch = app.signed_in_demo("bishan").await;
    let fields = [
        ("title", "2027年第一季度供需指南"),
        ("period_from", "2027-01-01"),
        ("period_to", "2027-03-31"),
        ("intro", "欢迎对接。"),
    ];
    assert_eq!(app.post_form(&branch, "/guides", &fields).await.status, 403, "a branch does not publish for the city");
    assert!(!app.get_as(&branch, "/guides").await.body.contains("action=\"/guides\""));
    let published = app.post_form(&city, "/guides", &fields).await;
    assert_eq!(published.status, 303, "{}", published.body);
    let path = published.header("location").to_owned();
    let page = app.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("家用电动工具外观与人机升级") && page.body.contains("电动工具与五金产品外观设计"));
    assert!(!page.body.contains("包装与开箱体验设计"), "a draft is not in the guide");
    let pdf = app.get(&format!("{path}/guide.pdf")).await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with("%PDF-"));
    let xlsx = app.get(&format!("{path}/guide.xlsx")).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with("PK"));
    let print = app.get(&format!("{path}/guide?lang=en")).await;
    assert!(print.body.contains("Design demands") && print.body.contains("Valid 1 January 2027"), "{}", print.body);
    // Published means frozen: a demand withdrawn afterwards stays in the guide.
    let owner = app.signed_in_demo("orgadmin").await;
    let withdrawn = app.post_form(&owner, "/demands/1/act", &[("action", "withdraw")]).await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    assert!(!app.get("/demands").await.body.contains("家用电动工具外观与人机升级"));
    assert!(app.get(&path).await.body.contains("家用电动工具外观与人机升级"));
    app.finish().await;
}

/// What the review of the first version found: a closed demand takes no new partner and its
/// waiting interests leave the to-dos; an API token limited to other functions does not read
/// a demand's private details through its holder's organization.
#[tokio::test]
async fn closed_demands_take_no_partner_and_narrow_tokens_read_public_fields_only() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let owner = app.signed_in_demo("orgadmin").await;
    // A token that may only export the registry, created by the demand's own administrator.
    let body = "name=export&days=30&permissions=registry.export";
    let created = app.post_raw(&owner, "/account/tokens", &format!("csrf={}&{body}", owner.csrf)).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let secret: String = created
        .body
        .split("sj_")
        .nth(1)
        .map(|s| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
        .unwrap();
    let narrow = app.get_bearer(&format!("sj_{secret}"), "/api/v1/demands/1").await;
    assert_eq!(narrow.status, 200);
    assert!(narrow.json()["details"].is_null(), "{}", narrow.body);
    assert_eq!(app.get_bearer(&format!("sj_{secret}"), "/api/v1/demands/1/matches").await.status, 403);
    // Signed in, the administrator reads the details and has the demo's interest to answer.
    assert!(app.get_as(&owner, "/demands/1").await.body.contains("目标成本"));
    assert!(app.get_as(&owner, "/").await.body.contains("1 条对接意向等待您回复"));
    let page = app.get_as(&owner, "/demands/1").await;
    let interest = first(r#"action="/matchmaking/interests/(\d+)""#, &page.body);
    // Filled: the waiting interest can be declined but no longer accepted, and is no to-do.
    let filled = app.post_form(&owner, "/demands/1/act", &[("action", "fill")]).await;
    assert_eq!(filled.status, 303, "{}", filled.body);
    let home = app.get_as(&owner, "/").await.body;
    assert!(!home.contains("条对接意向等待您回复"), "a closed demand's interest is no longer a to-do");
    let closed = app.get_as(&owner, "/demands/1").await.body;
    assert!(!closed.contains("value=\"accept\""), "a closed demand offers no accept button");
    let answer = format!("/matchmaking/interests/{interest}");
    let late = app.post_form(&owner, &answer, &[("decision", "accept"), ("back", "/demands/1")]).await;
    assert_eq!(late.status, 409, "{}", late.body);
    let declined = app
        .post_form(&owner, &answer, &[("decision", "decline"), ("reason", "已找到服务方"), ("back", "/demands/1")])
        .await;
    assert_eq!(declined.status, 303, "{}", declined.body);
    app.finish().await;
}

/// A district whose branch chooses not to review: a complete demand is published on submission
/// and the branch is told; another district's branch cannot make that choice for it.
#[tokio::test]
async fn a_district_may_publish_demands_without_review() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let jiangjin = app.district("江津区").await;
    let maker = list_public(
        &app.services,
        &OrgFilter { district: Some(bishan), kind: Some(OrgKind::Manufacturer), ..Default::default() },
        PageRequest::new(Some(1), Some(2)),
    )
    .await
    .unwrap()
    .items[1]
        .id
        .get();
    app.user("dr_maker", "org_admin", None, Some(maker)).await;
    app.user("dr_bs", "branch_staff", Some(bishan.get()), None).await;
    app.user("dr_jj", "branch_staff", Some(jiangjin.get()), None).await;
    let jj = app.signed_in("dr_jj").await;
    let theirs = app.get_as(&jj, "/matchmaking/districts").await;
    assert!(theirs.body.contains("江津区") && !theirs.body.contains("璧山区"), "{}", theirs.body);
    let bs = app.signed_in("dr_bs").await;
    let page = app.get_as(&bs, "/matchmaking/districts").await;
    let ticked = format!(r#"value="{bishan}" checked"#);
    assert!(page.body.contains("璧山区") && page.body.contains(&ticked), "reviews by default: {}", page.body);
    // Nothing ticked: 璧山 stops reviewing.
    let saved = app.post_form(&bs, "/matchmaking/districts", &[]).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let maker_b = app.signed_in("dr_maker").await;
    let deadline = (app.services.today() + chrono::Duration::days(30)).to_string();
    let form = app.get_as(&maker_b, "/demands/new").await;
    assert_eq!(form.status, 200);
    let created = app
        .post_form(
            &maker_b,
            "/demands/new",
            &[
                ("title", "电动自行车车架外观"),
                ("product", "电动自行车"),
                ("summary", "车架与电池仓一体化外观"),
                ("deliverables", "方案与三维模型"),
                ("categories", "FORM"),
                ("budget_min", "10"),
                ("budget_max", "20"),
                ("deadline", &deadline),
                ("modes", "fee"),
                ("then", "submit"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert!(created.header("location").ends_with("done=publish_now"), "{}", created.header("location"));
    assert!(app.get("/demands").await.body.contains("电动自行车车架外观"), "published without review");
    assert!(app.get_as(&bs, "/messages").await.body.contains("不经预审"));
    app.finish().await;
}
