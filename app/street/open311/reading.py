"""The public reads of Open311: the requests filed here, as their cases stand now.

Only requests filed through Open311 are listed (not the desks' own cases), and each carries the
spec's fields only: the status the owning desk last synced, its Chinese name as the note, the
community (and grid code) as the place. Never the requester's name, phone, words or exact place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.services.cases.workflow import OPEN_STATUSES, status_name
from app.street.models import Open311Request, StreetCase, StreetCommunity
from app.street.open311.catalogue import Choice
from app.street.open311.filing import CHINA, Open311Error

DEFAULT_DAYS = 90  # without start_date: the last 90 days, as the spec suggests
MAX_REQUESTS = 1000
MAX_IDS = 200


@dataclass(frozen=True)
class PublicRequest:
    """One request as the public may read it (the spec's fields)."""

    service_request_id: str
    status: str  # open, closed
    status_notes: str
    service_name: str
    service_code: str
    agency_responsible: str
    service_notice: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str
    address: str
    address_id: str


@dataclass(frozen=True)
class Filters:
    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: dt.datetime | None = None  # naive UTC
    end: dt.datetime | None = None
    statuses: tuple[str, ...] = ()  # open, closed


def w3c(moment: dt.datetime | None) -> str:
    """A stored UTC moment as W3C date-time in China's time (2026-12-05T21:10:00+08:00)."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.UTC).astimezone(CHINA).isoformat(timespec="seconds")


def plain(text: str, name: str) -> str:
    """``text`` when it holds no control character nor lone surrogate (which no database column
    can be compared with), else refused."""
    if any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in text) or len(text) > 4000:
        raise Open311Error(400, f"{name} 含有不能使用的字符")
    return text


def _parse_moment(text: str, name: str) -> dt.datetime:
    wrong = Open311Error(400, f"{name} 须为 W3C 日期时间，如 2026-12-01T00:00:00+08:00")
    try:
        moment = dt.datetime.fromisoformat(plain(text, name).strip().replace("Z", "+00:00"))
    except ValueError:
        raise wrong from None
    if not 1970 <= moment.year <= 9000:
        raise wrong
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _list(text: str, name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in plain(text, name).split(",") if part.strip())


def parse_filters(query: dict[str, str]) -> Filters:
    """The spec's filters from the query string; a bad one is refused (400)."""
    ids = _list(query.get("service_request_id", ""), "service_request_id")
    if len(ids) > MAX_IDS:
        raise Open311Error(400, f"service_request_id 一次最多 {MAX_IDS} 个")
    statuses = _list(query.get("status", "").lower(), "status")
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "status 须为 open 或 closed")
    start = _parse_moment(query["start_date"], "start_date") if query.get("start_date") else None
    end = _parse_moment(query["end_date"], "end_date") if query.get("end_date") else None
    if start and end and start > end:
        raise Open311Error(400, "start_date 不能晚于 end_date")
    return Filters(ids, _list(query.get("service_code", ""), "service_code"), start, end, statuses)


def open_or_closed(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def _public(request: Open311Request, case: StreetCase, community_name: str) -> PublicRequest:
    place = community_name + (f" 网格 {request.grid_code}" if request.grid_code else "")
    due = case.due_date or request.expected_at
    return PublicRequest(
        service_request_id=request.request_no,
        status=open_or_closed(case.status),
        status_notes=status_name(case.status),
        service_name=request.service_name,
        service_code=request.service_code,
        agency_responsible=community_name,
        service_notice="办理情况以社区答复为准",
        requested_datetime=w3c(request.requested_at),
        updated_datetime=w3c(case.updated_at),
        expected_datetime=(
            dt.datetime.combine(due, dt.time(17, 30), CHINA).isoformat(timespec="seconds") if due else ""
        ),
        address=place,
        address_id=request.grid_code,
    )


def find_requests(sessions: sessionmaker[Session], filters: Filters, now: dt.datetime) -> list[PublicRequest]:
    """The requests the filters select, newest first (at most 1000). With request ids, the other
    filters are ignored, as the spec says."""
    query = select(Open311Request, StreetCase).join(StreetCase, StreetCase.uuid == Open311Request.case_uuid)
    if filters.ids:
        query = query.where(Open311Request.request_no.in_(filters.ids))
    else:
        start = filters.start or (filters.end or now) - dt.timedelta(days=DEFAULT_DAYS)
        query = query.where(Open311Request.requested_at >= start)
        if filters.end:
            query = query.where(Open311Request.requested_at <= filters.end)
        if filters.service_codes:
            query = query.where(Open311Request.service_code.in_(filters.service_codes))
        if filters.statuses and set(filters.statuses) != {"open", "closed"}:
            opened = StreetCase.status.in_(sorted(OPEN_STATUSES))
            query = query.where(opened if "open" in filters.statuses else ~opened)
    query = query.order_by(Open311Request.requested_at.desc(), Open311Request.request_no.desc())
    with sessions() as session:
        names = _community_names(session)
        rows = session.execute(query.limit(MAX_REQUESTS)).all()
        return [_public(r, c, names.get(r.community, r.community)) for r, c in rows]


def one_request(sessions: sessionmaker[Session], request_id: str) -> PublicRequest:
    plain(request_id, "service_request_id")
    found = find_requests(sessions, Filters(ids=(request_id,)), dt.datetime.now())
    if not found:
        raise Open311Error(404, "没有这个诉求编号")
    return found[0]


def by_token(sessions: sessionmaker[Session], token: str) -> tuple[str, str]:
    """(service_request_id, token) of a request filed with ``token``."""
    plain(token, "token")
    with sessions() as session:
        number = session.scalar(select(Open311Request.request_no).where(Open311Request.token == token[:40]))
    if number is None:
        raise Open311Error(404, "没有这个 token")
    return number, token


def community_choices(sessions: sessionmaker[Session]) -> list[Choice]:
    with sessions() as session:
        return [Choice(code, name) for code, name in sorted(_community_names(session).items())]


def _community_names(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(StreetCommunity.code, StreetCommunity.name).where(StreetCommunity.role == "community")
    )
    return dict(rows.all())
