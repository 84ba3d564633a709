//! The review engine: the expert pool, versioned rubrics, campaigns with their items,
//! declared conflicts and overrides, assignments with score sheets, fixed results, objections
//! raised in publicity, the working-day calendar, and recorded cooperations between organizations.

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
enum Cooperation {
    Table,
    CreatedAt,
    Id,
    OrganizationA,
    OrganizationB,
    SignedOn,
    Title,
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Expert {
    Table,
    AccountId,
    Active,
    Bio,
    CreatedAt,
    DistrictId,
    Id,
    MaxLoad,
    Name,
    OrganizationId,
    Title,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ExpertAvailability {
    Table,
    AvailableFrom,
    AvailableTo,
    ExpertId,
    Id,
}

#[derive(DeriveIden)]
enum ExpertEmployment {
    Table,
    ExpertId,
    Id,
    OrganizationId,
    Until,
}

#[derive(DeriveIden)]
enum ExpertSpecialty {
    Table,
    Code,
    ExpertId,
}

#[derive(DeriveIden)]
enum Holiday {
    Table,
    Day,
    Kind,
    Name,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReviewAssignment {
    Table,
    Affinity,
    CampaignId,
    Comment,
    CreatedAt,
    ExpertId,
    Id,
    ItemId,
    RemindedAt,
    Scores,
    SheetStatus,
    Status,
    StatusReason,
    SubmittedAt,
    Total,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReviewCampaign {
    Table,
    Aggregation,
    Blind,
    ConflictYears,
    CreatedAt,
    CreatedBy,
    Deadline,
    DrawDigest,
    ForbidRepeat,
    Id,
    MaxLoad,
    MinLoad,
    Mode,
    Name,
    PeriodStart,
    Pool,
    PublicityDays,
    PublicityEnd,
    PublishedOn,
    RequireMatch,
    ReviewersPerItem,
    RubricId,
    Seed,
    Status,
    Thresholds,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReviewDeclaration {
    Table,
    CampaignId,
    CreatedAt,
    CreatedBy,
    DeclaredBy,
    ExpertId,
    Id,
    ItemId,
    Reason,
}

#[derive(DeriveIden)]
enum ReviewItem {
    Table,
    CampaignId,
    CreatedAt,
    Id,
    Specialties,
    Subject,
    Team,
    Title,
}

#[derive(DeriveIden)]
enum ReviewItemOrganization {
    Table,
    ItemId,
    OrganizationId,
    Position,
}

#[derive(DeriveIden)]
enum ReviewObjection {
    Table,
    CampaignId,
    ContactEnc,
    CreatedAt,
    Evidence,
    HandledBy,
    Id,
    ItemId,
    Name,
    Resolution,
    ResolvedAt,
    Status,
}

#[derive(DeriveIden)]
enum ReviewOverride {
    Table,
    CampaignId,
    CreatedAt,
    CreatedBy,
    ExpertId,
    Id,
    ItemId,
    Reason,
}

#[derive(DeriveIden)]
enum ReviewResult {
    Table,
    CampaignId,
    Grade,
    Id,
    ItemId,
    Outliers,
    Rank,
    Score,
    Sheets,
    Tied,
}

#[derive(DeriveIden)]
enum Rubric {
    Table,
    CreatedAt,
    CreatedBy,
    Criteria,
    Id,
    Name,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        // An expert of the pool, linked to an account.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Expert::Table)
                .col(ColumnDef::new(Expert::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Expert::AccountId).integer().not_null())
                .col(ColumnDef::new(Expert::Name).string_len(100).not_null())
                .col(ColumnDef::new(Expert::Title).string_len(32).null())
                .col(ColumnDef::new(Expert::OrganizationId).integer().null())
                .col(ColumnDef::new(Expert::DistrictId).integer().null())
                .col(ColumnDef::new(Expert::Bio).text().not_null())
                .col(ColumnDef::new(Expert::MaxLoad).integer().not_null())
                .col(ColumnDef::new(Expert::Active).boolean().not_null())
                .col(ColumnDef::new(Expert::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Expert::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_account_id")
                        .from(Expert::Table, Expert::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_organization_id")
                        .from(Expert::Table, Expert::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_district_id")
                        .from(Expert::Table, Expert::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create().name("ux_expert_account").table(Expert::Table).col(Expert::AccountId).unique().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_expert_active")
                .table(Expert::Table)
                .col(Expert::Active)
                .col(Expert::Id)
                .to_owned(),
        )
        .await?;
        // A specialty of an expert (service category or cluster code).
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ExpertSpecialty::Table)
                .col(ColumnDef::new(ExpertSpecialty::ExpertId).integer().not_null())
                .col(ColumnDef::new(ExpertSpecialty::Code).string_len(64).not_null())
                .primary_key(Index::create().col(ExpertSpecialty::ExpertId).col(ExpertSpecialty::Code))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_specialty_expert_id")
                        .from(ExpertSpecialty::Table, ExpertSpecialty::ExpertId)
                        .to(Expert::Table, Expert::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_expert_specialty_code")
                .table(ExpertSpecialty::Table)
                .col(ExpertSpecialty::Code)
                .col(ExpertSpecialty::ExpertId)
                .to_owned(),
        )
        .await?;
        // A past employer of an expert, with the last day.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ExpertEmployment::Table)
                .col(ColumnDef::new(ExpertEmployment::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ExpertEmployment::ExpertId).integer().not_null())
                .col(ColumnDef::new(ExpertEmployment::OrganizationId).integer().not_null())
                .col(ColumnDef::new(ExpertEmployment::Until).date().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_employment_expert_id")
                        .from(ExpertEmployment::Table, ExpertEmployment::ExpertId)
                        .to(Expert::Table, Expert::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_employment_organization_id")
                        .from(ExpertEmployment::Table, ExpertEmployment::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_expert_employment")
                .table(ExpertEmployment::Table)
                .col(ExpertEmployment::ExpertId)
                .col(ExpertEmployment::Id)
                .to_owned(),
        )
        .await?;
        // A period in which an expert can review (none recorded: always).
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ExpertAvailability::Table)
                .col(ColumnDef::new(ExpertAvailability::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ExpertAvailability::ExpertId).integer().not_null())
                .col(ColumnDef::new(ExpertAvailability::AvailableFrom).date().not_null())
                .col(ColumnDef::new(ExpertAvailability::AvailableTo).date().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_availability_expert_id")
                        .from(ExpertAvailability::Table, ExpertAvailability::ExpertId)
                        .to(Expert::Table, Expert::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_expert_availability")
                .table(ExpertAvailability::Table)
                .col(ExpertAvailability::ExpertId)
                .col(ExpertAvailability::Id)
                .to_owned(),
        )
        .await?;
        // One version of a rubric; a campaign points at the version it froze.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Rubric::Table)
                .col(ColumnDef::new(Rubric::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Rubric::Name).string_len(100).not_null())
                .col(ColumnDef::new(Rubric::Version).integer().not_null())
                .col(ColumnDef::new(Rubric::Criteria).text().not_null())
                .col(ColumnDef::new(Rubric::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(Rubric::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_rubric_version")
                .table(Rubric::Table)
                .col(Rubric::Name)
                .col(Rubric::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        // A review campaign (评审批次) with its rules and, once deployed, its assignment record.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewCampaign::Table)
                .col(ColumnDef::new(ReviewCampaign::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReviewCampaign::Name).string_len(200).not_null())
                .col(ColumnDef::new(ReviewCampaign::Status).string_len(16).not_null())
                .col(ColumnDef::new(ReviewCampaign::RubricId).integer().not_null())
                .col(ColumnDef::new(ReviewCampaign::ReviewersPerItem).integer().not_null())
                .col(ColumnDef::new(ReviewCampaign::Blind).boolean().not_null())
                .col(ColumnDef::new(ReviewCampaign::Aggregation).string_len(16).not_null())
                .col(ColumnDef::new(ReviewCampaign::Thresholds).text().not_null())
                .col(ColumnDef::new(ReviewCampaign::PeriodStart).date().not_null())
                .col(ColumnDef::new(ReviewCampaign::Deadline).date().not_null())
                .col(ColumnDef::new(ReviewCampaign::ConflictYears).integer().not_null())
                .col(ColumnDef::new(ReviewCampaign::ForbidRepeat).boolean().not_null())
                .col(ColumnDef::new(ReviewCampaign::RequireMatch).boolean().not_null())
                .col(ColumnDef::new(ReviewCampaign::MinLoad).integer().not_null())
                .col(ColumnDef::new(ReviewCampaign::MaxLoad).integer().not_null())
                .col(ColumnDef::new(ReviewCampaign::Mode).string_len(16).null())
                .col(ColumnDef::new(ReviewCampaign::Seed).big_integer().null())
                .col(ColumnDef::new(ReviewCampaign::Pool).text().null())
                .col(ColumnDef::new(ReviewCampaign::DrawDigest).string_len(64).null())
                .col(ColumnDef::new(ReviewCampaign::PublicityDays).integer().not_null())
                .col(ColumnDef::new(ReviewCampaign::PublishedOn).date().null())
                .col(ColumnDef::new(ReviewCampaign::PublicityEnd).date().null())
                .col(ColumnDef::new(ReviewCampaign::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(ReviewCampaign::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReviewCampaign::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_campaign_rubric_id")
                        .from(ReviewCampaign::Table, ReviewCampaign::RubricId)
                        .to(Rubric::Table, Rubric::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_campaign_status")
                .table(ReviewCampaign::Table)
                .col(ReviewCampaign::Status)
                .col(ReviewCampaign::Id)
                .to_owned(),
        )
        .await?;
        // An item under review: a title, the organization and people behind it, its specialties.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewItem::Table)
                .col(ColumnDef::new(ReviewItem::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReviewItem::CampaignId).integer().not_null())
                .col(ColumnDef::new(ReviewItem::Title).string_len(200).not_null())
                .col(ColumnDef::new(ReviewItem::Subject).string_len(100).null())
                .col(ColumnDef::new(ReviewItem::Specialties).text().not_null())
                .col(ColumnDef::new(ReviewItem::Team).text().not_null())
                .col(ColumnDef::new(ReviewItem::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_item_campaign_id")
                        .from(ReviewItem::Table, ReviewItem::CampaignId)
                        .to(ReviewCampaign::Table, ReviewCampaign::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_item_campaign")
                .table(ReviewItem::Table)
                .col(ReviewItem::CampaignId)
                .col(ReviewItem::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_item_subject")
                .table(ReviewItem::Table)
                .col(ReviewItem::Subject)
                .col(ReviewItem::CampaignId)
                .to_owned(),
        )
        .await?;
        // An organization behind an item (applicants of a joint application).
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewItemOrganization::Table)
                .col(ColumnDef::new(ReviewItemOrganization::ItemId).integer().not_null())
                .col(ColumnDef::new(ReviewItemOrganization::OrganizationId).integer().not_null())
                .col(ColumnDef::new(ReviewItemOrganization::Position).integer().not_null())
                .primary_key(
                    Index::create().col(ReviewItemOrganization::ItemId).col(ReviewItemOrganization::OrganizationId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_item_organization_item_id")
                        .from(ReviewItemOrganization::Table, ReviewItemOrganization::ItemId)
                        .to(ReviewItem::Table, ReviewItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_item_organization_organization_id")
                        .from(ReviewItemOrganization::Table, ReviewItemOrganization::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_item_organization")
                .table(ReviewItemOrganization::Table)
                .col(ReviewItemOrganization::OrganizationId)
                .col(ReviewItemOrganization::ItemId)
                .to_owned(),
        )
        .await?;
        // A declared conflict: by the expert (主动回避) or the applicant (回避申请).
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewDeclaration::Table)
                .col(ColumnDef::new(ReviewDeclaration::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReviewDeclaration::CampaignId).integer().not_null())
                .col(ColumnDef::new(ReviewDeclaration::ItemId).integer().not_null())
                .col(ColumnDef::new(ReviewDeclaration::ExpertId).integer().not_null())
                .col(ColumnDef::new(ReviewDeclaration::DeclaredBy).string_len(16).not_null())
                .col(ColumnDef::new(ReviewDeclaration::Reason).text().not_null())
                .col(ColumnDef::new(ReviewDeclaration::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(ReviewDeclaration::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_declaration_item_id")
                        .from(ReviewDeclaration::Table, ReviewDeclaration::ItemId)
                        .to(ReviewItem::Table, ReviewItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_declaration_expert_id")
                        .from(ReviewDeclaration::Table, ReviewDeclaration::ExpertId)
                        .to(Expert::Table, Expert::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_review_declaration")
                .table(ReviewDeclaration::Table)
                .col(ReviewDeclaration::ItemId)
                .col(ReviewDeclaration::ExpertId)
                .col(ReviewDeclaration::DeclaredBy)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_declaration_campaign")
                .table(ReviewDeclaration::Table)
                .col(ReviewDeclaration::CampaignId)
                .col(ReviewDeclaration::Id)
                .to_owned(),
        )
        .await?;
        // An administrator's override of a conflict, with the written reason.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewOverride::Table)
                .col(ColumnDef::new(ReviewOverride::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReviewOverride::CampaignId).integer().not_null())
                .col(ColumnDef::new(ReviewOverride::ItemId).integer().not_null())
                .col(ColumnDef::new(ReviewOverride::ExpertId).integer().not_null())
                .col(ColumnDef::new(ReviewOverride::Reason).text().not_null())
                .col(ColumnDef::new(ReviewOverride::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(ReviewOverride::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_override_item_id")
                        .from(ReviewOverride::Table, ReviewOverride::ItemId)
                        .to(ReviewItem::Table, ReviewItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_override_expert_id")
                        .from(ReviewOverride::Table, ReviewOverride::ExpertId)
                        .to(Expert::Table, Expert::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_review_override")
                .table(ReviewOverride::Table)
                .col(ReviewOverride::ItemId)
                .col(ReviewOverride::ExpertId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_override_campaign")
                .table(ReviewOverride::Table)
                .col(ReviewOverride::CampaignId)
                .col(ReviewOverride::Id)
                .to_owned(),
        )
        .await?;
        // An expert assigned to an item, with their score sheet.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewAssignment::Table)
                .col(ColumnDef::new(ReviewAssignment::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReviewAssignment::CampaignId).integer().not_null())
                .col(ColumnDef::new(ReviewAssignment::ItemId).integer().not_null())
                .col(ColumnDef::new(ReviewAssignment::ExpertId).integer().not_null())
                .col(ColumnDef::new(ReviewAssignment::Affinity).integer().not_null())
                .col(ColumnDef::new(ReviewAssignment::Status).string_len(16).not_null())
                .col(ColumnDef::new(ReviewAssignment::StatusReason).text().null())
                .col(ColumnDef::new(ReviewAssignment::Scores).text().null())
                .col(ColumnDef::new(ReviewAssignment::Comment).text().null())
                .col(ColumnDef::new(ReviewAssignment::Total).double().null())
                .col(ColumnDef::new(ReviewAssignment::SheetStatus).string_len(16).not_null())
                .col(ColumnDef::new(ReviewAssignment::SubmittedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ReviewAssignment::RemindedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ReviewAssignment::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReviewAssignment::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_assignment_item_id")
                        .from(ReviewAssignment::Table, ReviewAssignment::ItemId)
                        .to(ReviewItem::Table, ReviewItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_assignment_expert_id")
                        .from(ReviewAssignment::Table, ReviewAssignment::ExpertId)
                        .to(Expert::Table, Expert::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_review_assignment")
                .table(ReviewAssignment::Table)
                .col(ReviewAssignment::ItemId)
                .col(ReviewAssignment::ExpertId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_assignment_expert")
                .table(ReviewAssignment::Table)
                .col(ReviewAssignment::ExpertId)
                .col(ReviewAssignment::CampaignId)
                .col(ReviewAssignment::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_assignment_campaign")
                .table(ReviewAssignment::Table)
                .col(ReviewAssignment::CampaignId)
                .col(ReviewAssignment::ItemId)
                .col(ReviewAssignment::Id)
                .to_owned(),
        )
        .await?;
        // An item's result, fixed when scoring closes.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewResult::Table)
                .col(ColumnDef::new(ReviewResult::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReviewResult::CampaignId).integer().not_null())
                .col(ColumnDef::new(ReviewResult::ItemId).integer().not_null())
                .col(ColumnDef::new(ReviewResult::Score).double().null())
                .col(ColumnDef::new(ReviewResult::Rank).integer().not_null())
                .col(ColumnDef::new(ReviewResult::Tied).boolean().not_null())
                .col(ColumnDef::new(ReviewResult::Grade).string_len(32).null())
                .col(ColumnDef::new(ReviewResult::Sheets).integer().not_null())
                .col(ColumnDef::new(ReviewResult::Outliers).integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_result_item_id")
                        .from(ReviewResult::Table, ReviewResult::ItemId)
                        .to(ReviewItem::Table, ReviewItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_review_result")
                .table(ReviewResult::Table)
                .col(ReviewResult::CampaignId)
                .col(ReviewResult::ItemId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_result_rank")
                .table(ReviewResult::Table)
                .col(ReviewResult::CampaignId)
                .col(ReviewResult::Rank)
                .col(ReviewResult::Id)
                .to_owned(),
        )
        .await?;
        // An objection (异议) raised during publicity, handled as a case.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ReviewObjection::Table)
                .col(ColumnDef::new(ReviewObjection::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReviewObjection::CampaignId).integer().not_null())
                .col(ColumnDef::new(ReviewObjection::ItemId).integer().null())
                .col(ColumnDef::new(ReviewObjection::Name).string_len(100).not_null())
                .col(ColumnDef::new(ReviewObjection::ContactEnc).text().not_null())
                .col(ColumnDef::new(ReviewObjection::Evidence).text().not_null())
                .col(ColumnDef::new(ReviewObjection::Status).string_len(16).not_null())
                .col(ColumnDef::new(ReviewObjection::Resolution).text().null())
                .col(ColumnDef::new(ReviewObjection::HandledBy).string_len(64).null())
                .col(ColumnDef::new(ReviewObjection::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReviewObjection::ResolvedAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_objection_campaign_id")
                        .from(ReviewObjection::Table, ReviewObjection::CampaignId)
                        .to(ReviewCampaign::Table, ReviewCampaign::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_review_objection")
                .table(ReviewObjection::Table)
                .col(ReviewObjection::CampaignId)
                .col(ReviewObjection::Status)
                .col(ReviewObjection::Id)
                .to_owned(),
        )
        .await?;
        // The working-day calendar: public holidays and weekend working days (调休).
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Holiday::Table)
                .col(ColumnDef::new(Holiday::Day).date().not_null().primary_key())
                .col(ColumnDef::new(Holiday::Kind).string_len(16).not_null())
                .col(ColumnDef::new(Holiday::Name).string_len(100).not_null())
                .to_owned(),
        ))
        .await?;
        // A recorded cooperation between two organizations (matchmaking fills it; the review engine reads it for conflicts).
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Cooperation::Table)
                .col(ColumnDef::new(Cooperation::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Cooperation::OrganizationA).integer().not_null())
                .col(ColumnDef::new(Cooperation::OrganizationB).integer().not_null())
                .col(ColumnDef::new(Cooperation::Title).string_len(200).not_null())
                .col(ColumnDef::new(Cooperation::SignedOn).date().not_null())
                .col(ColumnDef::new(Cooperation::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cooperation_organization_a")
                        .from(Cooperation::Table, Cooperation::OrganizationA)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cooperation_organization_b")
                        .from(Cooperation::Table, Cooperation::OrganizationB)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_cooperation_a")
                .table(Cooperation::Table)
                .col(Cooperation::OrganizationA)
                .col(Cooperation::SignedOn)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_cooperation_b")
                .table(Cooperation::Table)
                .col(Cooperation::OrganizationB)
                .col(Cooperation::SignedOn)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Cooperation::Table.into_iden(),
            Holiday::Table.into_iden(),
            ReviewObjection::Table.into_iden(),
            ReviewResult::Table.into_iden(),
            ReviewAssignment::Table.into_iden(),
            ReviewOverride::Table.into_iden(),
            ReviewDeclaration::Table.into_iden(),
            ReviewItemOrganization::Table.into_iden(),
            ReviewItem::Table.into_iden(),
            ReviewCampaign::Table.into_iden(),
            Rubric::Table.into_iden(),
            ExpertAvailability::Table.into_iden(),
            ExpertEmployment::Table.into_iden(),
            ExpertSpecialty::Table.into_iden(),
            Expert::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
