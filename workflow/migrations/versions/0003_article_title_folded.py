"""article title folded for search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 09:40:00

The dashboard's title search compares Unicode case-folded titles (``fold_title``): SQLite's
``lower()`` folds ASCII only, and PostgreSQL's made every search page scan and fold all titles.
Existing rows are folded here in Python, in batches, so both databases get the same text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('title_folded', sa.Text(), server_default='', nullable=False))
    articles = sa.table('articles', sa.column('id', sa.Integer), sa.column('title', sa.Text),
                        sa.column('title_folded', sa.Text))
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(articles.c.id, articles.c.title)
                            .where(articles.c.id > last).order_by(articles.c.id)
                            .limit(BATCH)).all()
        if not rows:
            break
        bind.execute(articles.update().where(articles.c.id == sa.bindparam('row_id'))
                     .values(title_folded=sa.bindparam('folded')),
                     [{'row_id': row.id, 'folded': (row.title or '').casefold()} for row in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('title_folded')
