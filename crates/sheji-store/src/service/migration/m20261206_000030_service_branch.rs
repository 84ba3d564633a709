//! The branch a service counts for, apart from the organization's district (which still
//! routes the follow-up reminders): a liaison from another district's branch counts their
//! visits for their own branch. Existing records count for the organization's district, as
//! they did.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceRecord {
    Table,
    DistrictId,
    BranchDistrictId,
    ServedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ServiceRecord::Table)
                .add_column(ColumnDef::new(ServiceRecord::BranchDistrictId).integer().null())
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table(ServiceRecord::Table)
                .value(ServiceRecord::BranchDistrictId, Expr::col(ServiceRecord::DistrictId))
                .to_owned(),
        )
        .await?;
        // The work page counts a year's services by branch.
        m.create_index(
            Index::create()
                .name("ix_service_record_branch_served")
                .table(ServiceRecord::Table)
                .col(ServiceRecord::BranchDistrictId)
                .col(ServiceRecord::ServedOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_service_record_branch_served").table(ServiceRecord::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table(ServiceRecord::Table).drop_column(ServiceRecord::BranchDistrictId).to_owned(),
        )
        .await
    }
}
