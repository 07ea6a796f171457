"""Filing a request through Open311, and the clients allowed to.

A request becomes a case the street makes in the owning community's name, accepted at once and
due in five working days, exactly as a kiosk request is: the community's desk takes it with its
next pull (the case is addressed to its origin community and was last written by the street), and
every status change the desk syncs up is the request's status here.

Routing (no grid geometry is kept at the street, so a point alone cannot be placed):

1. ``address_id`` is a grid code (网格编号). It begins with the code of the community the grid
   belongs to (the national codes: street 9 digits, community 12, grid 15), so the request goes to
   the registered community whose code is the longest beginning of it, and the desk routes it to
   that grid (owner: the grid leader), or keeps it at the community when it has no such grid.
2. Otherwise ``attribute[community]`` names a registered community: the request goes there with
   no grid, like a kiosk request from a person without a record, and staff dispatch it.
3. Neither: refused (400), even with ``lat``/``long`` or ``address_string``, which are passed on
   to the desk in the request's text.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import uuid as uuidlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.services.common.idcard import redact
from app.services.common.workdays import WorkCalendar
from app.street.admin import hash_key
from app.street.models import (
    STREET,
    Open311Client,
    Open311Request,
    StreetCase,
    StreetCaseEvent,
    StreetCommunity,
    add_holder,
)
from app.street.open311.catalogue import COMMUNITY_ATTRIBUTE, REQUEST_DAYS, find
from app.street.store import allocate, retrying

CHANNEL = "open311"
NUMBER_PREFIX = "311"  # request numbers: 311-YYYYMMDD-NNNN, also the case number at the desk
TEXT_LIMIT = 300
CHINA = dt.timezone(dt.timedelta(hours=8))
_NAME = re.compile(r"^[\w.-]{1,30}$")


class Open311Error(Exception):
    """A request refused, with the spec's error code (the HTTP status) and one sentence."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


@dataclass(frozen=True)
class Filed:
    service_request_id: str
    token: str
    service_notice: str
    account_id: str


# --- clients ---------------------------------------------------------------------------------------


def add_client(sessions: sessionmaker[Session], name: str) -> dict:
    """Register a client; its key is returned now and never again (only its hash is kept)."""
    if not _NAME.match(name):
        raise ValueError("客户端名称须为 1-30 个字母、汉字、数字、点、下划线或连字符")
    key = "o311_" + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        if session.get(Open311Client, name) is not None:
            raise ValueError(f"客户端 {name} 已注册")
        session.add(Open311Client(name=name, key_hash=hash_key(key), created_at=utcnow()))
    return {"name": name, "api_key": key}


def list_clients(sessions: sessionmaker[Session]) -> list[dict]:
    with sessions() as session:
        rows = session.scalars(select(Open311Client).order_by(Open311Client.name)).all()
        return [{"name": r.name, "registered_at": r.created_at.isoformat(timespec="seconds")} for r in rows]


