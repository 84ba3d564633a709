//! Reference data tables: districts, 33618 clusters, GB/T 4754 sections and manufacturing
//! divisions, design-service categories, professional-title levels and honor tiers. Each
//! keeps the `source` of its rows, as the shipped lists do.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum District {
    Table,
    Id,
    Code,
    Name,
    Kind,
    Status,
    ValidTo,
    SortOrder,
    Source,
    Note,
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
    Tier,
    TierName,
    Name,
    Confirmed,
    SortOrder,
    Source,
    Note,
}

#[derive(DeriveIden)]
enum IndustrySection {
    Table,
    Id,
    Code,
    Name,
    DivisionRange,
    Source,
    Note,
}

#[derive(DeriveIden)]
enum IndustryDivision {
    Table,
    Id,
    Code,
    Name,
    Section,
    Source,
    Note,
}

#[derive(DeriveIden)]
enum ServiceCategory {
    Table,
    Id,
    Code,
    Name,
    GroupName,
    SortOrder,
    Source,
    Note,
}

#[derive(DeriveIden)]
enum TitleLevel {
    Table,
    Id,
    Rank,
    Level,
    SubLevel,
    TitleName,
    Source,
    Note,
}

#[derive(DeriveIden)]
enum HonorTier {
    Table,
    Id,
    Family,
    TierOrder,
    Name,
    RecognizedBy,
    Validity,
    KeyConditions,
    Source,
    Status,
}

fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().auto_increment().primary_key().to_owned()
}

fn string<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn string_null<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

fn text<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn int<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(District::Table)
                .col(id(District::Id))
                .col(string_null(District::Code, 6))
                .col(string(District::Name, 64))
                .col(string(District::Kind, 32))
                .col(string(District::Status, 16))
                .col(string_null(District::ValidTo, 10))
                .col(int(District::SortOrder))
                .col(text(District::Source))
                .col(text_null(District::Note))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create().name("ux_district_name").table(District::Table).col(District::Name).unique().to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_district_code").table(District::Table).col(District::Code).to_owned())
            .await?;
        m.create_index(
            Index::create()
                .name("ix_district_sort")
                .table(District::Table)
                .col(District::SortOrder)
                .col(District::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Cluster::Table)
                .col(id(Cluster::Id))
                .col(ColumnDef::new(Cluster::Tier).small_integer().not_null())
                .col(string(Cluster::TierName, 64))
                .col(string(Cluster::Name, 64))
                .col(ColumnDef::new(Cluster::Confirmed).boolean().not_null())
                .col(int(Cluster::SortOrder))
                .col(text(Cluster::Source))
                .col(text_null(Cluster::Note))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create().name("ux_cluster_name").table(Cluster::Table).col(Cluster::Name).unique().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_cluster_tier_sort")
                .table(Cluster::Table)
                .col(Cluster::Tier)
                .col(Cluster::SortOrder)
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(IndustrySection::Table)
                .col(id(IndustrySection::Id))
                .col(string(IndustrySection::Code, 1))
                .col(string(IndustrySection::Name, 64))
                .col(string(IndustrySection::DivisionRange, 16))
                .col(text(IndustrySection::Source))
                .col(text_null(IndustrySection::Note))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_industry_section_code")
                .table(IndustrySection::Table)
                .col(IndustrySection::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(IndustryDivision::Table)
                .col(id(IndustryDivision::Id))
                .col(string(IndustryDivision::Code, 2))
                .col(string(IndustryDivision::Name, 64))
                .col(string(IndustryDivision::Section, 1))
                .col(text(IndustryDivision::Source))
                .col(text_null(IndustryDivision::Note))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_industry_division_code")
                .table(IndustryDivision::Table)
                .col(IndustryDivision::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ServiceCategory::Table)
                .col(id(ServiceCategory::Id))
                .col(string(ServiceCategory::Code, 16))
                .col(string(ServiceCategory::Name, 64))
                .col(string(ServiceCategory::GroupName, 64))
                .col(int(ServiceCategory::SortOrder))
                .col(text(ServiceCategory::Source))
                .col(text_null(ServiceCategory::Note))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_service_category_code")
                .table(ServiceCategory::Table)
                .col(ServiceCategory::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(TitleLevel::Table)
                .col(id(TitleLevel::Id))
                .col(int(TitleLevel::Rank))
                .col(string(TitleLevel::Level, 16))
                .col(string_null(TitleLevel::SubLevel, 16))
                .col(string(TitleLevel::TitleName, 64))
                .col(text(TitleLevel::Source))
                .col(text_null(TitleLevel::Note))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_title_level_name")
                .table(TitleLevel::Table)
                .col(TitleLevel::TitleName)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(HonorTier::Table)
                .col(id(HonorTier::Id))
                .col(string(HonorTier::Family, 32))
                .col(int(HonorTier::TierOrder))
                .col(string(HonorTier::Name, 64))
                .col(string(HonorTier::RecognizedBy, 64))
                .col(text(HonorTier::Validity))
                .col(text(HonorTier::KeyConditions))
                .col(text(HonorTier::Source))
                .col(string(HonorTier::Status, 64))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ux_honor_tier_family_order")
                .table(HonorTier::Table)
                .col(HonorTier::Family)
                .col(HonorTier::TierOrder)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
