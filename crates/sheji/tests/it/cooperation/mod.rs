//! Deals through their pages, as their users act: an accepted interest opens a lead, the
//! provider quotes (every problem named at once), the demander asks again and then signs —
//! which the review engine reads as a cooperation between the two — milestones are delivered,
//! sent back once, accepted (two clicks racing: one wins), and both sides rate each other,
//! the rating then counting in match scores. A second deal is disputed, mediated by the
//! district's branch and terminated, with a delivery accepted by the window passing.

use chrono::Duration as Span;
use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;
use sheji_service::Backend;
use sheji_service::registry::{OrgFilter, list_public};

use crate::support::{Browser, TestApp, all, backend_tests, first};

backend_tests!(
    a_lead_is_quoted_signed_delivered_accepted_and_rated,
    the_last_two_acceptances_at_once_complete_the_deal
);

/// The people of a deal: the maker (demander), the firm (provider), the maker's district
/// branch, another district's branch and a rival firm.
struct Cast {
    maker: Browser,
    firm: Browser,
    branch: Browser,
    other_branch: Browser,
    rival: Browser,
    maker_org: i32,
    firm_org: i32,
    demand: i32,
    /// Credit codes and names: maker, firm.
    orgs: [(String, String); 2],
    /// Usernames: maker, firm, branch, other branch (to sign in again after the clock moves on).
    names: [String; 4],
}

