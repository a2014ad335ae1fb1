"""next free slot on doctor search documents

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

`doctor_search_documents.next_slot_at` (UTC, nullable, indexed) holds each doctor's first
free slot for the "next available" cards, the "available within N days" filter and the
"soonest available" sort. It starts empty; the app fills it at startup
(odcp.services.next_slot.refresh_all) and keeps it right afterwards.

SQLite: the FTS5 update trigger from 0003 fired on any UPDATE of a document and rewrote
its full-text row; it now fires only when a text column changes, so storing a new
`next_slot_at` (on every booking) leaves the full-text index alone. The downgrade drops
the column with SQLite's own ALTER TABLE DROP COLUMN: a batch "move and copy" would
recreate the table and silently lose the three FTS triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import odcp.models.base

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_doctor_search_documents_next_slot_at"

_FTS_UPDATE_BODY = """ON doctor_search_documents BEGIN
        INSERT INTO doctor_fts(doctor_fts, rowid, name, specialties, conditions, bio)
        VALUES ('delete', old.doctor_id, old.name, old.specialties, old.conditions, old.bio);
        INSERT INTO doctor_fts(rowid, name, specialties, conditions, bio)
        VALUES (new.doctor_id, new.name, new.specialties, new.conditions, new.bio); END"""


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _fts_update_trigger(columns: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS doctor_fts_au")
    op.execute(f"CREATE TRIGGER doctor_fts_au AFTER UPDATE{columns} {_FTS_UPDATE_BODY}")


def upgrade() -> None:
    with op.batch_alter_table('doctor_search_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_slot_at',
                                      odcp.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(INDEX, ['next_slot_at'], unique=False)
    if _sqlite():
        _fts_update_trigger(" OF name, specialties, conditions, bio")


def downgrade() -> None:
    with op.batch_alter_table('doctor_search_documents', schema=None) as batch_op:
        batch_op.drop_index(INDEX)
    if _sqlite():
        _fts_update_trigger("")
        op.execute("ALTER TABLE doctor_search_documents DROP COLUMN next_slot_at")
    else:
        with op.batch_alter_table('doctor_search_documents', schema=None) as batch_op:
            batch_op.drop_column('next_slot_at')
