//! The recognition ladder: batches (calls for applications) with their rules, applications
//! with their history, and recognitions with certificate numbers and validity.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

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
enum Recognition {
    Table,
    ApplicationId,
    BatchId,
    CertificateNo,
    CreatedAt,
    GrantedOn,
    Id,
    Kind,
    OrganizationId,
    RectifyUntil,
    Standing,
    UpdatedAt,
    ValidUntil,
}

#[derive(DeriveIden)]
enum RecognitionApplication {
    Table,
    BatchId,
    CreatedAt,
    CreatedBy,
    CreditOk,
    Description,
    DistrictId,
    Figures,
    Id,
    IncidentFree,
    Inspection,
    ItemId,
    OrganizationId,
    RecognitionId,
    StatementSigned,
    Status,
    SubmittedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecognitionBatch {
    Table,
    CampaignId,
    ClosesOn,
    CreatedAt,
    CreatedBy,
    DistrictQuota,
    Id,
    Kind,
    Name,
    OpensOn,
    Purpose,
    RubricId,
    Rules,
    Status,
    UpdatedAt,
    Year,
}

#[derive(DeriveIden)]
enum RecognitionEvent {
    Table,
    Action,
    ActorName,
    ApplicationId,
    At,
    Comment,
    FromStatus,
    Id,
    ToStatus,
}

#[derive(DeriveIden)]
enum ReviewCampaign {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReviewItem {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Rubric {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        // A call for applications for one kind of recognition and year, with its rules.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(RecognitionBatch::Table)
                .col(ColumnDef::new(RecognitionBatch::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(RecognitionBatch::Kind).string_len(32).not_null())
                .col(ColumnDef::new(RecognitionBatch::Purpose).string_len(16).not_null())
                .col(ColumnDef::new(RecognitionBatch::Year).integer().not_null())
                .col(ColumnDef::new(RecognitionBatch::Name).string_len(200).not_null())
                .col(ColumnDef::new(RecognitionBatch::OpensOn).date().not_null())
                .col(ColumnDef::new(RecognitionBatch::ClosesOn).date().not_null())
                .col(ColumnDef::new(RecognitionBatch::DistrictQuota).integer().null())
                .col(ColumnDef::new(RecognitionBatch::Rules).text().not_null())
                .col(ColumnDef::new(RecognitionBatch::RubricId).integer().null())
                .col(ColumnDef::new(RecognitionBatch::CampaignId).integer().null())
                .col(ColumnDef::new(RecognitionBatch::Status).string_len(16).not_null())
                .col(ColumnDef::new(RecognitionBatch::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(RecognitionBatch::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(RecognitionBatch::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_batch_rubric_id")
                        .from(RecognitionBatch::Table, RecognitionBatch::RubricId)
                        .to(Rubric::Table, Rubric::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_batch_campaign_id")
                        .from(RecognitionBatch::Table, RecognitionBatch::CampaignId)
                        .to(ReviewCampaign::Table, ReviewCampaign::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_batch_status")
                .table(RecognitionBatch::Table)
                .col(RecognitionBatch::Status)
                .col(RecognitionBatch::Id)
                .to_owned(),
        )
        .await?;
        // An organization's application in a batch.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(RecognitionApplication::Table)
                .col(ColumnDef::new(RecognitionApplication::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(RecognitionApplication::BatchId).integer().not_null())
                .col(ColumnDef::new(RecognitionApplication::OrganizationId).integer().not_null())
                .col(ColumnDef::new(RecognitionApplication::DistrictId).integer().not_null())
                .col(ColumnDef::new(RecognitionApplication::Status).string_len(16).not_null())
                .col(ColumnDef::new(RecognitionApplication::Description).text().not_null())
                .col(ColumnDef::new(RecognitionApplication::Figures).text().not_null())
                .col(ColumnDef::new(RecognitionApplication::IncidentFree).boolean().not_null())
                .col(ColumnDef::new(RecognitionApplication::CreditOk).boolean().not_null())
                .col(ColumnDef::new(RecognitionApplication::StatementSigned).boolean().not_null())
                .col(ColumnDef::new(RecognitionApplication::ItemId).integer().null())
                .col(ColumnDef::new(RecognitionApplication::RecognitionId).integer().null())
                .col(ColumnDef::new(RecognitionApplication::Inspection).text().null())
                .col(ColumnDef::new(RecognitionApplication::SubmittedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(RecognitionApplication::CreatedBy).string_len(64).not_null())
                .col(ColumnDef::new(RecognitionApplication::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(RecognitionApplication::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_application_batch_id")
                        .from(RecognitionApplication::Table, RecognitionApplication::BatchId)
                        .to(RecognitionBatch::Table, RecognitionBatch::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_application_organization_id")
                        .from(RecognitionApplication::Table, RecognitionApplication::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_application_district_id")
                        .from(RecognitionApplication::Table, RecognitionApplication::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_application_item_id")
                        .from(RecognitionApplication::Table, RecognitionApplication::ItemId)
                        .to(ReviewItem::Table, ReviewItem::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_recognition_application")
                .table(RecognitionApplication::Table)
                .col(RecognitionApplication::BatchId)
                .col(RecognitionApplication::OrganizationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_application_queue")
                .table(RecognitionApplication::Table)
                .col(RecognitionApplication::BatchId)
                .col(RecognitionApplication::DistrictId)
                .col(RecognitionApplication::Status)
                .col(RecognitionApplication::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_application_org")
                .table(RecognitionApplication::Table)
                .col(RecognitionApplication::OrganizationId)
                .col(RecognitionApplication::Id)
                .to_owned(),
        )
        .await?;
        // One step of an application's history (its timeline).
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(RecognitionEvent::Table)
                .col(ColumnDef::new(RecognitionEvent::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(RecognitionEvent::ApplicationId).integer().not_null())
                .col(ColumnDef::new(RecognitionEvent::FromStatus).string_len(16).not_null())
                .col(ColumnDef::new(RecognitionEvent::ToStatus).string_len(16).not_null())
                .col(ColumnDef::new(RecognitionEvent::Action).string_len(32).not_null())
                .col(ColumnDef::new(RecognitionEvent::Comment).text().not_null())
                .col(ColumnDef::new(RecognitionEvent::ActorName).string_len(64).not_null())
                .col(ColumnDef::new(RecognitionEvent::At).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_event_application_id")
                        .from(RecognitionEvent::Table, RecognitionEvent::ApplicationId)
                        .to(RecognitionApplication::Table, RecognitionApplication::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_event")
                .table(RecognitionEvent::Table)
                .col(RecognitionEvent::ApplicationId)
                .col(RecognitionEvent::Id)
                .to_owned(),
        )
        .await?;
        // A recognition granted: tier, certificate, validity and standing.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Recognition::Table)
                .col(ColumnDef::new(Recognition::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Recognition::OrganizationId).integer().not_null())
                .col(ColumnDef::new(Recognition::Kind).string_len(32).not_null())
                .col(ColumnDef::new(Recognition::CertificateNo).string_len(32).not_null())
                .col(ColumnDef::new(Recognition::GrantedOn).date().not_null())
                .col(ColumnDef::new(Recognition::ValidUntil).date().not_null())
                .col(ColumnDef::new(Recognition::Standing).string_len(16).not_null())
                .col(ColumnDef::new(Recognition::RectifyUntil).date().null())
                .col(ColumnDef::new(Recognition::BatchId).integer().null())
                .col(ColumnDef::new(Recognition::ApplicationId).integer().null())
                .col(ColumnDef::new(Recognition::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Recognition::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_organization_id")
                        .from(Recognition::Table, Recognition::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_batch_id")
                        .from(Recognition::Table, Recognition::BatchId)
                        .to(RecognitionBatch::Table, RecognitionBatch::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recognition_application_id")
                        .from(Recognition::Table, Recognition::ApplicationId)
                        .to(RecognitionApplication::Table, RecognitionApplication::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_recognition_certificate")
                .table(Recognition::Table)
                .col(Recognition::CertificateNo)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_org")
                .table(Recognition::Table)
                .col(Recognition::OrganizationId)
                .col(Recognition::Kind)
                .col(Recognition::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_kind")
                .table(Recognition::Table)
                .col(Recognition::Kind)
                .col(Recognition::Standing)
                .col(Recognition::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Recognition::Table.into_iden(),
            RecognitionEvent::Table.into_iden(),
            RecognitionApplication::Table.into_iden(),
            RecognitionBatch::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
