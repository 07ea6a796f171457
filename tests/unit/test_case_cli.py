"""``yichuang case accept`` and ``yichuang cases`` as DESIGN.md describes them."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Case, Resident


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


def test_case_accept_prints_the_stored_case_number(capsys, demo_db):
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).limit(1)).one()
    code, rows, _ = run(
        capsys,
        "--db",
        demo_db.url,
        "case",
        "accept",
        "--item",
        "ZM-001",
        "--id",
        person.id_number,
        "--user",
        "qiantai",
    )
    assert code == 0 and rows[0]["case_no"].startswith("TY-")
    with demo_db.sessions() as session:
        case = session.scalars(select(Case)).one()
        assert case.case_no == rows[0]["case_no"] and case.first_responder == "qiantai"
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action, entry.resident_id) == ("qiantai", "lookup", person.id)


def test_case_accept_with_an_agent_and_listing(capsys, demo_db):
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).limit(1)).one()
    code, rows, _ = run(
        capsys,
        "--db",
        demo_db.url,
        "case",
        "accept",
        "--item",
        "ZM-002",
        "--id",
        person.id_number,
        "--agent-id",
        "11010519491231002X",
        "--agent-name",
        "陈代办",
    )
    assert code == 0
    code, listed, _ = run(capsys, "--db", demo_db.url, "cases")
    assert code == 0 and [r["case_no"] for r in listed] == [rows[0]["case_no"]]
    assert listed[0]["status"] == "accepted" and "*" in listed[0]["applicant_id"]
    _, overdue, _ = run(capsys, "--db", demo_db.url, "cases", "--overdue")
    assert overdue == []
    _, by_status, _ = run(capsys, "--db", demo_db.url, "cases", "--status", "completed")
    assert by_status == []


def test_case_accept_failures_are_one_sentence(capsys, demo_db):
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).limit(1)).one()
    cases = [
        (["--item", "NOPE", "--id", person.id_number], "不存在"),
        (["--item", "ZM-001", "--id", "11010519491231002X"], "没有"),
        (["--item", "LL-001", "--id", person.id_number, "--material", "身份证"], "一次性告知"),
        (["--item", "ZM-001", "--id", person.id_number, "--agent-id", "11010519491231002X"], "agent-name"),
        (["--item", "ZM-001", "--id", person.id_number, "--user", "ghost"], "不存在"),
    ]
    for args, message in cases:
        code, rows, err = run(capsys, "--db", demo_db.url, "case", "accept", *args)
        assert code == 1 and rows == [] and message in err and err.count("\n") == 1, args
    with demo_db.sessions() as session:
        assert session.scalars(select(Case)).first() is None
