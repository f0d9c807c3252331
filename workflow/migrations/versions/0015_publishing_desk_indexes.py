"""publishing desk indexes

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-02 16:00:00

The publishing desk pages articles that have an edition in the chosen states (and language):
``(article_id, state, language)`` on editions answers that probe from the index alone (a deep
page or a rare state probed every article's edition rows before). ``(category, created_at)`` on
articles serves the category filter newest first instead of a scan of every article.
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_editions_article_state', 'editions', ['article_id', 'state', 'language'])
    op.create_index('ix_articles_category_created_at', 'articles', ['category', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_articles_category_created_at', table_name='articles')
    op.drop_index('ix_editions_article_state', table_name='editions')
