//! Events: the event, its registrations (one per account, kept by a unique index; tickets
//! unique), the wishes participants of a 对接会 mark about each other (one per ordered pair) and
//! the meetings of its schedule (one per table and slot, one per pair).

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    Kind,
    Title,
    DistrictId,
    StartsAt,
    EndsAt,
    Place,
    Link,
    Capacity,
    Validation,
    Description,
    Slots,
    SlotMinutes,
    Tables,
    Status,
    ScheduleStatus,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventRegistration {
    Table,
    Id,
    EventId,
    AccountId,
    OrganizationId,
    Name,
    Status,
    Ticket,
    Note,
    Away,
    Reason,
    ChangeRequest,
    CheckedInAt,
    NoShow,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventWish {
    Table,
    Id,
    EventId,
    FromReg,
    ToReg,
    Wish,
}

#[derive(DeriveIden)]
enum EventMeeting {
    Table,
    Id,
    EventId,
    Slot,
    TableNo,
    AReg,
    BReg,
    Musts,
    Wants,
    OutcomeA,
    OutcomeB,
    NoteA,
    NoteB,
}

fn index(name: &str, table: impl IntoIden, cols: Vec<DynIden>, unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

fn child_of_event(name: &str, table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Event::Table, Event::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Event::Table)
                .col(ColumnDef::new(Event::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Event::Kind).string_len(16).not_null())
                .col(ColumnDef::new(Event::Title).string_len(400).not_null())
                .col(ColumnDef::new(Event::DistrictId).integer().null())
                .col(ColumnDef::new(Event::StartsAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Event::EndsAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Event::Place).string_len(800).not_null())
                .col(ColumnDef::new(Event::Link).string_len(800).not_null())
                .col(ColumnDef::new(Event::Capacity).integer().not_null())
                .col(ColumnDef::new(Event::Validation).boolean().not_null())
                .col(ColumnDef::new(Event::Description).text().not_null())
                .col(ColumnDef::new(Event::Slots).integer().null())
                .col(ColumnDef::new(Event::SlotMinutes).integer().null())
                .col(ColumnDef::new(Event::Tables).integer().null())
                .col(ColumnDef::new(Event::Status).string_len(16).not_null())
                .col(ColumnDef::new(Event::ScheduleStatus).string_len(16).not_null())
                .col(ColumnDef::new(Event::Version).integer().not_null())
                .col(ColumnDef::new(Event::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(Event::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Event::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_event_district_id")
                        .from(Event::Table, Event::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ix_event_status",
            Event::Table,
            vec![Event::Status.into_iden(), Event::StartsAt.into_iden()],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_event_district",
            Event::Table,
            vec![Event::DistrictId.into_iden(), Event::Id.into_iden()],
            false,
        ))
        .await?;
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(EventRegistration::Table)
                .col(ColumnDef::new(EventRegistration::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(EventRegistration::EventId).integer().not_null())
                .col(ColumnDef::new(EventRegistration::AccountId).integer().not_null())
                .col(ColumnDef::new(EventRegistration::OrganizationId).integer().null())
                .col(ColumnDef::new(EventRegistration::Name).string_len(400).not_null())
                .col(ColumnDef::new(EventRegistration::Status).string_len(16).not_null())
                .col(ColumnDef::new(EventRegistration::Ticket).string_len(64).not_null())
                .col(ColumnDef::new(EventRegistration::Note).text().not_null())
                .col(ColumnDef::new(EventRegistration::Away).string_len(200).not_null())
                .col(ColumnDef::new(EventRegistration::Reason).text().null())
                .col(ColumnDef::new(EventRegistration::ChangeRequest).text().not_null())
                .col(ColumnDef::new(EventRegistration::CheckedInAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(EventRegistration::NoShow).boolean().not_null())
                .col(ColumnDef::new(EventRegistration::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(EventRegistration::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut child_of_event(
                    "fk_event_registration_event_id",
                    EventRegistration::Table,
                    EventRegistration::EventId,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_event_registration_account_id")
                        .from(EventRegistration::Table, EventRegistration::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        // One registration per person and event: a double submit never takes two seats.
        m.create_index(index(
            "ux_event_registration_account",
            EventRegistration::Table,
            vec![EventRegistration::EventId.into_iden(), EventRegistration::AccountId.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ux_event_registration_ticket",
            EventRegistration::Table,
            vec![EventRegistration::Ticket.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_event_registration_status",
            EventRegistration::Table,
            vec![
                EventRegistration::EventId.into_iden(),
                EventRegistration::Status.into_iden(),
                EventRegistration::Id.into_iden(),
            ],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_event_registration_mine",
            EventRegistration::Table,
            vec![EventRegistration::AccountId.into_iden(), EventRegistration::Id.into_iden()],
            false,
        ))
        .await?;
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(EventWish::Table)
                .col(ColumnDef::new(EventWish::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(EventWish::EventId).integer().not_null())
                .col(ColumnDef::new(EventWish::FromReg).integer().not_null())
                .col(ColumnDef::new(EventWish::ToReg).integer().not_null())
                .col(ColumnDef::new(EventWish::Wish).string_len(8).not_null())
                .foreign_key(&mut child_of_event("fk_event_wish_event_id", EventWish::Table, EventWish::EventId))
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ux_event_wish_pair",
            EventWish::Table,
            vec![EventWish::FromReg.into_iden(), EventWish::ToReg.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_event_wish_event",
            EventWish::Table,
            vec![EventWish::EventId.into_iden(), EventWish::Id.into_iden()],
            false,
        ))
        .await?;
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(EventMeeting::Table)
                .col(ColumnDef::new(EventMeeting::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(EventMeeting::EventId).integer().not_null())
                .col(ColumnDef::new(EventMeeting::Slot).integer().not_null())
                .col(ColumnDef::new(EventMeeting::TableNo).integer().not_null())
                .col(ColumnDef::new(EventMeeting::AReg).integer().not_null())
                .col(ColumnDef::new(EventMeeting::BReg).integer().not_null())
                .col(ColumnDef::new(EventMeeting::Musts).integer().not_null())
                .col(ColumnDef::new(EventMeeting::Wants).integer().not_null())
                .col(ColumnDef::new(EventMeeting::OutcomeA).string_len(16).null())
                .col(ColumnDef::new(EventMeeting::OutcomeB).string_len(16).null())
                .col(ColumnDef::new(EventMeeting::NoteA).text().not_null())
                .col(ColumnDef::new(EventMeeting::NoteB).text().not_null())
                .foreign_key(&mut child_of_event(
                    "fk_event_meeting_event_id",
                    EventMeeting::Table,
                    EventMeeting::EventId,
                ))
                .to_owned(),
        ))
        .await?;
        // At most one meeting per table and slot, and per pair: what the schedule promises.
        m.create_index(index(
            "ux_event_meeting_table",
            EventMeeting::Table,
            vec![EventMeeting::EventId.into_iden(), EventMeeting::Slot.into_iden(), EventMeeting::TableNo.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ux_event_meeting_pair",
            EventMeeting::Table,
            vec![EventMeeting::EventId.into_iden(), EventMeeting::AReg.into_iden(), EventMeeting::BReg.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_event_meeting_b",
            EventMeeting::Table,
            vec![EventMeeting::EventId.into_iden(), EventMeeting::BReg.into_iden()],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EventMeeting::Table.into_iden(),
            EventWish::Table.into_iden(),
            EventRegistration::Table.into_iden(),
            Event::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
