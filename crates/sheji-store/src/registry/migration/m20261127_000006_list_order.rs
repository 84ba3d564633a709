//! A narrow index in registration order, so deep directory pages skip index entries instead
//! of whole rows (see `registry::page_rows`). On SQLite the table itself is ordered by id but
//! its leaf pages hold every column; this index holds only the id.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create().name("ix_organization_order").table(Organization::Table).col(Organization::Id).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_organization_order").table(Organization::Table).to_owned()).await
    }
}
