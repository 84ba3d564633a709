//! The review engine's demo data: six experts in the pool, a rubric and a campaign in
//! preparation over eight library members, so a visitor can run a dry run and deploy it.

use crate::registry::OrgFilter;
use serde_json::json;
use sheji_core::identity::Role;
use sheji_core::ids::{AccountId, OrganizationId, RubricId};
use sheji_core::page::PageRequest;
use sheji_core::review::score::{Rubric, Threshold};
use sheji_store::review::{self as store, CampaignFields, ExpertFields, ItemFields};

use crate::audit::{Actor, Change};
use crate::demo::DEMO_PASSWORD;
use crate::identity::AffiliationInput;
use crate::work::Work;
use crate::{ServiceError, Services};

/// The review engine's demo: the demo expert and five more experts, a rubric, and a campaign
/// in preparation over eight organizations of the library; the rubric, for the recognition
/// demo's batch.
pub(crate) async fn load(services: &Services) -> Result<(RubricId, Vec<(String, Role, String)>), ServiceError> {
    let more = [
        ("expert2", "评审专家 钱教授", "正高级工程师"),
        ("expert3", "评审专家 孙高工", "高级工程师"),
        ("expert4", "评审专家 李设计师", "高级工程师"),
        ("expert5", "评审专家 周研究员", "正高级工程师"),
        ("expert6", "评审专家 郑工", "工程师"),
    ];
    let expert_role = AffiliationInput {
        role: Role::Expert.code().to_owned(),
        district_id: String::new(),
        organization_id: String::new(),
        until: String::new(),
    };
    let mut added = Vec::new();
    for (username, display, _) in more {
        match crate::identity::shell::create(services, username, display, &expert_role).await {
            Ok(_) => {
                crate::identity::shell::set_password(services, username, DEMO_PASSWORD).await?;
                added.push((username.to_owned(), Role::Expert, "专家库".to_owned()));
            }
            Err(ServiceError::Fields(f)) if f.iter().any(|e| e.key == "account.username_taken") => {}
            Err(e) => return Err(e),
        }
    }
    let mut experts = Vec::new();
    for (username, display, title) in [("expert", "评审专家 赵教授", "正高级工程师")].into_iter().chain(more)
    {
        if let Some(id) = crate::identity::account_id(services, username).await? {
            experts.push((id, display.trim_start_matches("评审专家 "), title));
        }
    }
    let library = OrgFilter { library: Some(sheji_core::registry::LibraryStatus::InLibrary), ..Default::default() };
    let orgs: Vec<(OrganizationId, String)> =
        crate::registry::list_public(services, &library, PageRequest::new(Some(1), Some(20)))
            .await?
            .items
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
    let rubric = campaign(services, &experts, &orgs).await?;
    on_notice(services, rubric, &experts, &orgs).await?;
    Ok((rubric, added))
}

/// A second campaign walked by the demo's own accounts through the real use cases to its 公示:
/// assigned, every sheet scored, closed, published as an official notice, and one objection
/// raised, so a newcomer sees a notice inside its window with an objection to decide.
async fn on_notice(
    services: &Services,
    rubric: RubricId,
    experts: &[(AccountId, &str, &str)],
    orgs: &[(OrganizationId, String)],
) -> Result<(), ServiceError> {
    let ip = "demo";
    let principal = |username: &'static str| async move {
        let id = crate::identity::account_id(services, username).await?;
        match id {
            Some(id) => crate::identity::principal_of(services, id).await,
            None => Ok(None),
        }
    };
    let Some(hq) = principal("hqstaff").await? else { return Ok(()) };
    let today = services.today();
    let fields = CampaignFields {
        name: "2026年度工业设计优秀成果评价（演示）".to_owned(),
        rubric,
        reviewers_per_item: 3,
        blind: false,
        aggregation: sheji_core::review::score::Aggregation::TrimmedMean,
        thresholds: vec![
            Threshold { grade: "优秀".to_owned(), min: 80.0 },
            Threshold { grade: "合格".to_owned(), min: 60.0 },
        ],
        period_start: today,
        deadline: today + chrono::Duration::days(7),
        conflict_years: sheji_core::review::conflict::DEFAULT_WINDOW_YEARS,
        forbid_repeat: false,
        require_match: false,
        min_load: 0,
        max_load: 6,
        publicity_days: 5,
        outlier_pct: sheji_core::review::score::DEFAULT_OUTLIER_PCT,
    };
    let id = super::create_campaign(services, &hq, &fields, ip).await?;
    let items: Vec<ItemFields> = orgs
        .iter()
        .skip(14)
        .take(5)
        .map(|(org, name)| ItemFields {
            title: format!("{name} 智能产品外观设计"),
            subject: None,
            organizations: vec![*org],
            specialties: ["svc:PROD".to_owned(), "svc:FORM".to_owned()].into(),
            team: Vec::new(),
        })
        .collect();
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::insert_items(&tx, id, &items, now).await?;
    let change = Change {
        action: "demo.review_items",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"items": items.len()}),
    };
    tx.commit(&Actor::system(), change).await?;
    super::assign::deploy(services, &hq, id, super::assign::Mode::Optimal, None, ip).await?;
    // Each expert scores what they drew: totals that differ by item, one expert a little apart.
    for (n, (account, _, _)) in experts.iter().enumerate() {
        let Some(expert) = crate::identity::principal_of(services, *account).await? else { continue };
        let mine = super::sheet::my_reviews(services, &expert, PageRequest::new(Some(1), Some(50))).await?;
        for r in mine.items.iter().filter(|r| r.assignment.campaign == id) {
            let lift = f64::from(u32::try_from((r.assignment.item.get() + n as i32) % 6).unwrap_or(0));
            let input = super::sheet::SheetInput {
                scores: vec![Some(20.0 + lift), Some(19.0 + lift), Some(14.0 + lift / 2.0), Some(15.0)],
                comments: vec![String::new(); 4],
                comment: "设计完成度较高，建议加强用户研究。".to_owned(),
                submit: true,
            };
            super::sheet::save(services, &expert, r.assignment.id, &input, ip).await?;
        }
    }
    super::sheet::close(services, &hq, id, ip).await?;
    let notice = sheji_core::review::notice::PublicityNotice {
        number: "渝设促〔2026〕8号".to_owned(),
        phone: "023-6388 0000".to_owned(),
        address: "重庆市两江新区金开大道1号 重庆工业设计促进中心".to_owned(),
        show_scores: false,
        min_score: Some(60.0),
    };
    super::publicity::publish(services, &hq, id, &notice, ip).await?;
    // An objection, if the window is already open (a demo loaded on a weekend opens it Monday).
    let c = super::load_campaign(services, id).await?;
    if super::publicity::window_open(&c, today) {
        super::publicity::object(
            services,
            id,
            None,
            "陈静",
            "13800138000",
            "名单中一项成果与本单位2025年上市产品外观高度相似，附对比图，请核查。",
            &[],
            ip,
        )
        .await?;
    }
    Ok(())
}

