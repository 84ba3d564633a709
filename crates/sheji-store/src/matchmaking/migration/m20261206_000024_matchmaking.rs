//! Matchmaking: demands (需求) and offers (供给) with their service categories and clusters as
//! tag rows (so a list filtered by category walks an index), and expressions of interest —
//! at most one per demand and offer, kept by a unique index.

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
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Demand {
    Table,
    Id,
    OrganizationId,
    DistrictId,
    Status,
    Title,
    Product,
    Summary,
    Details,
    Deliverables,
    IndustryCode,
    ClusterId,
    BudgetMin,
    BudgetMax,
    Deadline,
    Modes,
    IpTerms,
    Excluded,
    ReviewNote,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    PublishedOn,
}

#[derive(DeriveIden)]
enum DemandTag {
    Table,
    Id,
    DemandId,
    Dim,
    Code,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
    OrganizationId,
    AccountId,
    DistrictId,
    Status,
    Title,
    Description,
    Team,
    Cases,
    Capacity,
    PriceMin,
    PriceMax,
    Excluded,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OfferTag {
    Table,
    Id,
    OfferId,
    Dim,
    Code,
}

#[derive(DeriveIden)]
enum Interest {
    Table,
    Id,
    DemandId,
    OfferId,
    Side,
    Status,
    Message,
    Reason,
    CreatedBy,
    CreatedAt,
    AnsweredBy,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum MatchmakingGuide {
    Table,
    Id,
    Title,
    PeriodFrom,
    PeriodTo,
    Intro,
    Snapshot,
    Demands,
    Offers,
    PublishedBy,
    PublishedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Demand::Table)
                .col(ColumnDef::new(Demand::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Demand::OrganizationId).integer().not_null())
                .col(ColumnDef::new(Demand::DistrictId).integer().not_null())
                .col(ColumnDef::new(Demand::Status).string_len(16).not_null())
                .col(ColumnDef::new(Demand::Title).string_len(400).not_null())
                .col(ColumnDef::new(Demand::Product).string_len(800).not_null())
                .col(ColumnDef::new(Demand::Summary).text().not_null())
                .col(ColumnDef::new(Demand::Details).text().not_null())
                .col(ColumnDef::new(Demand::Deliverables).text().not_null())
                .col(ColumnDef::new(Demand::IndustryCode).string_len(8).null())
                .col(ColumnDef::new(Demand::ClusterId).integer().null())
                .col(ColumnDef::new(Demand::BudgetMin).double().null())
                .col(ColumnDef::new(Demand::BudgetMax).double().null())
                .col(ColumnDef::new(Demand::Deadline).date().null())
                .col(ColumnDef::new(Demand::Modes).string_len(64).not_null())
                .col(ColumnDef::new(Demand::IpTerms).text().not_null())
                .col(ColumnDef::new(Demand::Excluded).text().not_null())
                .col(ColumnDef::new(Demand::ReviewNote).text().null())
                .col(ColumnDef::new(Demand::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(Demand::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Demand::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Demand::PublishedOn).date().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_demand_organization_id")
                        .from(Demand::Table, Demand::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_demand_district_id")
                        .from(Demand::Table, Demand::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        ))
        .await?;
        for (name, cols) in [
            ("ix_demand_status", vec![Demand::Status.into_iden(), Demand::Id.into_iden()]),
            (
                "ix_demand_district",
                vec![Demand::DistrictId.into_iden(), Demand::Status.into_iden(), Demand::Id.into_iden()],
            ),
            ("ix_demand_org", vec![Demand::OrganizationId.into_iden(), Demand::Id.into_iden()]),
            ("ix_demand_deadline", vec![Demand::Status.into_iden(), Demand::Deadline.into_iden()]),
        ] {
            m.create_index(index(name, Demand::Table, cols, false)).await?;
        }
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(DemandTag::Table)
                .col(ColumnDef::new(DemandTag::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(DemandTag::DemandId).integer().not_null())
                .col(ColumnDef::new(DemandTag::Dim).string_len(8).not_null())
                .col(ColumnDef::new(DemandTag::Code).string_len(16).not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_demand_tag_demand_id")
                        .from(DemandTag::Table, DemandTag::DemandId)
                        .to(Demand::Table, Demand::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ux_demand_tag",
            DemandTag::Table,
            vec![DemandTag::DemandId.into_iden(), DemandTag::Dim.into_iden(), DemandTag::Code.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_demand_tag_code",
            DemandTag::Table,
            vec![DemandTag::Dim.into_iden(), DemandTag::Code.into_iden(), DemandTag::DemandId.into_iden()],
            false,
        ))
        .await?;
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Offer::Table)
                .col(ColumnDef::new(Offer::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Offer::OrganizationId).integer().null())
                .col(ColumnDef::new(Offer::AccountId).integer().not_null())
                .col(ColumnDef::new(Offer::DistrictId).integer().not_null())
                .col(ColumnDef::new(Offer::Status).string_len(16).not_null())
                .col(ColumnDef::new(Offer::Title).string_len(400).not_null())
                .col(ColumnDef::new(Offer::Description).text().not_null())
                .col(ColumnDef::new(Offer::Team).text().not_null())
                .col(ColumnDef::new(Offer::Cases).text().not_null())
                .col(ColumnDef::new(Offer::Capacity).integer().null())
                .col(ColumnDef::new(Offer::PriceMin).double().null())
                .col(ColumnDef::new(Offer::PriceMax).double().null())
                .col(ColumnDef::new(Offer::Excluded).text().not_null())
                .col(ColumnDef::new(Offer::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(Offer::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Offer::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_offer_organization_id")
                        .from(Offer::Table, Offer::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_offer_account_id")
                        .from(Offer::Table, Offer::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_offer_district_id")
                        .from(Offer::Table, Offer::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        ))
        .await?;
        for (name, cols) in [
            ("ix_offer_status", vec![Offer::Status.into_iden(), Offer::Id.into_iden()]),
            (
                "ix_offer_district",
                vec![Offer::DistrictId.into_iden(), Offer::Status.into_iden(), Offer::Id.into_iden()],
            ),
            ("ix_offer_org", vec![Offer::OrganizationId.into_iden(), Offer::Id.into_iden()]),
            ("ix_offer_account", vec![Offer::AccountId.into_iden(), Offer::Id.into_iden()]),
        ] {
            m.create_index(index(name, Offer::Table, cols, false)).await?;
        }
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(OfferTag::Table)
                .col(ColumnDef::new(OfferTag::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(OfferTag::OfferId).integer().not_null())
                .col(ColumnDef::new(OfferTag::Dim).string_len(8).not_null())
                .col(ColumnDef::new(OfferTag::Code).string_len(16).not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_offer_tag_offer_id")
                        .from(OfferTag::Table, OfferTag::OfferId)
                        .to(Offer::Table, Offer::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ux_offer_tag",
            OfferTag::Table,
            vec![OfferTag::OfferId.into_iden(), OfferTag::Dim.into_iden(), OfferTag::Code.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_offer_tag_code",
            OfferTag::Table,
            vec![OfferTag::Dim.into_iden(), OfferTag::Code.into_iden(), OfferTag::OfferId.into_iden()],
            false,
        ))
        .await?;
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Interest::Table)
                .col(ColumnDef::new(Interest::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Interest::DemandId).integer().not_null())
                .col(ColumnDef::new(Interest::OfferId).integer().not_null())
                .col(ColumnDef::new(Interest::Side).string_len(16).not_null())
                .col(ColumnDef::new(Interest::Status).string_len(16).not_null())
                .col(ColumnDef::new(Interest::Message).text().not_null())
                .col(ColumnDef::new(Interest::Reason).text().null())
                .col(ColumnDef::new(Interest::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(Interest::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Interest::AnsweredBy).string_len(64).null())
                .col(ColumnDef::new(Interest::AnsweredAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_interest_demand_id")
                        .from(Interest::Table, Interest::DemandId)
                        .to(Demand::Table, Demand::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_interest_offer_id")
                        .from(Interest::Table, Interest::OfferId)
                        .to(Offer::Table, Offer::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        // One interest per pair, whoever expressed it: two clicks never make two threads.
        m.create_index(index(
            "ux_interest_pair",
            Interest::Table,
            vec![Interest::DemandId.into_iden(), Interest::OfferId.into_iden()],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_interest_offer",
            Interest::Table,
            vec![Interest::OfferId.into_iden(), Interest::Id.into_iden()],
            false,
        ))
        .await?;
        // A published 供需指南: what was on the lists when the city published it, frozen, so the
        // page, the workbook and the PDF say the same thing for as long as it is kept.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(MatchmakingGuide::Table)
                .col(ColumnDef::new(MatchmakingGuide::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(MatchmakingGuide::Title).string_len(400).not_null())
                .col(ColumnDef::new(MatchmakingGuide::PeriodFrom).date().not_null())
                .col(ColumnDef::new(MatchmakingGuide::PeriodTo).date().not_null())
                .col(ColumnDef::new(MatchmakingGuide::Intro).text().not_null())
                .col(ColumnDef::new(MatchmakingGuide::Snapshot).text().not_null())
                .col(ColumnDef::new(MatchmakingGuide::Demands).integer().not_null())
                .col(ColumnDef::new(MatchmakingGuide::Offers).integer().not_null())
                .col(ColumnDef::new(MatchmakingGuide::PublishedBy).string_len(64).not_null())
                .col(ColumnDef::new(MatchmakingGuide::PublishedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MatchmakingGuide::Table.into_iden(),
            Interest::Table.into_iden(),
            OfferTag::Table.into_iden(),
            Offer::Table.into_iden(),
            DemandTag::Table.into_iden(),
            Demand::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
