"""Micro-wishes (微心愿, 点单—接单—销单): a resident's wish is posted at the desk, at the kiosk or by
a grid worker; staff review it (待审核 → 已发布), someone claims it (已认领: a party member, a
volunteer or a partner unit, by kind and name), and it is fulfilled (已实现) with a note, a photo,
the wisher's confirmation and rating. It may end instead: withdrawn by the wisher (已撤回) or not
fulfilled (未能实现), each with a reason.

Every change is audited against the wisher. Nothing here commits: the caller does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import CLAIMER_KINDS, WISH_STATUSES, Resident, Wish
from app.services.admin.centre import current_community
from app.services.admin.permissions import require
from app.services.admin.scope import WHOLE_STREET, Scope, resident_grid_id
from app.services.common import audit
from app.services.common.idcard import redact
from app.services.population.lookup import LookupFailed, find_resident

WISH_KINDS = ("物品", "服务", "其他")
TEXT_LIMIT = 200
BUDGET_LIMIT = 2000  # yuan: a micro-wish is small; anything larger is a case for the window
PHOTO_LIMIT = 2_000_000  # bytes


class WishError(ValueError):
    """A wish that cannot be posted or changed as asked; the sentence says what to change."""


@dataclass(frozen=True)
class NewWish:
    content: str
    kind: str = "物品"
    budget_yuan: int = 0
    deadline: dt.date | None = None
    photo: bytes | None = None
    channel: str = "desk"  # desk, kiosk, grid


def _clean_text(text: str, what: str, limit: int = TEXT_LIMIT) -> str:
    text = redact((text or "").strip())  # an ID number typed into the text is masked
    if not text:
        raise WishError(f"请填写{what}")
    if len(text) > limit:
        raise WishError(f"{what}最多{limit}个字，现在有{len(text)}个字，请删减一些")
    return text


def _check_photo(photo: bytes | None) -> bytes | None:
    if photo is not None and len(photo) > PHOTO_LIMIT:
        raise WishError("照片太大（超过2MB），请换一张小一些的照片")
    return photo or None


def next_wish_no(session: Session, year: int) -> str:
    prefix = f"XY{year}-"
    last = session.scalar(select(func.max(Wish.wish_no)).where(Wish.wish_no.like(f"{prefix}%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def post_wish(
    session: Session,
    resident: Resident,
    wish: NewWish,
    *,
    actor: str,
    today: dt.date,
    scope: Scope = WHOLE_STREET,
) -> Wish:
    """Post a wish for ``resident`` (待审核). A grid worker posts only for residents of their grids;
    the kiosk posts for the card holder only (its caller sees to that)."""
    if wish.channel != "kiosk":
        require(session, actor, "wish.manage")
    if not resident.living:
        raise WishError("该居民已不在册，不能登记心愿")
    if not scope.allows_resident(session, resident):
        raise WishError("该居民不在您负责的网格内")
    content = _clean_text(wish.content, "心愿内容")
    if wish.kind not in WISH_KINDS:
        raise WishError(f"心愿类别须为：{'、'.join(WISH_KINDS)}")
    if not 0 <= wish.budget_yuan <= BUDGET_LIMIT:
        raise WishError(f"微心愿的预算应在0到{BUDGET_LIMIT}元之间")
    if wish.deadline is not None and wish.deadline < today:
        raise WishError("期望实现日期不能早于今天")
    row = Wish(
        wish_no=next_wish_no(session, today.year),
        community_id=current_community(session).id,
        grid_id=resident_grid_id(session, resident),
        resident_id=resident.id,
        content=content,
        kind=wish.kind,
        budget_yuan=wish.budget_yuan,
        deadline=wish.deadline,
        photo=_check_photo(wish.photo),
        channel=wish.channel,
        posted_by=actor,
        posted_on=today,
        status="pending",
        reviewed_by="",
        claimer_kind="",
        claimer_name="",
        claimer_phone="",
        fulfil_note="",
        confirmed=False,
        rating=0,
        end_reason="",
    )
    session.add(row)
    session.flush()
    _audit(session, row, actor, "wish_post")
    return row


def resident_for(session: Session, id_text: str, scope: Scope = WHOLE_STREET) -> Resident:
    """The resident with this ID number, if the reader's scope allows them; else WishError."""
    try:
        resident = find_resident(session, id_text)
    except LookupFailed as exc:
        raise WishError(str(exc)) from None
    if not scope.allows_resident(session, resident):
        raise WishError("该居民不在您负责的网格内")
    return resident


