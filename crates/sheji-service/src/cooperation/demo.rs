//! Cooperation's demo data: the demo company's deal with the demo designer (opened by the
//! matchmaking demo's accepted interest) quoted and signed, its first milestone accepted and
//! the second delivered, so the deal page, the to-dos and the district tally can be seen.

use serde_json::json;
use sheji_core::cooperation::{DealStatus, MilestoneDraft};
use sheji_core::matchmaking::Mode;
use sheji_core::page::PageRequest;
use sheji_store::cooperation as store;

use crate::audit::{Actor, Change};
use crate::work::Work;
use crate::{ServiceError, Services};

/// Moves the demo lead on to a contract under way (first load only).
pub(crate) async fn load(services: &Services) -> Result<(), ServiceError> {
    let leads = store::list_deals(
        services.store(),
        &store::DealFilter { status: Some(DealStatus::Lead), ..Default::default() },
        PageRequest::new(Some(1), Some(1)),
    )
    .await?;
    let Some(d) = leads.items.into_iter().next() else { return Ok(()) };
    let today = services.today();
    let day = |n: i64| Some(today + chrono::Duration::days(n));
    let tx = Work::begin(services).await?;
    let now = tx.now();
    let quoted_on = today - chrono::Duration::days(20);
    let quote = store::DealChange {
        quote: Some((
            Mode::Fee,
            Some(12.0),
            "锂电电钻系列握持与外观改良：用户访谈 8 人次、草图方案三套、选定方案三维模型与效果图；设计费 12 万元，分三期支付。"
                .to_owned(),
            quoted_on,
        )),
        ..Default::default()
    };
    store::move_deal(&tx, d.id, d.version, DealStatus::Quoted, &quote, now).await?;
    let milestones = [
        MilestoneDraft { title: "用户访谈与草图方案".to_owned(), due_on: day(-10), amount: Some(3.0) },
        MilestoneDraft { title: "选定方案三维模型".to_owned(), due_on: day(5), amount: Some(5.0) },
        MilestoneDraft { title: "效果图与 CMF 说明".to_owned(), due_on: day(25), amount: Some(4.0) },
    ];
    store::replace_milestones(&tx, d.id, &milestones).await?;
    let signed = store::DealChange { signed_on: Some(quoted_on + chrono::Duration::days(2)), ..Default::default() };
    store::move_deal(&tx, d.id, d.version + 1, DealStatus::Contracted, &signed, now).await?;
    let rows = store::milestones(&tx, d.id).await?;
    if let (Some(first), Some(second)) = (rows.first(), rows.get(1)) {
        let delivered = today - chrono::Duration::days(12);
        let note = "访谈纪要与三套草图已上传至共享盘“电钻改良/01”。".to_owned();
        store::move_milestone(&tx, first, &store::MilestoneMove::Deliver(delivered, note)).await?;
        let first =
            store::get_milestone(&tx, first.id).await?.ok_or(ServiceError::NotFound { key: "cooperation.no_deal" })?;
        store::move_milestone(&tx, &first, &store::MilestoneMove::Accept(delivered + chrono::Duration::days(3), false))
            .await?;
        let note = "方案 B 三维模型（STEP）已上传。".to_owned();
        store::move_milestone(&tx, second, &store::MilestoneMove::Deliver(today - chrono::Duration::days(1), note))
            .await?;
    }
    for (step, note, by) in [
        ("quote", "设计费 12 万元，分三期", "designer"),
        ("sign", "", "orgadmin"),
        ("deliver", "访谈纪要与三套草图", "designer"),
        ("accept", "", "orgadmin"),
        ("deliver", "方案 B 三维模型", "designer"),
    ] {
        let s = store::Step {
            step: step.to_owned(),
            milestone: None,
            note: note.to_owned(),
            actor: by.to_owned(),
            at: now,
        };
        store::insert_step(&tx, d.id, &s).await?;
    }
    let change = Change {
        action: "demo.cooperation",
        target_type: "deal",
        target_id: d.id.to_string(),
        before: json!(null),
        after: json!({"status": DealStatus::Contracted.code()}),
    };
    tx.commit(&Actor::system(), change).await?;
    Ok(())
}
