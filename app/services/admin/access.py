"""What a role may read in full: ID numbers and phones of residents.

Front-desk and back-office staff and administrators handle the case files and see full numbers;
grid workers and the kiosk see them masked. The desk (``StaffUser.sees_full_id_numbers``) and the
command line (``--full-id`` with ``--user``) ask the same question here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User

FULL_DATA_ROLES = frozenset({"admin", "front_desk", "back_office"})


def role_sees_full_data(role: str) -> bool:
    return role in FULL_DATA_ROLES


def user_sees_full_data(session: Session, username: str | None) -> bool:
    """None is the machine's own account at the command line, which holds the database file."""
    if not username:
        return True
    role = session.scalar(select(User.role).where(User.username == username))
    return role is not None and role_sees_full_data(role)


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four characters of a number of seven or more."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
