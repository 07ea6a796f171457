"""四单三办三评 on a case: the problem as found (问题单), the measures with their schedule (措施单,
序时进度), the responsible units and persons (责任单), the result (结果单), the way it is handled
(自办 / 联办 / 督办) and the community's and the street's evaluations beside the resident's own.

Everything is written as case events with their details in ``data``: events already travel to the
street office and back, so nothing here needs a column of its own. :func:`handling_sheet` folds the
events into one typed record for the desk, the command line and the printed 办理单.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Case, CaseEvent
from app.models.base import as_local
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases import workflow
from app.services.cases.search import get_case
from app.services.cases.workflow import WorkflowError, record_event

MODES = {"self": "自办", "joint": "联办", "supervised": "督办"}
UNIT_EVALUATIONS = ["优秀", "良好", "一般", "较差"]
EVALUATORS = {"community": "社区评价", "street": "街道评价"}

# Where each kind of entry may be written.
HANDLING = frozenset({"accepted", "in_progress", "escalated"})
AFTER = frozenset({"completed", "called_back", "evaluated"})
EVENT_NAMES = {
    "problem": "问题单",
    "measure": "措施单",
    "measure_done": "措施完成",
    "responsible": "责任单",
    "result": "结果单",
    "mode": "办理方式",
    "community_evaluation": "社区评价",
    "street_evaluation": "街道评价",
    "assign": "指派网格员",
    # written by the street office's pages (app/street/office/actions.py), pulled by the desks
    "street_accept": "街道受理",
    "street_assign": "街道派单",
    "joint_meeting": "联席会",
}


@dataclass(frozen=True)
class Measure:
    number: int  # 1, 2, … in the order they were written
    text: str
    owner: str
    planned: dt.date | None
    done: dt.date | None

    def state(self, today: dt.date) -> str:
        """完成, 逾期 (past its planned date and not done) or 进行中."""
        if self.done is not None:
            return "已完成"
        if self.planned is not None and self.planned < today:
            return "已逾期"
        return "进行中"


@dataclass(frozen=True)
class Responsible:
    unit: str
    person: str
    phone: str


@dataclass(frozen=True)
class UnitEvaluation:
    by: str  # community or street
    evaluation: str
    note: str
    actor: str
    at: dt.datetime


@dataclass(frozen=True)
class Escalation:
    target: str
    level: str  # an ESCALATION_LEVELS name (街道 …), "" for an escalation from before levels
    reason: str
    requested: dt.date | None
    at: dt.datetime


@dataclass(frozen=True)
class HandlingSheet:
    case_no: str
    item_name: str
    status_name: str
    problem: str
    measures: tuple[Measure, ...]
    responsible: tuple[Responsible, ...]
    result: str
    mode: str  # 自办 / 联办 / 督办, "" until chosen
    resident_evaluation: str
    community_evaluation: UnitEvaluation | None
    street_evaluation: UnitEvaluation | None
    escalations: tuple[Escalation, ...]
    assignee: str  # the grid worker the case is assigned to, "" when none


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def sheet_of(case: Case) -> HandlingSheet:
    """Fold the case's events into its 四单三办三评."""
    problem, result, mode, assignee = case.content, case.result, "", ""
    measures: list[dict] = []
    responsible: list[Responsible] = []
    evaluations: dict[str, UnitEvaluation] = {}
    escalations: list[Escalation] = []
    for event in sorted(case.events, key=lambda e: (e.at, e.id or 0)):
        data = event.data or {}
        if event.action == "problem":
            problem = event.note
        elif event.action == "measure":
            measures.append(
                {"text": event.note, "owner": data.get("owner", ""), "planned": _date(data.get("planned"))}
            )
            measures[-1]["done"] = None
        elif event.action == "measure_done":
            index = int(data.get("measure", 0)) - 1
            if 0 <= index < len(measures):
                measures[index]["done"] = _date(data.get("done"))
        elif event.action == "responsible":
            responsible.append(
                Responsible(data.get("unit", ""), data.get("person", ""), data.get("phone", ""))
            )
        elif event.action == "result" or event.action == "complete" and event.note:
            result = event.note
        elif event.action == "mode":
            mode = MODES.get(data.get("mode", ""), "")
        elif event.action in ("community_evaluation", "street_evaluation"):
            by = event.action.split("_")[0]
            evaluations[by] = UnitEvaluation(
                by, data.get("evaluation", ""), event.note, event.actor, event.at
            )
        elif event.action == "escalate":
            escalations.append(
                Escalation(
                    data.get("to", ""),
                    data.get("level", ""),
                    event.note,
                    _date(data.get("requested")),
                    event.at,
                )
            )
        elif event.action == "assign":
            assignee = data.get("assignee", "")
    return HandlingSheet(
        case_no=case.case_no,
        item_name=case.item_name,
        status_name=workflow.status_name(case.status),
        problem=problem,
        measures=tuple(Measure(i, **m) for i, m in enumerate(measures, start=1)),
        responsible=tuple(responsible),
        result=result,
        mode=mode,
        resident_evaluation=case.evaluation,
        community_evaluation=evaluations.get("community"),
        street_evaluation=evaluations.get("street"),
        escalations=tuple(escalations),
        assignee=assignee,
    )


