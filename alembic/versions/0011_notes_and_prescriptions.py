"""consultation notes and prescriptions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import odcp.models.base
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = odcp.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'consultation_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('doctor_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('soap_enc', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('signed_at', UTC_DT, nullable=True),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC_DT, nullable=False),
        sa.Column('updated_at', UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'],
                                name='fk_consultation_notes_appointment_id'),
        sa.ForeignKeyConstraint(['doctor_id'], ['doctor_profiles.id'],
                                name='fk_consultation_notes_doctor_id'),
        sa.ForeignKeyConstraint(['patient_id'], ['users.id'],
                                name='fk_consultation_notes_patient_id'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name='fk_consultation_notes_author_id'),
        sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'],
                                name='fk_consultation_notes_signed_by_id'),
        sa.PrimaryKeyConstraint('id', name='pk_consultation_notes'),
        sa.UniqueConstraint('appointment_id', name='uq_consultation_notes_appointment_id'),
    )
    with op.batch_alter_table('consultation_notes', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_notes_doctor_id', ['doctor_id'], unique=False)
        batch_op.create_index('ix_consultation_notes_patient_id', ['patient_id'], unique=False)

    op.create_table(
        'note_addenda',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('text_enc', sa.Text(), nullable=False),
        sa.Column('created_at', UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['consultation_notes.id'],
                                name='fk_note_addenda_note_id'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name='fk_note_addenda_author_id'),
        sa.PrimaryKeyConstraint('id', name='pk_note_addenda'),
    )
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.create_index('ix_note_addenda_note_id', ['note_id'], unique=False)

    op.create_table(
        'prescriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('doctor_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=False),
        sa.Column('issued_at', UTC_DT, nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('details_enc', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('cancelled_at', UTC_DT, nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.Column('cancel_reason_enc', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'],
                                name='fk_prescriptions_appointment_id'),
        sa.ForeignKeyConstraint(['doctor_id'], ['doctor_profiles.id'],
                                name='fk_prescriptions_doctor_id'),
        sa.ForeignKeyConstraint(['patient_id'], ['users.id'], name='fk_prescriptions_patient_id'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name='fk_prescriptions_issued_by_id'),
        sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'],
                                name='fk_prescriptions_cancelled_by_id'),
        sa.PrimaryKeyConstraint('id', name='pk_prescriptions'),
        sa.UniqueConstraint('public_id', name='uq_prescriptions_public_id'),
    )
    with op.batch_alter_table('prescriptions', schema=None) as batch_op:
        batch_op.create_index('ix_prescriptions_appointment_id', ['appointment_id'],
                              unique=False)
        batch_op.create_index('ix_prescriptions_doctor_id', ['doctor_id'], unique=False)
        batch_op.create_index('ix_prescriptions_patient_id', ['patient_id'], unique=False)

    op.create_table(
        'prescription_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('prescription_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('content_enc', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['prescription_id'], ['prescriptions.id'],
                                name='fk_prescription_lines_prescription_id'),
        sa.PrimaryKeyConstraint('id', name='pk_prescription_lines'),
        sa.UniqueConstraint('prescription_id', 'position',
                            name='uq_prescription_lines_position'),
    )
    with op.batch_alter_table('prescription_lines', schema=None) as batch_op:
        batch_op.create_index('ix_prescription_lines_prescription_id', ['prescription_id'],
                              unique=False)

    with op.batch_alter_table('clinic_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_notes_with_patient', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('clinic_policy', schema=None) as batch_op:
        batch_op.drop_column('share_notes_with_patient')
    with op.batch_alter_table('prescription_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_prescription_lines_prescription_id')
    op.drop_table('prescription_lines')
    with op.batch_alter_table('prescriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_prescriptions_patient_id')
        batch_op.drop_index('ix_prescriptions_doctor_id')
        batch_op.drop_index('ix_prescriptions_appointment_id')
    op.drop_table('prescriptions')
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.drop_index('ix_note_addenda_note_id')
    op.drop_table('note_addenda')
    with op.batch_alter_table('consultation_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_notes_patient_id')
        batch_op.drop_index('ix_consultation_notes_doctor_id')
    op.drop_table('consultation_notes')