/// A published demand of a 璧山 maker, a firm's published offer, the firm's interest accepted
/// by the maker: the deal is open as a lead. Returns the cast and the deal's key.
async fn lead(app: &TestApp, title: &str) -> (Cast, i32) {
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
    let firms = list_public(
        &app.services,
        &OrgFilter { kind: Some(OrgKind::DesignFirm), ..Default::default() },
        PageRequest::new(Some(1), Some(10)),
    )
    .await
    .unwrap()
    .items;
    let (maker, firm, rival) = (&makers[1], &firms[8], &firms[9]);
    let suffix = title.chars().count();
    let (mu, fu, bu, ju, ru) = (
        format!("maker{suffix}"),
        format!("firm{suffix}"),
        format!("bs{suffix}"),
        format!("jj{suffix}"),
        format!("rival{suffix}"),
    );
    app.user(&mu, "org_admin", None, Some(maker.id.get())).await;
    app.user(&fu, "org_admin", None, Some(firm.id.get())).await;
    app.user(&ru, "org_admin", None, Some(rival.id.get())).await;
    app.user(&bu, "branch_staff", Some(bishan.get()), None).await;
    app.user(&ju, "branch_staff", Some(jiangjin.get()), None).await;
    let cast_maker = app.signed_in(&mu).await;
    let deadline = (app.services.today() + chrono::Duration::days(30)).to_string();
    let created = app
        .post_form(
            &cast_maker,
            "/demands/new",
            &[
                ("title", title),
                ("product", "伺服电机"),
                ("summary", "外壳散热与外观一体化设计"),
                ("deliverables", "方案与三维模型"),
                ("categories", "FORM"),
                ("categories", "STRUCT"),
                ("budget_min", "20"),
                ("budget_max", "50"),
                ("deadline", &deadline),
                ("modes", "fee"),
                ("then", "submit"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let demand: i32 = first(r"/demands/(\d+)", created.header("location")).parse().unwrap();
    let branch = app.signed_in(&bu).await;
    let approved = app.post_form(&branch, &format!("/demands/{demand}/act"), &[("action", "approve")]).await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let firm_b = app.signed_in(&fu).await;
    let made = app
        .post_form(
            &firm_b,
            "/offers/new",
            &[
                ("title", "电机与结构外观设计"),
                ("categories", "FORM"),
                ("categories", "STRUCT"),
                ("capacity", "3"),
                ("price_min", "30"),
                ("price_max", "60"),
                ("description", "全流程外观与结构设计"),
                ("then", "publish"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let offer = first(r"/offers/(\d+)", made.header("location"));
    let path = format!("/demands/{demand}");
    let sent = app
        .post_form(
            &firm_b,
            "/matchmaking/interests",
            &[("demand", &demand.to_string()), ("offer", &offer), ("back", &path)],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let interest = first(r#"action="/matchmaking/interests/(\d+)""#, &app.get_as(&cast_maker, &path).await.body);
    let accepted = app
        .post_form(
            &cast_maker,
            &format!("/matchmaking/interests/{interest}"),
            &[("decision", "accept"), ("back", &path)],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    // The accepted interest links to its deal, for both sides.
    let mine = app.get_as(&firm_b, "/matchmaking/mine").await;
    let deal: i32 = first(r#"href="/deals/(\d+)""#, &mine.body).parse().unwrap();
    let cast = Cast {
        maker: cast_maker,
        firm: firm_b,
        branch,
        other_branch: app.signed_in(&ju).await,
        rival: app.signed_in(&ru).await,
        maker_org: maker.id.get(),
        firm_org: firm.id.get(),
        demand,
        names: [mu, fu, bu, ju],
        orgs: [(maker.uscc.clone(), maker.name.clone()), (firm.uscc.clone(), firm.name.clone())],
    };
    (cast, deal)
}

/// A valid quote's fields, milestones due in 10 and 20 days.
fn quote_fields(app: &TestApp) -> Vec<(&'static str, String)> {
    let day = |n: i64| (app.services.today() + chrono::Duration::days(n)).to_string();
    vec![
        ("mode", "fee".to_owned()),
        ("amount", "40".to_owned()),
        ("scope", "外观与结构设计两轮方案，含三维模型与效果图".to_owned()),
        ("m1_title", "概念方案".to_owned()),
        ("m1_due", day(10)),
        ("m1_amount", "15".to_owned()),
        ("m2_title", "三维模型与效果图".to_owned()),
        ("m2_due", day(20)),
        ("m2_amount", "25".to_owned()),
    ]
}

async fn post(app: &TestApp, b: &Browser, path: &str, fields: &[(&str, String)]) -> crate::support::Response {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(b, path, &borrowed).await
}

/// Quotes and signs: the deal is under contract. Returns the milestones' keys in order.
async fn contract(app: &TestApp, cast: &Cast, deal: i32) -> Vec<String> {
    let quoted = post(app, &cast.firm, &format!("/deals/{deal}/quote"), &quote_fields(app)).await;
    assert_eq!(quoted.status, 303, "{}", quoted.body);
    let signed = app.post_form(&cast.maker, &format!("/deals/{deal}/act"), &[("action", "sign")]).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let page = app.get_as(&cast.firm, &format!("/deals/{deal}")).await;
    all(&format!(r#"action="/deals/{deal}/milestones/(\d+)""#), &page.body)
}

async fn a_lead_is_quoted_signed_delivered_accepted_and_rated(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (cast, deal) = lead(&app, "伺服电机外壳设计").await;
    let path = format!("/deals/{deal}");

    // Both sides and the district's branch see it; nobody else does.
    let list = app.get_as(&cast.maker, "/deals").await;
    assert!(list.body.contains("伺服电机外壳设计") && list.body.contains("待报价"), "{}", list.body);
    assert_eq!(app.get_as(&cast.rival, &path).await.status, 404);
    assert_eq!(app.get_as(&cast.other_branch, &path).await.status, 404);
    assert!(!app.get_as(&cast.other_branch, "/deals").await.body.contains("伺服电机外壳设计"));
    assert_eq!(app.get(&path).await.status, 303, "a visitor is sent to sign in");
    let branch_view = app.get_as(&cast.branch, "/deals").await;
    assert!(branch_view.body.contains("各区县合作统计") && branch_view.body.contains("璧山区"), "{}", branch_view.body);
    assert!(branch_view.body.contains("按产业集群") && branch_view.body.contains("未填产业集群"), "counted by cluster");
    assert!(app.get_as(&cast.firm, "/").await.body.contains("1 项合作线索等待您报价"));

    // A quote with every kind of mistake names each at once and keeps what was typed.
    let mut wrong = quote_fields(&app);
    wrong[0].1 = String::new();
    wrong[1].1 = "四十".to_owned();
    wrong[6].1 = String::new();
    wrong[7].1 = (app.services.today() - chrono::Duration::days(1)).to_string();
    let refused = post(&app, &cast.firm, &format!("{path}/quote"), &wrong).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    for problem in ["请选择合作方式", "金额请填写大于 0", "请填写这一项的交付内容", "到期日不能早于今天"]
    {
        assert!(refused.body.contains(problem), "{problem} missing: {}", refused.body);
    }
    assert!(refused.body.contains("value=\"概念方案\"") && refused.body.contains("value=\"四十\""));
    // The demander cannot quote.
    assert_eq!(post(&app, &cast.maker, &format!("{path}/quote"), &quote_fields(&app)).await.status, 409);
    let quoted = post(&app, &cast.firm, &format!("{path}/quote"), &quote_fields(&app)).await;
    assert_eq!(quoted.status, 303, "{}", quoted.body);
    assert!(app.get_as(&cast.maker, "/").await.body.contains("1 份报价等待您签约或回复"));

    // The maker asks for another quote (a reason is required), the firm quotes again.
    let act = format!("{path}/act");
    assert_eq!(app.post_form(&cast.maker, &act, &[("action", "revise")]).await.status, 400);
    let revised = app.post_form(&cast.maker, &act, &[("action", "revise"), ("reason", "请把样机费用单列")]).await;
    assert_eq!(revised.status, 303, "{}", revised.body);
    assert!(app.get_as(&cast.firm, "/messages").await.body.contains("请把样机费用单列"));
    let form = app.get_as(&cast.firm, &format!("{path}/quote")).await;
    assert!(form.body.contains("value=\"三维模型与效果图\""), "the last quote fills the form: {}", form.body);

    // Signing: not on a day after today; then the contract stands and the review engine sees
    // a cooperation between the two organizations.
    let tomorrow = (app.services.today() + chrono::Duration::days(1)).to_string();
    let milestones = {
        let quoted = post(&app, &cast.firm, &format!("{path}/quote"), &quote_fields(&app)).await;
        assert_eq!(quoted.status, 303);
        let early = app.post_form(&cast.maker, &act, &[("action", "sign"), ("signed_on", &tomorrow)]).await;
        assert_eq!(early.status, 400);
        assert!(early.body.contains("签约日期不能晚于今天"));
        let signed = app.post_form(&cast.maker, &act, &[("action", "sign")]).await;
        assert_eq!(signed.status, 303, "{}", signed.body);
        let page = app.get_as(&cast.firm, &path).await;
        assert!(page.body.contains("履约中"), "{}", page.body);
        all(&format!(r#"action="/deals/{deal}/milestones/(\d+)""#), &page.body)
    };
    assert_eq!(milestones.len(), 2, "the firm may deliver either milestone");
    let store = sheji_store::Store::connect(app.db.url()).await.unwrap();
    let orgs = [cast.maker_org, cast.firm_org].into_iter().map(sheji_core::ids::OrganizationId).collect();
    let since = app.services.today() - chrono::Duration::days(365);
    let cooperations = sheji_store::review::cooperations(&store, &orgs, since).await.unwrap();
    assert_eq!(cooperations.len(), 1, "the contract is a cooperation the conflict rule reads");
    store.close().await.unwrap();

    // Milestone 1: delivered (a note is required), sent back once, delivered again, accepted.
    let m1 = format!("{path}/milestones/{}", milestones[0]);
    assert_eq!(app.post_form(&cast.maker, &m1, &[("action", "deliver"), ("note", "x")]).await.status, 409);
    let bare = app.post_form(&cast.firm, &m1, &[("action", "deliver")]).await;
    assert_eq!(bare.status, 400);
    assert!(bare.body.contains("请填写说明"));
    assert_eq!(
        app.post_form(&cast.firm, &m1, &[("action", "deliver"), ("note", "方案 A/B/C 见网盘")]).await.status,
        303
    );
    assert!(app.get_as(&cast.maker, "/").await.body.contains("1 项交付等待您验收"));
    let back = app.post_form(&cast.maker, &m1, &[("action", "request_changes"), ("note", "方案 B 握把加粗")]).await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert!(app.get_as(&cast.firm, &path).await.body.contains("方案 B 握把加粗"));
    assert_eq!(app.post_form(&cast.firm, &m1, &[("action", "deliver"), ("note", "已加粗握把")]).await.status, 303);
    assert_eq!(app.post_form(&cast.maker, &m1, &[("action", "accept")]).await.status, 303);

    // Milestone 2: two accepts racing (a double click): one wins, the other is told.
    let m2 = format!("{path}/milestones/{}", milestones[1]);
    assert_eq!(app.post_form(&cast.firm, &m2, &[("action", "deliver"), ("note", "模型与效果图")]).await.status, 303);
    let race = app
        .race(vec![
            app.form_request(&cast.maker, &m2, &[("action", "accept")]),
            app.form_request(&cast.maker, &m2, &[("action", "accept")]),
        ])
        .await;
    let mut statuses: Vec<u16> = race.iter().map(|(s, _)| s.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![303, 409], "{race:?}");
    let done = app.get_as(&cast.maker, &path).await;
    assert!(done.body.contains("已完成") && done.body.contains("全部里程碑验收，合作完成"), "{}", done.body);

    // Ratings: once per side, 1–5.
    let rate = format!("{path}/rate");
    assert_eq!(app.post_form(&cast.firm, &rate, &[("score", "9")]).await.status, 400);
    assert_eq!(app.post_form(&cast.maker, &rate, &[("score", "5"), ("comment", "交付准时")]).await.status, 303);
    assert_eq!(app.post_form(&cast.maker, &rate, &[("score", "4")]).await.status, 409);
    assert_eq!(app.post_form(&cast.firm, &rate, &[("score", "4")]).await.status, 303);
    assert!(app.get_as(&cast.firm, &path).await.body.contains("交付准时"));

    // The maker's 5 counts as evidence for the firm in match scores.
    let matches = app.get_as(&cast.maker, &format!("/demands/{}/matches", cast.demand)).await;
    assert!(matches.body.contains("1 项已完成合作获客户 4 分以上评价"), "{}", matches.body);
    app.finish().await;
}

#[tokio::test]
async fn a_dispute_climbs_to_the_branch_and_silence_accepts_a_delivery() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let (mut cast, deal) = lead(&app, "智能门锁结构优化设计").await;
    let path = format!("/deals/{deal}");
    let milestones = contract(&app, &cast, deal).await;
    let m1 = format!("{path}/milestones/{}", milestones[0]);
    let m2 = format!("{path}/milestones/{}", milestones[1]);
    assert_eq!(app.post_form(&cast.firm, &m1, &[("action", "deliver"), ("note", "结构方案")]).await.status, 303);

    // Eleven days without an answer: the window has closed; changes can no longer be asked,
    // and the nightly job accepts the delivery.
    app.clock.advance(Span::days(11));
    cast.maker = app.signed_in(&cast.names[0]).await;
    cast.firm = app.signed_in(&cast.names[1]).await;
    cast.branch = app.signed_in(&cast.names[2]).await;
    cast.other_branch = app.signed_in(&cast.names[3]).await;
    let late = app.post_form(&cast.maker, &m1, &[("action", "request_changes"), ("note", "再改")]).await;
    assert_eq!(late.status, 409);
    assert!(late.body.contains("验收期已过"), "{}", late.body);
    // This deal's delivery and the demo deal's second one (delivered the day before).
    assert_eq!(sheji_service::cooperation::deem_accepted(&app.services).await.unwrap(), 2);
    assert_eq!(sheji_service::cooperation::deem_accepted(&app.services).await.unwrap(), 0, "once only");
    assert!(app.get_as(&cast.maker, &path).await.body.contains("逾期视为验收"));

    // A dispute stops the milestones; the branch waits until it is asked.
    let act = format!("{path}/act");
    let disputed = app.post_form(&cast.maker, &act, &[("action", "dispute"), ("reason", "样机尺寸不符")]).await;
    assert_eq!(disputed.status, 303, "{}", disputed.body);
    assert_eq!(app.post_form(&cast.firm, &m2, &[("action", "deliver"), ("note", "样机")]).await.status, 409);
    assert_eq!(app.post_form(&cast.branch, &act, &[("action", "terminate"), ("reason", "x")]).await.status, 409);
    // Escalated, the branch mediates; another district's branch cannot.
    let up = app.post_form(&cast.firm, &act, &[("action", "escalate"), ("reason", "协商未果")]).await;
    assert_eq!(up.status, 303, "{}", up.body);
    assert!(app.get_as(&cast.branch, "/").await.body.contains("1 项合作争议等待处理"));
    assert_eq!(app.post_form(&cast.other_branch, &act, &[("action", "terminate"), ("reason", "x")]).await.status, 404);
    let ended = app.post_form(&cast.branch, &act, &[("action", "terminate"), ("reason", "双方同意解除合同")]).await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    let page = app.get_as(&cast.maker, &path).await;
    assert!(page.body.contains("已终止") && page.body.contains("双方同意解除合同"), "{}", page.body);
    // A terminated contract is still rated.
    assert_eq!(app.post_form(&cast.firm, &format!("{path}/rate"), &[("score", "2")]).await.status, 303);
    app.finish().await;
}

/// Both remaining milestones accepted at the same moment (two tabs): each answer must see the
/// other, so the deal is completed, never left under contract with nothing left to do.
async fn the_last_two_acceptances_at_once_complete_the_deal(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (cast, deal) = lead(&app, "注塑件外观").await;
    let path = format!("/deals/{deal}");
    let milestones = contract(&app, &cast, deal).await;
    for m in &milestones {
        let delivered = app
            .post_form(&cast.firm, &format!("{path}/milestones/{m}"), &[("action", "deliver"), ("note", "见附件")])
            .await;
        assert_eq!(delivered.status, 303);
    }
    let race = app
        .race(
            milestones
                .iter()
                .map(|m| app.form_request(&cast.maker, &format!("{path}/milestones/{m}"), &[("action", "accept")]))
                .collect(),
        )
        .await;
    assert!(race.iter().all(|(s, _)| s.as_u16() == 303), "{race:?}");
    assert!(app.get_as(&cast.maker, &path).await.body.contains("全部里程碑验收，合作完成"));
    app.finish().await;
}

/// A contract signed between two organizations is a conflict of interest in expert review: an
/// expert employed by the provider may not review the demander's item.
#[tokio::test]
async fn a_signed_contract_is_a_conflict_in_expert_review() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let (cast, deal) = lead(&app, "电控柜钣金外观").await;
    contract(&app, &cast, deal).await;
    let [(maker_uscc, maker_name), (firm_uscc, firm_name)] = &cast.orgs;
    app.user("hq_c", "hq_staff", None, None).await;
    let staff = app.signed_in("hq_c").await;
    crate::review::add_expert(&app, &staff, "expert_c", "陈工", firm_uscc).await;
    let id = crate::review::campaign(&app, &staff, maker_uscc, "1").await;
    let page = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    let reason = format!("{firm_name} 与 {maker_name} 于 {} 有合作记录", app.services.today());
    assert!(page.body.contains(&reason), "{reason} missing: {}", page.body);
    app.finish().await;
}
