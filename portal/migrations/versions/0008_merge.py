"""merge issue 3, 4 and 5 branches

Revision ID: 0008
Revises: 0003, 0004, 0005, 0006, 0007
Create Date: 2026-11-23 12:48:05.371972
"""
from collections.abc import Sequence

revision: str = '0008'
down_revision: str | None = ('0003', '0004', '0005', '0006', '0007')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
