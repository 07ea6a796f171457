"""The centre's point rules (党员积分规则) and its grading rule, copied once from the shipped
resources/reference/party_points.yaml and then changed only here, each change audited. The file
is the default; the database is the rule: a branch that agrees different figures changes them
without waiting for a new release."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CentreSetting, PartyPointRule
from app.resources import resource_path
from app.services.admin.permissions import require
from app.services.common import audit
from app.services.party.members import MemberError
from app.services.party.point_sources import SOURCES

GRADING_KEY = "party_points.grading"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    source: str
    params: dict
    points: float
    per: float
    unit: str
    cap: float | None
    enabled: bool

    @property
    def wording(self) -> str:
        """The rule as the sheet and the screen say it, e.g. “每2小时+1分，年度最多10分”."""
        per = "每" + (f"{self.per:g}" if self.per != 1 else "") + self.unit
        cap = f"，年度最多{self.cap:g}分" if self.cap is not None else ""
        return f"{per}{self.points:+g}分{cap}"


@dataclass(frozen=True, slots=True)
class Grading:
    excellent_share: float
    excellent_min_points: float
    basic_below: float
    unqualified_below: float
    absences_cap_basic: int

    @property
    def wording(self) -> str:
        return (
            f"积分居本支部同类党员前{self.excellent_share:.0%}且不少于{self.excellent_min_points:g}分，建议优秀；"
            f"少于{self.basic_below:g}分建议基本合格，少于{self.unqualified_below:g}分建议不合格；"
            f"无故缺席组织生活{self.absences_cap_basic}次及以上，最高建议基本合格；其余建议合格。"
            "最终等次由支部党员大会民主评议决定。"
        )


def _shipped(path: Path | None = None) -> dict[str, Any]:
    with open(path or resource_path("reference", "party_points.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_point_rules(session: Session, path: Path | None = None) -> int:
    """Add the shipped rules whose code the centre does not have yet, and the grading rule if
    there is none; a rule the centre changed stays as changed. Returns how many rules were added."""
    data = _shipped(path)
    have = set(session.scalars(select(PartyPointRule.code)))
    added = 0
    for order, spec in enumerate(data["rules"]):
        if spec["code"] in have:
            continue
        session.add(
            PartyPointRule(
                code=spec["code"],
                name=spec["name"],
                source=spec["source"],
                params=dict(spec.get("params") or {}),
                points=float(spec["points"]),
                per=float(spec.get("per", 1)),
                unit=spec.get("unit", "次"),
                cap=None if spec.get("cap") is None else float(spec["cap"]),
                enabled=bool(spec.get("enabled", True)),
                sort_order=order,
            )
        )
        added += 1
    if session.get(CentreSetting, GRADING_KEY) is None:
        session.add(CentreSetting(key=GRADING_KEY, value=dict(data["grading"])))
    session.flush()
    return added


def _ensure(session: Session) -> None:
    if session.get(CentreSetting, GRADING_KEY) is None or not session.scalar(
        select(PartyPointRule.id).limit(1)
    ):
        load_point_rules(session)


def _rule(row: PartyPointRule) -> Rule:
    return Rule(
        row.code,
        row.name,
        row.source,
        dict(row.params or {}),
        row.points,
        row.per,
        row.unit,
        row.cap,
        row.enabled,
    )


def point_rules(session: Session) -> list[Rule]:
    """Every rule of the centre, enabled or not, in the order of the shipped file."""
    _ensure(session)
    rows = session.scalars(select(PartyPointRule).order_by(PartyPointRule.sort_order, PartyPointRule.id))
    return [_rule(row) for row in rows]


def active_rules(session: Session) -> list[Rule]:
    """The rules that count: enabled, and with a source this program has."""
    return [rule for rule in point_rules(session) if rule.enabled and rule.source in SOURCES]


def grading(session: Session) -> Grading:
    _ensure(session)
    value = dict(session.get(CentreSetting, GRADING_KEY).value)
    return Grading(
        float(value["excellent_share"]),
        float(value["excellent_min_points"]),
        float(value["basic_below"]),
        float(value["unqualified_below"]),
        int(value["absences_cap_basic"]),
    )


def change_rule(
    session: Session,
    code: str,
    *,
    actor: str,
    points: float | None = None,
    per: float | None = None,
    cap: float | None = None,
    no_cap: bool = False,
    enabled: bool | None = None,
) -> Rule:
    """Change one rule's figures or switch it on or off, audited. A rule whose source does not
    exist yet (volunteer hours before the volunteer register) cannot be switched on."""
    require(session, actor, "party.points_rules")
    _ensure(session)
    row = session.scalar(select(PartyPointRule).where(PartyPointRule.code == code))
    if row is None:
        raise MemberError(f"没有代码为“{code}”的积分规则")
    if enabled and row.source not in SOURCES:
        raise MemberError(f"“{row.name}”的数据来源（{row.source}）尚未接入本程序，暂不能启用")
    if per is not None and per <= 0:
        raise MemberError("计分单位须大于0")
    if cap is not None and cap <= 0:
        raise MemberError("年度上限须大于0；不设上限请用“不设上限”")
    before = _rule(row).wording + ("" if row.enabled else "（停用）")
    if points is not None:
        row.points = points
    if per is not None:
        row.per = per
    if cap is not None:
        row.cap = cap
    if no_cap:
        row.cap = None
    if enabled is not None:
        row.enabled = enabled
    session.flush()
    after = _rule(row)
    audit.record(
        session,
        actor=actor,
        action="party_points_rule",
        subject=row.code,
        purpose=row.name,
        detail=f"{before} → {after.wording}{'' if after.enabled else '（停用）'}",
    )
    return after
