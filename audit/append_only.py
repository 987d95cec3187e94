"""Logs that cannot be rewritten: on PostgreSQL a trigger refuses UPDATE and DELETE of their rows.

"Append-only" then holds even for code that forgets it (a stray UPDATE, a bulk DELETE, a console
session): the database itself refuses. Two tables are logs: the audit log (every change to an
audit, its answers, evidence and queries) and the activity log (who changed what elsewhere).

One exception, on the audit log only: its rows go with their audit. The audit's foreign key
cascades, and an audit can only be removed before it started (audits/services/cycles.py:
remove_audit), when its log holds nothing but its creation; the removal itself is recorded in the
activity log. A row whose audit still exists can never be deleted.

What else follows: an account that acted cannot be deleted (its log rows would be rewritten to
point at nobody); accounts are disabled instead, which keeps who did what. TRUNCATE, which throws
a whole table away (a test database), is not a row being rewritten and is left alone.

The definition lives here once: the models attach it to their tables when `create_all` makes
them (the tests, a fresh embedded database), and the migration installs it with the same text.
SQLite keeps no triggers of this kind: the embedded database is one person's own file.
"""

from __future__ import annotations

from sqlalchemy import DDL, Table, event

FUNCTION = "wps_refuse_log_rewrite"  # the name FUNCTION_SQL creates

#: The tables that are logs (the audit log's rows may go with their audit, see above).
TABLES = ("audit_log", "activity_events")

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION wps_refuse_log_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log' THEN
        IF NOT EXISTS (SELECT 1 FROM audits WHERE audits.id = OLD.audit_id) THEN
            RETURN OLD;  -- the audit itself was removed: its log goes with it
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % of its rows is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Log rows are only ever inserted; record a new entry instead.';
END
$$
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


def trigger_sql(table: str) -> str:
    return (
        f"CREATE TRIGGER {trigger_name(table)} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )


def drop_trigger_sql(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}"


DROP_FUNCTION_SQL = f"DROP FUNCTION IF EXISTS {FUNCTION}()"


def protect(table: Table) -> None:
    """Install the trigger whenever `create_all` creates this table on PostgreSQL."""
    for statement in (FUNCTION_SQL, trigger_sql(table.name)):
        ddl = DDL(statement.replace("%", "%%"))  # DDL formats its text with %(table)s & co.
        event.listen(table, "after_create", ddl.execute_if(dialect="postgresql"))
