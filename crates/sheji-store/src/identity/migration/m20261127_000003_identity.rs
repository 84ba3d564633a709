//! Identity, access and audit: accounts with their affiliations, database-backed sessions
//! (so app nodes share them), API tokens, sign-in attempts for rate limiting, settings, and
//! the hash-chained audit trail with its head row. Organizations gain their contact person
//! and (encrypted) contact phone, the first private fields the data scope protects.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Username,
    DisplayName,
    PhoneEnc,
    Email,
    Status,
    PasswordHash,
    MustChangePassword,
    TotpSecretEnc,
    TotpLastStep,
    FailedLogins,
    LockedUntil,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Affiliation {
    Table,
    Id,
    AccountId,
    Role,
    OrganizationId,
    DistrictId,
    Until,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    TokenHash,
    AccountId,
    SecondFactorPending,
    CreatedAt,
    LastSeenAt,
    EndedAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    AccountId,
    Name,
    TokenHash,
    Prefix,
    Permissions,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditRecord {
    Table,
    Id,
    AtMs,
    ActorId,
    ActorName,
    Ip,
    Action,
    TargetType,
    TargetId,
    BeforeJson,
    AfterJson,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    LastHash,
}

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    Id,
    Ip,
    Username,
    At,
    Success,
}

#[derive(DeriveIden)]
enum Setting {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    ContactName,
    ContactPhoneEnc,
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
}

