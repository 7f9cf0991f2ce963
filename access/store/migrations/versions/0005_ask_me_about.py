"""Members may say what they are happy to help with (0005, after 0004).

``members.ask_me_about``: "3D printing, sewing", shown beside their name on the kiosk's
presence list and to a member who arrives untrained on a machine someone inside knows.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("ask_me_about", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("ask_me_about")
