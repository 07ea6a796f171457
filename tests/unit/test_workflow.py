"""The case state machine, exhaustively: every action from every status is either the one the
table allows, with its event, or refused with a clear sentence."""

from __future__ import annotations

import pytest

from app.models import Case, CentreSetting
from app.services.cases import workflow
from app.services.cases.workflow import NOTES, STATUSES, TRANSITIONS, WorkflowError

DETAILS = {"to": "街道城管科", "note": "已处理", "evaluation": "满意"}

EXPECTED = {  # status -> {action: target}; the whole allowed graph written out by hand
    "awaiting_materials": {"materials_complete": "accepted", "withdraw": "withdrawn"},
    "accepted": {"dispatch": "in_progress"},
    "in_progress": {"dispatch": "in_progress", "escalate": "escalated", "complete": "completed"},
    "escalated": {"return": "in_progress"},
    "completed": {"call_back": "called_back", "evaluate": "evaluated"},
    "called_back": {"evaluate": "evaluated"},
    "evaluated": {"reopen": "in_progress"},
    "refused": {},
    "withdrawn": {},
}


def _case(status: str) -> Case:
    return Case(
        case_no="TY-20261123-0001",
        status=status,
        events=[],
        version=1,
        first_responder="qiantai",
        promised_days=5,
        materials_received=[],
        materials_missing=["户口簿"],
        supervised=False,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One database for the module: the cases here are never stored, only the centre settings
    are read, so the tests cannot disturb each other."""
    from app.db import open_database

    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('wf') / 'wf.db'}")
    yield database
    database.dispose()


def test_expected_graph_matches_the_table():
    assert set(EXPECTED) == set(STATUSES)
    for status, allowed in EXPECTED.items():
        table = {a: t.target for a, t in TRANSITIONS.items() if status in t.sources}
        assert table == allowed, status


@pytest.mark.parametrize("status", list(STATUSES))
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_transition_from_every_status(db, status, action):
    case = _case(status)
    with db.sessions() as session:
        if action in EXPECTED[status]:
            event = workflow.apply(session, case, action, actor="houtai", **DETAILS)
            assert case.status == EXPECTED[status][action]
            assert (event.actor, event.action, event.from_status, event.to_status) == (
                "houtai",
                action,
                status,
                EXPECTED[status][action],
            )
            assert case.version == 2 and case.events == [event]
        else:
            with pytest.raises(WorkflowError) as refused:
                workflow.apply(session, case, action, actor="houtai", **DETAILS)
            assert case.status == status and case.events == [] and case.version == 1
            message = str(refused.value)
            assert STATUSES[status] in message and TRANSITIONS[action].label in message


@pytest.mark.parametrize("status", list(STATUSES))
@pytest.mark.parametrize("action", list(NOTES))
def test_notes_only_where_allowed(db, status, action):
    case = _case(status)
    with db.sessions() as session:
        if status in NOTES[action][1]:
            workflow.apply(session, case, action, actor="houtai", note="已电话联系")
            assert case.status == status and case.events[-1].action == action
            assert case.supervised == (action == "supervise")
        else:
            with pytest.raises(WorkflowError):
                workflow.apply(session, case, action, actor="houtai", note="已电话联系")


@pytest.mark.parametrize(
    ("status", "action", "kwargs", "message"),
    [
        ("accepted", "dispatch", {"to": " "}, "承办人"),
        ("in_progress", "escalate", {"to": "街道"}, "上报原因"),
        ("in_progress", "complete", {}, "办理结果"),
        ("completed", "evaluate", {"evaluation": "还行"}, "评价须为"),
        ("in_progress", "progress", {}, "办理进展"),
        ("accepted", "fly", {}, "未知的操作"),
    ],
)
def test_missing_details_are_refused(db, status, action, kwargs, message):
    case = _case(status)
    with db.sessions() as session, pytest.raises(WorkflowError, match=message):
        workflow.apply(session, case, action, actor="houtai", **kwargs)
    assert case.status == status


def test_unsatisfied_evaluation_reopens_by_default(db):
    case = _case("called_back")
    with db.sessions() as session:
        workflow.apply(session, case, "evaluate", actor="kiosk", evaluation="不满意")
    assert case.status == "in_progress" and case.evaluation == "不满意"
    assert [e.action for e in case.events] == ["evaluate", "reopen"]


def test_unsatisfied_evaluation_can_be_configured_to_supervise(db):
    case = _case("completed")
    with db.sessions() as session:  # rolled back at the end: the module's database stays default
        session.add(CentreSetting(key=workflow.UNSATISFIED_SETTING, value="supervise"))
        session.flush()
        workflow.apply(session, case, "evaluate", actor="kiosk", evaluation="非常不满意")
    assert case.status == "evaluated" and case.supervised and "非常不满意" in case.supervision_note


def test_satisfied_evaluation_closes_the_loop(db):
    case = _case("completed")
    with db.sessions() as session:
        workflow.apply(session, case, "evaluate", actor="kiosk", evaluation="非常满意")
    assert case.status == "evaluated" and not case.supervised


def test_dispatch_and_escalate_move_the_owner_and_return_gives_it_back(db):
    case = _case("accepted")
    with db.sessions() as session:
        workflow.apply(session, case, "dispatch", actor="qiantai", to="houtai")
        assert case.owner == "houtai"
        workflow.apply(
            session, case, "escalate", actor="houtai", to="桃园街道城管科", note="占道经营需联合执法"
        )
        assert case.owner == "桃园街道城管科"
        workflow.apply(session, case, "return", actor="street", note="已联合执法")
        assert case.owner == "qiantai"
    assert [e.to_status for e in case.events] == ["in_progress", "escalated", "in_progress"]
