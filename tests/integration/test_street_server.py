"""The street-office server, started for real (``python -m app street-server``) on a free port.

The database is PostgreSQL when one answers on 127.0.0.1:5432 (database ``test``; each run makes
its own schema and drops it at the end), else a SQLite file. YICHUANG_TEST_POSTGRES=require
fails instead of falling back; =skip uses SQLite even when PostgreSQL is there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.services.common.digest import content_hash
from app.street import admin, receive, store
from app.street.incoming import AskedKey, Incoming
from app.street.models import StreetCaseEvent


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server["url"], timeout=30) as client:
        yield client


@pytest.fixture
def community(server):
    """Register a fresh community: returns a function giving (code, auth headers)."""

    def make(name: str = "测试社区") -> tuple[str, dict]:
        code = "C" + uuid.uuid4().hex[:8]
        key = admin.register(server["sessions"], code, name)["api_key"]
        return code, {"Authorization": f"Bearer {key}"}

    return make


def street_headers(server) -> dict:
    return {"Authorization": f"Bearer {server['street_key']}"}


def case(origin: str, version: int = 1, status: str = "accepted", uid: str | None = None, **data) -> dict:
    uid = uid or str(uuid.uuid4())
    fields = {
        "case_no": f"{origin}-{uid[:8]}",
        "status": status,
        "item_name": "居住证明",
        "content": "",
        "applicant_name": "张三丰",
        **data,
    }
    return {"type": "case", "uuid": uid, "version": version, "origin_community": origin, "data": fields}


def event(origin: str, case_uuid: str, note: str = "受理") -> dict:
    return {
        "type": "case_event",
        "uuid": str(uuid.uuid4()),
        "version": 1,
        "origin_community": origin,
        "data": {"case_uuid": case_uuid, "actor": "前台", "action": "accept", "note": note},
    }


def push(http, headers, records, batch_id=None) -> list[dict]:
    response = http.post(
        "/api/v1/push", headers=headers, json={"batch_id": batch_id or str(uuid.uuid4()), "records": records}
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]


def pull_all(http, headers, cursor=0) -> tuple[list[dict], int]:
    records = []
    while True:
        body = http.get("/api/v1/pull", headers=headers, params={"cursor": cursor, "limit": 2}).json()
        records += body["records"]
        assert body["cursor"] >= cursor
        cursor = body["cursor"]
        if not body["more"]:
            return records, cursor


def sequence(server) -> int:
    with server["sessions"]() as session:
        return store.current_sequence(session)


def test_health_and_openapi(http):
    assert http.get("/health").json() == {"status": "ok", "database": "ok"}
    spec = http.get("/openapi.json").json()
    assert {"/api/v1/push", "/api/v1/pull", "/api/v1/street/summary"} <= set(spec["paths"])


def test_wrong_or_missing_key_is_401_and_roles_are_kept_apart(http, server, community):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic Og=="}):
        response = http.get("/api/v1/pull", headers=headers)
        assert response.status_code == 401 and isinstance(response.json()["detail"], str)
    assert http.post("/api/v1/push", headers={"Authorization": "Bearer x"}, json={}).status_code == 401
    _, headers = community()
    assert http.get("/api/v1/street/summary", headers=headers).status_code == 403
    assert http.get("/api/v1/pull", headers=street_headers(server)).status_code == 403


def test_push_applies_and_a_resent_batch_changes_nothing(http, server, community):
    code, headers = community()
    c = case(code)
    records = [
        c,
        event(code, c["uuid"]),
        {
            "type": "certificate",
            "uuid": str(uuid.uuid4()),
            "version": 1,
            "origin_community": code,
            "data": {"serial": "JZ2026-0001", "template_code": "residence"},
        },
    ]
    batch = str(uuid.uuid4())
    first = push(http, headers, records, batch)
    assert [r["status"] for r in first] == ["applied"] * 3 and [r["uuid"] for r in first] == [
        r["uuid"] for r in records
    ]
    before = sequence(server)
    assert push(http, headers, records, batch) == first  # the same batch again: the same answer
    again = push(http, headers, records)  # the same records in a new batch
    assert [r["status"] for r in again] == ["unchanged"] * 3
    assert sequence(server) == before


def known(http, headers, records) -> set[tuple[str, str, int]]:
    keys = [
        {"type": r["type"], "uuid": r["uuid"], "version": r["version"], "hash": content_hash(r["data"])}
        for r in records
    ]
    response = http.post("/api/v1/known", headers=headers, json={"records": keys})
    assert response.status_code == 200, response.text
    return {(k["type"], k["uuid"], k["version"]) for k in response.json()["known"]}


def test_known_names_exactly_what_a_push_would_find_unchanged(http, server, community):
    code, headers = community()
    other, other_headers = community()
    mine, escalated, theirs = case(code), case(code, status="escalated"), case(other)
    note = event(code, mine["uuid"])
    certificate = {
        "type": "certificate",
        "uuid": str(uuid.uuid4()),
        "version": 2,
        "origin_community": code,
        "data": {"serial": "JZ2026-0003"},
    }
    push(http, headers, [mine, escalated, note, certificate])
    push(http, other_headers, [theirs])
    before = sequence(server)
    asked = [
        mine,
        dict(mine, data=dict(mine["data"], content="改过")),  # another content: not known
        escalated,
        note,
        certificate,
        dict(certificate, version=7, data={"serial": "JZ2026-0003", "status": "voided"}),
        theirs,
        case(code),
    ]
    assert known(http, headers, asked) == {
        ("case", mine["uuid"], 1),
        ("case", escalated["uuid"], 1),  # escalated by this community, not yet answered
        ("case_event", note["uuid"], 1),
        ("certificate", certificate["uuid"], 2),  # known by content: the version asked is echoed
    }
    # A push of the same records says the same: unchanged exactly for those; the changed case is
    # based on the server's version 1 (applied), the changed certificate on a version 7 the
    # server never had (stale, with its copy).
    results = push(http, headers, asked[:6])
    assert [r["status"] for r in results] == [
        "unchanged",
        "applied",
        "unchanged",
        "unchanged",
        "unchanged",
        "stale",
    ]
    assert known(http, other_headers, [mine, note, certificate]) == set()  # nothing about others
    # Once the street answers, the case is the street's copy: no longer "known" as sent.
    answered = http.post(
        f"/api/v1/street/cases/{escalated['uuid']}/answer",
        headers=street_headers(server),
        json={"status": "completed", "note": "办结"},
    )
    assert answered.status_code == 200
    assert ("case", escalated["uuid"], 1) not in known(http, headers, [escalated])
    assert sequence(server) > before  # the answer and the v2 push moved it; "known" itself writes nothing
    key = {"type": "case", "uuid": "u", "version": 1}
    assert http.post("/api/v1/known", headers=headers, json={"records": [key] * 5001}).status_code == 413
    assert http.post("/api/v1/known", headers=street_headers(server), json={"records": []}).status_code == 403
    assert http.post("/api/v1/known", json={"records": []}).status_code == 401


def test_records_the_database_cannot_keep_are_refused_one_by_one(http, server, community):
    code, headers = community()
    good, kept = case(code), case(code)
    push(http, headers, [kept])
    certificate = {
        "type": "certificate",
        "uuid": str(uuid.uuid4()),
        "version": 1,
        "origin_community": code,
        "data": {"serial": "JZ2026-0002", "note": "nul \x00 here"},
    }
    records = [
        case(code, applicant_name="张\x00三"),  # new case with NUL
        dict(kept, version=1, data=dict(kept["data"], content="\ud800")),  # update with a lone surrogate
        event(code, good["uuid"], note="a\x00b"),
        certificate,
        good,
    ]
    body = json.dumps({"batch_id": str(uuid.uuid4()), "records": records})  # \\u escapes survive
    response = http.post(
        "/api/v1/push", headers={**headers, "Content-Type": "application/json"}, content=body
    )
    assert response.status_code == 200, response.text
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["rejected"] * 4 + ["applied"]
    assert all("无法保存的字符" in r["reason"] for r in response.json()["results"][:4])
    # The refused update left the stored case as it was; the unchanged copy is still accepted.
    assert push(http, headers, [kept])[0]["status"] == "unchanged"


def test_a_malformed_push_is_422_with_where_it_went_wrong(http, community):
    code, headers = community()
    broken = http.post("/api/v1/push", headers=headers, content=b'{"batch_id": ')
    assert broken.status_code == 422 and broken.json()["detail"][0]["type"] == "json_invalid"
    bad_version = dict(case(code), version=-1)
    response = http.post(
        "/api/v1/push", headers=headers, json={"batch_id": str(uuid.uuid4()), "records": [bad_version]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "records", 0, "version"]
    body = json.dumps({"batch_id": "not-a-uuid", "records": "x\ud800"})  # the slow parser's path
    wrong_type = http.post("/api/v1/push", headers=headers, content=body)
    assert wrong_type.status_code == 422 and {e["loc"][1] for e in wrong_type.json()["detail"]} == {
        "batch_id",
        "records",
    }


def test_the_server_numbers_versions_and_a_change_on_an_older_one_gets_its_copy(http, community):
    code, headers = community()
    first = case(code, version=7, status="in_progress")  # a new record: the server says version 1
    assert push(http, headers, [first])[0]["server_version"] == 1
    second = dict(first, version=1, data=dict(first["data"], content="第二次"))
    assert push(http, headers, [second])[0] == {
        "uuid": first["uuid"],
        "type": "case",
        "status": "applied",
        "server_version": 2,
        "reason": "",
    }
    late = dict(first, version=1, data=dict(first["data"], content="基于旧版本"))
    result = push(http, headers, [late])[0]
    assert result["status"] == "stale" and result["server_version"] == 2 and "版本 2" in result["reason"]
    assert result["record"]["version"] == 2 and result["record"]["data"]["content"] == "第二次"


def test_a_community_cannot_write_anothers_case(http, community):
    a, a_headers = community()
    b, b_headers = community()
    mine = case(a)
    push(http, a_headers, [mine])
    forged = [
        dict(mine, version=2),  # A's case, sent by B as A
        dict(mine, version=2, origin_community=b),  # A's case, claimed as B's
        case(a),  # a new case in A's name
        event(b, mine["uuid"]),  # an event on A's case
    ]
    results = push(http, b_headers, forged)
    assert [r["status"] for r in results] == ["rejected"] * 4 and all(r["reason"] for r in results)


def test_an_event_may_arrive_before_its_case(http, server, community):
    code, headers = community()
    c = case(code)
    early = event(code, c["uuid"])
    assert push(http, headers, [early])[0]["status"] == "applied"
    assert push(http, headers, [c])[0]["status"] == "applied"
    with server["sessions"]() as session:
        linked = session.execute(
            select(StreetCaseEvent.uuid).where(StreetCaseEvent.case_uuid == c["uuid"])
        ).all()
    assert [row[0] for row in linked] == [early["uuid"]]


def test_street_answer_reaches_the_originating_community(http, server, community):
    code, headers = community()
    c = case(code, status="escalated", due_date="2099-01-01")
    push(http, headers, [c])
    nothing, cursor = pull_all(http, headers)
    assert nothing == []  # its own case does not come back
    unreadable = http.post(  # a lone surrogate: refused with 422, without echoing it back
        f"/api/v1/street/cases/{c['uuid']}/answer",
        headers={**street_headers(server), "Content-Type": "application/json"},
        content=json.dumps({"status": "in_progress", "note": "已\ud800"}),
    )
    assert unreadable.status_code == 422 and unreadable.json()["detail"][0]["loc"] == ["body", "note"]
    assert "input" not in unreadable.json()["detail"][0]
    answered = http.post(
        f"/api/v1/street/cases/{c['uuid']}/answer",
        headers=street_headers(server),
        json={"status": "in_progress", "note": "已协调区住建局"},
    )
    assert answered.status_code == 200, answered.text
    records, new_cursor = pull_all(http, headers, cursor)
    assert new_cursor > cursor
    got = {r["type"]: r for r in records}
    assert got["case"]["version"] == 2 and got["case"]["data"]["status"] == "in_progress"
    assert got["case"]["data"]["owner_community"] == code
    assert (
        got["case_event"]["data"]["actor"] == "街道办事处"
        and got["case_event"]["data"]["case_uuid"] == c["uuid"]
    )
    assert pull_all(http, headers, new_cursor)[0] == []
    # a second answer is refused: the case is no longer with the street
    again = http.post(
        f"/api/v1/street/cases/{c['uuid']}/answer",
        headers=street_headers(server),
        json={"status": "completed", "note": "x"},
    )
    assert again.status_code == 409


def test_status_follows_the_owner(http, server, community):
    code, headers = community()
    uid = str(uuid.uuid4())
    push(http, headers, [case(code, 0, "escalated", uid)])
    # while escalated the street decides the status; the other fields are taken and the merged
    # copy comes back with the answer
    result = push(http, headers, [case(code, 1, "completed", uid, content="补充说明")])[0]
    assert result["status"] == "stale" and result["server_version"] == 2
    assert (
        result["record"]["data"]["status"] == "escalated"
        and result["record"]["data"]["content"] == "补充说明"
    )
    http.post(
        f"/api/v1/street/cases/{uid}/answer",
        headers=street_headers(server),
        json={"status": "in_progress", "note": "退回社区办理"},
    ).raise_for_status()
    # a push based on the copy from before the answer cannot undo it: it gets the answered copy
    result = push(http, headers, [case(code, 2, "escalated", uid, content="补充说明")])[0]
    assert result["status"] == "stale" and result["record"]["version"] == 3
    assert result["record"]["data"]["status"] == "in_progress"
    # based on that copy, the owner's own status change is taken
    done = push(http, headers, [case(code, 3, "completed", uid, content="补充说明")])[0]
    assert (done["status"], done["server_version"]) == ("applied", 4)


def test_transfer_to_another_community(http, server, community):
    a, a_headers = community()
    b, b_headers = community()
    c = case(a, status="escalated")
    history = event(a, c["uuid"], "吹哨上报")
    push(http, a_headers, [c, history])
    _, b_cursor = pull_all(http, b_headers)
    response = http.post(
        f"/api/v1/street/cases/{c['uuid']}/answer",
        headers=street_headers(server),
        json={"status": "in_progress", "note": "转桃园社区办理", "owner_community": b},
    )
    assert response.status_code == 200, response.text
    records, _ = pull_all(http, b_headers, b_cursor)
    pulled = [r for r in records if r["type"] == "case"]
    assert (
        len(pulled) == 1 and pulled[0]["data"]["owner_community"] == b and pulled[0]["origin_community"] == a
    )
    assert history["uuid"] in {r["uuid"] for r in records if r["type"] == "case_event"}
    # the new owner may now change it
    done = push(
        http,
        b_headers,
        [dict(pulled[0], data=dict(pulled[0]["data"], status="completed"))],
    )[0]
    assert done["status"] == "applied", done
    a_records, _ = pull_all(http, a_headers)
    assert [r["data"]["status"] for r in a_records if r["type"] == "case"] == ["completed"]


def test_too_large_requests_are_413(http, community):
    code, headers = community()
    big = case(code, content="字" * (2 * 1024 * 1024))  # ~6 MB as UTF-8
    response = http.post(
        "/api/v1/push", headers=headers, json={"batch_id": str(uuid.uuid4()), "records": [big]}
    )
    assert response.status_code == 413 and "detail" in response.json()
    many = [case(code) for _ in range(1001)]
    response = http.post(
        "/api/v1/push", headers=headers, json={"batch_id": str(uuid.uuid4()), "records": many}
    )
    assert response.status_code == 413


def test_summary_and_street_page(http, server, community):
    code, headers = community("杏林社区")
    late, fresh = case(code, status="escalated", due_date="2020-01-06"), case(code)
    push(http, headers, [late, fresh])
    summary = http.get("/api/v1/street/summary", headers=street_headers(server)).json()
    mine = next(c for c in summary["communities"] if c["code"] == code)
    assert mine["counts"] == {"escalated": 1, "accepted": 1} and mine["name"] == "杏林社区"
    assert late["data"]["case_no"] in [o["case_no"] for o in summary["overdue"]]
    page = http.get("/street", auth=("street", server["street_key"]))  # a browser's Basic login
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert (
        "街道办件总览" in page.text
        and late["data"]["case_no"] in page.text
        and fresh["data"]["case_no"] in page.text
    )
    assert http.get("/street").headers["www-authenticate"].startswith("Bearer")


def test_the_street_page_shows_what_communities_typed_as_text(http, server, community):
    code, headers = community("<b>杏林</b>社区")
    late = case(
        code, status="escalated", due_date="2020-01-06", case_no="<script>x</script>", item_name='"x"&y'
    )
    push(http, headers, [late])
    page = http.get("/street", headers=street_headers(server)).text
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "&lt;b&gt;杏林&lt;/b&gt;社区" in page
    assert "&#34;x&#34;&amp;y" in page and "<h2>全部办件（" in page


def test_receive_judges_typed_records_and_answers_in_the_wire_shape(server, community):
    code, _ = community()
    sent = case(code)
    results, (first, receipt) = receive.push(server["sessions"], code, str(uuid.uuid4()), [Incoming(**sent)])
    assert [(r["uuid"], r["status"]) for r in results] == [(sent["uuid"], "applied")] and 0 < first == receipt
    digest = content_hash(sent["data"])
    asked = [AskedKey("case", sent["uuid"], 0, digest), AskedKey("case", sent["uuid"], 1, "0" * 64)]
    assert receive.known(server["sessions"], code, asked) == [
        {"type": "case", "uuid": sent["uuid"], "version": 0, "server_version": 1}
    ]
    refused = Incoming(**case(code, note="a\x00b"))
    assert receive.push(server["sessions"], code, str(uuid.uuid4()), [refused])[0][0]["status"] == "rejected"


def test_access_log_is_json_without_personal_data(http, server):
    http.get("/health")
    lines = [json.loads(line) for line in server["log"].read_text().splitlines() if line.startswith("{")]
    assert lines and {"method", "path", "status", "community", "duration_ms"} <= set(lines[-1])
    assert any(line["path"] == "/api/v1/push" and line["community"] for line in lines)
    assert "张三丰" not in server["log"].read_text()


def test_no_server_error_under_fuzzing(server, community):
    """schemathesis against /openapi.json, once with a community key, once with the street key."""
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if st is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    _, headers = community("模糊测试社区")
    for auth in (headers["Authorization"], f"Bearer {server['street_key']}"):
        run = subprocess.run(
            [
                st,
                "run",
                f"{server['url']}/openapi.json",
                "--checks",
                "not_a_server_error",
                "-H",
                f"Authorization: {auth}",
                "--max-examples",
                "15",
                "--phases",
                "examples,fuzzing",
                "--seed",
                "7",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=server["log"].parent,  # schemathesis keeps its state folder there
        )
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    with server["sessions"]() as session:  # the fuzzed records went somewhere sane
        assert session.execute(select(func.count()).select_from(StreetCaseEvent)).scalar() >= 0
