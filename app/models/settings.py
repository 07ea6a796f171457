"""Settings that belong to the centre (its name, serial prefixes, demo marker) live in the
database so every desk of the centre agrees; per-machine settings stay in QSettings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped


class CentreSetting(Timestamped, Base):
    __tablename__ = "centre_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
