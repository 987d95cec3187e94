"""Evidence linked to several questions, and a sign-off with name, position and confirmation

One document may now support several questions of an audit: the question it was attached to
moves from the evidence row into the new evidence_links table (one row per question). A
downgrade keeps each document on its first question only.

The sign-off keeps the name and position it was signed with and whether the statement was
confirmed; earlier submissions count as confirmed (their statement was written and sent).

Revision ID: 5e1d3c9a7b20
Revises: 3b1e6a9c2d40
Create Date: 2026-12-07 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d3c9a7b20'
down_revision = '3b1e6a9c2d40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence_links',
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_links_evidence_id_evidence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['framework_indicators.id'], name=op.f('fk_evidence_links_indicator_id_framework_indicators'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('evidence_id', 'indicator_id', name=op.f('pk_evidence_links'))
    )
    with op.batch_alter_table('evidence_links', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_links_indicator_id', ['indicator_id'], unique=False)
    op.execute(
        "INSERT INTO evidence_links (evidence_id, indicator_id) SELECT id, indicator_id FROM evidence"
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_audit_indicator')
        batch_op.drop_constraint('fk_evidence_indicator_id_framework_indicators', type_='foreignkey')
        batch_op.drop_column('indicator_id')
        batch_op.create_index(batch_op.f('ix_evidence_audit_id'), ['audit_id'], unique=False)

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_off_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sign_off_position', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sign_off_confirmed', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE audits SET sign_off_confirmed = true WHERE sign_off IS NOT NULL")
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.alter_column('sign_off_confirmed', server_default=None)


def downgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('sign_off_confirmed')
        batch_op.drop_column('sign_off_position')
        batch_op.drop_column('sign_off_name')

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_audit_id'))
        batch_op.add_column(sa.Column('indicator_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE evidence SET indicator_id = (SELECT min(indicator_id) FROM evidence_links"
        " WHERE evidence_links.evidence_id = evidence.id)"
    )
    op.execute("DELETE FROM evidence WHERE indicator_id IS NULL")
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.alter_column('indicator_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_indicator_id_framework_indicators'), 'framework_indicators', ['indicator_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_index('ix_evidence_audit_indicator', ['audit_id', 'indicator_id'], unique=False)

    with op.batch_alter_table('evidence_links', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_links_indicator_id')
    op.drop_table('evidence_links')
