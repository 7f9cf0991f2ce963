"""Dues in the ledger (0003, after 0002).

``ledger_entries.membership_id`` ties a membership's dues (a charge), and whatever pays or
waives them, to that membership: dues are their own account, apart from machine credit.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ledger_entries_membership_id'), ['membership_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_membership_id_memberships'),
                                    'memberships', ['membership_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_membership_id_memberships'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ledger_entries_membership_id'))
        batch_op.drop_column('membership_id')
