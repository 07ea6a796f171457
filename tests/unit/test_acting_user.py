"""``--user NAME`` must name an account that may act: an unknown name or a disabled account is
refused, on every command that takes it, before anything is read or written; leaving ``--user``
out (the machine's own account) works as before, and ``audit --user`` still filters by any name."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.cli import build_parser, main
from app.commands.acting import acting_names
from app.models import AuditEntry, Case, User
from app.services.admin.permissions import NotPermitted, require

EXAMPLE = "610202197509180016"  # the example resident of every demo street


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def disable(db, username: str) -> None:
    with db.sessions() as s:
        s.scalars(select(User).where(User.username == username)).one().active = False
        s.commit()


def audit_rows(db) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


# One invocation of each kind of command taking --user (reads, changes, prints, the admin's).
COMMANDS = [
    ["lookup", EXAMPLE],
    ["cases"],
    ["residents", "--search", "zh"],
    ["case", "accept", "--item", "ZM-001", "--id", EXAMPLE],
    ["report", "population"],
    ["resident", "history", EXAMPLE],
    ["wish", "list"],
    ["certificate", "register"],
    ["user", "list"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_disabled_account_is_refused_by_every_command(demo_db, capsys, argv):
    disable(demo_db, "qiantai")
    before = audit_rows(demo_db)
    code, out, err = run(capsys, "--db", demo_db.url, *argv, "--user", "qiantai")
    assert code == 1 and out == ""
    assert "qiantai" in err and "已停用" in err and err.count("\n") == 1 and "Traceback" not in err
    assert audit_rows(demo_db) == before


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_an_unknown_name_is_refused_by_every_command(demo_db, capsys, argv):
    before = audit_rows(demo_db)
    code, out, err = run(capsys, "--db", demo_db.url, *argv, "--user", "qiantia")  # a typing slip
    assert code == 1 and out == "" and "用户“qiantia”不存在" in err and err.count("\n") == 1
    assert audit_rows(demo_db) == before


def test_the_audit_commands_operator_is_checked_and_its_user_filter_is_not(demo_db, capsys):
    disable(demo_db, "houtai")
    code, out, err = run(capsys, "--db", demo_db.url, "audit", "--user", "houtai", "--limit", "3")
    assert code == 0 and err == ""  # whose entries: a disabled account's too
    code, out, err = run(capsys, "--db", demo_db.url, "audit", "--user", "nobody-ever", "--limit", "3")
    assert code == 0 and out == ""
    code, out, err = run(capsys, "--db", demo_db.url, "audit", "--as", "nobody-ever")
    assert code == 1 and "不存在" in err


def test_without_user_the_machines_account_acts_as_before(demo_db, capsys):
    code, out, err = run(capsys, "--db", demo_db.url, "lookup", EXAMPLE)
    assert code == 0 and json.loads(out)["id_number"] == EXAMPLE
    code, out, err = run(capsys, "--db", demo_db.url, "case", "accept", "--item", "ZM-001", "--id", EXAMPLE)
    assert code == 0, err
    with demo_db.sessions() as s:
        case = s.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case.first_responder.startswith("cli:")
    # the machine's account is named by leaving --user out, not by its name in the audit log
    code, out, err = run(capsys, "--db", demo_db.url, "lookup", EXAMPLE, "--user", case.first_responder)
    assert code == 1 and "不存在" in err


def test_an_active_account_still_acts_within_its_role(demo_db, capsys):
    code, out, err = run(capsys, "--db", demo_db.url, "lookup", EXAMPLE, "--user", "qiantai")
    assert code == 0 and err == ""
    code, out, err = run(capsys, "--db", demo_db.url, "report", "cases", "--user", "kiosk")
    assert code == 1 and "不能查看统计报表" in err


def test_which_options_name_who_acts():
    parser = build_parser()
    assert acting_names(parser.parse_args(["lookup", EXAMPLE, "--user", "a"])) == ["a"]
    assert acting_names(parser.parse_args(["user", "list", "--user", "b"])) == ["b"]
    assert acting_names(parser.parse_args(["audit", "--user", "c", "--as", "d"])) == ["d"]
    assert acting_names(parser.parse_args(["lookup", EXAMPLE])) == []


def test_services_refuse_a_disabled_account(demo_db):
    disable(demo_db, "qiantai")
    with demo_db.sessions() as s:
        with pytest.raises(NotPermitted, match="账号“qiantai”已停用"):
            require(s, "qiantai", "case.view")
        require(s, "houtai", "case.view")  # active: allowed
        require(s, "cli:someone", "account.manage")  # the machine's own account
