//! The registry grows into the design-driven library: organization status, website, library
//! status; short names, qualifications and annual indicators as their own tables; the
//! library's history and the organizations' own applications.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Website,
    Status,
    LibraryStatus,
    LibraryChangedAt,
}

#[derive(DeriveIden)]
enum OrganizationAlias {
    Table,
    OrganizationId,
    Name,
}

#[derive(DeriveIden)]
enum OrganizationQualification {
    Table,
    OrganizationId,
    Kind,
    Year,
}

#[derive(DeriveIden)]
enum OrganizationIndicator {
    Table,
    OrganizationId,
    Year,
    Revenue,
    RdSpend,
    DesignInvestment,
    StaffTotal,
    DesignStaff,
    SeniorDesignStaff,
    DesignPatents,
    NewProductSales,
    DesignServiceRevenue,
    Awards,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LibraryEvent {
    Table,
    Id,
    OrganizationId,
    FromStatus,
    ToStatus,
    Reason,
    ActorName,
    At,
}

#[derive(DeriveIden)]
enum LibraryApplication {
    Table,
    Id,
    OrganizationId,
    Status,
    Statement,
    Comment,
    SubmittedBy,
    SubmittedAt,
    DecidedBy,
    DecidedAt,
}

fn org_fk(table: impl IntoIden, col: impl IntoIden, name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Organization::Table, Organization::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        // SQLite adds one column per ALTER statement; new NOT NULL columns need a default.
        for col in [
            ColumnDef::new(Organization::Website).string_len(255).null().to_owned(),
            ColumnDef::new(Organization::Status).string_len(16).not_null().default("active").to_owned(),
            ColumnDef::new(Organization::LibraryStatus).string_len(16).not_null().default("none").to_owned(),
            ColumnDef::new(Organization::LibraryChangedAt).timestamp_with_time_zone().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Organization::Table).add_column(col).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("ix_organization_library")
                .table(Organization::Table)
                .col(Organization::LibraryStatus)
                .col(Organization::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(OrganizationAlias::Table)
                .col(ColumnDef::new(OrganizationAlias::OrganizationId).integer().not_null())
                .col(ColumnDef::new(OrganizationAlias::Name).string_len(100).not_null())
                .primary_key(Index::create().col(OrganizationAlias::OrganizationId).col(OrganizationAlias::Name))
                .foreign_key(&mut org_fk(OrganizationAlias::Table, OrganizationAlias::OrganizationId, "fk_alias_org"))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_alias_name")
                .table(OrganizationAlias::Table)
                .col(OrganizationAlias::Name)
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(OrganizationQualification::Table)
                .col(ColumnDef::new(OrganizationQualification::OrganizationId).integer().not_null())
                .col(ColumnDef::new(OrganizationQualification::Kind).string_len(32).not_null())
                .col(ColumnDef::new(OrganizationQualification::Year).integer().null())
                .primary_key(
                    Index::create().col(OrganizationQualification::OrganizationId).col(OrganizationQualification::Kind),
                )
                .foreign_key(&mut org_fk(
                    OrganizationQualification::Table,
                    OrganizationQualification::OrganizationId,
                    "fk_qual_org",
                ))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_qual_kind")
                .table(OrganizationQualification::Table)
                .col(OrganizationQualification::Kind)
                .col(OrganizationQualification::OrganizationId)
                .to_owned(),
        )
        .await?;

        let money = |c: OrganizationIndicator| ColumnDef::new(c).double().null().to_owned();
        let count = |c: OrganizationIndicator| ColumnDef::new(c).big_integer().null().to_owned();
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(OrganizationIndicator::Table)
                .col(ColumnDef::new(OrganizationIndicator::OrganizationId).integer().not_null())
                .col(ColumnDef::new(OrganizationIndicator::Year).integer().not_null())
                .col(money(OrganizationIndicator::Revenue))
                .col(money(OrganizationIndicator::RdSpend))
                .col(money(OrganizationIndicator::DesignInvestment))
                .col(count(OrganizationIndicator::StaffTotal))
                .col(count(OrganizationIndicator::DesignStaff))
                .col(count(OrganizationIndicator::SeniorDesignStaff))
                .col(count(OrganizationIndicator::DesignPatents))
                .col(money(OrganizationIndicator::NewProductSales))
                .col(money(OrganizationIndicator::DesignServiceRevenue))
                .col(count(OrganizationIndicator::Awards))
                .col(ColumnDef::new(OrganizationIndicator::UpdatedAt).timestamp_with_time_zone().not_null())
                .primary_key(
                    Index::create().col(OrganizationIndicator::OrganizationId).col(OrganizationIndicator::Year),
                )
                .foreign_key(&mut org_fk(
                    OrganizationIndicator::Table,
                    OrganizationIndicator::OrganizationId,
                    "fk_indicator_org",
                ))
                .to_owned(),
        ))
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(LibraryEvent::Table)
                .col(ColumnDef::new(LibraryEvent::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(LibraryEvent::OrganizationId).integer().not_null())
                .col(ColumnDef::new(LibraryEvent::FromStatus).string_len(16).not_null())
                .col(ColumnDef::new(LibraryEvent::ToStatus).string_len(16).not_null())
                .col(ColumnDef::new(LibraryEvent::Reason).text().not_null())
                .col(ColumnDef::new(LibraryEvent::ActorName).string_len(64).not_null())
                .col(ColumnDef::new(LibraryEvent::At).timestamp_with_time_zone().not_null())
                .foreign_key(&mut org_fk(LibraryEvent::Table, LibraryEvent::OrganizationId, "fk_library_event_org"))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_library_event_org")
                .table(LibraryEvent::Table)
                .col(LibraryEvent::OrganizationId)
                .col(LibraryEvent::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(LibraryApplication::Table)
                .col(ColumnDef::new(LibraryApplication::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(LibraryApplication::OrganizationId).integer().not_null())
                .col(ColumnDef::new(LibraryApplication::Status).string_len(16).not_null())
                .col(ColumnDef::new(LibraryApplication::Statement).text().not_null())
                .col(ColumnDef::new(LibraryApplication::Comment).text().null())
                .col(ColumnDef::new(LibraryApplication::SubmittedBy).string_len(64).not_null())
                .col(ColumnDef::new(LibraryApplication::SubmittedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(LibraryApplication::DecidedBy).string_len(64).null())
                .col(ColumnDef::new(LibraryApplication::DecidedAt).timestamp_with_time_zone().null())
                .foreign_key(&mut org_fk(
                    LibraryApplication::Table,
                    LibraryApplication::OrganizationId,
                    "fk_library_app_org",
                ))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_library_app_status")
                .table(LibraryApplication::Table)
                .col(LibraryApplication::Status)
                .col(LibraryApplication::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_library_app_org")
                .table(LibraryApplication::Table)
                .col(LibraryApplication::OrganizationId)
                .col(LibraryApplication::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
