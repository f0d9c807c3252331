"""instance settings an admin changes in the product (publishing non-commercial model output)

Revision ID: 0016
Revises: 0006
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workflow.db

revision = '0016'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'instance_settings',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', workflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                                name=op.f('fk_instance_settings_changed_by_id_users')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_instance_settings')),
    )


def downgrade() -> None:
    op.drop_table('instance_settings')
