//! A 对接会 through its pages: the organizer's form refusing every wrong value at once, validated
//! registrations filling the seats and then the waitlist (a withdrawal seats the first in
//! line), QR tickets checked in once, wishes with a veto the schedule honours, a change
//! request, the final schedule, an outcome recorded after the slot began, and the finish
//! marking who never came.

use chrono::Duration as Span;
use sheji_service::Backend;

use crate::support::{Browser, TestApp, backend_tests, first};

backend_tests!(a_matchmaking_meeting_from_registration_to_outcomes, two_people_racing_for_the_last_seat);

const PEOPLE: [&str; 5] = ["alpha", "bravo", "charlie", "delta", "echo"];

async fn a_matchmaking_meeting_from_registration_to_outcomes(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    app.user("hq_ev", "hq_staff", None, None).await;
    let hq = app.signed_in("hq_ev").await;
    let day = (app.services.today() + chrono::Duration::days(1)).to_string();
    let at = |h: &str| format!("{day}T{h}");

    // Every wrong value named at once, and what was typed kept.
    let wrong = app
        .post_form(
            &hq,
            "/events/new",
            &[
                ("kind", "matchmaking"),
                ("title", "智能家居供需对接会"),
                ("starts_at", &at("12:00")),
                ("ends_at", &at("09:00")),
                ("link", "ftp://meet"),
                ("capacity", "三"),
                ("slots", "0"),
                ("slot_minutes", "20"),
                ("tables", "1"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    for problem in ["结束时间须晚于开始时间", "线上链接须以", "名额请填写 1 到 5000", "对接会时段数请填写"]
    {
        assert!(wrong.body.contains(problem), "{problem} missing");
    }
    assert!(wrong.body.contains("value=\"智能家居供需对接会\"") && wrong.body.contains("value=\"三\""));

    let created = app
        .post_form(
            &hq,
            "/events/new",
            &[
                ("kind", "matchmaking"),
                ("title", "智能家居供需对接会"),
                ("starts_at", &at("09:00")),
                ("ends_at", &at("12:00")),
                ("place", "重庆工业设计促进中心 3 楼"),
                ("capacity", "3"),
                ("validation", "on"),
                ("slots", "3"),
                ("slot_minutes", "20"),
                ("tables", "1"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id: i32 = first(r"/events/(\d+)", created.header("location")).parse().unwrap();
    let path = format!("/events/{id}");
    assert_eq!(app.get(&path).await.status, 404, "a draft is the organizer's alone");
    assert_eq!(app.post_form(&hq, &format!("{path}/act"), &[("action", "open")]).await.status, 303);
    assert!(app.get(&path).await.body.contains("登录后即可报名"));

    // Five register (one twice, which is refused); the organizer accepts four — three seats,
    // then the waitlist — and refuses one with a reason.
    // Alpha speaks for a manufacturer (so a held meeting with a designer can become a deal).
    let maker = sheji_service::registry::list_public(
        &app.services,
        &sheji_service::registry::OrgFilter {
            kind: Some(sheji_core::registry::OrgKind::Manufacturer),
            ..Default::default()
        },
        sheji_core::page::PageRequest::new(Some(1), Some(1)),
    )
    .await
    .unwrap()
    .items[0]
        .id
        .get();
    let mut people: Vec<Browser> = Vec::new();
    for name in PEOPLE {
        if name == "alpha" {
            app.user(name, "org_admin", None, Some(maker)).await;
        } else {
            app.user(name, "designer", None, None).await;
        }
        let b = app.signed_in(name).await;
        let r = app.post_form(&b, &format!("{path}/register"), &[("note", "希望对接智能门锁")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        people.push(b);
    }
    assert_eq!(app.post_form(&people[0], &format!("{path}/register"), &[]).await.status, 409);
    assert!(app.get_as(&hq, "/").await.body.contains("有 5 份报名待审核"));
    let desk = app.get_as(&hq, &format!("{path}?status=pending")).await;
    let regs = crate::support::all(r#"action="/events/registrations/(\d+)""#, &desk.body);
    assert_eq!(regs.len(), 5, "{}", desk.body);
    let decide = |reg: &str, decision: &str, reason: &str| {
        let fields = [("event", id.to_string()), ("decision", decision.to_owned()), ("reason", reason.to_owned())];
        let path = format!("/events/registrations/{reg}");
        let (app, hq) = (&app, &hq);
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(hq, &path, &borrowed).await
        }
    };
    for reg in &regs[..4] {
        assert_eq!(decide(reg, "accept", "").await.status, 303);
    }
    assert_eq!(decide(&regs[4], "refuse", "").await.status, 400, "a refusal says why");
    assert_eq!(decide(&regs[4], "refuse", "名额优先本地企业").await.status, 303);
    assert!(app.get_as(&people[3], &path).await.body.contains("候补中"));
    assert!(app.get_as(&people[4], "/messages").await.body.contains("名额优先本地企业"));

    // Bravo withdraws: delta, first in line, is seated and told.
    assert_eq!(app.post_form(&people[1], &format!("{path}/withdraw"), &[]).await.status, 303);
    assert!(app.get_as(&people[3], &path).await.body.contains("报名成功"));
    assert!(app.get_as(&people[3], "/messages").await.body.contains("候补已转为报名成功"));

    // The morning job reminds the three confirmed of tomorrow's meeting, once.
    assert_eq!(sheji_service::event::remind(&app.services).await.unwrap(), 3);
    assert_eq!(sheji_service::event::remind(&app.services).await.unwrap(), 0, "once only");
    assert!(app.get_as(&people[0], "/messages").await.body.contains("请携带入场凭证"));

    // Alpha's ticket: a QR code of the check-in address; anyone opening it is told to show it;
    // the organizer checks it in once.
    let ticket = app.get_as(&people[0], &format!("{path}/ticket")).await;
    assert!(ticket.body.contains("data:image/svg+xml;base64,"), "{}", ticket.body);
    let code = first(r"<code>([A-Za-z0-9_-]+)</code>", &ticket.body);
    assert_eq!(app.get_as(&people[4], &format!("{path}/ticket")).await.status, 404, "no ticket without a seat");
    let landing = format!("/events/checkin/{code}");
    assert!(app.get(&landing).await.body.contains("请向现场工作人员出示"));
    assert_eq!(app.post_form(&people[2], &landing, &[]).await.status, 403, "a participant cannot check others in");
    assert_eq!(app.post_form(&hq, &landing, &[]).await.status, 303);
    let again = app.post_form(&hq, "/events/checkin", &[("event", &id.to_string()), ("code", &code)]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("已经签到过了"));

    // Wishes: alpha must meet charlie, who vetoes alpha; alpha would like delta, delta charlie.
    let reg_of = |b: &Browser| {
        let (app, b) = (&app, b.clone());
        async move {
            let page = app.get_as(&b, &format!("/events/{id}/wishes")).await;
            crate::support::all(r#"name="ids" value="(\d+)""#, &page.body)
        }
    };
    let others_of_alpha = reg_of(&people[0]).await;
    assert_eq!(others_of_alpha.len(), 2, "charlie and delta");
    let wish = |b: usize, pairs: Vec<(String, &'static str)>| {
        let mut fields: Vec<(String, String)> = vec![("page".into(), "1".into())];
        for (reg, w) in pairs {
            fields.push(("ids".into(), reg.clone()));
            fields.push((format!("w{reg}"), w.to_owned()));
        }
        let (app, who) = (&app, people[b].clone());
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post_form(&who, &format!("/events/{id}/wishes"), &borrowed).await
        }
    };
    let (charlie, delta) = (regs[2].clone(), regs[3].clone());
    let alpha = regs[0].clone();
    assert_eq!(wish(0, vec![(charlie.clone(), "must"), (delta.clone(), "want")]).await.status, 303);
    assert_eq!(wish(2, vec![(alpha.clone(), "veto")]).await.status, 303);
    assert_eq!(wish(3, vec![(charlie.clone(), "want")]).await.status, 303);
    let built = app.post_form(&hq, &format!("{path}/build"), &[]).await;
    assert_eq!(built.status, 303, "{}", built.body);
    let after = app.get_as(&hq, built.header("location")).await;
    assert!(after.body.contains("日程已生成：2 场洽谈"), "{}", after.body);
    let mine = app.get_as(&people[0], &format!("{path}/schedule")).await;
    assert!(mine.body.contains("delta") && !mine.body.contains("charlie"), "the veto holds: {}", mine.body);

    // A change request while provisional; then final, and wishes are closed.
    assert_eq!(app.post_form(&people[0], &format!("{path}/schedule"), &[("change", "")]).await.status, 400);
    assert_eq!(
        app.post_form(&people[0], &format!("{path}/schedule"), &[("change", "第 1 时段无法参加")]).await.status,
        303
    );
    assert!(app.get_as(&hq, &path).await.body.contains("第 1 时段无法参加"));
    assert_eq!(app.post_form(&hq, &format!("{path}/finalize"), &[]).await.status, 303);
    assert_eq!(wish(0, vec![(delta.clone(), "must")]).await.status, 409);

    // After the slots began, alpha records the outcome.
    app.clock.advance(Span::days(1) + Span::hours(2));
    let alpha_b = app.signed_in("alpha").await;
    let mine = app.get_as(&alpha_b, &format!("{path}/schedule")).await;
    let meeting = first(r#"action="/events/meetings/(\d+)""#, &mine.body);
    let held = app
        .post_form(&alpha_b, &format!("/events/meetings/{meeting}"), &[("outcome", "held"), ("note", "约定下周看样")])
        .await;
    assert_eq!(held.status, 303, "{}", held.body);
    assert!(app.get_as(&alpha_b, &format!("{path}/schedule")).await.body.contains("约定下周看样"));
    // The held meeting opens a deal (the manufacturer demands, the designer provides), once.
    let open = format!("/events/meetings/{meeting}/deal");
    let opened = app.post_form(&alpha_b, &open, &[]).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let deal = app.get_as(&alpha_b, opened.header("location")).await;
    assert!(deal.body.contains("来自对接会") && deal.body.contains("智能家居供需对接会"), "{}", deal.body);
    assert_eq!(app.post_form(&alpha_b, &open, &[]).await.status, 409);

    // Finished: charlie and delta, confirmed but never checked in, are absent.
    let hq = app.signed_in("hq_ev").await;
    assert!(app.get_as(&hq, "/deals").await.body.contains("各对接会促成的合作"));
    assert_eq!(app.post_form(&hq, &format!("{path}/act"), &[("action", "finish")]).await.status, 303);
    let desk = app.get_as(&hq, &format!("{path}?status=confirmed")).await;
    assert_eq!(desk.body.matches(">缺席<").count() + desk.body.matches("· 缺席").count(), 2, "{}", desk.body);
    app.finish().await;
}

/// Two people registering at once for the last seat of an event without validation: one is
/// seated, the other waitlisted — never two seated.
async fn two_people_racing_for_the_last_seat(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    app.user("hq_race", "hq_staff", None, None).await;
    let hq = app.signed_in("hq_race").await;
    let day = (app.services.today() + chrono::Duration::days(3)).to_string();
    let created = app
        .post_form(
            &hq,
            "/events/new",
            &[
                ("kind", "forum"),
                ("title", "工业设计赋能制造论坛"),
                ("starts_at", &format!("{day}T14:00")),
                ("ends_at", &format!("{day}T17:00")),
                ("link", "https://meeting.example.cn/123"),
                ("capacity", "1"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let path = first(r"(/events/\d+)", created.header("location"));
    assert_eq!(app.post_form(&hq, &format!("{path}/act"), &[("action", "open")]).await.status, 303);
    let mut requests = Vec::new();
    for name in ["racer1", "racer2"] {
        app.user(name, "designer", None, None).await;
        let b = app.signed_in(name).await;
        requests.push(app.form_request(&b, &format!("{path}/register"), &[]));
    }
    let answers = app.race(requests).await;
    assert!(answers.iter().all(|(s, _)| s.as_u16() == 303), "{answers:?}");
    let desk = app.get_as(&hq, &path).await;
    assert!(desk.body.contains("报名成功 1") && desk.body.contains("候补中 1"), "{}", desk.body);

    // A second seat (the edit form keeps every field): the waitlisted racer is seated; fewer
    // seats than are taken is refused.
    let edit = app.get_as(&hq, &format!("{path}/edit")).await;
    assert!(edit.body.contains("value=\"工业设计赋能制造论坛\""), "{}", edit.body);
    let fields = |capacity: &'static str| {
        vec![
            ("kind", "forum".to_owned()),
            ("title", "工业设计赋能制造论坛".to_owned()),
            ("starts_at", format!("{day}T14:00")),
            ("ends_at", format!("{day}T17:00")),
            ("link", "https://meeting.example.cn/123".to_owned()),
            ("capacity", capacity.to_owned()),
        ]
    };
    let save = |capacity: &'static str| {
        let f = fields(capacity);
        let (app, hq, path) = (&app, &hq, format!("{path}/edit"));
        async move {
            let borrowed: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(hq, &path, &borrowed).await
        }
    };
    assert_eq!(save("2").await.status, 303);
    assert!(app.get_as(&hq, &path).await.body.contains("报名成功 2"));
    let fewer = save("1").await;
    assert_eq!(fewer.status, 400);
    assert!(fewer.body.contains("已有 2 人报名成功"), "{}", fewer.body);
    app.finish().await;
}
