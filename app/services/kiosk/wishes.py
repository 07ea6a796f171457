"""微心愿 at the kiosk: the card holder posts a wish (it waits for review like any other), sees
their own wishes, and confirms and rates one that came true. Only a card read by the reader
reaches these (a typed number proves nothing about who typed it). The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import WISH_STATUSES
from app.services.engage.wish_reads import list_wishes
from app.services.engage.wishes import WISH_KINDS, NewWish, WishError, find_wish, post_wish, rate_wish
from app.services.kiosk.common import ACTOR, KioskError, get_resident, id_hash, record

KIOSK_WISH_LIMIT = 100  # characters: a wish is a sentence or two
OPEN_WISHES_LIMIT = 3  # wishes waiting at once per resident, so the list stays fair

NEXT_STEPS = {
    "pending": "社区审核后公示，请耐心等待",
    "published": "已公示，等待党员、志愿者或共建单位认领",
    "claimed": "已有人认领，会联系您",
    "fulfilled": "心愿已实现",
    "withdrawn": "已撤回",
    "failed": "未能实现",
}


@dataclass(frozen=True, slots=True)
class KioskWish:
    wish_no: str
    content: str
    status_name: str
    posted_on: dt.date
    next_step: str
    claimer: str
    can_rate: bool
    rating: int


def kiosk_post_wish(session: Session, resident_id: int, *, content: str, kind: str, today: dt.date) -> str:
    """Post the card holder's wish (待审核); returns its number."""
    resident = get_resident(session, resident_id)
    if kind not in WISH_KINDS:
        raise KioskError("请先选择心愿类别")
    if len((content or "").strip()) > KIOSK_WISH_LIMIT:
        raise KioskError(f"心愿最多{KIOSK_WISH_LIMIT}个字，请删减一些")
    waiting = list_wishes(session, resident_id=resident.id, statuses=("pending", "published", "claimed"))
    if len(waiting) >= OPEN_WISHES_LIMIT:
        raise KioskError(f"您已有{len(waiting)}个心愿正在办理，实现后再来许新的心愿吧")
    try:
        wish = post_wish(
            session, resident, NewWish(content, kind=kind, channel="kiosk"), actor=ACTOR, today=today
        )
    except WishError as exc:
        raise KioskError(str(exc)) from None
    record(
        session,
        "kiosk_wish",
        hashed=id_hash(resident.id_number),
        resident_id=resident.id,
        detail=wish.wish_no,
    )
    return wish.wish_no


def kiosk_my_wishes(session: Session, resident_id: int) -> list[KioskWish]:
    """The card holder's own wishes, newest first, with names nowhere. Audited."""
    resident = get_resident(session, resident_id)
    rows = list_wishes(session, resident_id=resident.id, limit=30)
    record(session, "kiosk_wishes", hashed=id_hash(resident.id_number), resident_id=resident.id)
    return [
        KioskWish(
            wish_no=r.wish_no,
            content=r.content,
            status_name=WISH_STATUSES[r.status],
            posted_on=r.posted_on,
            next_step=(f"您的评价：{'★' * r.rating}" if r.rating else "心愿已实现，欢迎您评价")
            if r.status == "fulfilled"
            else NEXT_STEPS[r.status],
            claimer=r.claimer_name,
            can_rate=r.status == "fulfilled" and not r.rating,
            rating=r.rating,
        )
        for r in rows
    ]


def kiosk_rate_wish(session: Session, resident_id: int, wish_no: str, rating: int) -> None:
    """The card holder confirms their own fulfilled wish and rates it (1–5)."""
    resident = get_resident(session, resident_id)
    try:
        wish = find_wish(session, wish_no)
    except WishError:
        raise KioskError("没有找到您的这个心愿") from None
    if wish.resident_id != resident.id:
        raise KioskError("没有找到您的这个心愿")
    if wish.rating:
        raise KioskError("这个心愿您已经评价过了，谢谢您")
    try:
        rate_wish(session, wish, rating=rating, actor=ACTOR)
    except WishError as exc:
        raise KioskError(str(exc)) from None
