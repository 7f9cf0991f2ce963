"""Online checkouts kept until final (0004, after 0003).

Every checkout the kiosk starts is a row of ``online_checkouts`` with its state; the hub
confirms the pending ones with the provider, so a payment is never lost with the screen.
"""
import sqlalchemy as sa
from alembic import op

import access.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'online_checkouts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('checkout_id', sa.String(length=100), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('cents', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('started_at', access.store.types.UtcDateTime(), nullable=False),
        sa.Column('checked_at', access.store.types.UtcDateTime(), nullable=True),
        sa.Column('final_at', access.store.types.UtcDateTime(), nullable=True),
        sa.Column('order_reference', sa.String(length=200), nullable=True),
        sa.Column('outcome', sa.String(length=100), nullable=True),
        sa.Column('problem', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_online_checkouts')),
        sa.UniqueConstraint('provider', 'checkout_id', name=op.f('uq_online_checkouts_provider')),
    )
    with op.batch_alter_table('online_checkouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_checkouts_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('online_checkouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_checkouts_state'))
    op.drop_table('online_checkouts')
