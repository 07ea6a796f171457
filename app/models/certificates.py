"""Certificate and form templates, and the register (台账) of every certificate issued.

Templates are data (resources/templates/*.yaml) loaded here so an administrator can add or change
one without a code change. The register keeps a snapshot of the fields and the PDF's hash, so a
certificate can be reprinted exactly and checked years later.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped, utcnow
from app.models.cases import new_uuid


class CertificateTemplate(Timestamped, Base):
    __tablename__ = "certificate_templates"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    serial_prefix: Mapped[str] = mapped_column(String(10))
    follows: Mapped[str] = mapped_column(String(200), default="")  # the public form it follows
    definition: Mapped[dict] = mapped_column(JSON)  # fields, body, tables, signature, stub, footer
    version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    edited_locally: Mapped[bool] = mapped_column(Boolean, default=False)  # reloads leave it alone


class Certificate(Timestamped, Base):
    """One issued certificate or form: the register entry."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    sync_base: Mapped[int] = mapped_column(Integer, default=0)  # the server version this copy is based on
    origin_community: Mapped[str] = mapped_column(String(15))
    serial: Mapped[str] = mapped_column(String(30), unique=True)
    template_code: Mapped[str] = mapped_column(String(20), index=True)
    template_version: Mapped[int] = mapped_column(Integer, default=1)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True, default=None
    )
    holder_name: Mapped[str] = mapped_column(String(50))
    holder_hash: Mapped[str] = mapped_column(String(64))  # hash of the ID number, never the number
    fields: Mapped[dict] = mapped_column(JSON)  # snapshot of every value printed
    issue_date: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(20), default="desk")  # desk, kiosk, batch, cli
    key_id: Mapped[str] = mapped_column(String(16))  # which signing key
    qr_payload: Mapped[str] = mapped_column(Text)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    reprints: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="valid")  # valid, voided
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_by: Mapped[str] = mapped_column(String(60), default="")
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), default=None)


class CertificateSequence(Base):
    """Last serial number per prefix and year; moves in the issuing transaction (never reused)."""

    __tablename__ = "certificate_sequences"
    __table_args__ = (UniqueConstraint("prefix", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class TrustedKey(Timestamped, Base):
    """Public keys whose signatures this centre accepts: its own and other centres' of the
    street (exchanged through the street office)."""

    __tablename__ = "trusted_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(Text)  # PEM
    owner: Mapped[str] = mapped_column(String(100))  # e.g. 桃园社区党群服务中心
    own: Mapped[bool] = mapped_column(Boolean, default=False)
