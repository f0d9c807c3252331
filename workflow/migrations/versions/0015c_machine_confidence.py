"""machine confidence: the model's mean log-probability per token on each machine segment

Revision ID: 0015c
Revises: 0015
Create Date: 2026-12-02 16:00:00

Each claim's run also sums the confidences it stored, so the mean per route's packages is one
aggregate query (/metrics).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015c'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('segment_translations') as batch:
        batch.add_column(sa.Column('machine_confidence', sa.Float(), nullable=True))
    with op.batch_alter_table('job_runs') as batch:
        batch.add_column(sa.Column('confidence_sum', sa.Float(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('confidence_segments', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('job_runs') as batch:
        batch.drop_column('confidence_segments')
        batch.drop_column('confidence_sum')
    with op.batch_alter_table('segment_translations') as batch:
        batch.drop_column('machine_confidence')