def handling_sheet(session: Session, case_no: str, scope: Scope = WHOLE_STREET) -> HandlingSheet | None:
    """The case's 四单三办三评; None when there is no such case within ``scope``."""
    case = get_case(session, case_no, scope)
    return sheet_of(case) if case is not None else None


def _check(case: Case, allowed: frozenset[str], what: str) -> None:
    if case.status not in allowed:
        raise WorkflowError(
            f"办件 {case.case_no} 当前为“{workflow.status_name(case.status)}”，不能记录{what}"
        )


def _required(value: str, what: str) -> str:
    if not value.strip():
        raise WorkflowError(f"请填写{what}")
    return value.strip()


def record_problem(case: Case, text: str, *, actor: str) -> CaseEvent:
    _check(case, HANDLING, "问题单")
    return record_event(
        case, actor=actor, action="problem", note=_required(text, "问题描述"), from_status=case.status
    )


def add_measure(
    case: Case, text: str, *, owner: str, planned: dt.date | None, actor: str, today: dt.date
) -> CaseEvent:
    """One measure of the 措施单 with its owner and planned date (序时进度)."""
    _check(case, HANDLING, "措施")
    text, owner = _required(text, "措施内容"), _required(owner, "措施责任人")
    if planned is None:
        raise WorkflowError("请填写计划完成日期")
    if planned < today:
        raise WorkflowError(f"计划完成日期 {planned.isoformat()} 已经过去，请填写今天或以后的日期")
    data = {"owner": owner, "planned": planned.isoformat(), "number": len(sheet_of(case).measures) + 1}
    return record_event(case, actor=actor, action="measure", note=text, from_status=case.status, data=data)


def finish_measure(case: Case, number: int, *, done: dt.date, actor: str) -> CaseEvent:
    _check(case, HANDLING | AFTER, "措施完成")
    measures = sheet_of(case).measures
    if not 1 <= number <= len(measures):
        raise WorkflowError(f"办件 {case.case_no} 没有第 {number} 项措施（共 {len(measures)} 项）")
    if measures[number - 1].done is not None:
        raise WorkflowError(f"第 {number} 项措施已于 {measures[number - 1].done} 完成")
    data = {"measure": number, "done": done.isoformat()}
    note = f"第 {number} 项措施完成：{measures[number - 1].text}"
    return record_event(
        case, actor=actor, action="measure_done", note=note, from_status=case.status, data=data
    )


def add_responsible(case: Case, *, unit: str, person: str, phone: str = "", actor: str) -> CaseEvent:
    _check(case, HANDLING, "责任单")
    data = {
        "unit": _required(unit, "责任单位"),
        "person": _required(person, "责任人"),
        "phone": phone.strip(),
    }
    note = f"{data['unit']} {data['person']}"
    return record_event(
        case, actor=actor, action="responsible", note=note, from_status=case.status, data=data
    )


