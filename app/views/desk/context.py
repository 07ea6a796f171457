"""What every desk screen needs: the database, who is signed in, and the centre they serve."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database


@dataclass(frozen=True)
class StaffUser:
    username: str
    display_name: str
    role: str

    @property
    def sees_full_id_numbers(self) -> bool:
        """Front-desk and back-office staff and administrators handle the case files and see full
        numbers; grid workers and the kiosk see them masked."""
        return self.role in ("admin", "front_desk", "back_office")


@dataclass(frozen=True)
class DeskContext:
    db: Database
    user: StaffUser
    community_code: str
    community_name: str
    centre_name: str
    centre_phone: str
