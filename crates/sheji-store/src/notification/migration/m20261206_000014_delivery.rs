//! Messages that leave the platform: one delivery row per (message, channel) with where it
//! stands, its attempts and its last error; each person's choice of channel per kind of
//! message (at most one row per account, kind and channel); and the language a person reads
//! their e-mails and text messages in (at most one per account).

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Delivery {
    Table,
    Id,
    MessageId,
    AccountId,
    Kind,
    Channel,
    Status,
    Attempts,
    Recipient,
    LastError,
    NextAttemptAt,
    SentAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NotificationChoice {
    Table,
    Id,
    AccountId,
    Kind,
    Channel,
    Enabled,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NotificationProfile {
    Table,
    AccountId,
    Lang,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let backend = m.get_database_backend();
        m.create_table(dialect::table(
            backend,
            Table::create()
                .table(Delivery::Table)
                .col(ColumnDef::new(Delivery::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Delivery::MessageId).integer().not_null())
                .col(ColumnDef::new(Delivery::AccountId).integer().not_null())
                .col(ColumnDef::new(Delivery::Kind).string_len(16).not_null())
                .col(ColumnDef::new(Delivery::Channel).string_len(8).not_null())
                .col(ColumnDef::new(Delivery::Status).string_len(16).not_null())
                .col(ColumnDef::new(Delivery::Attempts).integer().not_null())
                // The address used (an e-mail address, a masked phone), for the log.
                .col(ColumnDef::new(Delivery::Recipient).string_len(254).not_null())
                .col(ColumnDef::new(Delivery::LastError).string_len(200).null())
                .col(ColumnDef::new(Delivery::NextAttemptAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Delivery::SentAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Delivery::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Delivery::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        // A message goes out by each channel at most once.
        m.create_index(
            Index::create()
                .name("ux_delivery_message_channel")
                .table(Delivery::Table)
                .col(Delivery::MessageId)
                .col(Delivery::Channel)
                .unique()
                .to_owned(),
        )
        .await?;
        // The administrators' log, newest first, filtered by status, channel or kind.
        for (name, column) in [
            ("ix_delivery_status", Delivery::Status),
            ("ix_delivery_channel", Delivery::Channel),
            ("ix_delivery_kind", Delivery::Kind),
        ] {
            m.create_index(Index::create().name(name).table(Delivery::Table).col(column).col(Delivery::Id).to_owned())
                .await?;
        }
        m.create_table(dialect::table(
            backend,
            Table::create()
                .table(NotificationChoice::Table)
                .col(ColumnDef::new(NotificationChoice::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(NotificationChoice::AccountId).integer().not_null())
                .col(ColumnDef::new(NotificationChoice::Kind).string_len(16).not_null())
                .col(ColumnDef::new(NotificationChoice::Channel).string_len(8).not_null())
                .col(ColumnDef::new(NotificationChoice::Enabled).boolean().not_null())
                .col(ColumnDef::new(NotificationChoice::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        // One choice per person, kind and channel; it also finds a person's choices.
        m.create_index(
            Index::create()
                .name("ux_notification_choice")
                .table(NotificationChoice::Table)
                .col(NotificationChoice::AccountId)
                .col(NotificationChoice::Kind)
                .col(NotificationChoice::Channel)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(dialect::table(
            backend,
            Table::create()
                .table(NotificationProfile::Table)
                // The account is the key: one language per person.
                .col(ColumnDef::new(NotificationProfile::AccountId).integer().not_null().primary_key())
                .col(ColumnDef::new(NotificationProfile::Lang).string_len(8).not_null())
                .col(ColumnDef::new(NotificationProfile::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        Ok(())
    }
}
