//! Sign-in attempts by time alone, for pruning those no longer read (failures after 30 days,
//! successes after the 90 days that make an address known): the table grew without bound,
//! and fastest under attack.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create().name("ix_login_attempt_at").table(LoginAttempt::Table).col(LoginAttempt::At).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_login_attempt_at").table(LoginAttempt::Table).to_owned()).await
    }
}
