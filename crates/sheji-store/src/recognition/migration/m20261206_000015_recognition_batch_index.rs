//! Recognitions by the batch that granted them: a batch's final list (the document attached
//! to the official notice) reads them in order. Applications by their review item: an
//! assigned expert's sheet links to the application it scores.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Recognition {
    Table,
    BatchId,
    Id,
}

#[derive(DeriveIden)]
enum RecognitionApplication {
    Table,
    ItemId,
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
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_application_item")
                .table(RecognitionApplication::Table)
                .col(RecognitionApplication::ItemId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop().name("ix_recognition_application_item").table(RecognitionApplication::Table).to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("ix_recognition_batch").table(Recognition::Table).to_owned()).await
    }
}
