//! Why an account is in its status, when someone gave a reason: a registration the district
//! rejected keeps the reason, so the applicant reads it when signing in.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    StatusReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Account::Table)
                .add_column(ColumnDef::new(Account::StatusReason).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Account::Table).drop_column(Account::StatusReason).to_owned()).await
    }
}
