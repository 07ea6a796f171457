"""Reading wishes: the register (scoped to what the reader may see), one resident's own wishes
(the kiosk), the counts per year, and the public list for the printed notice (names masked)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from app.models import WISH_CHANNELS, WISH_STATUSES, Community, Grid, Resident, Wish
from app.services.admin.centre import current_community
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common.idcard import mask
from app.services.grids.boards import COMPOUND_SURNAMES

# What the public notice lists: wishes waiting for someone, and those taken on or come true.
NOTICE_STATUSES = ("published", "claimed", "fulfilled")
FULFILLED_SHOWN_DAYS = 30  # a wish that came true stays on the notice this long (销单公示)


def masked_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧阳**: the surname stays, every other character is a *."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "*" * (len(name) - keep)


@dataclass(frozen=True)
class WishRow:
    wish_no: str
    status: str
    name: str  # the wisher's full name: for staff screens only
    masked_name: str
    masked_id: str
    grid_name: str
    content: str
    kind: str
    budget_yuan: int
    deadline: dt.date | None
    channel: str
    posted_on: dt.date
    claimer_kind: str
    claimer_name: str
    claimed_on: dt.date | None
    fulfilled_on: dt.date | None
    fulfil_note: str
    confirmed: bool
    rating: int
    end_reason: str
    has_photo: bool

    @property
    def status_name(self) -> str:
        return WISH_STATUSES.get(self.status, self.status)

    @property
    def channel_name(self) -> str:
        return WISH_CHANNELS.get(self.channel, self.channel)

    def as_json(self) -> dict:
        """For the command line: the wisher's name masked, the ID number masked."""
        return {
            "wish_no": self.wish_no,
            "status": self.status,
            "status_name": self.status_name,
            "wisher": self.masked_name,
            "id": self.masked_id,
            "grid": self.grid_name,
            "content": self.content,
            "kind": self.kind,
            "budget_yuan": self.budget_yuan,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "channel": self.channel_name,
            "posted_on": self.posted_on.isoformat(),
            "claimer": f"{self.claimer_kind}：{self.claimer_name}" if self.claimer_name else "",
            "fulfilled_on": self.fulfilled_on.isoformat() if self.fulfilled_on else None,
            "rating": self.rating,
            "reason": self.end_reason,
        }


def _row(wish: Wish, resident: Resident, grid_name: str | None) -> WishRow:
    return WishRow(
        wish_no=wish.wish_no,
        status=wish.status,
        name=resident.name,
        masked_name=masked_name(resident.name),
        masked_id=mask(resident.id_number),
        grid_name=grid_name or "",
        content=wish.content,
        kind=wish.kind,
        budget_yuan=wish.budget_yuan,
        deadline=wish.deadline,
        channel=wish.channel,
        posted_on=wish.posted_on,
        claimer_kind=wish.claimer_kind,
        claimer_name=wish.claimer_name,
        claimed_on=wish.claimed_on,
        fulfilled_on=wish.fulfilled_on,
        fulfil_note=wish.fulfil_note,
        confirmed=wish.confirmed,
        rating=wish.rating,
        end_reason=wish.end_reason,
        has_photo=wish.photo is not None,
    )


def list_wishes(
    session: Session,
    *,
    scope: Scope = WHOLE_STREET,
    statuses: tuple[str, ...] = (),
    year: int | None = None,
    text: str = "",
    resident_id: int | None = None,
    limit: int = 2000,
) -> list[WishRow]:
    """Wishes the reader's scope allows, newest first; ``text`` matches the number, the wisher's
    name or the wish."""
    stmt = (
        select(Wish, Resident, (Community.name + Grid.name))
        .join(Resident, Resident.id == Wish.resident_id)
        .outerjoin(Grid, Grid.id == Wish.grid_id)
        .outerjoin(Community, Community.id == Grid.community_id)
        .where(scope.grid_filter(Wish.grid_id))
    )
    if statuses:
        stmt = stmt.where(Wish.status.in_(statuses))
    if year is not None:
        stmt = stmt.where(extract("year", Wish.posted_on) == year)
    if resident_id is not None:
        stmt = stmt.where(Wish.resident_id == resident_id)
    text = (text or "").strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Wish.wish_no.like(like), Resident.name.like(like), Wish.content.like(like)))
    stmt = stmt.order_by(Wish.posted_on.desc(), Wish.wish_no.desc()).limit(limit)
    return [_row(w, r, g) for w, r, g in session.execute(stmt)]


@dataclass(frozen=True)
class YearCounts:
    year: int
    posted: int
    by_status: dict[str, int]  # status -> count
    budget_fulfilled: int  # yuan of the wishes that came true
    average_rating: float | None

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "posted": self.posted,
            **{WISH_STATUSES[s]: self.by_status.get(s, 0) for s in WISH_STATUSES},
            "fulfilled_budget_yuan": self.budget_fulfilled,
            "average_rating": self.average_rating,
        }


def counts_by_year(session: Session, scope: Scope = WHOLE_STREET) -> list[YearCounts]:
    """Per year of posting: how many wishes, in which state, the value fulfilled, the mean rating."""
    rows = session.execute(
        select(extract("year", Wish.posted_on), Wish.status, Wish.budget_yuan, Wish.rating).where(
            scope.grid_filter(Wish.grid_id)
        )
    ).all()
    years: dict[int, list] = {}
    for year, status, budget, rating in rows:
        years.setdefault(int(year), []).append((status, budget, rating))
    result = []
    for year in sorted(years, reverse=True):
        items = years[year]
        ratings = [r for s, _, r in items if r]
        result.append(
            YearCounts(
                year=year,
                posted=len(items),
                by_status=dict(Counter(s for s, _, _ in items)),
                budget_fulfilled=sum(b for s, b, _ in items if s == "fulfilled"),
                average_rating=round(sum(ratings) / len(ratings), 2) if ratings else None,
            )
        )
    return result


@dataclass(frozen=True)
class NoticeWish:
    """One line of the public notice: nothing in it names anyone in full."""

    wish_no: str
    masked_name: str
    grid_name: str
    content: str
    kind: str
    budget_yuan: int
    deadline: dt.date | None
    status_name: str
    claimer: str  # "共建单位：…" once claimed


@dataclass(frozen=True)
class WishNotice:
    community_name: str
    day: dt.date
    wishes: list[NoticeWish]


def notice_data(
    session: Session, *, day: dt.date, scope: Scope = WHOLE_STREET, year: int | None = None
) -> WishNotice:
    """The public wish list (心愿墙): wishes waiting and claimed, and those come true in the last
    30 days; ``year`` narrows it to the wishes posted in one year."""
    rows = [
        r
        for r in list_wishes(session, scope=scope, statuses=NOTICE_STATUSES, year=year)
        if r.status != "fulfilled" or (r.fulfilled_on and (day - r.fulfilled_on).days <= FULFILLED_SHOWN_DAYS)
    ]
    order = {s: i for i, s in enumerate(NOTICE_STATUSES)}
    rows.sort(key=lambda r: (order[r.status], r.wish_no))
    return WishNotice(
        community_name=current_community(session).name,
        day=day,
        wishes=[
            NoticeWish(
                wish_no=r.wish_no,
                masked_name=r.masked_name,
                grid_name=r.grid_name,
                content=r.content,
                kind=r.kind,
                budget_yuan=r.budget_yuan,
                deadline=r.deadline,
                status_name=r.status_name,
                claimer=f"{r.claimer_kind}：{r.claimer_name}" if r.claimer_name else "",
            )
            for r in rows
        ],
    )
