"""Members who asked to be forgotten (0006, after 0005).

``members.erased_at``: set by ``seuil member erase``; the row stays as the anonymous id the
ledger's amounts keep pointing at (accounting records outlive the person's data).
"""
import sqlalchemy as sa
from alembic import op

import access.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', access.store.types.UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
