"""Outbox messages a worker holds: not sent again before `held_until`

A worker doing long work (an export under its lease) keeps pushing `held_until` forward. The
sweep leaves such a message alone while the hold lasts, and sends it again as soon as the hold
runs out (the worker was lost), instead of after the fixed five minutes of staleness.

Revision ID: a41d7e0b9c52
Revises: 8c4f2a6d1e93
Create Date: 2026-12-07 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a41d7e0b9c52'
down_revision = '8c4f2a6d1e93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('held_until')
