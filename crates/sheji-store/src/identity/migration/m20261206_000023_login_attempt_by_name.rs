//! Sign-in attempts read by account as well as by address: failures now slow down one
//! account from one address, and an address is "known" to an account once it signed in
//! from it, so the history is asked for by name.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    Username,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_login_attempt_name_at")
                .table(LoginAttempt::Table)
                .col(LoginAttempt::Username)
                .col(LoginAttempt::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_login_attempt_name_at").table(LoginAttempt::Table).to_owned()).await
    }
}