def record_result(case: Case, text: str, *, actor: str) -> CaseEvent:
    """The 结果单: what came of it, written while the case is handled or amended after."""
    _check(case, HANDLING | AFTER, "结果单")
    case.result = _required(text, "办理结果")
    return record_event(case, actor=actor, action="result", note=case.result, from_status=case.status)


def set_mode(case: Case, mode: str, *, actor: str, note: str = "") -> CaseEvent:
    """自办, 联办 or 督办 (by code or by name)."""
    _check(case, HANDLING, "办理方式")
    code = next((k for k, v in MODES.items() if mode in (k, v)), None)
    if code is None:
        raise WorkflowError(f"办理方式须为：{'、'.join(MODES.values())}")
    return record_event(
        case,
        actor=actor,
        action="mode",
        note=note or MODES[code],
        from_status=case.status,
        data={"mode": code},
    )


def evaluate_unit(case: Case, by: str, evaluation: str, *, actor: str, note: str = "") -> CaseEvent:
    """The community's evaluation of the handling unit, or the street's (entered at the desk until
    the street's own arrives with the sync)."""
    if by not in EVALUATORS:
        raise WorkflowError("评价方须为社区或街道")
    _check(case, AFTER, EVALUATORS[by])
    if evaluation not in UNIT_EVALUATIONS:
        raise WorkflowError(f"评价须为：{'、'.join(UNIT_EVALUATIONS)}")
    return record_event(
        case,
        actor=actor,
        action=f"{by}_evaluation",
        note=note.strip(),
        from_status=case.status,
        data={"evaluation": evaluation},
    )


def local_time(moment: dt.datetime) -> str:
    return as_local(moment).strftime("%Y-%m-%d %H:%M")


def sheet_json(sheet: HandlingSheet) -> dict:
    """The sheet as the command line prints it."""

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    def unit(evaluation: UnitEvaluation | None) -> dict | None:
        if evaluation is None:
            return None
        return {"evaluation": evaluation.evaluation, "note": evaluation.note, "by": evaluation.actor}

    return {
        "case_no": sheet.case_no,
        "status_name": sheet.status_name,
        "problem": sheet.problem,
        "measures": [
            {
                "number": m.number,
                "text": m.text,
                "owner": m.owner,
                "planned": day(m.planned),
                "done": day(m.done),
            }
            for m in sheet.measures
        ],
        "responsible": [{"unit": r.unit, "person": r.person, "phone": r.phone} for r in sheet.responsible],
        "result": sheet.result,
        "mode": sheet.mode,
        "resident_evaluation": sheet.resident_evaluation,
        "community_evaluation": unit(sheet.community_evaluation),
        "street_evaluation": unit(sheet.street_evaluation),
        "escalations": [
            {"target": e.target, "level": e.level, "reason": e.reason, "requested": day(e.requested)}
            for e in sheet.escalations
        ],
        "assignee": sheet.assignee,
    }


@dataclass(frozen=True)
class PrintableSheet:
    """What the printed 办理单 carries besides the sheet: ID numbers masked."""

    sheet: HandlingSheet
    centre_name: str
    applicant: str  # name and masked ID number
    grid_name: str
    received: str
    due: str
    owner: str
    assignee: str  # the grid worker's display name, "" when none


def printable_sheet(session: Session, case_no: str, scope: Scope = WHOLE_STREET) -> PrintableSheet | None:
    from app.models import Community, Grid
    from app.services.admin.auth import staff_names
    from app.services.admin.centre import centre_name
    from app.services.common.idcard import mask

    case = get_case(session, case_no, scope)
    if case is None:
        return None
    grid = session.get(Grid, case.grid_id) if case.grid_id else None
    names = staff_names(session)
    applicant = case.applicant_name or "—"
    if case.applicant_id_number:
        applicant += f"（{mask(case.applicant_id_number)}）"
    sheet = sheet_of(case)
    return PrintableSheet(
        sheet,
        centre_name(session.get(Community, case.community_id)),
        applicant,
        grid.name if grid else "—",
        local_time(case.received_at),
        case.due_date.isoformat() if case.due_date else "即办",
        names.get(case.owner, case.owner) or "—",
        names.get(sheet.assignee, sheet.assignee),
    )
