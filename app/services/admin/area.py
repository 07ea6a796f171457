"""The street and its communities as a centre sets them up from nothing: ``street set``,
``community add|edit|list``, the 社区 sheet of the grids workbook and the desk's first-run assistant.

Codes follow the 统计用区划代码: a street (乡镇级) has 9 digits, a community (村级) 12 digits that
begin with its street's code. A community's prefix (short_code) starts every case number and
certificate serial of its centre, so it is letters only and unique. Every check gives one Chinese
sentence; :func:`community_problems` gives all of them at once for a form to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import CentreSetting, Community, Street
from app.services.admin.centre import (
    COMMUNITY_SETTING,
    certificate_texts,
    forget_current_community,
    set_certificate_texts,
)
from app.services.common import audit

STREET_CODE = re.compile(r"\d{9}")
COMMUNITY_CODE = re.compile(r"\d{12}")
PREFIX = re.compile(r"[A-Z]{1,8}")
LIMITS = {"name": 50, "district": 50, "city": 50, "hotline": 30, "address": 200, "hours": 100}
LIMITS |= {"heading": 60, "issuer": 60}


class AreaError(ValueError):
    """A refused street or community change; ``str()`` is one sentence for the person."""


@dataclass(frozen=True)
class StreetDetails:
    code: str
    name: str
    district: str = ""
    city: str = ""
    hotline: str = ""
    board_qr: str = ""  # "vcard" or "url"; empty keeps what is set (a new street: vcard, or url with one)
    board_url: str = ""  # https://…{grid_code}…; empty keeps what is set


@dataclass(frozen=True)
class CommunityDetails:
    """A community as typed: code, name, prefix and the texts its centre prints."""

    code: str
    name: str
    prefix: str
    address: str = ""
    phone: str = ""
    hours: str = ""
    heading: str = ""  # the certificates' heading where a template does not set one
    issuer: str = ""  # the certificates' 落款 where a template leaves it to the centre


@dataclass(frozen=True)
class CommunityRecord:
    code: str
    name: str
    prefix: str
    address: str
    phone: str
    hours: str
    heading: str
    issuer: str
    street: str
    is_centre: bool

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# --- checks ---------------------------------------------------------------------------------------


def clean(value: str | None) -> str:
    return " ".join((value or "").split())


def street_problems(details: StreetDetails) -> dict[str, str]:
    """field -> the reason it is refused; empty when the street may be stored."""
    problems: dict[str, str] = {}
    if not STREET_CODE.fullmatch(details.code):
        problems["code"] = "街道代码须为9位数字（统计用区划代码，如 610202010）"
    if not details.name:
        problems["name"] = "街道名称必须填写"
    for key in ("name", "district", "city", "hotline"):
        if key not in problems and len(getattr(details, key)) > LIMITS[key]:
            problems[key] = f"{_LABELS[key]}最多{LIMITS[key]}个字"
    if details.board_qr not in ("", "vcard", "url"):
        problems["board_qr"] = "公示牌二维码只能是 vcard（网格长名片）或 url（网址）"
    if details.board_url and (
        not re.match(r"https?://", details.board_url) or "{grid_code}" not in details.board_url
    ):
        problems["board_url"] = (
            "公示牌网址须以 http:// 或 https:// 开头并含 {grid_code}，如 https://example.gov.cn/report?grid={grid_code}"
        )
    elif len(details.board_url) > 200:
        problems["board_url"] = "公示牌网址最多200个字符"
    return problems


def community_problems(
    session: Session, details: CommunityDetails, *, street_code: str | None = None, editing: bool = False
) -> dict[str, str]:
    """field -> the reason it is refused. ``street_code`` for a street not stored yet (first run)."""
    problems: dict[str, str] = {}
    if street_code is None:
        street = the_street(session)
        street_code = street.code if street is not None else None
    if not COMMUNITY_CODE.fullmatch(details.code):
        problems["code"] = "社区代码须为12位数字（统计用区划代码，如 610202010001）"
    elif street_code and not details.code.startswith(street_code):
        problems["code"] = f"社区代码须以所属街道的代码 {street_code} 开头"
    elif not editing and _community(session, details.code) is not None:
        problems["code"] = f"社区代码 {details.code} 已存在，修改请用 community edit"
    if not details.name:
        problems["name"] = "社区名称必须填写"
    elif not editing and session.scalar(select(Community.id).where(Community.name == details.name)):
        problems["name"] = f"社区“{details.name}”已存在"
    if not PREFIX.fullmatch(details.prefix):
        problems["prefix"] = "编号前缀须为1至8个英文字母（如 TY），用在办件编号和证明编号的开头"
    else:
        owner = session.scalar(select(Community.code).where(Community.short_code == details.prefix))
        if owner is not None and owner != details.code:
            problems["prefix"] = f"编号前缀 {details.prefix} 已被社区 {owner} 使用"
    for key in ("name", "address", "phone", "hours", "heading", "issuer"):
        limit = LIMITS["hotline" if key == "phone" else key]
        if key not in problems and len(getattr(details, key)) > limit:
            problems[key] = f"{_LABELS[key]}最多{limit}个字"
    return problems


_LABELS = {
    "code": "代码",
    "name": "名称",
    "district": "区/县",
    "city": "城市",
    "hotline": "服务电话",
    "prefix": "编号前缀",
    "address": "地址",
    "phone": "电话",
    "hours": "办公时间",
    "heading": "证明抬头",
    "issuer": "证明落款",
}


def normalised_street(details: StreetDetails) -> StreetDetails:
    return StreetDetails(*(clean(getattr(details, f.name)) for f in fields(StreetDetails)))


def normalised_community(details: CommunityDetails) -> CommunityDetails:
    values = {f.name: clean(getattr(details, f.name)) for f in fields(CommunityDetails)}
    values["code"] = values["code"].replace(" ", "")
    values["prefix"] = values["prefix"].replace(" ", "").upper()
    return CommunityDetails(**values)


# --- reads ----------------------------------------------------------------------------------------


def the_street(session: Session) -> Street | None:
    """The one street of this database (None before the first run)."""
    streets = list(session.scalars(select(Street).order_by(Street.id).limit(2)))
    if len(streets) > 1:
        raise AreaError("数据库中有多个街道，无法确定本中心所在的街道")
    return streets[0] if streets else None


def has_street(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Street)))


def _community(session: Session, code: str) -> Community | None:
    return session.scalar(select(Community).where(Community.code == code))


def _record(session: Session, community: Community, centre_code: str | None) -> CommunityRecord:
    texts = certificate_texts(session, community)
    return CommunityRecord(
        code=community.code,
        name=community.name,
        prefix=community.short_code,
        address=community.address or "",
        phone=community.hotline or "",
        hours=community.service_hours or "",
        heading=texts.heading or "",
        issuer=texts.issuer_setting or "",
        street=community.street.name,
        is_centre=community.code == centre_code,
    )


def community_records(session: Session) -> list[CommunityRecord]:
    setting = session.get(CentreSetting, COMMUNITY_SETTING)
    centre_code = setting.value if setting is not None else None
    rows = list(session.scalars(select(Community).order_by(Community.code)))
    if centre_code is None and len(rows) == 1:
        centre_code = rows[0].code
    return [_record(session, c, centre_code) for c in rows]


def community_record(session: Session, code: str) -> CommunityRecord:
    found = next((r for r in community_records(session) if r.code == code), None)
    if found is None:
        raise AreaError(f"社区代码“{code}”不存在")
    return found


# --- changes --------------------------------------------------------------------------------------


def set_street(session: Session, details: StreetDetails, *, actor: str) -> tuple[Street, bool]:
    """Create the street, or update the one there is; audited. The caller commits."""
    details = normalised_street(details)
    problems = street_problems(details)
    if problems:
        raise AreaError("；".join(problems.values()))
    street = the_street(session)
    created = street is None
    if street is None:
        street = Street(code=details.code, name=details.name)
        session.add(street)
    elif street.code != details.code and street.communities:
        raise AreaError(
            f"街道已有社区，其代码都以 {street.code} 开头，不能改为 {details.code}：请核对街道代码"
        )
    before = _street_text(street) if not created else "无"
    for key in ("code", "name", "district", "city", "hotline"):
        setattr(street, key, getattr(details, key))
    if details.board_url:
        street.board_url_template = details.board_url
    if details.board_qr:
        street.board_qr_mode = details.board_qr
    elif created:  # a board prints from the first day: the grid leader's card until a page exists
        street.board_qr_mode = "url" if details.board_url else "vcard"
    if street.board_qr_mode == "url" and not street.board_url_template:
        raise AreaError("公示牌二维码设为网址时须同时给出网址模板（--board-url）")
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="street_set",
        subject=street.code,
        purpose="设置街道" if created else "修改街道",
        detail=f"{before} → {_street_text(street)}",
    )
    return street, created


def _street_text(street: Street) -> str:
    parts = (street.code, street.city, street.district, street.name, street.hotline, street.board_qr_mode)
    return " ".join(x for x in (*parts, street.board_url_template) if x)


def add_community(session: Session, details: CommunityDetails, *, actor: str) -> CommunityRecord:
    """A new community of the street; the first one becomes this centre's community. Audited;
    the caller commits."""
    details = normalised_community(details)
    street = the_street(session)
    if street is None:
        raise AreaError("还没有设置街道：请先运行 yichuang street set CODE NAME")
    problems = community_problems(session, details)
    if problems:
        raise AreaError("；".join(problems.values()))
    community = Community(
        street_id=street.id,
        code=details.code,
        short_code=details.prefix,
        name=details.name,
        address=details.address,
        hotline=details.phone,
        service_hours=details.hours,
    )
    session.add(community)
    session.flush()
    set_certificate_texts(session, community, heading=details.heading, issuer=details.issuer)
    if session.get(CentreSetting, COMMUNITY_SETTING) is None:
        session.add(CentreSetting(key=COMMUNITY_SETTING, value=community.code))
        session.flush()
        forget_current_community(session)
    audit.record(
        session,
        actor=actor,
        action="community_add",
        subject=community.code,
        purpose="新增社区",
        detail=f"{community.name}，编号前缀 {community.short_code}",
    )
    return community_record(session, community.code)


def edit_community(session: Session, code: str, changes: dict[str, str], *, actor: str) -> CommunityRecord:
    """Change the given fields (``CommunityDetails`` names except ``code``); audited."""
    code = clean(code).replace(" ", "")
    community = _community(session, code)
    if community is None:
        raise AreaError(f"社区代码“{code}”不存在")
    before = community_record(session, code)
    unknown = set(changes) - {f.name for f in fields(CommunityDetails)} - {"code"}
    if unknown:
        raise AreaError(f"不能修改：{'、'.join(sorted(unknown))}")
    current = {f.name: getattr(before, f.name) for f in fields(CommunityDetails)}
    wanted = normalised_community(CommunityDetails(**{**current, **changes, "code": code}))
    problems = community_problems(session, wanted, editing=True)
    if wanted.name != before.name and session.scalar(
        select(Community.id).where(Community.name == wanted.name, Community.id != community.id)
    ):
        problems["name"] = f"社区“{wanted.name}”已存在"
    if problems:
        raise AreaError("；".join(problems.values()))
    community.name = wanted.name
    community.short_code = wanted.prefix
    community.address = wanted.address
    community.hotline = wanted.phone
    community.service_hours = wanted.hours
    set_certificate_texts(session, community, heading=wanted.heading, issuer=wanted.issuer)
    session.flush()
    after = community_record(session, code)
    changed = [
        f"{_LABELS[f.name]}：{getattr(before, f.name) or '无'} → {getattr(after, f.name) or '无'}"
        for f in fields(CommunityDetails)
        if f.name != "code" and getattr(before, f.name) != getattr(after, f.name)
    ]
    if changed:
        audit.record(
            session,
            actor=actor,
            action="community_edit",
            subject=code,
            purpose="修改社区",
            detail="；".join(changed),
        )
    return after


def upsert_community(session: Session, details: CommunityDetails, *, actor: str) -> str:
    """Add the community or update the fields given (non-empty) of the one with this code: the
    grids workbook's 社区 sheet. Returns "created", "updated" or "unchanged"."""
    details = normalised_community(details)
    existing = _community(session, details.code)
    if existing is None:
        add_community(session, details, actor=actor)
        return "created"
    given = {f.name: getattr(details, f.name) for f in fields(CommunityDetails) if getattr(details, f.name)}
    given.pop("code", None)
    before = community_record(session, details.code)
    after = edit_community(session, details.code, given, actor=actor)
    return "updated" if after != before else "unchanged"
