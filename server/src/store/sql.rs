//! SQL fragments shared by several queries.

/// "Member `$N` may read report `r`": the report is addressed to a role the member holds, or to
/// the member by name (a share, migration 0008), and the reporter did not exclude the member. Every query that shows a report, a message or an
/// attachment to a member uses this, with the report's id where `{report_id}` stands and the
/// member id bound where `{member}` stands.
pub(crate) fn visible_to_member(report_id: &str, member: &str) -> String {
    format!(
        "((EXISTS (SELECT 1 FROM report_roles rr JOIN member_roles mr ON mr.role_id = rr.role_id \
         WHERE rr.report_id = {report_id} AND mr.member_id = {member}) \
         OR EXISTS (SELECT 1 FROM report_members rm \
         WHERE rm.report_id = {report_id} AND rm.member_id = {member})) \
         AND {})",
        not_excluded(report_id, member)
    )
}

/// "The reporter did not keep member `$N` out of report `r`" (crypto/SPEC.md §9.2): part of
/// [`visible_to_member`], and on its own the statistics' check (`store::statistics`), which
/// lists every report whatever its roles but never one the member must not learn exists.
pub(crate) fn not_excluded(report_id: &str, member: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM report_exclusions rx \
         WHERE rx.report_id = {report_id} AND rx.member_id = {member})"
    )
}

/// Inside a write transaction: `column` of report `report`, if `member` may read it (the row of
/// a report the member cannot see is `None`, like one that does not exist).
pub(crate) async fn visible_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: &super::ReportId,
    member: &super::MemberId,
    column: &'static str,
) -> Result<Option<sqlx::any::AnyRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT r.{column} FROM reports r WHERE r.id = $1 AND {}",
        visible_to_member("r.id", "$2")
    ))
    .bind(report.as_str())
    .bind(member.as_str())
    .fetch_optional(&mut **tx)
    .await
}

#[cfg(test)]
mod tests {
    /// The migrations of both backends make the same schema: equal once the type names that
    /// differ between SQLite and PostgreSQL are normalised.
    #[test]
    fn sqlite_and_postgres_migrations_match() {
        let pairs = [
            (
                include_str!("../../migrations/sqlite/0001_init.sql"),
                include_str!("../../migrations/postgres/0001_init.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0002_signed_directory.sql"),
                include_str!("../../migrations/postgres/0002_signed_directory.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0003_abuse_retention_attachments.sql"),
                include_str!("../../migrations/postgres/0003_abuse_retention_attachments.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0004_notices.sql"),
                include_str!("../../migrations/postgres/0004_notices.sql"),
            ),
        ];
        for (sqlite, postgres) in pairs {
            assert_eq!(normalise(sqlite), normalise(postgres));
        }
        // From 0005 on, the data steps differ (SQLite shuffles rowids with triggers, which
        // PostgreSQL has no use for); the tables, columns and indexes they leave must not.
        let ddl_pairs = [
            (
                include_str!("../../migrations/sqlite/0005_no_arrival_order.sql"),
                include_str!("../../migrations/postgres/0005_no_arrival_order.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0006_intake.sql"),
                include_str!("../../migrations/postgres/0006_intake.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0007_casework.sql"),
                include_str!("../../migrations/postgres/0007_casework.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0008_share.sql"),
                include_str!("../../migrations/postgres/0008_share.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0009_audit_trail.sql"),
                include_str!("../../migrations/postgres/0009_audit_trail.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0010_handovers.sql"),
                include_str!("../../migrations/postgres/0010_handovers.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0011_backup_mark.sql"),
                include_str!("../../migrations/postgres/0011_backup_mark.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0012_directory_chain.sql"),
                include_str!("../../migrations/postgres/0012_directory_chain.sql"),
            ),
            (
                include_str!("../../migrations/sqlite/0013_recovery_key.sql"),
                include_str!("../../migrations/postgres/0013_recovery_key.sql"),
            ),
        ];
        for (sqlite, postgres) in ddl_pairs {
            let (sqlite, postgres) = (ddl(sqlite), ddl(postgres));
            assert!(!sqlite.is_empty());
            assert_eq!(sqlite, postgres);
        }
        let count = |dir: &str| std::fs::read_dir(dir).unwrap().count();
        let root = env!("CARGO_MANIFEST_DIR");
        let all = pairs.len() + ddl_pairs.len();
        assert_eq!(count(&format!("{root}/migrations/sqlite")), all);
        assert_eq!(count(&format!("{root}/migrations/postgres")), all);
    }

    /// The statements of a migration that shape the schema: tables, added columns, indexes.
    fn ddl(sql: &str) -> Vec<String> {
        normalise(sql)
            .split(';')
            .map(str::trim)
            .filter(|s| {
                s.starts_with("create table")
                    || s.starts_with("create index")
                    || s.starts_with("drop index")
                    || (s.starts_with("alter table") && s.contains(" add column "))
            })
            .map(str::to_owned)
            .collect()
    }

    /// Lower case, comments and spacing dropped, PostgreSQL's type names as SQLite's.
    fn normalise(sql: &str) -> String {
        let text: String = sql
            .lines()
            .map(|l| l.split("--").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            .replace("bytea", "blob")
            .replace("bigserial primary key", "integer primary key autoincrement")
            .replace("bigint", "integer");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}
