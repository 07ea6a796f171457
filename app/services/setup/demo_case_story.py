"""One demo case from intake to its last rating, told as the rows the desk's use cases would have
written: the case itself and its events, each with the status it left and reached."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from app.models import Community
from app.models.base import local_midnight_utc, utcnow
from app.services.cases.workflow import UNSATISFIED
from app.services.common.workdays import WorkCalendar

OPENING_ACTION = {
    "window": "accept",
    "hotline": "hotline_import",
    "kiosk": "kiosk_request",
    "grid": "grid_report",
}
MISSING = "户口簿复印件"
REFUSALS = ["申请人不符合办理条件", "不属于本中心受理范围", "申请事项已由其他部门办结"]
RESULTS = ["已按规定办结，结果已告知申请人", "已协调相关部门处理完毕", "已现场处置，群众认可"]


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class CaseStory:
    channel: str
    day: dt.date
    minute: int  # minutes after 08:30 local
    actor: str
    intake: str  # accept, supplement, refuse
    item_id: int | None
    item_code: str
    item_name: str
    promised_days: int
    materials: list[str]
    person: Any  # a row with id, name, id_number, phone, current_address; None for a grid report
    grid_id: int | None
    rating: tuple[Step, ...]


class _Teller:
    def __init__(
        self, rng: random.Random, story: CaseStory, calendar: WorkCalendar, today: dt.date, case_id: int
    ):
        self.rng, self.story, self.calendar, self.today, self.case_id = rng, story, calendar, today, case_id
        self.status = ""
        self.events: list[dict] = []
        self.now = utcnow()

    def moment(self, day: dt.date, minute: int) -> dt.datetime:
        return min(local_midnight_utc(day) + dt.timedelta(minutes=510 + minute), self.now)

    def event(
        self, day: dt.date, minute: int, action: str, target: str, actor: str, note: str = "", **data
    ) -> dt.datetime:
        at = self.moment(day, minute)
        self.events.append(
            {
                "uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                "case_id": self.case_id,
                "at": at,
                "actor": actor,
                "action": action,
                "from_status": self.status,
                "to_status": target,
                "note": note,
                "data": data,
            }
        )
        self.status = target
        return at

    def later(self, day: dt.date, working_days: int) -> dt.date:
        return self.calendar.add_working_days(day, working_days)


def tell(
    rng: random.Random,
    story: CaseStory,
    calendar: WorkCalendar,
    today: dt.date,
    *,
    case_id: int,
    case_no: str,
    community: Community,
) -> tuple[dict, list[dict]]:
    """The case row and its event rows."""
    t = _Teller(rng, story, calendar, today, case_id)
    person = story.person
    row: dict[str, Any] = {
        "id": case_id,
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "origin_community": community.code,
        "case_no": case_no,
        "community_id": community.id,
        "channel": story.channel,
        "item_id": story.item_id,
        "item_code": story.item_code,
        "item_name": story.item_name,
        "promised_days": story.promised_days,
        "resident_id": person.id if person else None,
        "applicant_name": person.name if person else "",
        "applicant_id_number": person.id_number if person and story.channel != "hotline" else "",
        "applicant_phone": person.phone if person else "",
        "grid_id": story.grid_id,
        "first_responder": story.actor,
        "owner": story.actor,
        "content": story.item_name,
        "address": person.current_address if person else "",
        "received_at": t.moment(story.day, story.minute),
        "materials_received": list(story.materials),
        "materials_missing": [],
        "refusal_reason": "",
        "result": "",
        "accepted_at": None,
        "due_date": None,
        "completed_at": None,
        "evaluation": "",
        "hotline_order_no": f"DEMO{case_no.replace('-', '')}" if story.channel == "hotline" else None,
    }
    accepted = _intake(t, story, row)
    if accepted is not None:
        _handle(t, story, row, accepted)
    row["version"] = 1 + len(t.events)
    row["status"] = t.status
    return row, t.events


def _intake(t: _Teller, story: CaseStory, row: dict) -> dt.date | None:
    """The intake's outcome; returns the day the deadline started running, or None."""
    day, minute, actor = story.day, story.minute, story.actor
    if story.intake == "refuse":
        reason = t.rng.choice(REFUSALS)
        row["refusal_reason"] = reason
        t.event(day, minute, "refuse", "refused", actor, reason, basis="")
        return None
    if story.intake == "supplement":
        missing = [story.materials[-1]] if story.materials else [MISSING]
        row["materials_received"] = [m for m in story.materials if m not in missing]
        row["materials_missing"] = missing
        t.event(day, minute, "request_materials", "awaiting_materials", actor, missing=missing)
        roll, arrival = t.rng.random(), t.later(day, t.rng.randint(1, 5))
        if arrival > t.today or roll > 0.9:
            return None  # still waiting for the material
        if roll > 0.8:
            t.event(arrival, minute, "withdraw", "withdrawn", actor, "申请人撤回申请")
            return None
        due = t.later(arrival, story.promised_days)
        row.update(accepted_at=t.moment(arrival, minute), due_date=due, materials_missing=[])
        row["materials_received"] = list(story.materials)
        t.event(
            arrival, minute, "materials_complete", "accepted", actor, "材料已补齐", due_date=due.isoformat()
        )
        return arrival
    due = t.later(day, story.promised_days)
    row.update(accepted_at=t.moment(day, story.minute), due_date=due)
    t.event(day, minute, OPENING_ACTION[story.channel], "accepted", actor, due_date=due.isoformat())
    return day


def _handle(t: _Teller, story: CaseStory, row: dict, start: dt.date) -> None:
    rng, minute = t.rng, story.minute + 20
    handler = rng.choice(["houtai", *DEPARTMENTS_SHORT])
    t.event(start, minute, "dispatch", "in_progress", story.actor, to=handler)
    row["owner"] = handler
    promised = story.promised_days
    taken = rng.randint(0, promised) if rng.random() < 0.88 else promised + rng.randint(1, 6)
    if promised and rng.random() < 0.05:
        t.event(
            t.later(start, 1), minute, "escalate", "escalated", handler, "需街道协调", to="桃园街道办事处"
        )
        t.event(t.later(start, 1), minute + 60, "return", "in_progress", "桃园街道办事处", "已协调")
    done = t.later(start, taken)
    if done > t.today:
        return  # still being handled
    result = rng.choice(RESULTS)
    row.update(
        result=result, completed_at=t.event(done, minute + 90, "complete", "completed", handler, result)
    )
    if rng.random() < 0.6:
        t.event(done, minute + 150, "call_back", "called_back", "qiantai", "电话回访，群众已知晓结果")
    _rate(t, story, row, done, minute + 200, handler)


def _rate(t: _Teller, story: CaseStory, row: dict, done: dt.date, minute: int, handler: str) -> None:
    for step in story.rating:
        rated = t.later(done, 1)
        if rated > t.today:
            return
        t.event(rated, minute, "evaluate", "evaluated", "kiosk", evaluation=step.value)
        row["evaluation"] = step.value
        if step.value not in UNSATISFIED:
            return
        note = f"群众评价“{step.value}”"
        t.event(rated, minute, "reopen", "in_progress", "kiosk", note)
        row["completed_at"] = None
        done = t.later(rated, t.rng.randint(1, 3))
        if done > t.today:
            return
        result = "重新办理：" + t.rng.choice(RESULTS)
        row.update(
            result=result, completed_at=t.event(done, minute + 30, "complete", "completed", handler, result)
        )


DEPARTMENTS_SHORT = ["社区民政专干", "街道综治中心", "王益区城市管理执法局", "物业服务企业"]
