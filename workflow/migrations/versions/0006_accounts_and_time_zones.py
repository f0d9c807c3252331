"""accounts: per-user time zone, one-time passwords

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02 08:00:00

``users.timezone`` holds the person's IANA zone (empty: the instance's ``AUDARMA_TIMEZONE``);
``users.must_change_password`` marks a one-time password (first start, admin reset) that must be
replaced at the next sign-in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('must_change_password')
        batch.drop_column('timezone')
