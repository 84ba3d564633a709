//! Matchmaking's demo data: the demo company's published demand (with a provider's interest
//! waiting for its answer) and a draft, a demand waiting for the 璧山 branch's review, demands
//! of other manufacturers, and offers of design firms and of the demo designer, so the lists,
//! the matches and every to-do can be seen at once.

use std::collections::BTreeSet;

use serde_json::json;
use sheji_core::ids::ClusterId;
use sheji_core::matchmaking::{DemandDraft, DemandStatus, InterestStatus, Mode, OfferDraft, OfferStatus, Side};
use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;
use sheji_store::matchmaking as store;

use crate::audit::{Actor, Change};
use crate::registry::{OrgFilter, OrgPublic};
use crate::work::Work;
use crate::{ServiceError, Services};

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

async fn orgs(
    services: &Services,
    kind: OrgKind,
    district: Option<sheji_core::ids::DistrictId>,
    n: u64,
) -> Result<Vec<OrgPublic>, ServiceError> {
    let f = OrgFilter { kind: Some(kind), district, ..Default::default() };
    Ok(crate::registry::list_public(services, &f, PageRequest::new(Some(1), Some(n))).await?.items)
}

/// Loads the demo demands, offers and one interest (first load only).
pub(crate) async fn load(services: &Services) -> Result<(), ServiceError> {
    let districts = sheji_store::reference::list_active_districts(services.store()).await?;
    let Some(bishan) = districts.iter().find(|d| d.name == "璧山区") else { return Ok(()) };
    let bishan_makers = orgs(services, OrgKind::Manufacturer, Some(bishan.id), 3).await?;
    let makers = orgs(services, OrgKind::Manufacturer, None, 12).await?;
    let firms = orgs(services, OrgKind::DesignFirm, None, 6).await?;
    let (Some(company), Some(neighbour)) = (bishan_makers.first(), bishan_makers.get(2)) else { return Ok(()) };
    let Some(system) = crate::identity::account_id(services, "sysadmin").await? else { return Ok(()) };
    let designer = crate::identity::account_id(services, "designer").await?;
    let c = super::choices(services).await?;
    let cluster = |i: usize| c.clusters.get(i % c.clusters.len().max(1)).map(|(id, _)| *id);
    let today = services.today();
    let tx = Work::begin(services).await?;
    let now = tx.now();
    let none = BTreeSet::new();
    let demand =
        |title: &str, product: &str, cats: &[&str], cl: Option<ClusterId>, budget: (f64, f64), days: i64| DemandDraft {
            title: title.to_owned(),
            product: product.to_owned(),
            summary: format!("{product}需要{title}，希望与有同类产品经验的设计团队合作。"),
            details: "现有产品图纸、用户投诉统计与目标成本，在对接后提供。".to_owned(),
            deliverables: "设计方案三套、选定方案的三维模型与效果图、CMF 说明书、样机一台。".to_owned(),
            categories: set(cats),
            cluster: cl,
            industry_code: None,
            budget_min: Some(budget.0),
            budget_max: Some(budget.1),
            deadline: Some(today + chrono::Duration::days(days)),
            modes: [Mode::Fee, Mode::Commission].into_iter().collect(),
            ip_terms: "设计成果知识产权归需求方所有。".to_owned(),
        };
    let mut published = Vec::new();
    let main =
        demand("家用电动工具外观与人机升级", "锂电电钻系列", &["FORM", "FUNC", "CMF"], cluster(0), (30.0, 60.0), 60);
    let id = store::insert_demand(&tx, company.id, company.district_id, &main, &none, "orgadmin", now).await?;
    store::move_demand(&tx, id, DemandStatus::Draft, DemandStatus::Published, None, now).await?;
    published.push(id);
    let draft = demand("包装与开箱体验设计", "锂电电钻系列", &["PACK", "BRAND"], cluster(0), (5.0, 15.0), 45);
    store::insert_demand(&tx, company.id, company.district_id, &draft, &none, "orgadmin", now).await?;
    let waiting = demand("智能门锁结构优化", "智能门锁", &["STRUCT", "PROTO"], cluster(2), (20.0, 40.0), 50);
    let w = store::insert_demand(&tx, neighbour.id, neighbour.district_id, &waiting, &none, "system", now).await?;
    store::move_demand(&tx, w, DemandStatus::Draft, DemandStatus::Pending, None, now).await?;
    type DemandPlan<'a> = (&'a str, &'a str, &'a [&'a str], usize, (f64, f64));
    let others: [DemandPlan<'_>; 5] = [
        ("摩托车整车造型设计", "250cc 街车", &["FORM", "STRUCT", "CMF"], 1, (80.0, 150.0)),
        ("工业机器人人机交互界面", "协作机器人示教器", &["UX", "FUNC"], 3, (20.0, 35.0)),
        ("火锅底料包装焕新", "火锅底料礼盒", &["PACK", "BRAND"], 4, (5.0, 10.0)),
        ("新能源汽车内饰 CMF 方案", "SUV 座舱", &["CMF", "FORM"], 1, (100.0, 200.0)),
        ("医疗器械用户研究与概念设计", "家用制氧机", &["RES", "PROD", "FUNC"], 5, (40.0, 80.0)),
    ];
    for (i, (title, product, cats, cl, budget)) in others.iter().enumerate() {
        let Some(org) = makers.iter().filter(|m| m.id != company.id && m.id != neighbour.id).nth(i) else { break };
        let d = demand(title, product, cats, cluster(*cl), *budget, 30 + 10 * i as i64);
        let id = store::insert_demand(&tx, org.id, org.district_id, &d, &none, "system", now).await?;
        store::move_demand(&tx, id, DemandStatus::Draft, DemandStatus::Published, None, now).await?;
        published.push(id);
    }
    let offer = |title: &str, cats: &[&str], clusters: &[usize], price: (f64, f64), capacity: i32| OfferDraft {
        title: title.to_owned(),
        description: format!("{title}：从用户研究、概念方案到量产跟进的全流程服务。"),
        team: "设计总监 1 名，工业设计师 6 名，结构工程师 2 名。".to_owned(),
        cases: "为本地制造企业完成多款量产产品设计，获省部级设计奖项。".to_owned(),
        categories: set(cats),
        clusters: clusters.iter().filter_map(|i| cluster(*i)).collect(),
        capacity: Some(capacity),
        price_min: Some(price.0),
        price_max: Some(price.1),
    };
    type OfferPlan<'a> = (&'a str, &'a [&'a str], &'a [usize], (f64, f64), i32);
    let plans: [OfferPlan<'_>; 6] = [
        ("电动工具与五金产品外观设计", &["FORM", "CMF", "FUNC"], &[0, 2], (20.0, 80.0), 4),
        ("交通工具造型与 CMF 设计", &["FORM", "CMF", "STRUCT"], &[1], (60.0, 300.0), 3),
        ("智能硬件交互与界面设计", &["UX", "FUNC", "RES"], &[3, 5], (15.0, 50.0), 5),
        ("品牌与包装设计", &["BRAND", "PACK"], &[4], (3.0, 20.0), 8),
        ("结构设计与手板样机", &["STRUCT", "PROTO", "MOLD"], &[0, 2], (10.0, 40.0), 6),
        ("医疗与康养产品设计", &["RES", "PROD", "FORM"], &[5], (30.0, 100.0), 2),
    ];
    let mut first_offer = None;
    for (i, (title, cats, clusters, price, capacity)) in plans.iter().enumerate() {
        let Some(firm) = firms.get(i) else { break };
        let o = offer(title, cats, clusters, *price, *capacity);
        let id = store::insert_offer(
            &tx,
            store::OfferOwner { organization: Some(firm.id), account: system, district: firm.district_id },
            &o,
            &none,
            "system",
            now,
        )
        .await?;
        store::move_offer(&tx, id, OfferStatus::Draft, OfferStatus::Published, now).await?;
        first_offer.get_or_insert(id);
    }
    let mut designer_offer = None;
    if let Some(account) = designer {
        let o = offer("独立设计师：小家电与工具外观设计", &["FORM", "CMF"], &[0], (3.0, 15.0), 2);
        let id = store::insert_offer(
            &tx,
            store::OfferOwner { organization: None, account, district: bishan.id },
            &o,
            &none,
            "designer",
            now,
        )
        .await?;
        store::move_offer(&tx, id, OfferStatus::Draft, OfferStatus::Published, now).await?;
        designer_offer = Some((id, account));
    }
    if let (Some(offer), Some(demand)) = (first_offer, published.first()) {
        let message = "我们为多家电动工具企业做过外观与握持改良，希望进一步沟通。";
        store::insert_interest(&tx, *demand, offer, Side::Provider, message, "system", now).await?;
    }
    // The demo designer's interest, accepted by the company: the lead of the demo deal.
    if let (Some((offer, account)), Some(demand)) = (designer_offer, published.first()) {
        let message = "可先做一轮握持手感与外观的快速方案。";
        let interest = store::insert_interest(&tx, *demand, offer, Side::Provider, message, "designer", now).await?;
        store::answer_interest(&tx, interest, InterestStatus::Accepted, None, "orgadmin", now).await?;
        let lead = crate::cooperation::NewDeal {
            interest: Some(interest),
            demand: Some(*demand),
            offer: Some(offer),
            event: None,
            meeting: None,
            demander: company.id,
            provider_org: None,
            provider_account: account,
            district: company.district_id,
            cluster: main.cluster,
            title: main.title.clone(),
        };
        crate::cooperation::open_lead(&tx, &lead, "orgadmin").await?;
    }
    let change = Change {
        action: "demo.matchmaking",
        target_type: "demand",
        target_id: published.first().map(|i| i.to_string()).unwrap_or_default(),
        before: json!(null),
        after: json!({"published_demands": published.len()}),
    };
    tx.commit(&Actor::system(), change).await?;
    services.forget_matchmaking_pool();
    // The quarter's guide, as the city would publish it, so its page and papers can be seen.
    let snap = super::guide::snapshot(services).await?;
    let json = serde_json::to_string(&snap).map_err(|_| ServiceError::Conflict { key: "document.render_failed" })?;
    let quarter = sheji_core::matchmaking::GuideDraft {
        title: "重庆市工业设计供需指南（演示）".to_owned(),
        period_from: Some(today),
        period_to: Some(today + chrono::Duration::days(90)),
        intro: "为推动设计与制造深度融合，现将平台在册的设计需求与设计服务供给汇编成册，供企业和设计机构对接参考。"
            .to_owned(),
    };
    let counts = (i32::try_from(snap.demands.len()).unwrap_or(0), i32::try_from(snap.offers.len()).unwrap_or(0));
    let tx = Work::begin(services).await?;
    let id = store::insert_guide(&tx, &quarter, &json, counts, "city", tx.now()).await?;
    let change = Change {
        action: "demo.matchmaking",
        target_type: "matchmaking_guide",
        target_id: id.to_string(),
        before: json!(null),
        after: json!({"title": quarter.title}),
    };
    tx.commit(&Actor::system(), change).await?;
    Ok(())
}
