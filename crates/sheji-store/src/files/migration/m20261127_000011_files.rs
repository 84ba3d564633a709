//! The file store's index: one row per stored file (PDFs and photos attached to records), with
//! its owner, display name, type, size and digest; the bytes live in the file store's folder.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StoredFile {
    Table,
    ContentType,
    CreatedAt,
    Id,
    Name,
    OwnerId,
    OwnerType,
    Purpose,
    Sha256,
    Size,
    StorageKey,
    UploadedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        // A stored file: owner, display name, type, size, digest and the key of its bytes.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(StoredFile::Table)
                .col(ColumnDef::new(StoredFile::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(StoredFile::OwnerType).string_len(32).not_null())
                .col(ColumnDef::new(StoredFile::OwnerId).integer().not_null())
                .col(ColumnDef::new(StoredFile::Purpose).string_len(32).not_null())
                .col(ColumnDef::new(StoredFile::Name).string_len(100).not_null())
                .col(ColumnDef::new(StoredFile::ContentType).string_len(64).not_null())
                .col(ColumnDef::new(StoredFile::Size).big_integer().not_null())
                .col(ColumnDef::new(StoredFile::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(StoredFile::StorageKey).string_len(64).not_null())
                .col(ColumnDef::new(StoredFile::UploadedBy).string_len(64).not_null())
                .col(ColumnDef::new(StoredFile::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_stored_file_owner")
                .table(StoredFile::Table)
                .col(StoredFile::OwnerType)
                .col(StoredFile::OwnerId)
                .col(StoredFile::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_stored_file_key")
                .table(StoredFile::Table)
                .col(StoredFile::StorageKey)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [StoredFile::Table.into_iden()] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
