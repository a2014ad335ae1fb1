"""consultation rooms: sessions and participant events

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import odcp.models.base
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('room_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('admitted_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('admitted_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('duration_seconds', sa.Integer(), nullable=True),
    sa.Column('created_at', odcp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', odcp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admitted_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('appointment_id', name='ux_room_sessions_appointment')
    )
    op.create_table('room_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_at', odcp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('waiting_since', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_joined_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('left_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('connected_since', odcp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('connected_seconds', sa.Integer(), nullable=False),
    sa.Column('audio_muted', sa.Boolean(), nullable=False),
    sa.Column('video_off', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['room_session_id'], ['room_sessions.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('room_session_id', 'part', name='ux_room_participants_session_part')
    )
    with op.batch_alter_table('room_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_participants_status'), ['status'], unique=False)

    op.create_table('room_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('part', sa.String(length=10), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', odcp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['room_session_id'], ['room_sessions.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('room_events', schema=None) as batch_op:
        batch_op.create_index('ix_room_events_session_at', ['room_session_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('room_events', schema=None) as batch_op:
        batch_op.drop_index('ix_room_events_session_at')

    op.drop_table('room_events')
    with op.batch_alter_table('room_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_participants_status'))

    op.drop_table('room_participants')
    op.drop_table('room_sessions')
