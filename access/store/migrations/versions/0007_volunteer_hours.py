"""Volunteer hours (0007, after 0006): counted as time, exported in kind (86/87), not as pay."""
import sqlalchemy as sa
from alembic import op

import access.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'volunteer_hours',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('worked_on', sa.Date(), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        sa.Column('what_for', sa.Text(), nullable=False),
        sa.Column('recorded_at', access.store.types.UtcDateTime(), nullable=False),
        sa.Column('recorded_by', sa.String(length=100), nullable=False),
        sa.Column('credit_entry_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['credit_entry_id'], ['ledger_entries.id'],
                                name=op.f('fk_volunteer_hours_credit_entry_id_ledger_entries')),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                                name=op.f('fk_volunteer_hours_member_id_members')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_hours')),
    )
    with op.batch_alter_table('volunteer_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_hours_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_hours_worked_on'), ['worked_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('volunteer_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_hours_worked_on'))
        batch_op.drop_index(batch_op.f('ix_volunteer_hours_member_id'))
    op.drop_table('volunteer_hours')
