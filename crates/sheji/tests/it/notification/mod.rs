//! To-dos and messages: each person sees what waits for them, hears of steps taken on their
//! applications in their own language, opens only their own messages, and is reminded of an
//! expiring recognition once.

mod delivery;

use chrono::Duration;
use sheji_core::page::PageRequest;
use sheji_core::registry::LibraryStatus;
use sheji_service::Backend;
use sheji_service::registry::{OrgFilter, list_public};

use crate::recognition::{apply, open_batch, step, submit};
use crate::support::{TestApp, backend_tests};

backend_tests!(steps_on_an_application_reach_the_right_people);

async fn steps_on_an_application_reach_the_right_people(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let member = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(1))).await.unwrap().items;
    let jiangjin = app.district("江津区").await;
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("jj1", "branch_staff", Some(jiangjin.get()), None).await;
    app.user("orga", "org_admin", None, Some(member[0].id.get())).await;
    let (city, branch, other, org) = (
        app.signed_in("city1").await,
        app.signed_in("bs1").await,
        app.signed_in("jj1").await,
        app.signed_in("orga").await,
    );
    let batch = open_batch(&app, &city, "district_center", "区县级中心（通知）", "", "", &[]).await;
    let id = apply(&app, &org, &batch).await;
    // The applicant's draft is a to-do with the batch's closing date.
    let home = app.get_as(&org, "/").await;
    assert!(
        home.body.contains("“区县级中心（通知）”的申报尚未提交") && home.body.contains("截止 2026-12-31"),
        "{}",
        home.body
    );
    assert_eq!(submit(&app, &org, &id).await.status, 303);
    // Bishan's officer has it to do; Jiangjin's does not.
    let home = app.get_as(&branch, "/").await;
    assert!(home.body.contains("1 份认定申报等待本区县审核推荐"), "{}", home.body);
    assert!(!app.get_as(&other, "/").await.body.contains("等待本区县审核推荐"));
    // A return with its reason reaches the applicant's administrator, in their language.
    assert_eq!(step(&app, &branch, &id, "return", "请补充设计团队名单").await.status, 303);
    let inbox = app.get_as(&org, "/messages").await;
    assert!(inbox.body.contains("已退回修改：请补充设计团队名单"), "{}", inbox.body);
    let en = app.get_as(&org, "/messages?lang=en").await;
    assert!(en.body.contains("was returned for correction: 请补充设计团队名单"), "{}", en.body);
    let home = app.get_as(&org, "/").await;
    assert!(home.body.contains("认定申报已退回"), "the return is a to-do too");
    let message = crate::support::first(r#"href="/messages/(\d+)""#, &inbox.body);
    // Another person cannot open it, nor mark it read.
    assert_eq!(app.get_as(&branch, &format!("/messages/{message}")).await.status, 404);
    let opened = app.get_as(&org, &format!("/messages/{message}")).await;
    assert_eq!(opened.status, 303);
    assert_eq!(opened.header("location"), format!("/recognition/applications/{id}"));
    assert!(app.get_as(&org, "/messages?unread=1").await.body.contains("没有未读消息"));
    app.finish().await;
}

/// A recognition expiring in 30 days is announced to its holder and its district once, by the
/// daily job, however often the job runs.
#[tokio::test]
async fn an_expiring_recognition_is_announced_once() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let member = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(1))).await.unwrap().items;
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("orga", "org_admin", None, Some(member[0].id.get())).await;
    let (city, branch, org) = (app.signed_in("city1").await, app.signed_in("bs1").await, app.signed_in("orga").await);
    let batch = open_batch(&app, &city, "district_center", "区县级中心（到期）", "", "", &[]).await;
    let id = apply(&app, &org, &batch).await;
    assert_eq!(submit(&app, &org, &id).await.status, 303);
    assert_eq!(step(&app, &branch, &id, "recommend", "").await.status, 303);
    assert_eq!(step(&app, &city, &id, "pass", "").await.status, 303);
    let concluded = app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await;
    assert_eq!(concluded.status, 303, "{}", concluded.body);
    assert!(app.get_as(&org, "/messages").await.body.contains("已获认定"), "the holder hears of it");
    // Three years on, less 30 days: the daily job reminds the holder and the district.
    let valid_until: chrono::NaiveDate = {
        let r = sheji_service::recognition::recognitions(
            &app.services,
            &sheji_service::recognition::RecognitionFilter::default(),
            PageRequest::new(Some(1), Some(10)),
        )
        .await
        .unwrap();
        r.items.iter().find(|c| c.organization == member[0].name).unwrap().recognition.valid_until
    };
    let today = sheji_core::clock::Clock::now(app.clock.as_ref()).date_naive();
    // 90 days before: the first reminder, and the city hears that re-reviews fall due.
    app.clock.advance(Duration::days((valid_until - today).num_days() - 90));
    assert!(sheji_service::recognition::remind_expiring(&app.services).await.unwrap() >= 2);
    assert_eq!(sheji_service::recognition::remind_expiring(&app.services).await.unwrap(), 0, "once");
    assert!(sheji_service::recognition::remind_re_reviews(&app.services).await.unwrap() >= 1, "the city is told");
    assert_eq!(sheji_service::recognition::remind_re_reviews(&app.services).await.unwrap(), 0, "once a month");
    let city = app.signed_in("city1").await;
    let inbox = app.get_as(&city, "/messages").await;
    assert!(inbox.body.contains("区县级工业设计中心认定将在 90 天内到期，尚无复核批次"), "{}", inbox.body);
    let org = app.signed_in("orga").await;
    let home = app.get_as(&org, "/").await;
    let unread = crate::support::first(r#"title="(\d+) 条未读消息""#, &home.body);
    assert!(unread.parse::<u32>().unwrap() >= 1, "the header counts unread messages");
    assert!(app.get_as(&org, "/messages").await.body.contains("还有 90 天"));
    // Everything read at once: the header's count goes, at once.
    let read = app.post_form(&org, "/messages/read", &[]).await;
    assert_eq!(read.status, 303);
    let home = app.get_as(&org, "/").await;
    assert!(home.body.contains(r#"title="0 条未读消息""#), "{}", home.body);
    assert!(app.get_as(&org, "/messages?unread=1").await.body.contains("没有未读消息"));
    // 30 days before: the second reminder, once.
    app.clock.advance(Duration::days(60));
    assert!(sheji_service::recognition::remind_expiring(&app.services).await.unwrap() >= 2);
    assert_eq!(sheji_service::recognition::remind_expiring(&app.services).await.unwrap(), 0, "once");
    // Years later: sign in again.
    for who in ["orga", "bs1"] {
        let who = app.signed_in(who).await;
        let inbox = app.get_as(&who, "/messages").await;
        assert!(
            inbox.body.contains("还有 30 天"),
            "{}",
            inbox.body.split("message-list").nth(1).unwrap_or(&inbox.body)
        );
    }
    app.finish().await;
}
