//! Events' demo data: a 璧山 对接会 next week taking registrations (the demo company's
//! administrator and the demo designer confirmed, a member awaiting validation) with a
//! provisional schedule of one meeting, and a city forum, so the list, the organizer's desk,
//! tickets, wishes and schedules can be seen.

use chrono::Duration;
use serde_json::json;
use sheji_core::event::{EventKind, EventStatus, RegStatus};
use sheji_store::event as store;

use crate::audit::{Actor, Change};
use crate::work::Work;
use crate::{ServiceError, Services};

/// Loads the demo events (first load only).
pub(crate) async fn load(services: &Services) -> Result<(), ServiceError> {
    let districts = sheji_store::reference::list_active_districts(services.store()).await?;
    let Some(bishan) = districts.iter().find(|d| d.name == "璧山区") else { return Ok(()) };
    let day = services.today() + Duration::days(7);
    let at = |h: u32| day.and_hms_opt(h, 0, 0).map(super::from_local);
    let (Some(nine), Some(noon), Some(two), Some(five)) = (at(9), at(12), at(14), at(17)) else { return Ok(()) };
    let tx = Work::begin(services).await?;
    let now = tx.now();
    let meeting = store::EventFields {
        kind: EventKind::Matchmaking,
        title: "璧山区智能装备供需对接会".to_owned(),
        district: Some(bishan.id),
        starts_at: nine,
        ends_at: noon,
        place: "璧山区工业设计分中心 2 楼洽谈区".to_owned(),
        link: String::new(),
        capacity: 40,
        validation: true,
        description:
            "制造企业与设计机构一对一洽谈：每场 15 分钟，报名成功后填写“必见 / 想见 / 不见”，平台据此生成洽谈日程。"
                .to_owned(),
        slots: Some(6),
        slot_minutes: Some(15),
        tables: Some(10),
    };
    let id = store::insert_event(&tx, &meeting, "bishan", now).await?;
    store::move_event(&tx, id, 1, Some(EventStatus::Open), None, now).await?;
    let mut seated = Vec::new();
    for (username, status) in
        [("orgadmin", RegStatus::Confirmed), ("designer", RegStatus::Confirmed), ("member", RegStatus::Pending)]
    {
        let Some(account) = crate::identity::account_id(services, username).await? else { continue };
        let name = crate::identity::display_name(services, account).await?.unwrap_or_else(|| username.to_owned());
        let reg = store::NewRegistration {
            event: id,
            account,
            organization: None,
            name,
            status,
            ticket: crate::crypto::random_token(12).map_err(ServiceError::internal)?,
            note: String::new(),
            away: Vec::new(),
        };
        let reg_id = store::insert_registration(&tx, &reg, now).await?;
        if status == RegStatus::Confirmed {
            seated.push(reg_id);
        }
    }
    // The company would like to meet the designer: the provisional schedule places them in
    // the first slot at the first table.
    if let [company, designer] = seated[..] {
        store::set_wishes(&tx, id, company, &[(designer, Some(sheji_core::event::schedule::Wish::Want))]).await?;
        store::replace_meetings(&tx, id, &[(0, 0, company, designer, 0, 1)]).await?;
        store::move_event(&tx, id, 2, None, Some(sheji_core::event::ScheduleStatus::Provisional), now).await?;
    }
    let forum = store::EventFields {
        kind: EventKind::Forum,
        title: "工业设计赋能制造业高质量发展论坛".to_owned(),
        district: None,
        starts_at: two,
        ends_at: five,
        place: "重庆市工业设计促进中心报告厅".to_owned(),
        link: "https://live.example.cn/sheji-forum".to_owned(),
        capacity: 200,
        validation: false,
        description: "解读行动计划，发布年度优秀设计成果，设计机构与制造企业代表分享经验。".to_owned(),
        slots: None,
        slot_minutes: None,
        tables: None,
    };
    let forum_id = store::insert_event(&tx, &forum, "hqstaff", now).await?;
    store::move_event(&tx, forum_id, 1, Some(EventStatus::Open), None, now).await?;
    let change = Change {
        action: "demo.event",
        target_type: "event",
        target_id: id.to_string(),
        before: json!(null),
        after: json!({"events": [id, forum_id]}),
    };
    tx.commit(&Actor::system(), change).await?;
    Ok(())
}
