//! One open library application per organization, kept by the database: `open_guard` holds
//! the organization's id while the application is submitted and NULL once decided, under a
//! unique index. A partial index would say it more directly, but MySQL has none; NULLs never
//! collide on any of the three backends, so this works the same everywhere. Before, two
//! racing submissions both passed the service's check (eight open applications from 200).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LibraryApplication {
    Table,
    OpenGuard,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(LibraryApplication::Table)
                .add_column(ColumnDef::new(LibraryApplication::OpenGuard).integer().null())
                .to_owned(),
        )
        .await?;
        // Where a race already left several open applications, the newest is the guarded one;
        // the others stay open in the district's queue to be decided as before. (The inner
        // derived table lets MySQL read the table it updates.)
        m.get_connection()
            .execute_unprepared(
                "UPDATE library_application SET open_guard = organization_id WHERE id IN \
                 (SELECT id FROM (SELECT MAX(id) AS id FROM library_application \
                 WHERE status = 'submitted' GROUP BY organization_id) newest)",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ux_library_app_open")
                .table(LibraryApplication::Table)
                .col(LibraryApplication::OpenGuard)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_library_app_open").table(LibraryApplication::Table).to_owned()).await?;
        m.alter_table(
            Table::alter().table(LibraryApplication::Table).drop_column(LibraryApplication::OpenGuard).to_owned(),
        )
        .await
    }
}
