"""The cash box (0006, after 0005): counts, deposits, and differences in the ledger.

A count covers the cash payments declared since the previous one (``ledger_entries.
cash_count_id``); its difference is a ledger entry that belongs to no member, so
``ledger_entries.member_id`` becomes nullable.
"""
import sqlalchemy as sa
from alembic import op

import access.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cash_counts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counted_at', access.store.types.UtcDateTime(), nullable=False),
        sa.Column('counted_by', sa.String(length=100), nullable=False),
        sa.Column('counted_cents', sa.Integer(), nullable=False),
        sa.Column('opening_cents', sa.Integer(), nullable=False),
        sa.Column('declared_cents', sa.Integer(), nullable=False),
        sa.Column('deposited_cents', sa.Integer(), nullable=False),
        sa.Column('difference_cents', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('opening', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_counts')),
    )
    with op.batch_alter_table('cash_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_counts_counted_at'), ['counted_at'], unique=False)
    op.create_table(
        'cash_deposits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deposited_at', access.store.types.UtcDateTime(), nullable=False),
        sa.Column('deposited_by', sa.String(length=100), nullable=False),
        sa.Column('cents', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('cash_count_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['cash_count_id'], ['cash_counts.id'],
                                name=op.f('fk_cash_deposits_cash_count_id_cash_counts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_deposits')),
        sa.UniqueConstraint('reference', name=op.f('uq_cash_deposits_reference')),
    )
    with op.batch_alter_table('cash_deposits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_deposits_deposited_at'), ['deposited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cash_deposits_cash_count_id'), ['cash_count_id'], unique=False)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('member_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('cash_count_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ledger_entries_cash_count_id'), ['cash_count_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_cash_count_id_cash_counts'),
                                    'cash_counts', ['cash_count_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_cash_count_id_cash_counts'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ledger_entries_cash_count_id'))
        batch_op.drop_column('cash_count_id')
        batch_op.alter_column('member_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('cash_deposits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_deposits_cash_count_id'))
        batch_op.drop_index(batch_op.f('ix_cash_deposits_deposited_at'))
    op.drop_table('cash_deposits')
    with op.batch_alter_table('cash_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_counts_counted_at'))
    op.drop_table('cash_counts')
