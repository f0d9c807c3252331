"""model evaluations: chrF++ and BLEU per direction and route (audarma models evaluate)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workflow.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'model_evaluations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_language', sa.String(length=8), nullable=False),
        sa.Column('target_language', sa.String(length=8), nullable=False),
        sa.Column('route', sa.Text(), nullable=False),
        sa.Column('data', sa.String(length=200), nullable=False),
        sa.Column('sentences', sa.Integer(), nullable=False),
        sa.Column('chrf', sa.Float(), nullable=False),
        sa.Column('bleu', sa.Float(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('created_at', workflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_model_evaluations')),
    )


def downgrade() -> None:
    op.drop_table('model_evaluations')
