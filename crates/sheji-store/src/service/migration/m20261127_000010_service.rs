//! Services to organizations: cultivation targets with their liaison officers (服务专员) and
//! the record of services given (design diagnosis, policy briefings, matchmaking, training …).

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
enum CultivationTarget {
    Table,
    CreatedAt,
    Goal,
    Id,
    LiaisonAccountId,
    MarkedBy,
    Note,
    OrganizationId,
    UpdatedAt,
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
enum ServiceRecord {
    Table,
    CreatedAt,
    Diagnosis,
    DistrictId,
    FollowUpOn,
    Id,
    Kind,
    OrganizationId,
    RecordedBy,
    ServedOn,
    Summary,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        // An organization marked for national cultivation, with its liaison officer.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(CultivationTarget::Table)
                .col(ColumnDef::new(CultivationTarget::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CultivationTarget::OrganizationId).integer().not_null())
                .col(ColumnDef::new(CultivationTarget::Goal).string_len(32).not_null())
                .col(ColumnDef::new(CultivationTarget::LiaisonAccountId).integer().null())
                .col(ColumnDef::new(CultivationTarget::Note).text().not_null())
                .col(ColumnDef::new(CultivationTarget::MarkedBy).string_len(64).not_null())
                .col(ColumnDef::new(CultivationTarget::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(CultivationTarget::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cultivation_target_organization_id")
                        .from(CultivationTarget::Table, CultivationTarget::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cultivation_target_liaison_account_id")
                        .from(CultivationTarget::Table, CultivationTarget::LiaisonAccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_cultivation_target")
                .table(CultivationTarget::Table)
                .col(CultivationTarget::OrganizationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_cultivation_liaison")
                .table(CultivationTarget::Table)
                .col(CultivationTarget::LiaisonAccountId)
                .col(CultivationTarget::Id)
                .to_owned(),
        )
        .await?;
        // A service given to an organization; a design diagnosis carries its structured report.
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ServiceRecord::Table)
                .col(ColumnDef::new(ServiceRecord::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ServiceRecord::OrganizationId).integer().not_null())
                .col(ColumnDef::new(ServiceRecord::DistrictId).integer().not_null())
                .col(ColumnDef::new(ServiceRecord::Kind).string_len(32).not_null())
                .col(ColumnDef::new(ServiceRecord::ServedOn).date().not_null())
                .col(ColumnDef::new(ServiceRecord::Summary).text().not_null())
                .col(ColumnDef::new(ServiceRecord::Diagnosis).text().null())
                .col(ColumnDef::new(ServiceRecord::FollowUpOn).date().null())
                .col(ColumnDef::new(ServiceRecord::RecordedBy).string_len(64).not_null())
                .col(ColumnDef::new(ServiceRecord::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_service_record_organization_id")
                        .from(ServiceRecord::Table, ServiceRecord::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_service_record_district_id")
                        .from(ServiceRecord::Table, ServiceRecord::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_service_record_org")
                .table(ServiceRecord::Table)
                .col(ServiceRecord::OrganizationId)
                .col(ServiceRecord::ServedOn)
                .col(ServiceRecord::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_service_record_district")
                .table(ServiceRecord::Table)
                .col(ServiceRecord::DistrictId)
                .col(ServiceRecord::ServedOn)
                .col(ServiceRecord::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [ServiceRecord::Table.into_iden(), CultivationTarget::Table.into_iden()] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
