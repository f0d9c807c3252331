"""job telemetry: when a job was queued and first stored output, and each claim's packages

Revision ID: 0012
Revises: 0003
Create Date: 2026-12-02 08:10:00

``/metrics`` reads job latencies and per-package throughput from these columns. Existing jobs
count as queued when they were created.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workflow.db

revision = '0012'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('translation_jobs') as batch:
        batch.add_column(sa.Column('queued_at', workflow.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('first_segment_at', workflow.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE translation_jobs SET queued_at = created_at")
    with op.batch_alter_table('job_runs') as batch:
        batch.add_column(sa.Column('package', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('job_runs') as batch:
        batch.drop_column('package')
    with op.batch_alter_table('translation_jobs') as batch:
        batch.drop_column('first_segment_at')
        batch.drop_column('queued_at')