/// Demo data for the review engine: the demo expert and five more in the pool, a rubric and a
/// campaign in preparation with eight library members as items, so a visitor can run a dry run
/// and deploy it. Written once, by the first demo load (the system acts; audited).
async fn campaign(
    services: &Services,
    experts: &[(AccountId, &str, &str)],
    orgs: &[(OrganizationId, String)],
) -> Result<RubricId, ServiceError> {
    let now = services.now();
    let today = services.today();
    let codes = ["svc:PROD", "svc:FORM", "svc:RES", "svc:PLAN"];
    // Experts speak both halves of the vocabulary items use: service categories and the
    // 33618 clusters (a recognition item carries its applicant's clusters), two of each.
    let clusters: Vec<String> =
        super::specialties(services).await?.into_iter().map(|s| s.code).filter(|c| c.starts_with("cluster:")).collect();
    let tx = Work::begin(services).await?;
    for (i, (account, name, title)) in experts.iter().enumerate() {
        if store::expert_of_account(&tx, *account).await?.is_some() {
            continue;
        }
        let fields = ExpertFields {
            name: (*name).to_owned(),
            title: Some((*title).to_owned()),
            organization: orgs.get(i + 8).map(|(id, _)| *id),
            district: None,
            bio: String::new(),
            max_load: 6,
            active: true,
            specialties: codes
                .iter()
                .skip(i % 3)
                .take(2)
                .map(|c| (*c).to_owned())
                .chain(clusters.iter().cycle().skip(2 * i).take(2.min(clusters.len())).cloned())
                .collect(),
            availability: Vec::new(),
        };
        store::insert_expert(&tx, *account, &fields, now).await?;
    }
    let c = |name: &str, max: f64, weight: f64, levels: &[&str]| sheji_core::review::score::Criterion {
        name: name.to_owned(),
        max_score: max,
        weight,
        levels: levels.iter().map(|l| (*l).to_owned()).collect(),
    };
    let rubric = Rubric {
        criteria: vec![
            c(
                "设计创新能力",
                30.0,
                30.0,
                &["优（25–30）：有自主设计体系和标志性成果", "良（18–24）：有稳定的设计团队和成果"],
            ),
            c("设计成果转化", 30.0, 30.0, &["优（25–30）：设计驱动新产品销售占比高"]),
            c("设计团队与投入", 20.0, 20.0, &[]),
            c("管理与服务", 20.0, 20.0, &[]),
        ],
    };
    let saved = store::insert_rubric(&tx, "市级工业设计中心认定评审", &rubric, "system", now).await?;
    let fields = CampaignFields {
        name: "2026年度市级工业设计中心认定专家评审（演示）".to_owned(),
        rubric: saved.id,
        reviewers_per_item: 3,
        blind: true,
        aggregation: sheji_core::review::score::Aggregation::TrimmedMean,
        thresholds: vec![
            Threshold { grade: "推荐认定".to_owned(), min: 80.0 },
            Threshold { grade: "合格".to_owned(), min: 60.0 },
        ],
        period_start: today,
        deadline: today + chrono::Duration::days(14),
        conflict_years: sheji_core::review::conflict::DEFAULT_WINDOW_YEARS,
        forbid_repeat: true,
        require_match: true,
        min_load: 2,
        max_load: 6,
        publicity_days: 5,
        outlier_pct: sheji_core::review::score::DEFAULT_OUTLIER_PCT,
    };
    let id = store::insert_campaign(&tx, &fields, "system", now).await?;
    let items: Vec<ItemFields> = orgs
        .iter()
        .take(8)
        .enumerate()
        .map(|(i, (org, name))| ItemFields {
            title: format!("{name} 工业设计中心"),
            subject: Some(format!("demo-application-{}", org.get())),
            organizations: vec![*org],
            specialties: codes.iter().skip(i % 4).take(2).map(|c| (*c).to_owned()).collect(),
            team: Vec::new(),
        })
        .collect();
    store::insert_items(&tx, id, &items, now).await?;
    let change = Change {
        action: "demo.review",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"experts": experts.len(), "items": items.len(), "rubric": saved.id}),
    };
    tx.commit(&Actor::system(), change).await?;
    Ok(saved.id)
}
