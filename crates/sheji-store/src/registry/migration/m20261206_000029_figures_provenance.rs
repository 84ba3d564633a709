//! Who entered each year's figures, how (form, import, demo data), and whether the district
//! has confirmed them: the city trusts figures it can trace. `updated_at` already says when.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrganizationIndicator {
    Table,
    EnteredBy,
    EnteredVia,
    ConfirmedBy,
    ConfirmedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(OrganizationIndicator::EnteredBy).string_len(64).null().to_owned(),
            ColumnDef::new(OrganizationIndicator::EnteredVia).string_len(16).null().to_owned(),
            ColumnDef::new(OrganizationIndicator::ConfirmedBy).string_len(64).null().to_owned(),
            ColumnDef::new(OrganizationIndicator::ConfirmedAt).timestamp_with_time_zone().null().to_owned(),
        ];
        // One column per statement: SQLite adds one at a time.
        for mut column in columns {
            m.alter_table(Table::alter().table(OrganizationIndicator::Table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            OrganizationIndicator::ConfirmedAt,
            OrganizationIndicator::ConfirmedBy,
            OrganizationIndicator::EnteredVia,
            OrganizationIndicator::EnteredBy,
        ] {
            m.alter_table(Table::alter().table(OrganizationIndicator::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
