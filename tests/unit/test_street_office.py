"""The street office's pages (docs/STREET.md) through HTTP: sign-in and its lock, CSRF, API keys
and other streets refused, and the street's steps reaching the right community's pull."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.street import store
from app.street.models import StreetCaseEvent
from app.street.office.models import StreetAudit, StreetUser
from tests.unit.street_office_scene import PASSWORD, build, csrf, escalated_case, sign_in, signed_in


@pytest.fixture
def scene(tmp_path):
    built = build(tmp_path)
    built["ty_case"] = escalated_case(built["sessions"], "TY", 1)
    built["df_case"] = escalated_case(built["sessions"], "DF", 2)
    yield built
    built["sessions"].kw["bind"].dispose()


def _events(sessions, case_uuid: str) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count()).select_from(StreetCaseEvent).where(StreetCaseEvent.case_uuid == case_uuid)
        )


def _pulled(sessions, community: str) -> list[dict]:
    return store.pull(sessions, community, 0, 1000)["records"]


def test_signed_in_staff_see_their_streets_escalations_and_nothing_personal(scene):
    client = signed_in(scene["app"], "jdadmin")
    page = client.get("/street/cases")
    assert page.status_code == 200
    assert "TY-20261201-0001" in page.text and "DF-20261201-0002" not in page.text
    assert "张三" not in page.text
    detail = client.get(f"/street/cases/{scene['ty_case']}")
    assert detail.status_code == 200 and "需街道协调城管科" in detail.text and "张三" not in detail.text
    cookie = next(c for c in client.cookies.jar if c.name == "yc_street_session")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/street"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(scene):
    client = signed_in(scene["app"], "jdadmin")
    before = _events(scene["sessions"], scene["ty_case"])
    for form in ({"note": "已协调"}, {"note": "已协调", "csrf": "forged"}):
        answer = client.post(f"/street/cases/{scene['ty_case']}/answer", data=form)
        assert answer.status_code == 403 and "校验码" in answer.text
    assert _events(scene["sessions"], scene["ty_case"]) == before
    signed_out = client.post("/street/logout", data={})
    assert signed_out.status_code == 403  # not even sign-out without the token
    login = scene["app"]
    from fastapi.testclient import TestClient

    bare = TestClient(login, follow_redirects=False)
    refused = bare.post("/street/login", data={"username": "jdadmin", "password": PASSWORD})
    assert refused.status_code == 403  # the sign-in form has its own token


def test_five_wrong_passwords_lock_the_account(scene):
    from fastapi.testclient import TestClient

    client = TestClient(scene["app"], follow_redirects=False)
    for attempt in range(1, 6):
        answer = sign_in(client, "jdstaff", "wrong-password-1")
        assert answer.status_code == 401
        assert ("已被锁定" in answer.text) == (attempt == 5)
    right = sign_in(client, "jdstaff", PASSWORD)
    assert right.status_code == 401 and "已被锁定" in right.text
    assert client.get("/street/cases").status_code == 303  # still not signed in
    unknown = sign_in(client, "nobody", "wrong-password-1")
    assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.text
    with scene["sessions"]() as session:
        assert session.get(StreetUser, "jdstaff").locked_at is not None
        failed = session.scalar(
            select(func.count()).select_from(StreetAudit).where(StreetAudit.action == "sign_in_failed")
        )
    assert failed == 5
    from app.street.office.accounts import unlock

    unlock(scene["sessions"], "jdstaff")
    assert sign_in(client, "jdstaff", PASSWORD).status_code == 303


def test_an_api_key_opens_no_street_page(scene):
    from fastapi.testclient import TestClient

    client = TestClient(scene["app"], follow_redirects=False)
    community = {"Authorization": f"Bearer {scene['keys']['TY']}"}
    for path in ("/street/cases", f"/street/cases/{scene['ty_case']}", "/street/meetings", "/street/login"):
        answer = client.get(path, headers=community)
        assert answer.status_code == 403, path
        assert "TY-20261201-0001" not in answer.text
    posted = client.post(f"/street/cases/{scene['ty_case']}/answer", headers=community, data={"note": "x"})
    assert posted.status_code == 403
    assert client.get("/street/cases").status_code == 303  # no cookie: to the sign-in page


def test_staff_of_another_street_cannot_read_or_answer_its_cases(scene):
    client = signed_in(scene["app"], "xsadmin")
    listed = client.get("/street/cases?show=all")
    assert "DF-20261201-0002" in listed.text and "TY-20261201-0001" not in listed.text
    read = client.get(f"/street/cases/{scene['ty_case']}")
    assert read.status_code == 404 and "TY-20261201-0001" not in read.text
    token = csrf(client)
    answer = client.post(f"/street/cases/{scene['ty_case']}/answer", data={"csrf": token, "note": "越权答复"})
    assert answer.status_code == 404
    assert _events(scene["sessions"], scene["ty_case"]) == 1
    meeting = client.post(
        "/street/meetings",
        data={
            "csrf": token,
            "title": "会",
            "held_on": "2026-12-07",
            "attendees": "城管科",
            "case0": scene["ty_case"],
            "owner0": "x",
        },
    )
    assert meeting.status_code == 404


def test_answer_and_meeting_reach_the_escalating_community(scene):
    client = signed_in(scene["app"], "jdstaff")
    token = csrf(client)
    case = scene["ty_case"]
    assert client.post(f"/street/cases/{case}/accept", data={"csrf": token, "note": ""}).status_code == 303
    meeting = client.post(
        "/street/meetings",
        data={
            "csrf": token,
            "title": "路灯维修联席会",
            "held_on": "2026-12-07",
            "place": "街道三楼会议室",
            "attendees": "街道城管科 刘科长\n桃园社区 陈书记",
            "decisions": "城管科三日内修复",
            "case0": case,
            "owner0": "街道城管科 刘科长",
            "due0": "2026-12-10",
            "task0": "更换灯具",
        },
    )
    assert meeting.status_code == 303
    empty = client.post(f"/street/cases/{case}/answer", data={"csrf": token, "note": "  "})
    assert empty.status_code == 422 and "请填写答复内容" in empty.text
    done = client.post(f"/street/cases/{case}/answer", data={"csrf": token, "note": "城管科已修复路灯"})
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "已答复" in page.text and "城管科已修复路灯" in page.text and "路灯维修联席会" in page.text
    pulled = _pulled(scene["sessions"], "TY")
    actions = [r["data"].get("action") for r in pulled if r["type"] == "case_event"]
    assert actions == ["street_accept", "joint_meeting", "return"]
    case_record = next(r for r in pulled if r["type"] == "case")
    assert case_record["data"]["status"] == "in_progress" and case_record["data"]["owner_community"] == "TY"
    assert not [r for r in _pulled(scene["sessions"], "XH") if r["type"] == "case"]
    with scene["sessions"]() as session:
        done_rows = set(session.scalars(select(StreetAudit.action).where(StreetAudit.username == "jdstaff")))
    assert {"case_accept", "case_answer", "case_read", "meeting_record"} <= done_rows


def test_transfer_is_for_administrators_and_reaches_the_new_community(scene):
    staff = signed_in(scene["app"], "jdstaff")
    case = scene["ty_case"]
    refused = staff.post(
        f"/street/cases/{case}/transfer", data={"csrf": csrf(staff), "community": "XH", "note": "转新华"}
    )
    assert refused.status_code == 403 and "街道管理员" in refused.text
    chief = signed_in(scene["app"], "jdadmin")
    token = csrf(chief)
    other_street = chief.post(
        f"/street/cases/{case}/transfer", data={"csrf": token, "community": "DF", "note": "转东风"}
    )
    assert other_street.status_code == 422 and "转东风" in other_street.text  # what was typed stays
    moved = chief.post(
        f"/street/cases/{case}/transfer", data={"csrf": token, "community": "XH", "note": "属新华社区辖区"}
    )
    assert moved.status_code == 303
    xh = _pulled(scene["sessions"], "XH")
    assert [r["data"]["owner_community"] for r in xh if r["type"] == "case"] == ["XH"]
    assert {r["data"].get("action") for r in xh if r["type"] == "case_event"} == {"escalate", "return"}
    evaluate = chief.post(
        f"/street/cases/{case}/evaluate", data={"csrf": token, "evaluation": "良好", "note": "处置及时"}
    )
    assert evaluate.status_code == 303
    assert "street_evaluation" in [r["data"].get("action") for r in _pulled(scene["sessions"], "XH")]


def test_the_demo_street_fills_the_pages(tmp_path):
    import datetime as dt

    from app.street.api import create_app
    from app.street.office.demo import DEMO_PASSWORD, fill_demo
    from tests.unit.street_office_scene import TODAY

    app = create_app(f"sqlite:///{tmp_path / 'demo.db'}", today=lambda: TODAY, cookie_secure=False)
    made = fill_demo(app.state.sessions, today=TODAY)
    assert made["cases"] == 14 and len(made["community_keys"]) == 6
    client = signed_in(app, "jdstaff", DEMO_PASSWORD)
    waiting = client.get("/street/cases").text
    assert waiting.count('<tr class="late">') >= 1 and "王益区住建局" in waiting
    assert "老旧小区治理联席会" in client.get("/street/meetings").text
    with pytest.raises(ValueError):
        fill_demo(app.state.sessions, today=TODAY + dt.timedelta(days=1))
    app.state.sessions.kw["bind"].dispose()
