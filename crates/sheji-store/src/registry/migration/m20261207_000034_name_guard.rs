//! One organization per (normalized) name, kept by the database: `name_guard` holds the name
//! under a unique index. Before, the service refused a taken name on registration, creation,
//! rename and import, but two requests racing for one name both passed the check, and an
//! enterprise could be registered under another's name.
//!
//! A unique index on `name` itself would refuse to be built where a database already holds
//! the same name twice, and stop the upgrade. Instead the earliest holder of each name takes
//! the guard; a later namesake keeps a NULL guard (NULLs never collide on any of the three
//! backends), stays listed, and is told its name is taken the next time it is saved
//! without a new one. On MySQL/MariaDB the column's collation decides what "the same" means
//! (case-insensitive by default), as it does for every other text comparison there.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    NameGuard,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organization::Table)
                .add_column(ColumnDef::new(Organization::NameGuard).string_len(200).null())
                .to_owned(),
        )
        .await?;
        // The inner derived table lets MySQL read the table it updates.
        m.get_connection()
            .execute_unprepared(
                "UPDATE organization SET name_guard = name WHERE id IN \
                 (SELECT id FROM (SELECT MIN(id) AS id FROM organization GROUP BY name) first_holder)",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ux_organization_name_guard")
                .table(Organization::Table)
                .col(Organization::NameGuard)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_organization_name_guard").table(Organization::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Organization::Table).drop_column(Organization::NameGuard).to_owned()).await
    }
}