fn pk<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).integer().not_null().auto_increment().primary_key().to_owned()
}
fn s<T: IntoIden>(c: T, len: u32) -> ColumnDef {
    ColumnDef::new(c).string_len(len).not_null().to_owned()
}
fn s_null<T: IntoIden>(c: T, len: u32) -> ColumnDef {
    ColumnDef::new(c).string_len(len).null().to_owned()
}
fn ts<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned()
}
fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().null().to_owned()
}
fn index(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut i = Index::create().name(name).table(table).to_owned();
    for c in cols {
        i.col(c);
    }
    i
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Account::Table)
                .col(pk(Account::Id))
                .col(s(Account::Username, 32))
                .col(s(Account::DisplayName, 64))
                .col(ColumnDef::new(Account::PhoneEnc).text().null())
                .col(s_null(Account::Email, 254))
                .col(s(Account::Status, 16))
                .col(s(Account::PasswordHash, 255))
                .col(ColumnDef::new(Account::MustChangePassword).boolean().not_null())
                .col(ColumnDef::new(Account::TotpSecretEnc).text().null())
                .col(ColumnDef::new(Account::TotpLastStep).big_integer().null())
                .col(ColumnDef::new(Account::FailedLogins).integer().not_null())
                .col(ts_null(Account::LockedUntil))
                .col(ts_null(Account::LastLoginAt))
                .col(ts(Account::CreatedAt))
                .col(ts(Account::UpdatedAt))
                .to_owned(),
        ))
        .await?;
        m.create_index(
            index("ux_account_username", Account::Table, vec![Account::Username.into_iden()]).unique().to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_account_status",
            Account::Table,
            vec![Account::Status.into_iden(), Account::Id.into_iden()],
        ))
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Affiliation::Table)
                .col(pk(Affiliation::Id))
                .col(ColumnDef::new(Affiliation::AccountId).integer().not_null())
                .col(s(Affiliation::Role, 32))
                .col(ColumnDef::new(Affiliation::OrganizationId).integer().null())
                .col(ColumnDef::new(Affiliation::DistrictId).integer().null())
                .col(ts_null(Affiliation::Until))
                .col(ts(Affiliation::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_affiliation_account")
                        .from(Affiliation::Table, Affiliation::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_affiliation_organization")
                        .from(Affiliation::Table, Affiliation::OrganizationId)
                        .to(Organization::Table, Organization::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_affiliation_district")
                        .from(Affiliation::Table, Affiliation::DistrictId)
                        .to(District::Table, District::Id),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(index("ix_affiliation_account", Affiliation::Table, vec![Affiliation::AccountId.into_iden()]))
            .await?;
        m.create_index(index(
            "ix_affiliation_organization",
            Affiliation::Table,
            vec![Affiliation::OrganizationId.into_iden()],
        ))
        .await?;
        m.create_index(index("ix_affiliation_district", Affiliation::Table, vec![Affiliation::DistrictId.into_iden()]))
            .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Session::Table)
                .col(pk(Session::Id))
                .col(s(Session::TokenHash, 64))
                .col(ColumnDef::new(Session::AccountId).integer().not_null())
                .col(ColumnDef::new(Session::SecondFactorPending).boolean().not_null())
                .col(ts(Session::CreatedAt))
                .col(ts(Session::LastSeenAt))
                .col(ts_null(Session::EndedAt))
                .col(s(Session::Ip, 64))
                .col(s(Session::UserAgent, 255))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_session_account")
                        .from(Session::Table, Session::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            index("ux_session_token", Session::Table, vec![Session::TokenHash.into_iden()]).unique().to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_session_account",
            Session::Table,
            vec![Session::AccountId.into_iden(), Session::Id.into_iden()],
        ))
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(ApiToken::Table)
                .col(pk(ApiToken::Id))
                .col(ColumnDef::new(ApiToken::AccountId).integer().not_null())
                .col(s(ApiToken::Name, 64))
                .col(s(ApiToken::TokenHash, 64))
                .col(s(ApiToken::Prefix, 16))
                .col(ColumnDef::new(ApiToken::Permissions).text().not_null())
                .col(ts(ApiToken::ExpiresAt))
                .col(ts_null(ApiToken::RevokedAt))
                .col(ts_null(ApiToken::LastUsedAt))
                .col(ts(ApiToken::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_token_account")
                        .from(ApiToken::Table, ApiToken::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        m.create_index(
            index("ux_api_token_hash", ApiToken::Table, vec![ApiToken::TokenHash.into_iden()]).unique().to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_api_token_account",
            ApiToken::Table,
            vec![ApiToken::AccountId.into_iden(), ApiToken::Id.into_iden()],
        ))
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(AuditRecord::Table)
                .col(pk(AuditRecord::Id))
                .col(ColumnDef::new(AuditRecord::AtMs).big_integer().not_null())
                .col(ColumnDef::new(AuditRecord::ActorId).integer().null())
                .col(s(AuditRecord::ActorName, 64))
                .col(s(AuditRecord::Ip, 64))
                .col(s(AuditRecord::Action, 64))
                .col(s(AuditRecord::TargetType, 32))
                .col(s(AuditRecord::TargetId, 64))
                .col(ColumnDef::new(AuditRecord::BeforeJson).text().not_null())
                .col(ColumnDef::new(AuditRecord::AfterJson).text().not_null())
                .col(s(AuditRecord::PrevHash, 64))
                .col(s(AuditRecord::Hash, 64))
                .to_owned(),
        ))
        .await?;
        for (name, cols) in [
            ("ix_audit_at", vec![AuditRecord::AtMs.into_iden()]),
            ("ix_audit_actor", vec![AuditRecord::ActorId.into_iden(), AuditRecord::Id.into_iden()]),
            (
                "ix_audit_target",
                vec![
                    AuditRecord::TargetType.into_iden(),
                    AuditRecord::TargetId.into_iden(),
                    AuditRecord::Id.into_iden(),
                ],
            ),
            ("ix_audit_action", vec![AuditRecord::Action.into_iden(), AuditRecord::Id.into_iden()]),
        ] {
            let mut i = Index::create().name(name).table(AuditRecord::Table).to_owned();
            for c in cols {
                i.col(c);
            }
            m.create_index(i).await?;
        }

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(AuditHead::Table)
                .col(ColumnDef::new(AuditHead::Id).integer().not_null().primary_key())
                .col(ColumnDef::new(AuditHead::Seq).big_integer().not_null())
                .col(s(AuditHead::LastHash, 64))
                .to_owned(),
        ))
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::Seq, AuditHead::LastHash])
                .values_panic([1.into(), 0i64.into(), sheji_core::audit::GENESIS.into()])
                .to_owned(),
        )
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(LoginAttempt::Table)
                .col(pk(LoginAttempt::Id))
                .col(s(LoginAttempt::Ip, 64))
                .col(s(LoginAttempt::Username, 64))
                .col(ts(LoginAttempt::At))
                .col(ColumnDef::new(LoginAttempt::Success).boolean().not_null())
                .to_owned(),
        ))
        .await?;
        m.create_index(index(
            "ix_login_attempt_ip_at",
            LoginAttempt::Table,
            vec![LoginAttempt::Ip.into_iden(), LoginAttempt::At.into_iden()],
        ))
        .await?;

        m.create_table(dialect::table(
            b,
            Table::create()
                .table(Setting::Table)
                .col(ColumnDef::new(Setting::Key).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(Setting::Value).text().not_null())
                .col(ts(Setting::UpdatedAt))
                .to_owned(),
        ))
        .await?;

        // SQLite adds one column per ALTER statement.
        m.alter_table(
            Table::alter()
                .table(Organization::Table)
                .add_column(ColumnDef::new(Organization::ContactName).string_len(64).null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Organization::Table)
                .add_column(ColumnDef::new(Organization::ContactPhoneEnc).text().null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
