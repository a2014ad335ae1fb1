"""private calendar feed tokens

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import odcp.models.base

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# At most one live (not revoked) feed per doctor.
_LIVE = sa.text("revoked_at IS NULL")


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doctor_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', odcp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['doctor_id'], ['doctor_profiles.id'],
                            name='fk_calendar_feeds_doctor_id_doctor_profiles'),
    sa.PrimaryKeyConstraint('id', name='pk_calendar_feeds'),
    sa.UniqueConstraint('token_hash', name='uq_calendar_feeds_token_hash')
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index('ix_calendar_feeds_doctor_id', ['doctor_id'], unique=False)
        batch_op.create_index('ux_calendar_feeds_doctor_live', ['doctor_id'], unique=True,
                              sqlite_where=_LIVE, postgresql_where=_LIVE)


def downgrade() -> None:
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index('ux_calendar_feeds_doctor_live', sqlite_where=_LIVE,
                            postgresql_where=_LIVE)
        batch_op.drop_index('ix_calendar_feeds_doctor_id')

    op.drop_table('calendar_feeds')
