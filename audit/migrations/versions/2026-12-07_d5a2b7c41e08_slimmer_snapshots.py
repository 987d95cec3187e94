"""Slimmer snapshots: scorecards stored compactly (format 2); an audit's older snapshots keep
their scores without the trace (`traced` false) and lose their domain, recommendation and
sex-count rows, which no page, export or roll-up reads

Revision ID: d5a2b7c41e08
Revises: c3f81e20d9a4
Create Date: 2026-12-07 21:00:00

"""
from alembic import op
import sqlalchemy as sa

from audit.scoring import slimming
from audit.scoring.engine import Scorecard, codec


# revision identifiers, used by Alembic.
revision = 'd5a2b7c41e08'
down_revision = 'c3f81e20d9a4'
branch_labels = None
depends_on = None

BATCH = 500

snapshots = sa.table(
    'scorecards',
    sa.column('id', sa.Integer),
    sa.column('audit_id', sa.Integer),
    sa.column('data', sa.JSON),
    sa.column('traced', sa.Boolean),
)


def _rewrite(conn, change):
    """Apply change(row, newest) -> (data, traced) to every snapshot, BATCH at a time."""
    newest = dict(
        conn.execute(
            sa.select(snapshots.c.audit_id, sa.func.max(snapshots.c.id)).group_by(snapshots.c.audit_id)
        ).all()
    )
    after = 0
    while True:
        rows = conn.execute(
            sa.select(snapshots.c.id, snapshots.c.audit_id, snapshots.c.data)
            .where(snapshots.c.id > after)
            .order_by(snapshots.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for snapshot_id, audit_id, data in rows:
            new_data, traced = change(data, newest.get(audit_id) == snapshot_id)
            conn.execute(
                sa.update(snapshots)
                .where(snapshots.c.id == snapshot_id)
                .values(data=new_data, traced=traced)
            )
        after = rows[-1][0]


def upgrade():
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('traced', sa.Boolean(), server_default=sa.true(), nullable=False))
    slimming.rewrite_stored(op.get_bind(), BATCH)


def downgrade():
    # Format 1 again; an older snapshot's trace and rows are not brought back (nothing read them).
    _rewrite(op.get_bind(), lambda data, newest: (codec.encode_format_1(Scorecard.from_dict(data)), True))
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_column('traced')
