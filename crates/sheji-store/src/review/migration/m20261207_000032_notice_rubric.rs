//! The rubric of a public notice without expert review (仅公示，不评分): a recognition batch
//! without experts still puts its applications on notice through a campaign, so objections,
//! receipts, decisions and the final list work as for a reviewed one. A campaign must name a
//! rubric (a NOT NULL foreign key that SQLite cannot relax without rebuilding a table others
//! reference), so such campaigns name this one: no criteria, never offered in pickers, its
//! name the marker (`review::NOTICE_ONLY_RUBRIC`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rubric {
    Table,
    Name,
    Version,
    Criteria,
    CreatedBy,
    CreatedAt,
}

/// Must equal `crate::review::NOTICE_ONLY_RUBRIC`.
const NAME: &str = "仅公示（不评分）";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let insert = Query::insert()
            .into_table(Rubric::Table)
            .columns([Rubric::Name, Rubric::Version, Rubric::Criteria, Rubric::CreatedBy, Rubric::CreatedAt])
            .values_panic([
                NAME.into(),
                1.into(),
                r#"{"criteria":[]}"#.into(),
                "system".into(),
                Expr::current_timestamp(),
            ])
            .to_owned();
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(Query::delete().from_table(Rubric::Table).and_where(Expr::col(Rubric::Name).eq(NAME)).to_owned())
            .await
    }
}
