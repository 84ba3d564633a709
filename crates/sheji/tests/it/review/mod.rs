//! The review engine over HTTP: a campaign from the expert pool to the final list on every
//! backend — conflicts derived from the registry, a seeded draw that replays exactly, experts
//! who see only their own items, scoring, results, a publicity window that skips a holiday,
//! an objection handled as a case — and the rules that guard it (overrides are for
//! administrators only, a declined review is refilled).

use regex::Regex;
use sheji_core::ids::CampaignId;
use sheji_core::page::PageRequest;
use sheji_service::Backend;
use sheji_service::registry::{OrgFilter, list_public};

use crate::recognition::multipart;
use crate::support::{Browser, TestApp, all, backend_tests, first};

/// Two demo organizations (USCC, name).
async fn two_orgs(app: &TestApp) -> [(String, String); 2] {
    let page = list_public(&app.services, &OrgFilter::default(), PageRequest::new(Some(1), Some(2))).await.unwrap();
    let o: Vec<(String, String)> = page.items.iter().map(|o| (o.uscc.clone(), o.name.clone())).collect();
    [o[0].clone(), o[1].clone()]
}

/// Adds an expert through the pool form.
pub(crate) async fn add_expert(app: &TestApp, staff: &Browser, username: &str, name: &str, employer: &str) {
    app.user(username, "designer", None, None).await;
    let r = app
        .post_form(
            staff,
            "/admin/experts/new",
            &[
                ("username", username),
                ("name", name),
                ("employer", employer),
                ("specialties", "svc:CMF"),
                ("specialties", "svc:UX"),
                ("max_load", "10"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// A campaign with a rubric and three items needing a CMF specialist (which the demo's own
/// experts are not, so only the test's experts are eligible), returning its id; items: one from `org` (whose
/// employee is in the pool), one naming 王芳 on its team, one plain.
pub(crate) async fn campaign(app: &TestApp, staff: &Browser, org: &str, reviewers: &str) -> i32 {
    let r = app
        .post_form(
            staff,
            "/admin/rubrics",
            &[("name", "设计中心评审"), ("criteria", "创新性|40|40\n市场前景|30|30\n完成度|10|30")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let form = app.get_as(staff, "/admin/reviews/new").await;
    let rubric = first(r#"<option value="(\d+)">设计中心评审 · v1"#, &form.body);
    let r = app
        .post_form(
            staff,
            "/admin/reviews/new",
            &[
                ("name", "2026年度市级工业设计中心认定评审"),
                ("rubric", &rubric),
                ("reviewers_per_item", reviewers),
                ("aggregation", "trimmed_mean"),
                ("thresholds", "优秀 85\n合格 60"),
                ("period_start", "2026-11-27"),
                ("deadline", "2026-12-10"),
                ("conflict_years", "3"),
                ("min_load", "0"),
                ("max_load", "3"),
                ("publicity_days", "3"),
                ("forbid_repeat", "on"),
                ("require_match", "on"),
                ("blind", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i32 = first(r"/admin/reviews/(\d+)", r.header("location")).parse().unwrap();
    for (title, organization, team) in
        [("智能座舱设计", org, ""), ("家用机器人外观", "", "王芳、赵强"), ("电动摩托车造型", "", "")]
    {
        let r = app
            .post_form(
                staff,
                &format!("/admin/reviews/{id}/items"),
                &[("title", title), ("organization", organization), ("team", team), ("specialties", "svc:CMF")],
            )
            .await;
        assert_eq!(r.status, 303, "{title}: {}", r.body);
    }
    id
}

backend_tests!(a_campaign_runs_from_the_pool_to_the_final_list);

async fn a_campaign_runs_from_the_pool_to_the_final_list(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let [(org_a, name_a), _] = two_orgs(&app).await;
    app.user("hq1", "hq_staff", None, None).await;
    app.user("admin1", "admin", None, None).await;
    let staff = app.signed_in("hq1").await;
    let admin = app.signed_in("admin1").await;
    add_expert(&app, &staff, "liming", "李明", &org_a).await;
    add_expert(&app, &staff, "wangfang", "王芳", "").await;
    for (u, n) in [("zhangsan", "张三"), ("lisi", "李四"), ("wangwu", "王五")] {
        add_expert(&app, &staff, u, n, "").await;
    }
    // An expert without a specialty match stays out of the pool of these items.
    let bad = app.post_form(&staff, "/admin/experts/new", &[("username", "nobody"), ("name", "某人")]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("没有该用户名的账号"), "{}", bad.body);
    // A negative maximum load is refused, never saved as the default.
    app.user("minus", "designer", None, None).await;
    let minus = app
        .post_form(&staff, "/admin/experts/new", &[("username", "minus"), ("name", "负数"), ("max_load", "-3")])
        .await;
    assert_eq!(minus.status, 400, "{}", minus.body);
    assert!(minus.body.contains("最多评审数须在 1 到 500 之间"), "{}", minus.body);
    assert!(minus.body.contains(r#"value="-3""#), "what was typed comes back to correct");

    let id = campaign(&app, &staff, &org_a, "3").await;
    // Conflicts from the registry (李明 works for the first item's organization) and the team.
    let page = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("现任职于 {name_a}")), "{}", page.body);
    assert!(page.body.contains("是该对象的团队成员（王芳）"));
    // Staff without review.override cannot lift a conflict.
    assert!(page.body.contains("badge rejected\">回避"), "hq staff see conflicts as blocked, with no override form");
    let forbidden = app
        .post_form(
            &staff,
            &format!("/admin/reviews/{id}/override"),
            &[("item", "1"), ("expert", "1"), ("reason", "无冲突")],
        )
        .await;
    assert_eq!(forbidden.status, 403);

    // A dry run with a seed, then deployment with the same seed.
    let plan = app.post_form(&staff, &format!("/admin/reviews/{id}/plan"), &[("mode", "random"), ("seed", "42")]).await;
    assert_eq!(plan.status, 200, "{}", plan.body);
    assert!(plan.body.contains("试分配结果") && plan.body.contains(">42<"));
    let deployed =
        app.post_form(&staff, &format!("/admin/reviews/{id}/deploy"), &[("mode", "random"), ("seed", "42")]).await;
    assert_eq!(deployed.status, 303, "{}", deployed.body);
    let replay = sheji_service::review::assign::replay(&app.services, CampaignId(id)).await.unwrap();
    assert!(replay.identical(), "{replay:?}");
    assert_eq!((replay.mode.as_str(), replay.seed, replay.pairs), ("random", Some(42), 9));
    // The same check from the operator's shell.
    let shell = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sheji"))
            .args(args)
            .current_dir(std::env::temp_dir())
            .env("SHEJI_LANG", "zh_CN.UTF-8")
            .env("SHEJI_SECRET_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let url = app.db.url().to_string();
    let out = shell(&["review", "replay", &id.to_string(), "--db", &url]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("结果完全一致") && said.contains(&replay.stored), "{said}");
    let missing = shell(&["review", "replay", "9999", "--db", &url]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("未找到该评审批次"));
    // Redeploying is refused: the campaign has moved on.
    let again = app.post_form(&staff, &format!("/admin/reviews/{id}/deploy"), &[("mode", "optimal")]).await;
    assert_eq!(again.status, 409);

    // Each expert sees only their own items; never one that conflicts.
    let mut sheets: Vec<(Browser, Vec<String>)> = Vec::new();
    for u in ["liming", "wangfang", "zhangsan", "lisi", "wangwu"] {
        let b = app.signed_in(u).await;
        let mine = app.get_as(&b, "/reviews").await;
        assert_eq!(mine.status, 200);
        if u == "liming" {
            assert!(!mine.body.contains("智能座舱设计"), "李明 must not review his employer's item");
        }
        if u == "wangfang" {
            assert!(!mine.body.contains("家用机器人外观"), "王芳 must not review her own team's item");
        }
        let ids = all(r#"href="/reviews/(\d+)""#, &mine.body);
        if !ids.is_empty() {
            let home = app.get_as(&b, "/").await;
            let todo = format!("{} 份评分表待提交", ids.len());
            assert!(home.body.contains(&todo), "the expert's home page lists the sheets to score: {}", home.body);
        }
        sheets.push((b, ids));
    }
    assert_eq!(sheets.iter().map(|(_, ids)| ids.len()).sum::<usize>(), 9);
    let (lm, lm_ids) = &sheets[0];
    let other = sheets.iter().skip(1).find(|(_, ids)| !ids.is_empty()).unwrap();
    // Someone else's sheet is a 404, read or written; an expert has no staff pages.
    assert_eq!(app.get_as(lm, &format!("/reviews/{}", other.1[0])).await.status, 404);
    let write =
        app.post_form(lm, &format!("/reviews/{}", other.1[0]), &[("score_1", "40"), ("action", "submit")]).await;
    assert_eq!(write.status, 404);
    assert_eq!(app.get_as(lm, &format!("/admin/reviews/{id}")).await.status, 403);
    assert_eq!(app.get(&format!("/reviews/{}", lm_ids[0])).await.status, 303);
    // Blind: the sheet does not show the applicant.
    let own = app.get_as(lm, &format!("/reviews/{}", lm_ids[0])).await;
    assert!(own.body.contains("盲评") && !own.body.contains(&name_a));

    // A score above the criterion's maximum is refused and nothing is locked.
    let over = app
        .post_form(
            lm,
            &format!("/reviews/{}", lm_ids[0]),
            &[("score_1", "41"), ("score_2", "30"), ("score_3", "10"), ("action", "submit")],
        )
        .await;
    assert_eq!(over.status, 400);
    // The message names the criterion and its maximum, whole in the reader's language.
    assert!(over.body.contains("”的得分须在 0 到 40 之间"), "{}", over.body);
    // Everyone submits; 张三 scores far below the others.
    for (i, (b, ids)) in sheets.iter().enumerate() {
        for a in ids {
            let scores: [&str; 3] = if i == 2 { ["10", "8", "2"] } else { ["36", "27", "9"] };
            let r = app
                .post_form(
                    b,
                    &format!("/reviews/{a}"),
                    &[
                        ("score_1", scores[0]),
                        ("score_2", scores[1]),
                        ("score_3", scores[2]),
                        ("comment", "意见"),
                        ("action", "submit"),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
    }
    // A submitted sheet is locked.
    let locked = app.post_form(lm, &format!("/reviews/{}", lm_ids[0]), &[("score_1", "1"), ("action", "save")]).await;
    assert_eq!(locked.status, 409);
    // While scoring, staff see progress, not scores.
    let progress = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert!(progress.body.contains("评分进度（9 / 9）"), "{}", progress.body);
    assert!(!progress.body.contains("90.00"));

    // The administrator adds a holiday on Monday 30 November before publication.
    let r = app
        .post_form(&admin, "/admin/calendar", &[("day", "2026-11-30"), ("kind", "holiday"), ("name", "测试假日")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(app.post_form(&staff, &format!("/admin/reviews/{id}/steps/close"), &[]).await.status, 303);
    let closed = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert!(closed.body.contains("评审结果") && closed.body.contains("偏离"), "{}", closed.body);
    let xlsx = app.get_as(&staff, &format!("/admin/reviews/{id}/export.xlsx")).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.header("content-type").contains("spreadsheetml"));
    // Publishing is an official notice: a wrong value in every field is reported at once, and
    // what was typed comes back.
    let wrong = app
        .post_form(
            &staff,
            &format!("/admin/reviews/{id}/publish"),
            &[("number", "渝经信设计〔2026〕12号"), ("phone", "打电话"), ("address", ""), ("min_score", "高分")],
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    for message in ["7 到 20 位数字", "书面异议的受理地址", "分数线须在 0 到 100 之间"] {
        assert!(wrong.body.contains(message), "{message}: {}", wrong.body);
    }
    assert!(
        wrong.body.contains("渝经信设计〔2026〕12号") && wrong.body.contains("打电话"),
        "the form keeps what was typed"
    );
    assert!(app.get(&format!("/publicity/{id}")).await.status == 404, "nothing was published");
    let published = app
        .post_form(
            &staff,
            &format!("/admin/reviews/{id}/publish"),
            &[
                ("number", "渝经信设计〔2026〕12号"),
                ("phone", "023-6389 0000"),
                ("address", "重庆市渝北区金开大道1号"),
                ("min_score", ""),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    // Three working days from Friday 27 November, skipping the weekend and Monday's holiday.
    let public = app.get(&format!("/publicity/{id}")).await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("公示期：2026-11-27 至 2026-12-02"), "{}", public.body);
    assert!(public.body.contains("智能座舱设计") && !public.body.contains("李明"));
    // The notice names its reference number and where objections go; scores stay off it
    // unless staff chose to show them.
    assert!(public.body.contains("渝经信设计〔2026〕12号") && public.body.contains("023-6389 0000"), "{}", public.body);
    assert!(public.body.contains("公示中") && !public.body.contains("90.00"), "{}", public.body);

    // Objections need a name, a contact and evidence; they are seen by staff only.
    let anon = app.browser().await;
    let path = format!("/publicity/{id}/objections");
    let missing = multipart(&app, &anon, &path, &[("evidence", "短")], &[]).await;
    assert_eq!(missing.status, 400);
    // Too long is refused with the limit, never cut short.
    let long_name = "陈".repeat(101);
    let long = multipart(
        &app,
        &anon,
        &path,
        &[("name", &long_name), ("contact", "13800138000"), ("evidence", "证据材料充分，请核查。")],
        &[],
    )
    .await;
    assert_eq!(long.status, 400);
    assert!(long.body.contains("最多 100 个字"), "{}", long.body);
    let evidence = "该项目与本单位2025年产品外观高度相似，附对比图链接。";
    // Evidence files: a PDF or an image; anything else is refused by name, with the text kept.
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let wrong = multipart(
        &app,
        &anon,
        &path,
        &[("name", "陈静"), ("contact", "13800138000"), ("evidence", evidence)],
        &[("files", "对比图.pdf", pdf), ("files", "说明.docx", b"PK\x03\x04 not a pdf")],
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("“说明.docx”不是 PDF、JPEG 或 PNG 文件"), "{}", wrong.body);
    assert!(wrong.body.contains(evidence) && wrong.body.contains("陈静"), "what was typed is kept");
    let six: Vec<(&str, &str, &[u8])> = (0..6).map(|_| ("files", "a.pdf", pdf)).collect();
    let many =
        multipart(&app, &anon, &path, &[("name", "陈静"), ("contact", "13800138000"), ("evidence", evidence)], &six)
            .await;
    assert_eq!(many.status, 400);
    assert!(many.body.contains("最多附 5 个文件"), "{}", many.body);
    let raised = multipart(
        &app,
        &anon,
        &path,
        &[("name", "陈静"), ("contact", "13800138000"), ("evidence", evidence)],
        &[("files", "对比图.pdf", pdf)],
    )
    .await;
    assert_eq!(raised.status, 303, "{}", raised.body);
    assert!(!app.get(&format!("/publicity/{id}")).await.body.contains(evidence));
    // The objector gets a receipt number and checks progress with it and their contact; a
    // wrong contact learns nothing.
    let receipt = first(r"receipt=(YY-\d+-[A-Z2-9]{6})", raised.header("location"));
    let shown = app.get_as(&anon, raised.header("location")).await;
    assert!(shown.body.contains(&receipt), "{}", shown.body);
    let check = |contact: &'static str| {
        let (app, anon, receipt) = (&app, &anon, receipt.clone());
        async move {
            app.post_form(
                anon,
                "/publicity/objection-status",
                &[("receipt", &receipt.to_lowercase()), ("contact", contact)],
            )
            .await
        }
    };
    let wrong = check("13800138001").await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("不匹配") && !wrong.body.contains("待处理"), "{}", wrong.body);
    let open_now = check("138 0013 8000").await;
    assert_eq!(open_now.status, 200, "{}", open_now.body);
    assert!(open_now.body.contains("待处理"), "{}", open_now.body);
    let case = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert!(case.body.contains(evidence) && case.body.contains("13800138000"));
    // Staff open the evidence file; nobody else can.
    let file_link = first(r#"href="(/admin/reviews/\d+/objections/\d+/files/\d+)""#, &case.body);
    assert!(case.body.contains("对比图.pdf"));
    let file = app.get_as(&staff, &file_link).await;
    assert_eq!(file.status, 200);
    assert!(file.bytes.starts_with(b"%PDF-1.4"));
    assert_ne!(app.get_as(&anon, &file_link).await.status, 200, "not for the public");
    assert_ne!(app.get_as(&sheets[0].0, &file_link).await.status, 200, "nor for an expert");
    let (objection_id, file_id) = (first(r"/objections/(\d+)/files/", &file_link), first(r"/files/(\d+)", &file_link));
    let elsewhere =
        format!("/admin/reviews/{id}/objections/{}/files/{file_id}", objection_id.parse::<i64>().unwrap() + 1);
    assert_eq!(app.get_as(&staff, &elsewhere).await.status, 404, "a file belongs to its own objection");
    let home = app.get_as(&staff, "/").await;
    assert!(home.body.contains("条异议待处理"), "an objection to decide is a to-do: {}", home.body);

    // The final list waits for the window to close and for every objection to be decided.
    let early = app.post_form(&staff, &format!("/admin/reviews/{id}/steps/finalize"), &[]).await;
    assert_eq!(early.status, 409);
    assert!(early.body.contains("公示期尚未结束"));
    app.clock.advance(chrono::Duration::days(6));
    // Sessions lapse over six days: sign in again.
    let staff = app.signed_in("hq1").await;
    let admin = app.signed_in("admin1").await;
    let open = app.post_form(&staff, &format!("/admin/reviews/{id}/steps/finalize"), &[]).await;
    assert_eq!(open.status, 409);
    assert!(open.body.contains("还有未处理的异议"));
    let oid = first(r#"/objections/(\d+)""#, &case.body);
    // A decision must be chosen: none (Enter in the field) decides nothing.
    let undecided =
        app.post_form(&staff, &format!("/admin/reviews/{id}/objections/{oid}"), &[("resolution", "回车提交")]).await;
    assert_eq!(undecided.status, 400, "{}", undecided.body);
    assert!(undecided.body.contains("请选择异议成立或不成立"));
    // Staff record the applicant's statement before deciding.
    let stated = app
        .post_form(
            &staff,
            &format!("/admin/reviews/{id}/objections/{oid}/statement"),
            &[("statement", "外观系独立设计，附设计过程文件。")],
        )
        .await;
    assert_eq!(stated.status, 303, "{}", stated.body);
    assert!(app.get_as(&staff, &format!("/admin/reviews/{id}")).await.body.contains("外观系独立设计"));
    let decided = app
        .post_form(
            &staff,
            &format!("/admin/reviews/{id}/objections/{oid}"),
            &[("decision", "reject"), ("resolution", "经核查外观差异明显，异议不成立。")],
        )
        .await;
    assert_eq!(decided.status, 303);
    let after = check("13800138000").await;
    assert!(after.body.contains("不成立") && after.body.contains("经核查外观差异明显"), "{}", after.body);
    assert_eq!(app.post_form(&staff, &format!("/admin/reviews/{id}/steps/finalize"), &[]).await.status, 303);
    assert!(app.get(&format!("/publicity/{id}")).await.body.contains("最终名单"));
    // Every step is in the audit trail (a row of it, not the filter echoing the action).
    let audit = app.get_as(&admin, "/admin/audit?action=review.deploy").await;
    assert!(audit.body.contains("title=\"review.deploy\""), "{}", audit.body);
    app.finish().await;
}

#[tokio::test]
async fn administrators_override_and_declines_are_refilled() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let [(org_a, _), _] = two_orgs(&app).await;
    app.user("hq1", "hq_staff", None, None).await;
    app.user("admin1", "admin", None, None).await;
    let staff = app.signed_in("hq1").await;
    let admin = app.signed_in("admin1").await;
    add_expert(&app, &staff, "liming", "李明", &org_a).await;
    for (u, n) in [("zhangsan", "张三"), ("lisi", "李四")] {
        add_expert(&app, &staff, u, n, "").await;
    }
    let id = campaign(&app, &staff, &org_a, "2").await;
    // Without an override, the first item has two eligible experts of three.
    let page = app.get_as(&admin, &format!("/admin/reviews/{id}")).await;
    let (item, expert) = {
        let re = Regex::new(r#"name="item" value="(\d+)"><input type="hidden" name="expert" value="(\d+)""#).unwrap();
        let c = re.captures(&page.body).unwrap();
        (c[1].to_owned(), c[2].to_owned())
    };
    let no_reason = app
        .post_form(
            &admin,
            &format!("/admin/reviews/{id}/override"),
            &[("item", &item), ("expert", &expert), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, 400);
    let ok = app
        .post_form(
            &admin,
            &format!("/admin/reviews/{id}/override"),
            &[("item", &item), ("expert", &expert), ("reason", "该专家已于上月离职，经主管部门同意")],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert!(app.get_as(&admin, &format!("/admin/reviews/{id}")).await.body.contains("已解除"));
    // An optimal assignment; then a reviewer declines and the item is refilled.
    let deployed = app.post_form(&staff, &format!("/admin/reviews/{id}/deploy"), &[("mode", "optimal")]).await;
    assert_eq!(deployed.status, 303, "{}", deployed.body);
    // Whoever got an item declines one.
    let mut found = None;
    for u in ["liming", "zhangsan", "lisi"] {
        let b = app.signed_in(u).await;
        let mine = app.get_as(&b, "/reviews").await;
        if let Some(a) = all(r#"href="/reviews/(\d+)""#, &mine.body).into_iter().next() {
            found = Some((b, a));
            break;
        }
    }
    let (zs, a) = found.expect("someone was assigned");
    let declined = app
        .post_form(&zs, &format!("/reviews/{a}/decline"), &[("reason", "与申报单位负责人为亲属"), ("conflict", "on")])
        .await;
    assert_eq!(declined.status, 303, "{}", declined.body);
    assert_eq!(app.get_as(&zs, &format!("/reviews/{a}")).await.status, 404);
    // Three experts, two per item: the declined item is refilled from who is left, if anyone
    // eligible remains; the declaration is now a conflict of 张三 with that item.
    let progress = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert!(progress.body.contains("评分进度"));
    let audit = app.get_as(&admin, "/admin/audit?action=review.decline").await;
    assert!(audit.body.contains("title=\"review.decline\""));
    let overrides = app.get_as(&admin, "/admin/audit?action=review.conflict_override").await;
    assert!(overrides.body.contains("title=\"review.conflict_override\""));
    app.finish().await;
}

#[tokio::test]
async fn experts_reach_only_their_own_sheets_over_the_api() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let [(org_a, _), _] = two_orgs(&app).await;
    app.user("hq1", "hq_staff", None, None).await;
    let staff = app.signed_in("hq1").await;
    for (u, n) in [("zhangsan", "张三"), ("lisi", "李四")] {
        add_expert(&app, &staff, u, n, "").await;
    }
    let id = campaign(&app, &staff, &org_a, "1").await;
    // The dry run over the API names every pair and why.
    let staff_token = app_token(&app, &staff, "review.manage").await;
    let plan = app.get_bearer(&staff_token, &format!("/api/v1/reviews/campaigns/{id}/plan?mode=random&seed=7")).await;
    assert_eq!(plan.status, 200, "{}", plan.body);
    let plan = plan.json();
    assert_eq!((plan["seed"].as_u64(), plan["pairs"].as_array().unwrap().len()), (Some(7), 3));
    assert_eq!(plan["pairs"][0]["shared"][0], "svc:CMF");
    let bad = app.get_bearer(&staff_token, &format!("/api/v1/reviews/campaigns/{id}/plan?mode=lottery")).await;
    assert_eq!(bad.status, 400);
    assert!(app.post_form(&staff, &format!("/admin/reviews/{id}/deploy"), &[("mode", "optimal")]).await.status == 303);
    let zs = app.signed_in("zhangsan").await;
    let ls = app.signed_in("lisi").await;
    let (zs_token, ls_token) = (app_token(&app, &zs, "review.score").await, app_token(&app, &ls, "review.score").await);
    let mine = app.get_bearer(&zs_token, "/api/v1/reviews/mine").await.json();
    let theirs = app.get_bearer(&ls_token, "/api/v1/reviews/mine").await.json();
    let mine_ids: Vec<i64> = mine["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    let their_ids: Vec<i64> = theirs["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(mine_ids.len() + their_ids.len(), 3);
    let (owner, other, sheet) =
        if let Some(s) = mine_ids.first() { (&zs_token, &ls_token, *s) } else { (&ls_token, &zs_token, their_ids[0]) };
    let got = app.get_bearer(owner, &format!("/api/v1/reviews/sheets/{sheet}")).await;
    assert_eq!(got.status, 200);
    assert!(got.json()["organization"].is_null(), "blind campaign: no applicant");
    let titles: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(theirs["items"].as_array().unwrap())
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(titles.iter().all(|t| t.starts_with('#')), "blind campaign: items by number, {titles:?}");
    assert_eq!(app.get_bearer(other, &format!("/api/v1/reviews/sheets/{sheet}")).await.status, 404);
    assert_eq!(app.get_bearer(&staff_token, "/api/v1/reviews/mine").await.status, 403);
    // Staff read no scores before closing.
    assert_eq!(app.get_bearer(&staff_token, &format!("/api/v1/reviews/campaigns/{id}/results")).await.status, 409);
    let put = |token: String, body: &'static str| {
        let app = &app;
        async move {
            let request = axum::http::Request::put(format!("/api/v1/reviews/sheets/{sheet}"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap();
            app.send(request).await
        }
    };
    let foreign = put(other.clone(), r#"{"scores":[40,30,10],"submit":true}"#).await;
    assert_eq!(foreign.status, 404);
    let incomplete = put(owner.clone(), r#"{"scores":[40,null,10],"submit":true}"#).await;
    assert_eq!(incomplete.status, 400, "{}", incomplete.body);
    let done = put(owner.clone(), r#"{"scores":[40,15,5],"comment":"良好","submit":true}"#).await;
    assert_eq!(done.status, 200, "{}", done.body);
    // 40/40×40 + 15/30×30 + 5/10×30 = 40 + 15 + 15 = 70.
    assert_eq!(done.json()["total"].as_f64(), Some(70.0));
    assert_eq!(put(owner.clone(), r#"{"scores":[1,1,1]}"#).await.status, 409);
    app.finish().await;
}

/// An API token for a signed-in browser, made on the account page.
async fn app_token(app: &TestApp, browser: &Browser, permission: &str) -> String {
    let r = app
        .post_form(browser, "/account/tokens", &[("name", "test"), ("days", "30"), ("permissions", permission)])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    first(r"(sj_[A-Za-z0-9_-]+)", &r.body)
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            sheet.write_string(i as u32, j as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Uploads a file to the campaign page's import form, at the address the form itself names
/// (multipart forms carry their CSRF token in the query).
async fn upload(app: &TestApp, browser: &Browser, id: i32, file: &[u8]) -> crate::support::Response {
    let page = app.get_as(browser, &format!("/admin/reviews/{id}")).await;
    let path = first(r#"action="(/admin/reviews/\d+/items/import\?csrf=[^"]+)""#, &page.body);
    let boundary = "----shejiboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"items.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = axum::http::Request::post(path)
        .header("cookie", format!("sheji_csrf={}; sheji_session={}", browser.csrf, browser.session.clone().unwrap()))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn items_from_excel_a_short_pool_explained_and_a_swap() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let [(org_a, name_a), (org_b, name_b)] = two_orgs(&app).await;
    app.user("hq1", "hq_staff", None, None).await;
    let staff = app.signed_in("hq1").await;
    add_expert(&app, &staff, "zhangsan", "张三", "").await;
    add_expert(&app, &staff, "liming", "李明", &org_a).await;
    let id = campaign(&app, &staff, &org_a, "2").await;
    // The template has the columns the reader expects, for staff only.
    let template = app.get_as(&staff, "/admin/reviews/items-template.xlsx").await;
    assert_eq!(template.status, 200);
    assert!(template.header("content-type").contains("spreadsheetml"));
    let expert = app.signed_in("zhangsan").await;
    assert_eq!(app.get_as(&expert, "/admin/reviews/items-template.xlsx").await.status, 403);
    // A bad row refuses the whole file and names the row; the corrected file imports.
    let bad = xlsx(&[
        &["名称", "统一社会信用代码", "专长", "团队成员"],
        &["展示柜设计", &org_b, "CMF设计（色彩、材料、表面处理）", "周一、吴二"],
        &["", "", "", "x"],
    ]);
    let refused = upload(&app, &staff, id, &bad).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("未导入任何对象") && refused.body.contains("第 2 行："), "{}", refused.body);
    // A joint application: org B leads, org A (李明's employer) is the partner.
    let joint = format!("{org_b}、{org_a}");
    let good = xlsx(&[
        &["名称", "统一社会信用代码", "专长", "团队成员"],
        &["展示柜设计", &joint, "CMF设计（色彩、材料、表面处理）", "周一、吴二"],
    ]);
    let imported = upload(&app, &staff, id, &good).await;
    assert_eq!(imported.status, 303, "{}", imported.body);
    let page = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert!(page.body.contains(&format!("{name_b}、{name_a}")) && page.body.contains("周一、吴二"));
    assert!(page.body.contains("评审对象（4）"));
    // 李明 conflicts with the item his employer leads and the one it joins.
    assert!(page.body.contains("利益冲突（回避）（2）"), "{}", page.body);
    // One eligible expert for items that need two: the dry run says which and why; deploying
    // is refused and writes nothing.
    let plan = app.post_form(&staff, &format!("/admin/reviews/{id}/plan"), &[("mode", "optimal")]).await;
    assert_eq!(plan.status, 200);
    assert!(plan.body.contains("智能座舱设计：需要 2 人，只能分配 1 人"), "{}", plan.body);
    assert!(plan.body.contains("符合条件的专家已达评审数上限"), "{}", plan.body);
    assert!(plan.body.contains("专长不符"));
    // And what to change: with one eligible expert, ask for one reviewer or add experts.
    assert!(
        plan.body.contains("可将“每项评审专家数”降为 1") && plan.body.contains("请在专家库中增补专家"),
        "{}",
        plan.body
    );
    let refused = app.post_form(&staff, &format!("/admin/reviews/{id}/deploy"), &[("mode", "optimal")]).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("个评审对象无法配足专家"), "{}", refused.body);
    // Two more experts: now it deploys, and staff can swap a reviewer for an eligible one.
    add_expert(&app, &staff, "lisi", "李四", "").await;
    add_expert(&app, &staff, "wangwu", "王五", "").await;
    add_expert(&app, &staff, "zhaoliu", "赵六", "").await;
    let deployed = app.post_form(&staff, &format!("/admin/reviews/{id}/deploy"), &[("mode", "optimal")]).await;
    assert_eq!(deployed.status, 303, "{}", deployed.body);
    let page = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    let assignment = first(r#"name="assignment"><option value="(\d+)""#, &page.body);
    let no_reason = app
        .post_form(&staff, &format!("/admin/reviews/{id}/swap"), &[("assignment", &assignment), ("reason", "")])
        .await;
    assert_eq!(no_reason.status, 400);
    let swapped = app
        .post_form(
            &staff,
            &format!("/admin/reviews/{id}/swap"),
            &[("assignment", &assignment), ("reason", "专家出差无法参加")],
        )
        .await;
    assert_eq!(swapped.status, 303, "{}", swapped.body);
    let after = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert!(after.body.contains("评分进度（0 / 8）"), "{}", after.body);
    app.finish().await;
}

#[tokio::test]
async fn an_experts_own_organization_is_a_conflict_even_untyped() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let [(org_a, name_a), _] = two_orgs(&app).await;
    app.user("hq1", "hq_staff", None, None).await;
    let staff = app.signed_in("hq1").await;
    // The administrator of org A joins the pool; staff leave the employer empty.
    let page = list_public(&app.services, &OrgFilter::default(), PageRequest::new(Some(1), Some(1))).await.unwrap();
    app.user("boss", "org_admin", None, Some(page.items[0].id.get())).await;
    let r = app
        .post_form(
            &staff,
            "/admin/experts/new",
            &[("username", "boss"), ("name", "赵总"), ("specialties", "svc:CMF"), ("max_load", "5"), ("active", "on")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id = campaign(&app, &staff, &org_a, "1").await;
    let page = app.get_as(&staff, &format!("/admin/reviews/{id}")).await;
    assert!(page.body.contains(&format!("现任职于 {name_a}")), "{}", page.body);
    // Conflicts are settled before deployment; afterwards a declaration is refused.
    add_expert(&app, &staff, "zhangsan", "张三", "").await;
    let deployed = app.post_form(&staff, &format!("/admin/reviews/{id}/deploy"), &[("mode", "optimal")]).await;
    assert_eq!(deployed.status, 303, "{}", deployed.body);
    let late = app
        .post_form(
            &staff,
            &format!("/admin/reviews/{id}/declare"),
            &[("item", "1"), ("expert", "1"), ("by", "applicant"), ("reason", "亲属")],
        )
        .await;
    assert_eq!(late.status, 409);
    app.finish().await;
}
