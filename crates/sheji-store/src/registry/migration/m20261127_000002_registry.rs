//! The organization registry's first tables: organizations and their clusters. The registry
//! issue extends them (short names, qualifications, indicators, library status).

use sea_orm_migration::prelude::*;

use crate::dialect;
use crate::reference::migration::m20261127_000001_reference::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Uscc,
    Name,
    Kind,
    DistrictId,
    IndustryCode,
    Address,
    Description,
    FoundedOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrganizationCluster {
    Table,
    OrganizationId,
    ClusterId,
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Organization::Table)
                .col(ColumnDef::new(Organization::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Organization::Uscc).string_len(18).not_null())
                .col(ColumnDef::new(Organization::Name).string_len(200).not_null())
                .col(ColumnDef::new(Organization::Kind).string_len(32).not_null())
                .col(ColumnDef::new(Organization::DistrictId).integer().not_null())
                .col(ColumnDef::new(Organization::IndustryCode).string_len(2).null())
                .col(ColumnDef::new(Organization::Address).string_len(255).not_null())
                .col(ColumnDef::new(Organization::Description).text().not_null())
                .col(ColumnDef::new(Organization::FoundedOn).date().null())
                .col(ColumnDef::new(Organization::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Organization::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_organization_district")
                        .from(Organization::Table, Organization::DistrictId)
                        .to(District::Table, District::Id),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_organization_uscc")
                .table(Organization::Table)
                .col(Organization::Uscc)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_organization_name").table(Organization::Table).col(Organization::Name).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_organization_district")
                .table(Organization::Table)
                .col(Organization::DistrictId)
                .col(Organization::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_organization_kind")
                .table(Organization::Table)
                .col(Organization::Kind)
                .col(Organization::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(OrganizationCluster::Table)
                .col(ColumnDef::new(OrganizationCluster::OrganizationId).integer().not_null())
                .col(ColumnDef::new(OrganizationCluster::ClusterId).integer().not_null())
                .primary_key(
                    Index::create().col(OrganizationCluster::OrganizationId).col(OrganizationCluster::ClusterId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_organization_cluster_org")
                        .from(OrganizationCluster::Table, OrganizationCluster::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_organization_cluster_cluster")
                        .from(OrganizationCluster::Table, OrganizationCluster::ClusterId)
                        .to(Cluster::Table, Cluster::Id),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_organization_cluster_cluster")
                .table(OrganizationCluster::Table)
                .col(OrganizationCluster::ClusterId)
                .col(OrganizationCluster::OrganizationId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
