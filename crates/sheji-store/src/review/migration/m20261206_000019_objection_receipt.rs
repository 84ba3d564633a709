//! An objection's receipt number (回执号), given to the objector, who checks its status with it
//! and their contact; unique, so one receipt names one objection. And the applicant's
//! statement, which staff record before deciding.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReviewObjection {
    Table,
    Receipt,
    Statement,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ReviewObjection::Table)
                .add_column(ColumnDef::new(ReviewObjection::Receipt).string_len(32).null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ReviewObjection::Table)
                .add_column(ColumnDef::new(ReviewObjection::Statement).text().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_review_objection_receipt")
                .table(ReviewObjection::Table)
                .col(ReviewObjection::Receipt)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_review_objection_receipt").table(ReviewObjection::Table).to_owned())
            .await?;
        for column in [ReviewObjection::Statement, ReviewObjection::Receipt] {
            m.alter_table(Table::alter().table(ReviewObjection::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
