"""The centre's catalogue of service items (事项清单), loaded from resources/catalogue."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped


class ServiceCategory(Timestamped, Base):
    __tablename__ = "service_categories"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ServiceItem(Timestamped, Base):
    """One item a resident may apply for. The pinyin columns are derived from the name when the
    item is saved, so that searching as the staff types needs no conversion at query time."""

    __tablename__ = "service_items"
    __mapper_args__ = {"eager_defaults": False}  # edited_locally is read when asked for, not on insert

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    category_code: Mapped[str] = mapped_column(ForeignKey("service_categories.code", ondelete="RESTRICT"))
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    promised_days: Mapped[int] = mapped_column(Integer, default=0)  # working days; 0 = 即办
    department: Mapped[str] = mapped_column(String(60), default="")
    self_service: Mapped[bool] = mapped_column(Boolean, default=False)  # allowed at the kiosk
    template_code: Mapped[str | None] = mapped_column(String(20), default=None)
    basis: Mapped[str] = mapped_column(Text, default="")  # legal or policy basis
    notes: Mapped[str] = mapped_column(String(200), default="")
    pinyin_initials: Mapped[str] = mapped_column(String(60), default="")
    pinyin_full: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # never deleted: cases keep their item
    # Changed at the centre: reloads leave it alone. A server default only, so that an insert that
    # does not name it works on a schema from before the column (migration 0015).
    edited_locally: Mapped[bool] = mapped_column(Boolean, server_default=false())
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[ServiceCategory] = relationship()
