"""Each audit's newest scores in one small row (latest_scores), so the full-data export streams them in
one query instead of reading every snapshot's JSON; filled from each audit's newest snapshot

Revision ID: c3f81e20d9a4
Revises: a7d2e4f1c350
Create Date: 2026-12-07 20:30:00

"""
from alembic import op
import sqlalchemy as sa

from audit.scoring import latest_scores


# revision identifiers, used by Alembic.
revision = 'c3f81e20d9a4'
down_revision = 'a7d2e4f1c350'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'latest_scores',
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('scorecard_id', sa.Integer(), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('aggregates', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_latest_scores_audit_id_audits'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_latest_scores_scorecard_id_scorecards'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('audit_id', name=op.f('pk_latest_scores')),
    )
    latest_scores.backfill(op.get_bind())


def downgrade():
    op.drop_table('latest_scores')
