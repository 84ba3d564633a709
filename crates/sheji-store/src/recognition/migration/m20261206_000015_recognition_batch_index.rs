//! Recognitions by the batch that granted them: a batch's final list (the document attached
//! to the official notice) reads them in order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Recognition {
    Table,
    BatchId,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_recognition_batch")
                .table(Recognition::Table)
                .col(Recognition::BatchId)
                .col(Recognition::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_recognition_batch").table(Recognition::Table).to_owned()).await
    }
}
