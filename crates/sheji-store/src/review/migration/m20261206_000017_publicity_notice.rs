//! The official details of a campaign's 公示 notice (reference number, contact for
//! objections, the mark an item needs to be proposed, whether scores are shown), kept as one
//! JSON document: they are read and written together, never queried. And the margin, in
//! points of 100, beyond which a sheet is flagged as an outlier (15 for campaigns before it).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReviewCampaign {
    Table,
    Notice,
    OutlierPct,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        m.alter_table(
            Table::alter()
                .table(ReviewCampaign::Table)
                .add_column(ColumnDef::new(ReviewCampaign::Notice).text().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ReviewCampaign::Table)
                .add_column(ColumnDef::new(ReviewCampaign::OutlierPct).integer().not_null().default(15))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(ReviewCampaign::Table).drop_column(ReviewCampaign::OutlierPct).to_owned())
            .await?;
        m.alter_table(Table::alter().table(ReviewCampaign::Table).drop_column(ReviewCampaign::Notice).to_owned()).await
    }
}
