//! The job table becomes a queue any node can work: when a job may run, how often it has been
//! tried, which node holds it and until when, a key that lets a recurring job's slot be queued
//! only once, and a history of every attempt.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Job {
    Table,
    Id,
    Status,
    Payload,
    RunAt,
    Attempts,
    MaxAttempts,
    LeaseOwner,
    LeaseUntil,
    DedupeKey,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum JobRun {
    Table,
    Id,
    JobId,
    Attempt,
    Node,
    StartedAt,
    FinishedAt,
    Outcome,
    DurationMs,
    Output,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            ColumnDef::new(Job::Payload).text().null().to_owned(),
            ColumnDef::new(Job::RunAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Job::Attempts).integer().not_null().default(0).to_owned(),
            ColumnDef::new(Job::MaxAttempts).integer().not_null().default(1).to_owned(),
            ColumnDef::new(Job::LeaseOwner).string_len(64).null().to_owned(),
            ColumnDef::new(Job::LeaseUntil).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Job::DedupeKey).string_len(160).null().to_owned(),
            ColumnDef::new(Job::StartedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Job::FinishedAt).timestamp_with_time_zone().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Job::Table).add_column(col).to_owned()).await?;
        }
        // A recurring job's slot is queued once however many nodes try: the database says no
        // to the second (several NULLs are allowed on all three backends).
        m.create_index(Index::create().name("ux_job_dedupe").table(Job::Table).col(Job::DedupeKey).unique().to_owned())
            .await?;
        // Claiming reads the due jobs in order of time.
        m.create_index(
            Index::create()
                .name("ix_job_due")
                .table(Job::Table)
                .col(Job::Status)
                .col(Job::RunAt)
                .col(Job::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(dialect::table(
            m.get_database_backend(),
            Table::create()
                .table(JobRun::Table)
                .col(ColumnDef::new(JobRun::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(JobRun::JobId).integer().not_null())
                .col(ColumnDef::new(JobRun::Attempt).integer().not_null())
                .col(ColumnDef::new(JobRun::Node).string_len(64).not_null())
                .col(ColumnDef::new(JobRun::StartedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(JobRun::FinishedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(JobRun::Outcome).string_len(16).not_null())
                .col(ColumnDef::new(JobRun::DurationMs).big_integer().null())
                .col(ColumnDef::new(JobRun::Output).text().not_null())
                .to_owned(),
        ))
        .await?;
        m.create_index(
            Index::create().name("ix_job_run_job").table(JobRun::Table).col(JobRun::JobId).col(JobRun::Id).to_owned(),
        )
        .await?;
        // Finished jobs listed newest first on the administrators' page.
        m.create_index(
            Index::create().name("ix_job_run_started").table(JobRun::Table).col(JobRun::StartedAt).to_owned(),
        )
        .await?;
        Ok(())
    }
}
