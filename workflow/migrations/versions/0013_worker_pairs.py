"""worker capabilities: the language pairs each worker serves, and when it started

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 09:00:00

Each worker process writes its own heartbeat row with the pairs its installed models serve;
a job waits for a model only when no live worker serves its pair.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workflow.db

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('worker_heartbeats') as batch:
        batch.add_column(sa.Column('pairs', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('queue_pairs', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('started_at', workflow.db.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('worker_heartbeats') as batch:
        batch.drop_column('started_at')
        batch.drop_column('queue_pairs')
        batch.drop_column('pairs')
