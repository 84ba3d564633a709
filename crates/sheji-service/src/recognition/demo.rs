//! Recognition's demo data: a concluded call for district design centers that recognized the
//! demo company (so its certificate, the application as submitted, the district's letter and
//! the final list can be seen and printed), an open call for municipal design centers the
//! company can apply to next, and a backbone-firm call whose application three experts are
//! scoring (so an expert has a sheet and the materials to open). The concluded call is walked through the same use cases a
//! user would, as the demo's own accounts.

use serde_json::json;
use sheji_core::ids::RubricId;

use crate::audit::{Actor, Change};
use crate::work::Work;
use crate::{ServiceError, Services};

/// Opens the demo batch, reviewed with `rubric`.
pub(crate) async fn load(services: &Services, rubric: RubricId) -> Result<(), ServiceError> {
    let today = services.today();
    let fields = sheji_store::recognition::BatchFields {
        kind: sheji_core::recognition::Kind::MunicipalCenter,
        purpose: sheji_core::recognition::Purpose::Recognition,
        year: chrono::Datelike::year(&today),
        name: "市级工业设计中心认定（演示）".to_owned(),
        opens_on: today,
        closes_on: today + chrono::Duration::days(60),
        district_quota: Some(3),
        rules: sheji_core::recognition::Rules::default_for(sheji_core::recognition::Kind::MunicipalCenter),
        rubric: Some(rubric),
    };
    let now = services.now();
    let tx = Work::begin(services).await?;
    let id = super::store::insert_batch(&tx, &fields, "system", now).await?;
    let change = Change {
        action: "demo.recognition",
        target_type: "recognition_batch",
        target_id: id.to_string(),
        before: json!(null),
        after: json!({"kind": "municipal_center", "name": fields.name}),
    };
    tx.commit(&Actor::system(), change).await?;
    concluded_district_call(services).await?;
    call_with_the_experts(services, rubric).await
}

/// The principal of a demo account, if the demo has it.
async fn demo_user(services: &Services, name: &str) -> Result<Option<sheji_core::identity::Principal>, ServiceError> {
    match crate::identity::account_id(services, name).await? {
        Some(a) => crate::identity::principal_of(services, a).await,
        None => Ok(None),
    }
}

/// A backbone-firm call whose application is with the experts: the company applied, the
/// district recommended, the city checked it and sent it to review, and three experts were
/// drawn, so an expert who signs in has a sheet to score and the application's materials to
/// open beside it.
async fn call_with_the_experts(services: &Services, rubric: RubricId) -> Result<(), ServiceError> {
    let (Some(city), Some(org), Some(branch), Some(hq)) = (
        demo_user(services, "city").await?,
        demo_user(services, "orgadmin").await?,
        demo_user(services, "bishan").await?,
        demo_user(services, "hqstaff").await?,
    ) else {
        return Ok(());
    };
    let Some(company) = org.affiliations.iter().find_map(|a| a.organization) else { return Ok(()) };
    let kind = sheji_core::recognition::Kind::BackboneFirm;
    let today = services.today();
    let rules = sheji_core::recognition::Rules {
        requires_library: false,
        requires_any_of: Vec::new(),
        min_years: 0,
        min_design_staff: 0,
        min_qualified_share: 0.0,
        min_patents: 0,
        min_design_revenue: 0.0,
        onsite_required: false,
        reviewers_per_item: 3,
        ..sheji_core::recognition::Rules::default_for(kind)
    };
    let fields = sheji_store::recognition::BatchFields {
        kind,
        purpose: sheji_core::recognition::Purpose::Recognition,
        year: chrono::Datelike::year(&today),
        name: "骨干设计企业认定（演示，专家评审中）".to_owned(),
        opens_on: today,
        closes_on: today + chrono::Duration::days(20),
        district_quota: Some(3),
        rules,
        rubric: Some(rubric),
    };
    let ip = "demo";
    let batch = super::open_batch(services, &city, &fields, ip).await?;
    let id = super::start(services, &org, batch, company, ip).await?;
    let form = super::FormInput {
        description: "公司设计服务收入连续三年超过1000万元，服务汽车、装备和消费电子客户40余家。\n\n设计团队52人，建有用户研究实验室和样机工坊，近三年设计成果获国内外奖项11项。".to_owned(),
        incident_free: true,
        credit_ok: true,
        statement_signed: true,
    };
    super::save(services, &org, id, &form, ip).await?;
    use sheji_core::recognition::Action;
    super::act(services, &org, id, Action::Submit, "", ip).await?;
    super::act(services, &branch, id, Action::Recommend, "设计服务收入和团队规模达到骨干设计企业要求，同意推荐。", ip)
        .await?;
    super::act(services, &city, id, Action::Pass, "材料齐全，进入专家评审。", ip).await?;
    let campaign = super::send_to_review(services, &city, batch, ip).await?;
    crate::review::assign::deploy(services, &hq, campaign, crate::review::assign::Mode::Random, Some(2026), ip).await?;
    Ok(())
}

/// The district-center call, from opening to conclusion, as the demo's city officer, the
/// company's administrator and the Bishan branch (nothing happens if they are missing).
async fn concluded_district_call(services: &Services) -> Result<(), ServiceError> {
    let (Some(city), Some(org), Some(branch)) = (
        demo_user(services, "city").await?,
        demo_user(services, "orgadmin").await?,
        demo_user(services, "bishan").await?,
    ) else {
        return Ok(());
    };
    let Some(company) = org.affiliations.iter().find_map(|a| a.organization) else { return Ok(()) };
    let kind = sheji_core::recognition::Kind::DistrictCenter;
    let today = services.today();
    let rules = sheji_core::recognition::Rules {
        requires_library: false,
        min_years: 0,
        min_design_staff: 0,
        min_qualified_share: 0.0,
        min_patents: 0,
        min_design_revenue: 0.0,
        // Concluded on the formal check at once so the demo has a certificate from the first
        // minute (a notice would need its window to run out first).
        publicity_required: false,
        ..sheji_core::recognition::Rules::default_for(kind)
    };
    let fields = sheji_store::recognition::BatchFields {
        kind,
        purpose: sheji_core::recognition::Purpose::Recognition,
        year: chrono::Datelike::year(&today),
        name: "区县级工业设计中心认定（演示，已办结）".to_owned(),
        opens_on: today,
        closes_on: today + chrono::Duration::days(30),
        district_quota: Some(3),
        rules,
        rubric: None,
    };
    let ip = "demo";
    let batch = super::open_batch(services, &city, &fields, ip).await?;
    let id = super::start(services, &org, batch, company, ip).await?;
    let form = super::FormInput {
        description: "设计中心成立于2019年，现有专职设计人员28人，其中高级职称6人。\n\n近三年完成新产品设计62项，获外观设计专利41件，设计成果转化新产品销售收入逐年增长。".to_owned(),
        incident_free: true,
        credit_ok: true,
        statement_signed: true,
    };
    super::save(services, &org, id, &form, ip).await?;
    use sheji_core::recognition::Action;
    super::act(services, &org, id, Action::Submit, "", ip).await?;
    super::act(services, &branch, id, Action::Recommend, "该单位设计团队稳定，成果转化好，同意推荐。", ip).await?;
    super::act(services, &city, id, Action::Pass, "材料齐全。", ip).await?;
    super::conclude(services, &city, batch, ip).await?;
    Ok(())
}
