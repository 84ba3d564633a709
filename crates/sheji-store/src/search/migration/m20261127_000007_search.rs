//! The search outbox: one row per change of a searchable record, written in the same
//! transaction as the change. Every node applies the rows to its own index (the writer at
//! once, the others within a second); rows older than a week are pruned. A row whose type is
//! `*` asks every node to rebuild its index (after a bulk load that wrote no rows).

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchOutbox {
    Table,
    Id,
    DocType,
    DocId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(dialect::table(
            m.get_database_backend(),
            Table::create()
                .table(SearchOutbox::Table)
                .col(ColumnDef::new(SearchOutbox::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(SearchOutbox::DocType).string_len(32).not_null())
                .col(ColumnDef::new(SearchOutbox::DocId).big_integer().not_null())
                .col(ColumnDef::new(SearchOutbox::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_search_outbox_created")
                .table(SearchOutbox::Table)
                .col(SearchOutbox::CreatedAt)
                .col(SearchOutbox::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SearchOutbox::Table).to_owned()).await
    }
}
