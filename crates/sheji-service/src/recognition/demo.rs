//! Recognition's demo data: a concluded call for district design centers that recognized the
//! demo company (so its certificate, the application as submitted, the district's letter and
//! the final list can be seen and printed), and an open call for municipal design centers
//! the company can apply to next. The concluded call is walked through the same use cases a
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
    concluded_district_call(services).await
}

/// The district-center call, from opening to conclusion, as the demo's city officer, the
/// company's administrator and the Bishan branch (nothing happens if they are missing).
async fn concluded_district_call(services: &Services) -> Result<(), ServiceError> {
    let as_user = |name: &'static str| async move {
        match crate::identity::account_id(services, name).await? {
            Some(a) => crate::identity::principal_of(services, a).await,
            None => Ok(None),
        }
    };
    let (Some(city), Some(org), Some(branch)) =
        (as_user("city").await?, as_user("orgadmin").await?, as_user("bishan").await?)
    else {
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
