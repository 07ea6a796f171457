"""A database put back from a copy: no number is handed out until the street has been asked.

A copy knows nothing of the cases and certificates the desk numbered after it was made; the
street server holds them. A desk put back to the copy and numbering at once would give a resident
a case number or a certificate serial another resident already has on paper. So every copy is
marked when it is made (app.db.backup_sqlite: ``yichuang backup``, the copy kept before a schema
upgrade) or put back (``yichuang restore``), and while the mark is there the counters refuse. The first complete sync round brings back the desk's own writes
since the copy, moves the counters past their numbers (app.services.sync.apply) and removes the
mark. A centre without a street server has nothing to ask and numbers as before.

The live database never carries the mark: only the copy does, so putting it back by hand (copying
the file over) is caught as well.
"""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy.orm import Session

from app.db import COPY_SETTING  # {"made_at": ISO (UTC)}: this database is a copy
from app.models import CentreSetting
from app.models.base import as_local, utcnow

# Where the street server's address is kept (app.services.sync.settings reads the same).
SYNC_URL_SETTING = "sync.server_url"
SYNC_URL_ENV = "YICHUANG_SYNC_URL"


class RestoredCopyError(ValueError):
    """A number was asked for on a copy that has not caught up with the street yet."""


def mark_copy(session: Session) -> None:
    """Mark the database of ``session`` as a copy (its own date, kept if it has one already: the
    oldest copy in a chain decides what is missing)."""
    if session.get(CentreSetting, COPY_SETTING) is None:
        session.add(CentreSetting(key=COPY_SETTING, value={"made_at": utcnow().isoformat()}))


def copy_made_at(session: Session) -> str | None:
    """When the copy this database was put back from was made (local time, to the minute), or
    None for a database that is not a restored copy, or has caught up."""
    row = session.get(CentreSetting, COPY_SETTING)
    if row is None:
        return None
    made = row.value.get("made_at") if isinstance(row.value, dict) else None
    try:
        return as_local(dt.datetime.fromisoformat(made)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return "（时间不明）"


def street_configured(session: Session) -> bool:
    if os.environ.get(SYNC_URL_ENV, "").strip():
        return True
    row = session.get(CentreSetting, SYNC_URL_SETTING)
    return row is not None and bool(row.value)


def require_caught_up(session: Session) -> None:
    """Raise RestoredCopyError while this database is a copy the street has not been asked about."""
    made = copy_made_at(session)
    if made is None or not street_configured(session):
        return
    raise RestoredCopyError(
        f"本机数据库由 {made} 的备份恢复，备份之后本机给出的办件编号和证明编号只有街道服务器知道。"
        "为免与群众手中的编号重复，须先与街道服务器完整同步一次（点“立即同步”或运行 yichuang sync），"
        "同步完成后即可继续受理和出证。"
    )


def caught_up(session: Session) -> None:
    """A whole pull has brought back every own write the street holds: numbering is safe again."""
    row = session.get(CentreSetting, COPY_SETTING)
    if row is not None:
        session.delete(row)
