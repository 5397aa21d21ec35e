"""Summary tables: finding counts per rule and effective values per report (home page, comparison,
export as SQL); indexes for the report list (counts by state, sort by unit).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_counts",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_finding_counts_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "rule", "severity", name=op.f("pk_finding_counts")),
    )
    op.create_index("ix_finding_counts_rule", "finding_counts", ["rule"])
    op.create_table(
        "report_values",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("num", sa.Numeric(24, 6)),
        sa.Column("text", sa.String(500)),
        sa.Column("unit", sa.String(20)),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_values_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "key", name=op.f("pk_report_values")),
    )
    op.create_index("ix_report_values_key", "report_values", ["key"])
    op.create_index("ix_reports_state", "reports", ["status", "analysis", "error_count", "warning_count"])
    op.create_index("ix_reports_unit_name", "reports", ["unit_name"])


def downgrade() -> None:
    op.drop_index("ix_reports_unit_name", table_name="reports")
    op.drop_index("ix_reports_state", table_name="reports")
    op.drop_index("ix_report_values_key", table_name="report_values")
    op.drop_table("report_values")
    op.drop_index("ix_finding_counts_rule", table_name="finding_counts")
    op.drop_table("finding_counts")
