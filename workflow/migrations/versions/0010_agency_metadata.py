"""agency metadata, wire updates, correction flags, memory retraction, partner provenance

Revision ID: 0010
Revises: 0012
Create Date: 2026-12-02 08:10:00

Articles gain subjects, keywords, dateline, per-article copyright and usage terms, and the hash
of the last copy the wire sent (so a wire update is told from a desk edit). Editions gain the
"needs correction" flag a sibling correction or a source edit sets. Memory entries can be
retracted (a kill) without being deleted. Partners can ask for provenance (the MT model named).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workflow.db

revision = '0010'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('subjects', sa.JSON(), server_default='[]', nullable=False))
        batch.add_column(sa.Column('keywords', sa.JSON(), server_default='[]', nullable=False))
        batch.add_column(sa.Column('dateline', sa.Text(), nullable=True))
        batch.add_column(sa.Column('copyright_holder', sa.Text(), nullable=True))
        batch.add_column(sa.Column('copyright_notice', sa.Text(), nullable=True))
        batch.add_column(sa.Column('usage_terms', sa.Text(), nullable=True))
        batch.add_column(sa.Column('wire_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('editions') as batch:
        batch.add_column(sa.Column('needs_correction_at', workflow.db.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('needs_correction_note', sa.Text(), nullable=True))
        batch.create_index('ix_editions_needs_correction_at', ['needs_correction_at'])
    with op.batch_alter_table('memory_entries') as batch:
        batch.add_column(sa.Column('retracted_at', workflow.db.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('retracted_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('retracted_reason', sa.Text(), nullable=True))
        batch.create_foreign_key('fk_memory_entries_retracted_by_id_users', 'users',
                                 ['retracted_by_id'], ['id'])
    with op.batch_alter_table('partners') as batch:
        batch.add_column(sa.Column('provenance', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('partners') as batch:
        batch.drop_column('provenance')
    with op.batch_alter_table('memory_entries') as batch:
        batch.drop_constraint('fk_memory_entries_retracted_by_id_users', type_='foreignkey')
        batch.drop_column('retracted_reason')
        batch.drop_column('retracted_by_id')
        batch.drop_column('retracted_at')
    with op.batch_alter_table('editions') as batch:
        batch.drop_index('ix_editions_needs_correction_at')
        batch.drop_column('needs_correction_note')
        batch.drop_column('needs_correction_at')
    with op.batch_alter_table('articles') as batch:
        for column in ('wire_hash', 'usage_terms', 'copyright_notice', 'copyright_holder',
                       'dateline', 'keywords', 'subjects'):
            batch.drop_column(column)
