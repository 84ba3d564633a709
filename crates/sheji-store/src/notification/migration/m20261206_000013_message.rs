//! In-site messages (消息): one row per recipient, kept with the message key and arguments so
//! each reads it in their own language; read or not; a key that keeps a reminder from being
//! sent twice.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Message {
    Table,
    Id,
    AccountId,
    Kind,
    Key,
    Args,
    Href,
    DedupeKey,
    CreatedAt,
    ReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(dialect::table(
            m.get_database_backend(),
            Table::create()
                .table(Message::Table)
                .col(ColumnDef::new(Message::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Message::AccountId).integer().not_null())
                .col(ColumnDef::new(Message::Kind).string_len(16).not_null())
                .col(ColumnDef::new(Message::Key).string_len(80).not_null())
                .col(ColumnDef::new(Message::Args).text().not_null())
                .col(ColumnDef::new(Message::Href).string_len(200).not_null())
                .col(ColumnDef::new(Message::DedupeKey).string_len(160).null())
                .col(ColumnDef::new(Message::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Message::ReadAt).timestamp_with_time_zone().null())
                .to_owned(),
        ))
        .await?;
        // A person's messages newest first, and their unread count.
        m.create_index(
            Index::create()
                .name("ix_message_account")
                .table(Message::Table)
                .col(Message::AccountId)
                .col(Message::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_message_unread")
                .table(Message::Table)
                .col(Message::AccountId)
                .col(Message::ReadAt)
                .to_owned(),
        )
        .await?;
        // A reminder (expiry in 30 days for this recognition, to this person) goes out once.
        m.create_index(
            Index::create().name("ux_message_dedupe").table(Message::Table).col(Message::DedupeKey).unique().to_owned(),
        )
        .await?;
        Ok(())
    }
}
