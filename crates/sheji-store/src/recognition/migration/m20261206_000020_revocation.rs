//! When a recognition was revoked and why (the re-review batch, the score and the line it
//! fell below, as JSON the certificate page words in the reader's language).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Recognition {
    Table,
    RevokedOn,
    Revocation,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Recognition::Table)
                .add_column(ColumnDef::new(Recognition::RevokedOn).date().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Recognition::Table)
                .add_column(ColumnDef::new(Recognition::Revocation).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [Recognition::Revocation, Recognition::RevokedOn] {
            m.alter_table(Table::alter().table(Recognition::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
