"""patient documents and record access

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23

Who read a patient's record is kept in the audit log (audit_entries), so this revision
only adds the documents table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import odcp.models.base

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = odcp.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'patient_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title_enc', sa.Text(), nullable=False),
        sa.Column('file_name_enc', sa.Text(), nullable=False),
        sa.Column('report_date', sa.Date(), nullable=False),
        sa.Column('stored_name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('created_at', UTC_DT, nullable=False),
        sa.Column('updated_at', UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['users.id'],
                                name='fk_patient_documents_patient_id'),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'],
                                name='fk_patient_documents_appointment_id'),
        sa.PrimaryKeyConstraint('id', name='pk_patient_documents'),
        sa.UniqueConstraint('stored_name', name='uq_patient_documents_stored_name'),
    )
    with op.batch_alter_table('patient_documents', schema=None) as batch_op:
        batch_op.create_index('ix_patient_documents_patient_report',
                              ['patient_id', 'report_date'], unique=False)
        batch_op.create_index('ix_patient_documents_appointment_id', ['appointment_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('patient_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_patient_documents_appointment_id')
        batch_op.drop_index('ix_patient_documents_patient_report')
    op.drop_table('patient_documents')