def client_for(session: Session, key: str) -> str | None:
    if not key or len(key) > 200:
        return None
    digest = hash_key(key)
    row = session.scalars(select(Open311Client).where(Open311Client.key_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        return None
    return row.name


# --- filing --------------------------------------------------------------------------------------


def _route(session: Session, form: dict[str, str]) -> tuple[str, str]:
    """(community code, grid code) for the request, by the rule in this module's docstring."""
    communities = set(
        session.scalars(select(StreetCommunity.code).where(StreetCommunity.role == "community"))
    )
    grid = form.get("address_id", "").strip()
    if grid:
        owners = [c for c in communities if grid.startswith(c) and len(grid) > len(c)]
        if not owners or len(grid) > 20:
            raise Open311Error(400, "address_id 不是本街道已登记社区的网格编号")
        return max(owners, key=len), grid
    community = form.get(f"attribute[{COMMUNITY_ATTRIBUTE}]", "").strip()
    if community:
        if community not in communities:
            raise Open311Error(400, "attribute[community] 不是本街道已登记的社区代码")
        return community, ""
    raise Open311Error(
        400, "请给出网格编号 address_id 或社区代码 attribute[community]，才能确定办理的网格或社区"
    )


def _content(form: dict[str, str], text: str) -> str:
    """The request's words for the desk, with where and how to answer it (never published)."""
    lines = [text] if text else []
    extras = {
        "address_string": "地点",
        "lat": "纬度",
        "long": "经度",
        "email": "电子邮箱",
        "media_url": "图片",
        "account_id": "账号",
        "device_id": "设备",
    }
    for key, label in extras.items():
        value = form.get(key, "").strip()
        if value:
            lines.append(f"{label}：{redact(value)[:200]}")
    return "\n".join(lines)


def _number(session: Session, today: dt.date) -> str:
    prefix = f"{NUMBER_PREFIX}-{today:%Y%m%d}-"
    count = session.scalar(
        select(func.count()).select_from(Open311Request).where(Open311Request.request_no.like(f"{prefix}%"))
    )
    return f"{prefix}{(count or 0) + 1:04d}"


def file_request(
    sessions: sessionmaker[Session], form: dict[str, str], now: dt.datetime | None = None
) -> Filed:
    """File the POSTed request (form fields as given); raises Open311Error when it cannot be."""
    with sessions() as session:
        client = client_for(session, form.get("api_key", ""))
    if client is None:
        raise Open311Error(403, "api_key 缺失或无效")
    service = find(form.get("service_code", "").strip())
    if service is None:
        raise Open311Error(404 if form.get("service_code") else 400, "service_code 不是可申请的服务")
    text = redact(form.get("description", "").strip())
    if len(text) > TEXT_LIMIT:
        raise Open311Error(400, f"description 最多 {TEXT_LIMIT} 个字")
    if service.needs_text and not text:
        raise Open311Error(400, "请在 description 中写明诉求内容")
    moment = now or utcnow()
    today = moment.replace(tzinfo=dt.UTC).astimezone(CHINA).date()
    due = WorkCalendar().add_working_days(today, REQUEST_DAYS)
    name = (form.get("last_name", "").strip() + form.get("first_name", "").strip())[:50]
    phone = re.sub(r"[^\d+-]", "", form.get("phone", ""))[:30]

    def work(session: Session) -> Filed:
        community, grid = _route(session, form)
        first = allocate(session, 2)  # also the lock that numbers requests one at a time
        number = _number(session, today)
        case_uuid, token = str(uuidlib.uuid4()), secrets.token_hex(16)
        at = moment.isoformat(timespec="seconds")
        item_name = service.name if not service.category else f"群众诉求（{service.category}）"
        data = {
            "case_no": number,
            "status": "accepted",
            "channel": CHANNEL,
            "item_code": "" if service.category else service.code,
            "item_name": item_name[:60],
            "promised_days": REQUEST_DAYS,
            "applicant_name": name or "网上诉求人",
            "applicant_id_number": "",
            "applicant_phone": phone,
            "first_responder": f"Open311：{client}"[:40],
            "owner": "",
            "content": _content(form, text),
            "address": redact(form.get("address_string", "").strip())[:200],
            "received_at": at,
            "accepted_at": at,
            "due_date": due.isoformat(),
            "materials_received": [],
            "materials_missing": [],
            "grid_code": grid,
        }
        case = StreetCase(
            uuid=case_uuid,
            case_no=number,
            origin_community=community,
            owner_community=community,
            escalated_from="",
            last_writer=STREET,  # so the community pulls it
            status="accepted",
            version=1,
            data_hash=None,
            due_date=due,
            data=data,
            seq=first,
            updated_at=moment,
        )
        add_holder(case, community)
        event = StreetCaseEvent(
            uuid=str(uuidlib.uuid4()),
            case_uuid=case_uuid,
            case_origin=community,
            origin_community=STREET,
            seq=first + 1,
            received_at=moment,
            data={
                "case_uuid": case_uuid,
                "at": at,
                "actor": f"Open311：{client}"[:60],
                "action": "open311_request",
                "from_status": "",
                "to_status": "accepted",
                "note": service.name,
                "data": {"service_code": service.code, "grid_code": grid, "due_date": due.isoformat()},
            },
        )
        session.add_all([case, event])
        session.add(
            Open311Request(
                case_uuid=case_uuid,
                request_no=number,
                token=token,
                client=client,
                community=community,
                grid_code=grid,
                service_code=service.code,
                service_name=service.name,
                requested_at=moment,
                expected_at=due,
            )
        )
        notice = f"已转{'网格' if grid else '社区'}办理，{REQUEST_DAYS}个工作日内（{due:%Y-%m-%d}前）答复"
        return Filed(number, token, notice, "")

    return retrying(sessions, work)
