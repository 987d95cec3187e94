"""Names of countries, institutions and units in each language (all optional)

The name as entered stays in "name"; name_en, name_ar, name_fr and name_es hold the versions
a reader of that language sees (empty: the name as entered).

Revision ID: 3b1e6a9c2d40
Revises: 7c7b5fdd814e
Create Date: 2026-12-07 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b1e6a9c2d40'
down_revision = '7c7b5fdd814e'
branch_labels = None
depends_on = None

TABLES = ('countries', 'institutions', 'units')
LANGUAGES = ('en', 'ar', 'fr', 'es')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for code in LANGUAGES:
                batch_op.add_column(sa.Column(f'name_{code}', sa.String(length=200), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for code in reversed(LANGUAGES):
                batch_op.drop_column(f'name_{code}')
