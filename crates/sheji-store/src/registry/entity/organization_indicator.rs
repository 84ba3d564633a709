use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_indicator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub revenue: Option<f64>,
    pub rd_spend: Option<f64>,
    pub design_investment: Option<f64>,
    pub staff_total: Option<i64>,
    pub design_staff: Option<i64>,
    pub senior_design_staff: Option<i64>,
    pub design_patents: Option<i64>,
    pub new_product_sales: Option<f64>,
    pub design_service_revenue: Option<f64>,
    pub awards: Option<i64>,
    pub updated_at: DateTimeUtc,
    pub entered_by: Option<String>,
    pub entered_via: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
