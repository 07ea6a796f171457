"""Staff accounts: argon2 hashes, roles and sign-in that gives nothing away."""

from __future__ import annotations

import pytest

from app.services.admin import auth


def test_password_is_stored_as_argon2_and_verifies(db):
    with db.sessions.begin() as session:
        user = auth.add_user(session, "zhangsan", "correct horse", "front_desk", display_name="张三")
        assert user.password_hash.startswith("$argon2id$") and "correct horse" not in user.password_hash
    with db.sessions.begin() as session:
        signed_in = auth.authenticate(session, "zhangsan", "correct horse")
        assert signed_in.display_name == "张三" and signed_in.last_login_at is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(db):
    with db.sessions.begin() as session:
        auth.add_user(session, "lisi", "a-long-password", "back_office")
    with db.sessions() as session:
        with pytest.raises(auth.AuthError) as wrong:
            auth.authenticate(session, "lisi", "nope-nope")
        with pytest.raises(auth.AuthError) as unknown:
            auth.authenticate(session, "nobody", "nope-nope")
    assert str(wrong.value) == str(unknown.value) == "用户名或密码不正确"


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("", "long-enough", "admin", "用户名不能为空"),
        ("wang", "short", "admin", "至少"),
        ("wang", "long-enough", "janitor", "角色"),
    ],
)
def test_bad_accounts_are_refused(db, username, password, role, message):
    with db.sessions() as session, pytest.raises(auth.AuthError, match=message):
        auth.add_user(session, username, password, role)


def test_duplicate_username_is_refused(db):
    with db.sessions.begin() as session:
        auth.add_user(session, "zhao", "long-enough", "grid_worker")
    with db.sessions() as session, pytest.raises(auth.AuthError, match="已存在"):
        auth.add_user(session, "zhao", "long-enough", "grid_worker")


def test_inactive_user_cannot_sign_in(db):
    with db.sessions.begin() as session:
        auth.add_user(session, "qian", "long-enough", "kiosk").active = False
    with db.sessions() as session, pytest.raises(auth.AuthError):
        auth.authenticate(session, "qian", "long-enough")
