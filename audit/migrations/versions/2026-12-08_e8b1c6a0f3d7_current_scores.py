"""The current-scores read model: each audit's newest validated scorecard as it adds to the
roll-ups (current_scores), and the sums per cycle and institution or country (score_sums),
filled from the stored snapshots; audits indexed by state for the review queue

Revision ID: e8b1c6a0f3d7
Revises: d5a2b7c41e08
Create Date: 2026-12-08 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from audit.scoring import current


# revision identifiers, used by Alembic.
revision = 'e8b1c6a0f3d7'
down_revision = 'd5a2b7c41e08'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'current_scores',
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('scorecard_id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.Column('country_id', sa.Integer(), nullable=False),
        sa.Column('counted', sa.Boolean(), nullable=False),
        sa.Column('overall_score', sa.Float(), nullable=True),
        sa.Column('contribution', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_current_scores_audit_id_audits'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cycle_id'], ['audit_cycles.id'], name=op.f('fk_current_scores_cycle_id_audit_cycles'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_current_scores_scorecard_id_scorecards'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_current_scores_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('audit_id', name=op.f('pk_current_scores')),
    )
    op.create_index('ix_current_scores_cycle_unit', 'current_scores', ['cycle_id', 'counted', 'unit_id'], unique=False)
    op.create_table(
        'score_sums',
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False),
        sa.Column('scope_id', sa.Integer(), nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.Column('sums', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['audit_cycles.id'], name=op.f('fk_score_sums_cycle_id_audit_cycles'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cycle_id', 'level', 'scope_id', name=op.f('pk_score_sums')),
    )
    op.create_index('ix_audits_state', 'audits', ['state'], unique=False)
    current.rebuild(op.get_bind())


def downgrade():
    op.drop_index('ix_audits_state', table_name='audits')
    op.drop_table('score_sums')
    op.drop_index('ix_current_scores_cycle_unit', table_name='current_scores')
    op.drop_table('current_scores')
