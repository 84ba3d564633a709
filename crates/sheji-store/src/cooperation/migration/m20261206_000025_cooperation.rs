//! Cooperation: deals (one per accepted interest or per 对接会 meeting, kept by unique indexes),
//! the milestones of
//! their current quote, their dated steps (what the statistics count), and one rating per side
//! (a unique index again: a double click never rates twice).

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Interest {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Demand {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Deal {
    Table,
    Id,
    InterestId,
    DemandId,
    OfferId,
    EventId,
    MeetingId,
    DemanderOrg,
    ProviderOrg,
    ProviderAccount,
    DistrictId,
    ClusterId,
    Title,
    Status,
    Version,
    Mode,
    Amount,
    Scope,
    QuotedOn,
    Quotes,
    SignedOn,
    CompletedOn,
    DisputeStage,
    DisputeSide,
    DisputeReason,
    ClosedReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DealMilestone {
    Table,
    Id,
    DealId,
    Seq,
    Title,
    DueOn,
    Amount,
    Status,
    Changes,
    DeliveredOn,
    DeliveryNote,
    ChangeNote,
    AcceptedOn,
    Deemed,
}

#[derive(DeriveIden)]
enum DealStep {
    Table,
    Id,
    DealId,
    Step,
    MilestoneId,
    Note,
    ActorName,
    At,
}

#[derive(DeriveIden)]
enum DealRating {
    Table,
    Id,
    DealId,
    Side,
    Score,
    Comment,
    RatedBy,
    CreatedAt,
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

fn child_of_deal(name: &str, table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Deal::Table, Deal::Id)
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
                .table(Deal::Table)
                .col(ColumnDef::new(Deal::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Deal::InterestId).integer().null())
                .col(ColumnDef::new(Deal::DemandId).integer().null())
                .col(ColumnDef::new(Deal::OfferId).integer().null())
                .col(ColumnDef::new(Deal::EventId).integer().null())
                .col(ColumnDef::new(Deal::MeetingId).integer().null())
                .col(ColumnDef::new(Deal::DemanderOrg).integer().not_null())
                .col(ColumnDef::new(Deal::ProviderOrg).integer().null())
                .col(ColumnDef::new(Deal::ProviderAccount).integer().not_null())
                .col(ColumnDef::new(Deal::DistrictId).integer().not_null())
                .col(ColumnDef::new(Deal::ClusterId).integer().null())
                .col(ColumnDef::new(Deal::Title).string_len(400).not_null())
                .col(ColumnDef::new(Deal::Status).string_len(16).not_null())
                .col(ColumnDef::new(Deal::Version).integer().not_null())
                .col(ColumnDef::new(Deal::Mode).string_len(16).null())
                .col(ColumnDef::new(Deal::Amount).double().null())
                .col(ColumnDef::new(Deal::Scope).text().not_null())
                .col(ColumnDef::new(Deal::QuotedOn).date().null())
                .col(ColumnDef::new(Deal::Quotes).integer().not_null())
                .col(ColumnDef::new(Deal::SignedOn).date().null())
                .col(ColumnDef::new(Deal::CompletedOn).date().null())
                .col(ColumnDef::new(Deal::DisputeStage).string_len(16).null())
                .col(ColumnDef::new(Deal::DisputeSide).string_len(16).null())
                .col(ColumnDef::new(Deal::DisputeReason).text().null())
                .col(ColumnDef::new(Deal::ClosedReason).text().null())
                .col(ColumnDef::new(Deal::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Deal::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_deal_interest_id")
                        .from(Deal::Table, Deal::InterestId)
                        .to(Interest::Table, Interest::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_deal_demand_id")
                        .from(Deal::Table, Deal::DemandId)
                        .to(Demand::Table, Demand::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_deal_offer_id")
                        .from(Deal::Table, Deal::OfferId)
                        .to(Offer::Table, Offer::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        // One deal per accepted interest: answering twice never opens two.
        m.create_index(index("ux_deal_interest", Deal::Table, vec![Deal::InterestId.into_iden()], true)).await?;
        // … and one per meeting of a 对接会 (the meeting's id; events are a later migration, so
        // no foreign key: a deal outlives the schedule it came from).
        m.create_index(index("ux_deal_meeting", Deal::Table, vec![Deal::MeetingId.into_iden()], true)).await?;
        m.create_index(index(
            "ix_deal_event",
            Deal::Table,
            vec![Deal::EventId.into_iden(), Deal::Id.into_iden()],
            false,
        ))
        .await?;
        for (name, cols) in [
            ("ix_deal_status", vec![Deal::Status.into_iden(), Deal::Id.into_iden()]),
            ("ix_deal_district", vec![Deal::DistrictId.into_iden(), Deal::Status.into_iden(), Deal::Id.into_iden()]),
            ("ix_deal_demander", vec![Deal::DemanderOrg.into_iden(), Deal::Id.into_iden()]),
            ("ix_deal_provider_org", vec![Deal::ProviderOrg.into_iden(), Deal::Id.into_iden()]),
            ("ix_deal_provider_account", vec![Deal::ProviderAccount.into_iden(), Deal::Id.into_iden()]),
            ("ix_deal_demand", vec![Deal::DemandId.into_iden(), Deal::Id.into_iden()]),
        ] {
            m.create_index(index(name, Deal::Table, cols, false)).await?;
        }
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(DealMilestone::Table)
                .col(ColumnDef::new(DealMilestone::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(DealMilestone::DealId).integer().not_null())
                .col(ColumnDef::new(DealMilestone::Seq).integer().not_null())
                .col(ColumnDef::new(DealMilestone::Title).string_len(400).not_null())
                .col(ColumnDef::new(DealMilestone::DueOn).date().not_null())
                .col(ColumnDef::new(DealMilestone::Amount).double().null())
                .col(ColumnDef::new(DealMilestone::Status).string_len(16).not_null())
                .col(ColumnDef::new(DealMilestone::Changes).integer().not_null())
                .col(ColumnDef::new(DealMilestone::DeliveredOn).date().null())
                .col(ColumnDef::new(DealMilestone::DeliveryNote).text().not_null())
                .col(ColumnDef::new(DealMilestone::ChangeNote).text().not_null())
                .col(ColumnDef::new(DealMilestone::AcceptedOn).date().null())
                .col(ColumnDef::new(DealMilestone::Deemed).boolean().not_null())
                .foreign_key(&mut child_of_deal(
                    "fk_deal_milestone_deal_id",
                    DealMilestone::Table,
                    DealMilestone::DealId,
                ))
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ux_deal_milestone_seq",
            DealMilestone::Table,
            vec![DealMilestone::DealId.into_iden(), DealMilestone::Seq.into_iden()],
            true,
        ))
        .await?;
        // The nightly deemed acceptance walks deliveries by day.
        m.create_index(index(
            "ix_deal_milestone_delivered",
            DealMilestone::Table,
            vec![DealMilestone::Status.into_iden(), DealMilestone::DeliveredOn.into_iden()],
            false,
        ))
        .await?;
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(DealStep::Table)
                .col(ColumnDef::new(DealStep::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(DealStep::DealId).integer().not_null())
                .col(ColumnDef::new(DealStep::Step).string_len(32).not_null())
                .col(ColumnDef::new(DealStep::MilestoneId).integer().null())
                .col(ColumnDef::new(DealStep::Note).text().not_null())
                .col(ColumnDef::new(DealStep::ActorName).string_len(64).not_null())
                .col(ColumnDef::new(DealStep::At).timestamp_with_time_zone().not_null())
                .foreign_key(&mut child_of_deal("fk_deal_step_deal_id", DealStep::Table, DealStep::DealId))
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ix_deal_step_deal",
            DealStep::Table,
            vec![DealStep::DealId.into_iden(), DealStep::Id.into_iden()],
            false,
        ))
        .await?;
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(DealRating::Table)
                .col(ColumnDef::new(DealRating::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(DealRating::DealId).integer().not_null())
                .col(ColumnDef::new(DealRating::Side).string_len(16).not_null())
                .col(ColumnDef::new(DealRating::Score).integer().not_null())
                .col(ColumnDef::new(DealRating::Comment).text().not_null())
                .col(ColumnDef::new(DealRating::RatedBy).string_len(64).not_null())
                .col(ColumnDef::new(DealRating::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut child_of_deal("fk_deal_rating_deal_id", DealRating::Table, DealRating::DealId))
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ux_deal_rating_side",
            DealRating::Table,
            vec![DealRating::DealId.into_iden(), DealRating::Side.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_deal_rating_score",
            DealRating::Table,
            vec![DealRating::Side.into_iden(), DealRating::Score.into_iden(), DealRating::DealId.into_iden()],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DealRating::Table.into_iden(),
            DealStep::Table.into_iden(),
            DealMilestone::Table.into_iden(),
            Deal::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
