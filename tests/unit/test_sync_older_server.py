"""A desk newer than its street server (app.services.sync.unknown_types): the server refuses a
request that names a record type it does not know, as a real older server does (a 422 on
``records[i].type``, without the value); the desk sets those records aside for the round, sends
the rest, keeps them waiting without counting a refusal, and sends them once the server knows the
type."""

from __future__ import annotations

import json
from typing import Literal, get_args

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select

from app.models import OutboxEntry, PartyOrganisation
from app.services.sync.settings import status
from app.street.api import _without_input
from app.street.schemas import RecordType
from tests.unit.test_sync_client import KEY, FakeStreet, _accept, _client


class OlderStreet(FakeStreet):
    """The fake street, in front of which requests are checked as a server from before
    ``unknown`` existed checks them: with the real server's models, narrowed to its types."""

    def __init__(self, unknown: set[str]):
        super().__init__()
        older = Literal[tuple(t for t in get_args(RecordType) if t not in unknown)]  # type: ignore[misc]

        class Key(BaseModel):
            model_config = ConfigDict(extra="allow")
            type: older  # type: ignore[valid-type]

        class Body(BaseModel):
            model_config = ConfigDict(extra="allow")
            records: list[Key]

        self.body = Body
        self.refused_requests: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        checked = request.url.path == "/api/v1/push" or (
            request.url.path == "/api/v1/known" and self.answers_known
        )
        if request.headers.get("authorization") == f"Bearer {KEY}" and checked:
            try:
                self.body.model_validate(json.loads(request.content))
            except ValidationError as exc:  # the server's own 422, offending values left out
                errors = [
                    _without_input(dict(error, loc=("body", *error["loc"])))
                    for error in exc.errors(include_url=False)
                ]
                self.refused_requests.append(request.url.path)
                return httpx.Response(422, json={"detail": json.loads(json.dumps(errors, default=str))})
        return super().handle(request)


def _rename_a_branch(session) -> str:
    branch = session.scalars(
        select(PartyOrganisation)
        .where(PartyOrganisation.level == "grid_branch")
        .order_by(PartyOrganisation.id)
    ).first()
    branch.name = "更名后的网格党支部"
    session.flush()
    return branch.uuid


def _waiting(db, record_type: str) -> list[tuple[str, int]]:
    with db.sessions() as session:
        rows = session.execute(
            select(OutboxEntry.record_uuid, OutboxEntry.attempts).where(
                OutboxEntry.record_type == record_type, OutboxEntry.sent_at.is_(None)
            )
        )
        return [tuple(row) for row in rows]


def test_records_of_a_type_the_server_does_not_know_wait_and_the_rest_travels(demo_db):
    with demo_db.sessions.begin() as session:
        case_uuid = _accept(session).uuid
        branch_uuid = _rename_a_branch(session)
    older = OlderStreet({"party_branch"})
    report = _client(demo_db, older).sync_once()

    assert report.ok and report.rejected == 0 and report.held_back == 1, report
    assert any("网格党支部" in e and "服务器升级后自动上传" in e for e in report.errors)
    assert older.refused_requests[:1] == ["/api/v1/known"]  # asked once with it, then without
    assert ("case", case_uuid) in older.store and ("party_branch", branch_uuid) not in older.store
    assert _waiting(demo_db, "party_branch") == [(branch_uuid, 0)]  # waiting, no refusal counted
    assert _waiting(demo_db, "case") == []
    with demo_db.sessions() as session:  # the desk's status line says why it waits
        line = status(session).text()
    assert "同步：上次成功" in line and "暂不接收“网格党支部”记录（1 条）" in line

    newer = FakeStreet()  # the server upgraded: the branch goes with the next round
    newer.store.update(older.store)
    again = _client(demo_db, newer).sync_once()
    assert again.ok and again.held_back == 0 and not again.errors, again
    assert ("party_branch", branch_uuid) in newer.store and _waiting(demo_db, "party_branch") == []
    with demo_db.sessions() as session:
        assert "暂不接收" not in status(session).text()


def test_a_server_without_the_known_question_refuses_the_push_and_the_rest_still_travels(demo_db):
    with demo_db.sessions.begin() as session:
        case_uuid = _accept(session).uuid
        branch_uuid = _rename_a_branch(session)
    older = OlderStreet({"party_branch"})
    older.answers_known = False
    report = _client(demo_db, older, batch_size=500).sync_once()

    assert report.ok and report.held_back == 1 and report.rejected == 0, report
    assert older.refused_requests == ["/api/v1/push"]  # one batch refused whole, sent again without
    assert ("case", case_uuid) in older.store and ("party_branch", branch_uuid) not in older.store
    assert _waiting(demo_db, "party_branch") == [(branch_uuid, 0)]


def test_a_422_about_anything_else_stays_an_error(demo_db):
    class Broken(FakeStreet):
        def handle(self, request):
            if request.url.path == "/api/v1/push":
                detail = [{"type": "missing", "loc": ["body", "batch_id"], "msg": "Field required"}]
                return httpx.Response(422, json={"detail": detail})
            return super().handle(request)

    with demo_db.sessions.begin() as session:
        _accept(session)
    report = _client(demo_db, Broken()).sync_once()
    assert not report.ok and report.held_back == 0


def test_the_real_servers_refusal_of_an_unknown_type_is_read_as_such(tmp_path, monkeypatch):
    """The shape the desk reads is the street server's own: a type this server does not know
    (standing in for one a newer desk sends) is refused with its position and no value."""
    from fastapi.testclient import TestClient

    from app.services.sync import unknown_types
    from tests.unit import street_office_scene

    scene = street_office_scene.build(tmp_path)
    visit = {
        "grid": "",
        "visited_on": "2026-11-02",
        "way": "入户",
        "target": "resident",
        "case_raised": False,
    }
    records = [
        {"type": "visit", "uuid": "5c0d4cc3-6f37-4a55-bd6b-8d1b1c2f1a01", "version": 0, "origin_community": "TY", "data": visit},
        {"type": "street_mural", "uuid": "5c0d4cc3-6f37-4a55-bd6b-8d1b1c2f1a02", "version": 0, "origin_community": "TY", "data": {}},
    ]  # fmt: skip
    with TestClient(scene["app"]) as client:
        answer = client.post(
            "/api/v1/push",
            json={"batch_id": "5c0d4cc3-6f37-4a55-bd6b-8d1b1c2f1a00", "records": records},
            headers={"Authorization": f"Bearer {scene['keys']['TY']}"},
        )
    assert answer.status_code == 422 and "street_mural" not in answer.text
    assert unknown_types.refused_types(answer, records) is None  # not a type the desk knows of
    monkeypatch.setitem(unknown_types.REGISTRY, "street_mural", object())
    assert unknown_types.refused_types(answer, records) == {"street_mural"}
