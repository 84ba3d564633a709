//! Recognition's demo data: an open call for municipal design centers, so a library member's
//! administrator (`orgadmin` when its company is in the library) can apply.

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
    Ok(())
}
