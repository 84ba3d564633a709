//! One organization per (normalized) name, kept by the database: `name_guard` holds the name
//! under a unique index. Before, the service refused a taken name on registration, creation,
//! rename and import, but two requests racing for one name both passed the check, and an
//! enterprise could be registered under another's name.
//!
//! A unique index on `name` itself would refuse to be built where a database already holds
//! the same name twice, and stop the upgrade. Instead the earliest holder of each name takes
//! the guard; a later namesake keeps a NULL guard (NULLs never collide on any of the three
//! backends), stays listed, and is told its name is taken the next time it is saved
//! without a new one. On MySQL/MariaDB the guard compares bytes (`utf8mb4_bin`): the default
//! collations there ignore case, accents and width, and the guard must mean there what it means
//! on the other two backends and in the service's own checks (an import checks a whole file
//! before it writes; a name those checks let through must not fail at the write).

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
        let mut guard = ColumnDef::new(Organization::NameGuard);
        crate::dialect::exact_text(m.get_database_backend(), &mut guard, 200);
        guard.null();
        m.alter_table(Table::alter().table(Organization::Table).add_column(&mut guard).to_owned()).await?;
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
