"""approval snapshots, edition credits, return reasons

Revision ID: 0004
Revises: 0014
Create Date: 2026-12-02 08:00:00

An approval now freezes what was approved (``edition_snapshots.digest`` and ``rendered``;
``editions.approved_snapshot_id``) and publishing renders that snapshot. Editions approved
before this revision froze nothing, so they go back to ``submitted`` and are approved again.
Editions carry their own byline and photo credit (metadata, never machine-translated), and the
reason they last went back to editing on their own.
"""

from __future__ import annotations

import sqlalchemy as sa
import workflow.db
from alembic import op

revision = '0004'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('editions') as batch:
        batch.add_column(sa.Column('byline', sa.Text(), nullable=True))
        batch.add_column(sa.Column('photo_credit', sa.Text(), nullable=True))
        batch.add_column(sa.Column('approved_snapshot_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('returned_reason', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('returned_at', workflow.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('edition_snapshots') as batch:
        batch.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('rendered', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('override_note', sa.Text(), nullable=True))
    editions = sa.table('editions', sa.column('state', sa.String))
    op.get_bind().execute(editions.update().where(editions.c.state == 'approved')
                          .values(state='submitted'))


def downgrade() -> None:
    with op.batch_alter_table('edition_snapshots') as batch:
        batch.drop_column('override_note')
        batch.drop_column('rendered')
        batch.drop_column('digest')
    with op.batch_alter_table('editions') as batch:
        batch.drop_column('returned_at')
        batch.drop_column('returned_reason')
        batch.drop_column('approved_snapshot_id')
        batch.drop_column('photo_credit')
        batch.drop_column('byline')
