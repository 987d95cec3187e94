"""The audit log and the activity log are append-only in the database itself

On PostgreSQL a trigger on each log refuses UPDATE and DELETE of its rows, so "append-only"
holds even for code that forgets; an audit's log rows may only go with the audit itself. The
definition is the one `create_all` installs (audit/append_only.py). SQLite: nothing to do.
A downgrade drops the triggers and their function.

Revision ID: 8c4f2a6d1e93
Revises: 5e1d3c9a7b20
Create Date: 2026-12-07 12:10:00

"""
from alembic import op

from audit import append_only


# revision identifiers, used by Alembic.
revision = '8c4f2a6d1e93'
down_revision = '5e1d3c9a7b20'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(append_only.FUNCTION_SQL)
    for table in append_only.TABLES:
        op.execute(append_only.drop_trigger_sql(table))
        op.execute(append_only.trigger_sql(table))


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in append_only.TABLES:
        op.execute(append_only.drop_trigger_sql(table))
    op.execute(append_only.DROP_FUNCTION_SQL)
