"""Account management, password rules and sign-in safety: lockout, unlock, the last
administrator, audit entries without passwords."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, User
from app.models.base import utcnow
from app.services.admin import accounts, auth
from app.services.admin.permissions import PERMISSIONS, can
from app.services.admin.security import SecuritySettings, security_settings, set_security_settings


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "至少"),
        ("zhangsan-2024", "用户名"),
        ("ZhangSan!2024", "用户名"),
        ("12345678", "过于简单"),
        ("password", "过于简单"),
        ("11111111", "过于简单"),
        ("Pass-Word", "过于简单"),
        ("abababab", "过于简单"),
    ],
)
def test_weak_passwords_are_refused(db, password, message):
    with db.sessions() as session, pytest.raises(auth.AuthError, match=message):
        auth.add_user(session, "zhangsan", password, "front_desk")


def test_the_permission_table_says_who_may_issue_and_manage():
    assert can("front_desk", "certificate.issue") and can("grid_worker", "certificate.issue")
    assert not can("back_office", "certificate.issue") and can("back_office", "case.view")
    assert not can("kiosk", "desk.sign_in") and can(None, "account.manage")
    assert [
        r for r in ("admin", "front_desk", "back_office", "grid_worker", "kiosk") if can(r, "account.manage")
    ] == ["admin"]
    assert set(PERMISSIONS) >= {"desk.sign_in", "certificate.issue", "account.manage"}


def _sign_in(db, username, password, now=None):
    return auth.sign_in(db.sessions, username, password, now=now)


def test_five_failures_lock_the_account_until_an_admin_unlocks(demo_db):
    now = utcnow()
    for _ in range(4):
        with pytest.raises(auth.AuthError, match="用户名或密码不正确"):
            _sign_in(demo_db, "qiantai", "wrong-password", now)
    with pytest.raises(auth.AccountLocked) as locked:
        _sign_in(demo_db, "qiantai", "wrong-password", now)
    assert "锁定" in str(locked.value) and "后再试" in str(locked.value)
    with pytest.raises(auth.AccountLocked):  # even the right password waits
        _sign_in(demo_db, "qiantai", "demo-1234", now + dt.timedelta(minutes=5))
    assert _sign_in(demo_db, "qiantai", "demo-1234", now + dt.timedelta(minutes=16)).role == "front_desk"
    for _ in range(5):
        with pytest.raises(auth.AuthError):
            _sign_in(demo_db, "qiantai", "wrong-password", now + dt.timedelta(minutes=17))
    with demo_db.sessions.begin() as session:
        row = accounts.unlock(session, "qiantai", actor="admin")
        assert row.locked_until is None
    assert _sign_in(demo_db, "qiantai", "demo-1234").username == "qiantai"
    with demo_db.sessions() as session:
        actions = [
            e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.subject == "qiantai"))
        ]
        actions += [
            e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.actor == "qiantai"))
        ]
    assert {"sign_in", "sign_in_failed", "user_locked", "user_unlock"} <= set(actions)


def test_an_unknown_name_is_never_locked_and_gets_the_generic_answer(demo_db):
    for _ in range(7):
        with pytest.raises(auth.AuthError) as refused:
            _sign_in(demo_db, "nobody-here", "wrong-password")
        assert str(refused.value) == "用户名或密码不正确" and not isinstance(
            refused.value, auth.AccountLocked
        )


def test_the_lockout_follows_the_centre_setting(demo_db):
    with demo_db.sessions.begin() as session:
        set_security_settings(session, SecuritySettings(3, 30, 5), actor="admin")
    with demo_db.sessions() as session:
        assert security_settings(session).idle_minutes == 5
    for _ in range(2):
        with pytest.raises(auth.AuthError):
            _sign_in(demo_db, "houtai", "wrong-password")
    with pytest.raises(auth.AccountLocked):
        _sign_in(demo_db, "houtai", "wrong-password")
    with demo_db.sessions() as session, pytest.raises(Exception, match="不能管理账号"):
        set_security_settings(session, SecuritySettings(), actor="qiantai")


def test_the_kiosk_account_cannot_sign_in_at_the_desk(demo_db):
    with pytest.raises(auth.AuthError, match="只能用于自助终端"):
        _sign_in(demo_db, "kiosk", "demo-1234")


def test_the_last_administrator_cannot_be_disabled_or_demoted(demo_db):
    with demo_db.sessions.begin() as session:
        with pytest.raises(accounts.AccountError, match="最后一个"):
            accounts.set_active(session, "admin", False, actor="admin")
        with pytest.raises(accounts.AccountError, match="最后一个"):
            accounts.change_role(session, "admin", "front_desk", actor="admin")
        accounts.add_account(session, "admin2", "another-admin-pass", "admin", actor="admin")
        assert not accounts.set_active(session, "admin", False, actor="admin").active
        with pytest.raises(accounts.AccountError, match="最后一个"):
            accounts.change_role(session, "admin2", "back_office", actor="admin2")


def test_only_an_administrator_manages_accounts(demo_db):
    with demo_db.sessions() as session, pytest.raises(accounts.AccountError, match="不能管理账号"):
        accounts.reset_password(session, "qiantai", "a-new-good-pass", actor="qiantai")


def test_every_change_is_audited_with_before_and_after_and_no_password(demo_db):
    with demo_db.sessions.begin() as session:
        accounts.add_account(
            session, "liming", "first-Pass-99", "front_desk", actor="admin", display_name="李明"
        )
        accounts.edit_display_name(session, "liming", "李明明", actor="admin")
        accounts.change_role(session, "liming", "grid_worker", actor="admin")
        codes = [g.code for g in accounts.street_grids(session)[:3]]
        accounts.assign_grids(session, "liming", codes, actor="admin")
        accounts.reset_password(session, "liming", "second-Pass-99", actor="admin")
        accounts.set_active(session, "liming", False, actor="admin")
        accounts.set_active(session, "liming", True, actor="admin")
    with demo_db.sessions() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.subject == "liming")))
        hash_ = session.scalar(select(User.password_hash).where(User.username == "liming"))
    actions = [e.action for e in entries]
    assert actions == [
        "user_add",
        "user_edit",
        "user_role",
        "user_grids",
        "user_password_reset",
        "user_disable",
        "user_enable",
    ]
    details = {e.action: e.detail for e in entries}
    assert details["user_edit"] == "李明 → 李明明" and details["user_role"] == "前台受理 → 网格员"
    assert details["user_grids"] == f"无 → {'、'.join(codes)}"
    text = " ".join(f"{e.purpose} {e.detail}" for e in entries)
    assert "Pass-99" not in text and hash_ not in text
    assert _sign_in(demo_db, "liming", "second-Pass-99").role == "grid_worker"


def run(capsys, db, *argv: str):
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def test_user_commands(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("YICHUANG_PASSWORD", "good-Pass-2026")
    code, rows, _ = run(
        capsys, demo_db, "user", "add", "zhaoyi", "--role", "grid_worker", "--grids", "610202010001001"
    )
    assert code == 0 and rows == [{"username": "zhaoyi", "role": "grid_worker", "display_name": "zhaoyi"}]
    code, rows, _ = run(capsys, demo_db, "user", "edit", "zhaoyi", "--name", "赵一")
    assert rows[0]["display_name"] == "赵一" and rows[0]["grids"] == ["610202010001001"]
    code, rows, _ = run(capsys, demo_db, "user", "grids", "zhaoyi", "610202010001002")
    assert rows[0]["grids"] == ["610202010001002"]
    code, rows, _ = run(capsys, demo_db, "user", "role", "zhaoyi", "front_desk")
    assert rows[0]["role_name"] == "前台受理"
    code, rows, _ = run(capsys, demo_db, "user", "disable", "zhaoyi")
    assert rows[0]["active"] is False
    code, rows, _ = run(capsys, demo_db, "user", "enable", "zhaoyi")
    assert rows[0]["active"] is True
    monkeypatch.setenv("YICHUANG_PASSWORD", "12345678")
    code, _, err = run(capsys, demo_db, "user", "password", "zhaoyi")
    assert code == 1 and "过于简单" in err
    code, _, err = run(capsys, demo_db, "user", "disable", "admin")
    assert code == 1 and "最后一个" in err
    code, _, err = run(capsys, demo_db, "user", "unlock", "zhaoyi", "--user", "qiantai")
    assert code == 1 and "不能管理账号" in err
    code, rows, _ = run(capsys, demo_db, "user", "unlock", "zhaoyi", "--user", "admin")
    assert code == 0 and rows[0]["locked_until"] is None
    code, rows, _ = run(capsys, demo_db, "user", "list")
    assert "zhaoyi" in {r["username"] for r in rows}
