"""encrypt the doctor's follow-up note

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

The follow-up note ("recheck blood pressure in two weeks") is the doctor's clinical advice,
so it is sealed at rest like the visit reason (AES-GCM, per-patient context). Existing
notes are encrypted in place with the instance's key; a downgrade decrypts them back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from odcp.services.crypto import decrypt_text, encrypt_text

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPOINTMENTS = sa.table('appointments', sa.column('id', sa.Integer),
                        sa.column('patient_id', sa.Integer),
                        sa.column('follow_up_note', sa.String),
                        sa.column('follow_up_note_enc', sa.Text))


def _context(patient_id: int) -> str:  # = appointments.follow_up_context, frozen here
    return f"patient:{patient_id}:follow-up-note"


def upgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_note_enc', sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(APPOINTMENTS.c.id, APPOINTMENTS.c.patient_id,
                                  APPOINTMENTS.c.follow_up_note)
                        .where(APPOINTMENTS.c.follow_up_note.is_not(None))).all()
    for row_id, patient_id, note in rows:
        sealed = encrypt_text(note, context=_context(patient_id)) if note else None
        bind.execute(APPOINTMENTS.update().where(APPOINTMENTS.c.id == row_id)
                     .values(follow_up_note_enc=sealed))
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('follow_up_note')


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_note', sa.String(length=500), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(APPOINTMENTS.c.id, APPOINTMENTS.c.patient_id,
                                  APPOINTMENTS.c.follow_up_note_enc)
                        .where(APPOINTMENTS.c.follow_up_note_enc.is_not(None))).all()
    for row_id, patient_id, sealed in rows:
        bind.execute(APPOINTMENTS.update().where(APPOINTMENTS.c.id == row_id)
                     .values(follow_up_note=decrypt_text(sealed, context=_context(patient_id))))
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('follow_up_note_enc')
