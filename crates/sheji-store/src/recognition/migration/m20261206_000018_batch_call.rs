//! A batch as an official call: the day its intake was closed early and why (the public page
//! says so), and why it was cancelled. Each column on its own: SQLite adds one at a time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RecognitionBatch {
    Table,
    ClosedEarlyOn,
    CloseReason,
    CancelReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(RecognitionBatch::ClosedEarlyOn).date().null().to_owned(),
            ColumnDef::new(RecognitionBatch::CloseReason).text().null().to_owned(),
            ColumnDef::new(RecognitionBatch::CancelReason).text().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(RecognitionBatch::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [RecognitionBatch::CancelReason, RecognitionBatch::CloseReason, RecognitionBatch::ClosedEarlyOn] {
            m.alter_table(Table::alter().table(RecognitionBatch::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
