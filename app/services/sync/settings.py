"""Where the street server is, this community's key, and how the sync stands: what the command
line and the desk read without connecting to anything.

The server's clock orders everything: "last success" is the server's time, and no local timestamp
is ever compared with one of the server's, so a desk with a wrong clock shows the same.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import CentreSetting, HeldRecord, SyncConflict, SyncState
from app.models.base import as_local, utcnow
from app.services.admin.restored import SYNC_URL_ENV, SYNC_URL_SETTING, copy_made_at
from app.services.sync import pending

URL_SETTING = SYNC_URL_SETTING
KEY_SETTING = "sync.api_key"
URL_ENV = SYNC_URL_ENV
KEY_ENV = "YICHUANG_SYNC_KEY"
NOT_CONFIGURED = "尚未设置街道服务器地址和同步密钥"


def resolve_settings(session: Session, server: str | None = None, key: str | None = None) -> tuple[str, str]:
    """Server URL and API key: the options, else the environment, else the centre settings."""

    def setting(name: str) -> str:
        row = session.get(CentreSetting, name)
        return str(row.value) if row is not None and row.value else ""

    url = server or os.environ.get(URL_ENV) or setting(URL_SETTING)
    api_key = key or os.environ.get(KEY_ENV) or setting(KEY_SETTING)
    return url.strip().rstrip("/"), api_key.strip()


def save_settings(session: Session, server: str, key: str) -> None:
    server = server.strip().rstrip("/")
    if not server.startswith(("http://", "https://")):
        raise ValueError("服务器地址须以 http:// 或 https:// 开头")
    if not key.strip():
        raise ValueError("同步密钥不能为空")
    for name, value in ((URL_SETTING, server), (KEY_SETTING, key.strip())):
        row = session.get(CentreSetting, name)
        if row is None:
            session.add(CentreSetting(key=name, value=value))
        else:
            row.value = value


def sync_state(session: Session) -> SyncState:
    state = session.get(SyncState, 1)
    if state is None:
        state = SyncState(id=1, cursor=0, last_error="", server_time_offset_s=0.0, server_url="")
        session.add(state)
    return state


@dataclass(frozen=True, slots=True)
class SyncStatus:
    last_success_at: dt.datetime | None  # UTC, by the server's clock
    waiting: int  # records not yet accepted by the server
    last_error: str
    rejected: int = 0  # records the server refused REJECT_LIMIT times
    conflicts: tuple[str, ...] = ()  # changes the server's rule did not take, not yet acknowledged
    held: int = 0  # pulled events waiting for their case
    restored_from: str | None = None  # a copy put back and not yet caught up: when it was made
    held_back: str = ""  # records set aside for an older server (app.services.sync.unknown_types)

    def text(self) -> str:
        """The desk's status-bar sentence."""
        if self.last_error:
            text = f"同步：离线（{self.last_error}），待上传 {self.waiting} 条"
        else:
            when = as_local(self.last_success_at).strftime("%H:%M") if self.last_success_at else "—"
            text = f"同步：上次成功 {when}，待上传 {self.waiting} 条"
        if self.conflicts:
            text += f"，{len(self.conflicts)} 处冲突待核对"
        if self.held:
            text += f"，{self.held} 条记录等待所属办件"
        if self.restored_from:
            text += f"；本机由 {self.restored_from} 的备份恢复，同步完成前暂停编号"
        if self.held_back:
            text += f"；{self.held_back}"
        return text


def status(session: Session) -> SyncStatus:
    """What the desk shows: last success, records waiting, the last error in plain words."""
    waiting = pending.count_waiting(session)
    refused = pending.count_waiting(session, refused=True)
    state = session.get(SyncState, 1)
    error = state.last_error if state is not None else ""
    if refused and not error:
        error = f"{refused} 条记录被街道服务器拒绝：{pending.last_refusal(session)}"
    conflicts = tuple(
        session.scalars(
            select(SyncConflict.message)
            .where(SyncConflict.acknowledged_at.is_(None))
            .order_by(SyncConflict.id)
        )
    )
    held = session.scalar(select(func.count(HeldRecord.id))) or 0
    return SyncStatus(
        state.last_success_at if state else None,
        waiting + refused,
        error,
        refused,
        conflicts,
        held,
        copy_made_at(session),
        state.held_back_note if state is not None else "",
    )


def note_conflict(session: Session, record_type: str, uuid: str, label: str, message: str) -> None:
    """A change of this desk the server's rule did not take, kept for staff until acknowledged."""
    session.add(SyncConflict(record_type=record_type, record_uuid=uuid, label=label[:60], message=message))


def acknowledge_conflicts(session: Session) -> int:
    """Staff have read the conflicts shown: they leave the status line (the rows stay, dated)."""
    result = session.execute(
        update(SyncConflict).where(SyncConflict.acknowledged_at.is_(None)).values(acknowledged_at=utcnow())
    )
    return result.rowcount or 0


def next_delay(failures: int, *, base: float = 30.0, cap: float = 1800.0, jitter: float = 0.2) -> float:
    """Seconds before the next round after ``failures`` failed rounds in a row: 30 s doubling to
    30 min, spread by ±20 % so that the street's desks do not all call back at the same moment."""
    delay = min(cap, base * 2 ** max(0, failures - 1)) if failures > 0 else base
    return delay * (1 + random.uniform(-jitter, jitter))
