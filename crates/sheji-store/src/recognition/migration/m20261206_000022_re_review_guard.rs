//! A recognition is in at most one unfinished re-review, kept by the database:
//! `re_review_guard` holds the recognition's id while its batch is open or in review, and
//! NULL once the batch is concluded or cancelled, under a unique index (portable where a
//! partial index is not: NULLs never collide). Two re-review batches opened at once used to
//! be able to take up the same recognition on PostgreSQL and MySQL.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RecognitionApplication {
    Table,
    ReReviewGuard,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(RecognitionApplication::Table)
                .add_column(ColumnDef::new(RecognitionApplication::ReReviewGuard).integer().null())
                .to_owned(),
        )
        .await?;
        // The newest unfinished re-review of each recognition holds the guard.
        m.get_connection()
            .execute_unprepared(
                "UPDATE recognition_application SET re_review_guard = recognition_id WHERE id IN \
                 (SELECT id FROM (SELECT MAX(a.id) AS id FROM recognition_application a \
                 JOIN recognition_batch b ON b.id = a.batch_id \
                 WHERE a.recognition_id IS NOT NULL AND b.status IN ('open', 'in_review') \
                 GROUP BY a.recognition_id) newest)",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ux_recognition_app_re_review")
                .table(RecognitionApplication::Table)
                .col(RecognitionApplication::ReReviewGuard)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop().name("ux_recognition_app_re_review").table(RecognitionApplication::Table).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(RecognitionApplication::Table)
                .drop_column(RecognitionApplication::ReReviewGuard)
                .to_owned(),
        )
        .await
    }
}
