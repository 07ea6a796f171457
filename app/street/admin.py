"""Registering communities and street-office users, and checking their API keys.

A key is shown once, when it is made; the server keeps only its SHA-256 (hex). The keys are long
random tokens, so a plain hash is enough (no password stretching needed) and lets every request be
checked with one indexed lookup plus a constant-time comparison.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.street.models import STREET, StreetCase, StreetCommunity
from app.street.store import ESCALATED

ROLES = ("community", "street")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,15}$")


class AdminError(ValueError):
    """A registration that cannot be done, in one sentence."""


@dataclass(frozen=True)
class Caller:
    code: str
    name: str
    role: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "yc_" + secrets.token_urlsafe(32)


def register(
    sessions: sessionmaker[Session],
    code: str,
    name: str,
    role: str = "community",
    *,
    rotate: bool = False,
    street: str | None = None,
) -> dict:
    """Register ``code`` (or give it a new key with ``rotate``); returns the key, shown only now.
    ``street`` names the street office a community belongs to (see :func:`attach`)."""
    if not _CODE.match(code):
        raise AdminError("社区代码须为 1-15 个字母、数字、下划线或连字符")
    if role not in ROLES:
        raise AdminError(f"角色须为 {' 或 '.join(ROLES)}")
    if role == "community" and code == STREET:
        raise AdminError(f"“{STREET}”是保留代码，不能用作社区代码")
    if not name.strip():
        raise AdminError("名称不能为空")
    key = new_key()
    with sessions.begin() as session:
        row = session.get(StreetCommunity, code)
        if row is not None and not rotate:
            raise AdminError(f"{code} 已注册；要换新密钥请加 --rotate")
        if row is None:
            row = StreetCommunity(code=code, pull_cursor=0, created_at=utcnow())
            session.add(row)
        row.name, row.role, row.key_hash = name.strip(), role, hash_key(key)
        if street is not None:
            _check_street(session, row, street)
            row.street = street
        elif row.street is None:
            row.street = ""
    return {"code": code, "name": name.strip(), "role": role, "api_key": key, "rotated": rotate}


def _check_street(session: Session, row: StreetCommunity, street: str) -> None:
    if row.role != "community":
        raise AdminError("只有社区可以归属街道")
    office = session.get(StreetCommunity, street)
    if office is None or office.role != "street":
        raise AdminError(f"街道 {street} 未注册（先用 register {street} 名称 --role street）")


def attach(sessions: sessionmaker[Session], code: str, street: str) -> dict:
    """Make community ``code`` one of street ``street``'s: that street's staff see its cases."""
    with sessions.begin() as session:
        row = session.get(StreetCommunity, code)
        if row is None:
            raise AdminError(f"社区 {code} 未注册")
        _check_street(session, row, street)
        row.street = street
    return {"code": code, "street": street}


def list_communities(sessions: sessionmaker[Session]) -> list[dict]:
    with sessions() as session:
        rows = session.execute(select(StreetCommunity).order_by(StreetCommunity.code)).scalars().all()
    return [
        {
            "code": r.code,
            "name": r.name,
            "role": r.role,
            "street": r.street,
            "pull_cursor": r.pull_cursor,
            "registered_at": r.created_at.isoformat(timespec="seconds"),
        }
        for r in rows
    ]


def authenticate(sessions: sessionmaker[Session], key: str) -> Caller | None:
    """The caller owning ``key``, or None."""
    if not key or len(key) > 200:
        return None
    digest = hash_key(key)
    with sessions() as session:
        row = (
            session.execute(select(StreetCommunity).where(StreetCommunity.key_hash == digest))
            .scalars()
            .first()
        )
        if row is None or not hmac.compare_digest(row.key_hash, digest):
            return None
        return Caller(row.code, row.name, row.role)


# --- the street office's read-only views ---


def summary(sessions: sessionmaker[Session], today: dt.date) -> dict:
    with sessions() as session:
        names = dict(
            session.execute(
                select(StreetCommunity.code, StreetCommunity.name).where(StreetCommunity.role == "community")
            ).all()
        )
        counts: dict[str, dict[str, int]] = {code: {} for code in names}
        for code, status, n in session.execute(
            select(StreetCase.origin_community, StreetCase.status, func.count()).group_by(
                StreetCase.origin_community, StreetCase.status
            )
        ):
            counts.setdefault(code, {})[status] = n
        overdue = (
            session.execute(
                select(StreetCase)
                .where(StreetCase.status == ESCALATED, StreetCase.due_date < today)
                .order_by(StreetCase.due_date, StreetCase.case_no)
            )
            .scalars()
            .all()
        )
    return {
        "today": today.isoformat(),
        "communities": [
            {
                "code": code,
                "name": names.get(code, code),
                "counts": counts[code],
                "total": sum(counts[code].values()),
            }
            for code in sorted(counts)
        ],
        "overdue": [
            {
                "uuid": c.uuid,
                "case_no": c.case_no,
                "origin_community": c.origin_community,
                "owner_community": c.owner_community,
                "item_name": str(c.data.get("item_name", "")),
                "due_date": c.due_date.isoformat(),
                "days_overdue": (today - c.due_date).days,
            }
            for c in overdue
        ],
    }


def list_cases(sessions: sessionmaker[Session], limit: int = 2000) -> list[StreetCase]:
    with sessions() as session:
        return list(
            session.execute(
                select(StreetCase).order_by(StreetCase.origin_community, StreetCase.case_no).limit(limit)
            ).scalars()
        )