def find_wish(session: Session, wish_no: str, scope: Scope = WHOLE_STREET) -> Wish:
    """The wish with this number; one outside ``scope`` is answered like a missing one."""
    wish = session.scalar(select(Wish).where(Wish.wish_no == (wish_no or "").strip().upper()))
    if wish is None or not scope.allows_grid(wish.grid_id):
        raise WishError(f"没有找到编号为“{wish_no}”的心愿")
    return wish


def _expect(wish: Wish, *statuses: str) -> None:
    if wish.status not in statuses:
        names = "或".join(WISH_STATUSES[s] for s in statuses)
        raise WishError(
            f"心愿{wish.wish_no}现在是“{WISH_STATUSES[wish.status]}”，只有{names}的心愿可以这样做"
        )


def review_wish(session: Session, wish: Wish, *, approve: bool, reason: str = "", actor: str) -> Wish:
    """审核: publish the wish, or end it as not fulfilled with the reason told to the wisher."""
    require(session, actor, "wish.manage")
    _expect(wish, "pending")
    if approve:
        wish.status = "published"
    else:
        wish.end_reason = _clean_text(reason, "不予发布的理由")
        wish.status = "failed"
    wish.reviewed_by = actor
    _audit(session, wish, actor, "wish_review", "发布" if approve else f"不予发布：{wish.end_reason}")
    return wish


def claim_wish(
    session: Session, wish: Wish, *, kind: str, name: str, phone: str = "", actor: str, today: dt.date
) -> Wish:
    """接单: a party member, a volunteer or a partner unit takes the wish on."""
    require(session, actor, "wish.manage")
    _expect(wish, "published")
    if kind not in CLAIMER_KINDS:
        raise WishError(f"认领方类别须为：{'、'.join(CLAIMER_KINDS)}")
    wish.claimer_kind = kind
    wish.claimer_name = _clean_text(name, "认领人或单位名称", 80)
    wish.claimer_phone = (phone or "").strip()[:30]
    wish.claimed_on = today
    wish.status = "claimed"
    _audit(session, wish, actor, "wish_claim", f"{kind}：{wish.claimer_name}")
    return wish


def fulfil_wish(
    session: Session,
    wish: Wish,
    *,
    note: str,
    photo: bytes | None = None,
    confirmed: bool,
    rating: int = 0,
    actor: str,
    today: dt.date,
) -> Wish:
    """销单: the wish came true; the note, a photo, and whether the wisher confirmed it, with
    their rating (1–5) when they give one."""
    require(session, actor, "wish.manage")
    _expect(wish, "claimed")
    if not 0 <= rating <= 5:
        raise WishError("评价为1到5颗星")
    if rating and not confirmed:
        raise WishError("心愿人确认实现后才能评价")
    wish.fulfil_note = _clean_text(note, "实现情况")
    wish.fulfil_photo = _check_photo(photo)
    wish.confirmed = confirmed
    wish.rating = rating
    wish.fulfilled_on = today
    wish.status = "fulfilled"
    _audit(session, wish, actor, "wish_fulfil", f"评价{rating}星" if rating else "")
    return wish


def rate_wish(session: Session, wish: Wish, *, rating: int, actor: str) -> Wish:
    """The wisher confirms a fulfilled wish and rates it (1–5), later than its fulfilment."""
    _expect(wish, "fulfilled")
    if not 1 <= rating <= 5:
        raise WishError("评价为1到5颗星")
    wish.confirmed = True
    wish.rating = rating
    _audit(session, wish, actor, "wish_rate", f"{rating}星")
    return wish


def end_wish(session: Session, wish: Wish, *, withdrawn: bool, reason: str, actor: str) -> Wish:
    """已撤回 (the wisher no longer wants it) or 未能实现 (nobody could), with the reason."""
    require(session, actor, "wish.manage")
    _expect(wish, "pending", "published", "claimed")
    wish.end_reason = _clean_text(reason, "撤回的理由" if withdrawn else "未能实现的理由")
    wish.status = "withdrawn" if withdrawn else "failed"
    _audit(session, wish, actor, "wish_end", f"{WISH_STATUSES[wish.status]}：{wish.end_reason}")
    return wish


def _audit(session: Session, wish: Wish, actor: str, action: str, detail: str = "") -> None:
    resident = wish.resident or session.get(Resident, wish.resident_id)
    audit.record(
        session,
        actor=actor,
        action=action,
        resident=resident,
        purpose="微心愿",
        detail=f"{wish.wish_no} {detail}".strip(),
    )
