"""Filing by content: the outcome of the filing check on each report (``filing_state`` for SQL,
``filing`` with the reasons), ``duplicate_of`` (an upload repeating an earlier report's content) and an
index on the content hash to recognise duplicate uploads.

Reports stored before this migration have no filing state (None): they are counted as before, and get
one when they are analysed again or corrected.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("filing_state", sa.String(16), nullable=True))
        batch.add_column(sa.Column("filing", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_reports_duplicate_of_reports"), "reports", ["duplicate_of"], ["id"],
                                 ondelete="SET NULL")
    op.create_index("ix_reports_sha256", "reports", ["file_sha256"])


def downgrade() -> None:
    op.drop_index("ix_reports_sha256", table_name="reports")
    with op.batch_alter_table("reports") as batch:
        batch.drop_constraint(op.f("fk_reports_duplicate_of_reports"), type_="foreignkey")
        batch.drop_column("duplicate_of")
        batch.drop_column("filing")
        batch.drop_column("filing_state")
