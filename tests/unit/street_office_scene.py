"""A street server with two streets for the street office's tests: 桃园街道 (JD: communities TY and
XH) and 新城街道 (XS: community DF), staff of each, and escalated cases pushed the way a desk
pushes them."""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuidlib

from fastapi.testclient import TestClient

from app.street import admin, receive
from app.street.api import create_app
from app.street.incoming import Incoming
from app.street.office.accounts import add_user

TODAY = dt.date(2026, 12, 7)
PASSWORD = "Zhujiang-7788"


def build(tmp_path) -> dict:
    app = create_app(f"sqlite:///{tmp_path / 'street.db'}", today=lambda: TODAY, cookie_secure=False)
    sessions = app.state.sessions
    admin.register(sessions, "JD", "桃园街道办事处", "street")
    admin.register(sessions, "XS", "新城街道办事处", "street")
    keys = {
        code: admin.register(sessions, code, name, street=street)["api_key"]
        for code, name, street in (
            ("TY", "桃园社区", "JD"),
            ("XH", "新华社区", "JD"),
            ("DF", "东风社区", "XS"),
        )
    }
    add_user(sessions, "jdadmin", PASSWORD, street="JD", role="admin", name="王主任")
    add_user(sessions, "jdstaff", PASSWORD, street="JD", role="staff", name="李干事")
    add_user(sessions, "xsadmin", PASSWORD, street="XS", role="admin", name="赵主任")
    return {"app": app, "sessions": sessions, "keys": keys}


def escalated_case(sessions, community: str, number: int, *, requested: dt.date | None = None) -> str:
    """An escalated case pushed by ``community`` with its escalate event; returns its uuid."""
    case_uuid = str(uuidlib.uuid4())
    case_no = f"{community}-20261201-{number:04d}"
    data = {
        "case_no": case_no,
        "status": "escalated",
        "due_date": "2026-12-10",
        "item_name": "小区路灯损坏报修",
        "content": "5 号楼前路灯不亮已一周",
        "applicant_name": "张三",
    }
    event = {
        "case_uuid": case_uuid,
        "at": "2026-12-03T02:00:00.000Z",
        "actor": "houtai",
        "action": "escalate",
        "from_status": "in_progress",
        "to_status": "escalated",
        "note": "需街道协调城管科",
        "data": {"to": "桃园街道办事处", "level": "街道", "requested": (requested or TODAY).isoformat()},
    }
    records = [
        Incoming("case", case_uuid, 0, community, data),
        Incoming("case_event", str(uuidlib.uuid4()), 0, community, event),
    ]
    results, _ = receive.push(sessions, community, str(uuidlib.uuid4()), records)
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return case_uuid


def signed_in(app, username: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    answer = sign_in(client, username, password)
    assert answer.status_code == 303, answer.text
    return client


def sign_in(client: TestClient, username: str, password: str):
    page = client.get("/street/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/street/login", data={"csrf": token, "username": username, "password": password})


def csrf(client: TestClient, path: str = "/street/cases") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)
