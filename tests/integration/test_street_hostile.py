"""Hostile requests against the street server, started for real (PostgreSQL when it answers, see
conftest): each is refused with a 4xx in the documented shape, never a 500, and nothing the server
stores can stop a later answer or pull (docs/SYNC.md, Limits).
"""

from __future__ import annotations

import json
import math
import uuid
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.street import admin, store
from app.street.limits import MAX_BODY_BYTES, MAX_DEPTH, MAX_SAFE_INTEGER, MAX_TEXT, MAX_VERSION
from app.street.models import STREET, StreetCase, StreetCaseEvent


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server["url"], timeout=60) as client:
        yield client


@pytest.fixture
def community(server):
    def make() -> tuple[str, dict]:
        code = "H" + uuid.uuid4().hex[:8]
        key = admin.register(server["sessions"], code, "敌意测试社区")["api_key"]
        return code, {"Authorization": f"Bearer {key}"}

    return make


def street(server) -> dict:
    return {"Authorization": f"Bearer {server['street_key']}"}


def case(origin: str, version: int = 1, **data) -> dict:
    uid = str(uuid.uuid4())
    fields = {"case_no": f"{origin}-{uid[:8]}", "status": "accepted", "item_name": "居住证明", **data}
    return {"type": "case", "uuid": uid, "version": version, "origin_community": origin, "data": fields}


def event(origin: str, case_uuid: str, **data) -> dict:
    return {
        "type": "case_event",
        "uuid": str(uuid.uuid4()),
        "version": 1,
        "origin_community": origin,
        "data": {"case_uuid": case_uuid, "action": "accept", **data},
    }


def certificate(origin: str, **data) -> dict:
    return {
        "type": "certificate",
        "uuid": str(uuid.uuid4()),
        "version": 1,
        "origin_community": origin,
        "data": {"serial": "JZ2026-0009", **data},
    }


def post(http, path: str, headers: dict, body) -> httpx.Response:
    """``body`` as JSON the way a hostile client may write it: \\u escapes for NUL and lone
    surrogates, NaN and Infinity as Python writes them."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.post(path, headers={**headers, "Content-Type": "application/json"}, content=content)


def push_body(*records: dict) -> dict:
    return {"batch_id": str(uuid.uuid4()), "records": list(records)}


def assert_refused(response: httpx.Response, status: int, *secrets: str) -> list | str:
    """A refusal in the documented shape: {"detail": text}, or for 422 FastAPI's list of
    {"type", "loc", "msg"}; it never echoes what was sent."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    detail = response.json()["detail"]
    if status == 422:
        assert isinstance(detail, list) and detail
        for error in detail:
            assert {"type", "loc", "msg"} <= set(error) and "input" not in error
    else:
        assert isinstance(detail, str) and detail
    for secret in secrets:
        assert secret not in response.text
    return detail


def nested(levels: int) -> dict:
    value: dict = {"leaf": "底"}
    for _ in range(levels - 1):
        value = {"x": value}
    return value


def pull_all(http, headers, cursor: int = 0) -> tuple[list[dict], int]:
    records = []
    while True:
        response = http.get("/api/v1/pull", headers=headers, params={"cursor": cursor, "limit": 3})
        assert response.status_code == 200, response.text[:500]
        body = response.json()
        records += body["records"]
        cursor = body["cursor"]
        if not body["more"]:
            return records, cursor


# --- keys the database would have to look up -------------------------------------------------------


def test_nul_in_any_key_is_422_not_500(http, community):
    code, headers = community()
    target = case(code)
    for record in (
        dict(case(code), uuid="a\x00b"),
        dict(event(code, target["uuid"]), uuid="e\x00"),
        dict(certificate(code), uuid="c\x00"),
        event(code, "case\x00uuid"),
    ):
        detail = assert_refused(post(http, "/api/v1/push", headers, push_body(record)), 422)
        assert detail[0]["loc"][:3] == ["body", "records", 0]
    asked = {"records": [{"type": "case", "uuid": "k\x00", "version": 1}]}
    assert_refused(post(http, "/api/v1/known", headers, asked), 422)
    assert post(http, "/api/v1/push", headers, push_body(target)).json()["results"][0]["status"] == "applied"


def test_a_lone_surrogate_in_an_events_case_uuid_is_422(http, community):
    code, headers = community()
    detail = assert_refused(post(http, "/api/v1/push", headers, push_body(event(code, "\ud800"))), 422)
    assert detail[0]["loc"] == ["body", "records", 0, "data"] and "case_uuid" in detail[0]["msg"]


# --- numbers ---------------------------------------------------------------------------------------


def test_versions_stay_far_below_what_json_holds_exactly(http, server, community):
    code, headers = community()
    for version in (2**53 + 1, 2**53, MAX_VERSION + 1):
        detail = assert_refused(post(http, "/api/v1/push", headers, push_body(case(code, version))), 422)
        assert detail[0]["loc"] == ["body", "records", 0, "version"]
    # The highest version a desk may send is taken; the server numbers what it stores itself, so
    # its own steps start from its count, not from the desk's number.
    top = case(code, MAX_VERSION, status="escalated")
    result = post(http, "/api/v1/push", headers, push_body(top)).json()["results"][0]
    assert result["status"] in ("applied", "stale") and 1 <= result["server_version"] <= MAX_VERSION
    path = f"/api/v1/street/cases/{top['uuid']}/answer"
    answered = post(http, path, street(server), {"status": "completed", "note": "办结"})
    assert answered.status_code == 200
    version = answered.json()["case"]["version"]
    assert version <= MAX_VERSION
    pulled, _ = pull_all(http, headers)
    assert [r["version"] for r in pulled if r["type"] == "case"] == [version]
    asked = {"records": [{"type": "case", "uuid": top["uuid"], "version": MAX_SAFE_INTEGER}]}
    assert post(http, "/api/v1/known", headers, asked).status_code == 200
    too_high = {"records": [{"type": "case", "uuid": top["uuid"], "version": MAX_SAFE_INTEGER + 1}]}
    assert_refused(post(http, "/api/v1/known", headers, too_high), 422)
    assert_refused(http.get("/api/v1/pull", headers=headers, params={"cursor": 2**53}), 422)


@pytest.mark.parametrize(
    "body",
    [
        b'{"case_no": "N-1", "status": "accepted", "x": NaN}',
        b'{"case_no": "N-1", "status": "accepted", "x": -Infinity}',
        b'{"case_no": "N-1", "status": "accepted", "x": 1e999}',
        b'{"case_no": "N-1", "status": "accepted", "x": 9007199254740992}',
        b'{"case_no": "N-1", "status": "accepted", "x": [-9007199254740992]}',
        b'{"case_no": "N-1", "status": "accepted", "x": ' + b"9" * 5000 + b"}",
    ],
    ids=["nan", "infinity", "overflow", "2**53", "-2**53", "5000 digits"],
)
def test_numbers_json_cannot_carry_safely_are_422(http, community, body):
    code, headers = community()
    record = json.dumps(dict(case(code), data="DATA")).encode().replace(b'"DATA"', body)
    raw = b'{"batch_id": "%s", "records": [%s]}' % (str(uuid.uuid4()).encode(), record)
    assert_refused(post(http, "/api/v1/push", headers, raw), 422)


def test_text_longer_than_the_limit_is_422(http, community):
    code, headers = community()
    assert_refused(
        post(http, "/api/v1/push", headers, push_body(case(code, note="字" * (MAX_TEXT + 1)))), 422
    )
    fits = case(code, note="字" * MAX_TEXT)
    assert post(http, "/api/v1/push", headers, push_body(fits)).json()["results"][0]["status"] == "applied"


# --- nesting and size ------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [MAX_DEPTH - 2, 300, 350, 5000])
def test_data_nested_past_the_limit_is_refused_before_parsing(http, server, community, levels):
    code, headers = community()
    record = case(code, nest="NEST")
    nest = b'{"x": ' * (levels - 1) + b'{"leaf": 1}' + b"}" * (levels - 1)  # past what json.dumps writes
    body = json.dumps(push_body(record)).encode().replace(b'"NEST"', nest)
    detail = assert_refused(post(http, "/api/v1/push", headers, body), 422)
    assert detail[0]["type"] == "json_too_deep"
    with server["sessions"]() as session:
        assert session.get(StreetCase, record["uuid"]) is None


def test_data_nested_within_the_limit_goes_up_and_comes_back(http, server, community):
    code, headers = community()
    record = case(code, status="escalated", nest=nested(MAX_DEPTH - 4))  # data is the 4th level
    assert post(http, "/api/v1/push", headers, push_body(record)).json()["results"][0]["status"] == "applied"
    path = f"/api/v1/street/cases/{record['uuid']}/answer"
    assert post(http, path, street(server), {"status": "completed", "note": "办结"}).status_code == 200
    pulled, _ = pull_all(http, headers)
    assert [r["data"]["nest"] for r in pulled if r["type"] == "case"] == [record["data"]["nest"]]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b'{"a": ' * 400 + b"1" + b"}" * 400,
        b'{"records": [' + b"[" * 2000 + b"]" * 2000 + b"]}",
    ],
    ids=["open brackets", "objects", "inside records"],
)
@pytest.mark.parametrize("path", ["/api/v1/push", "/api/v1/known"])
def test_any_deep_body_is_422_at_every_endpoint(http, community, body, path):
    _, headers = community()
    assert assert_refused(post(http, path, headers, body), 422)[0]["type"] == "json_too_deep"


def test_brackets_inside_strings_do_not_count(http, community):
    code, headers = community()
    record = case(code, note='[[[{{{"\\' * 200)
    assert post(http, "/api/v1/push", headers, push_body(record)).json()["results"][0]["status"] == "applied"


def chunked(size: int):
    """A body of ``size`` bytes sent without Content-Length (chunked), in 64 KiB pieces."""
    piece = b" " * 65536
    for _ in range(size // len(piece) + 1):
        yield piece


@pytest.mark.parametrize("path", ["/api/v1/push", "/api/v1/known", "/api/v1/street/cases/x/answer"])
def test_an_oversized_chunked_body_is_413_everywhere(http, server, community, path):
    _, headers = community()
    headers = street(server) if "street" in path else headers
    response = http.post(
        path, headers={**headers, "Content-Type": "application/json"}, content=chunked(MAX_BODY_BYTES)
    )
    assert_refused(response, 413)
    sized = http.post(path, headers=headers, content=b" " * (MAX_BODY_BYTES + 1))
    assert sized.status_code == 413 and sized.json() == response.json()


# --- rows stored before the limits ---------------------------------------------------------------


def _store_legacy(server, code: str, *, version: int = 1, data: dict | None = None, status="accepted") -> str:
    """A case as older code could have stored it, past today's limits, addressed to ``code``
    (last changed by the street)."""
    uid = str(uuid.uuid4())
    with server["sessions"].begin() as session:
        session.add(
            StreetCase(
                uuid=uid,
                case_no=f"{code}-old",
                origin_community=code,
                owner_community=STREET if status == "escalated" else code,
                escalated_from=code if status == "escalated" else "",
                last_writer=STREET,
                status=status,
                version=version,
                data={"case_no": f"{code}-old", "status": status, **(data or {})},
                seq=store.allocate(session, 1),
            )
        )
    return uid


def test_rows_that_cannot_travel_do_not_stop_the_pull(http, server, community):
    code, headers = community()
    huge = _store_legacy(server, code, version=2**53 + 1)
    deep = _store_legacy(server, code, data={"nest": nested(300)})
    with server["sessions"].begin() as session:
        session.add(
            StreetCaseEvent(
                uuid=str(uuid.uuid4()),
                case_uuid=deep,
                case_origin=code,
                origin_community=STREET,
                data={"case_uuid": deep, "secret": "张三丰", "nest": nested(300)},
                seq=store.allocate(session, 1),
            )
        )
    good = _store_legacy(server, code, data={"note": "能送达"})
    pulled, cursor = pull_all(http, headers)
    assert [r["uuid"] for r in pulled] == [good]
    with server["sessions"]() as session:
        assert cursor == store.current_sequence(session)  # past the rows left out
    assert http.get("/api/v1/pull", headers=headers, params={"cursor": 0}).status_code == 200  # every time
    log = server["log"].read_text()
    skipped = [json.loads(line) for line in log.splitlines() if '"skipped"' in line]
    assert {huge, deep} <= {line["uuid"] for line in skipped} and "张三丰" not in log


def test_the_street_cannot_answer_a_case_it_could_not_send_and_changes_nothing(http, server, community):
    code, _ = community()
    for uid in (
        _store_legacy(server, code, status="escalated", data={"nest": nested(300)}),
        _store_legacy(server, code, status="escalated", version=MAX_SAFE_INTEGER),
    ):
        with server["sessions"]() as session:
            events_before = session.scalar(select(func.count()).select_from(StreetCaseEvent))
            version_before = session.get(StreetCase, uid).version
        path = f"/api/v1/street/cases/{uid}/answer"
        assert_refused(post(http, path, street(server), {"status": "completed", "note": "办结"}), 409)
        with server["sessions"]() as session:
            assert session.scalar(select(func.count()).select_from(StreetCaseEvent)) == events_before
            row = session.get(StreetCase, uid)
            assert (row.status, row.version) == ("escalated", version_before)


# --- a seeded property test: hostile bodies at every endpoint, zero 5xx ------------------------

_odd_characters = st.one_of(
    st.characters(),
    st.characters(categories=["Cs"]),  # lone surrogates: written as \u escapes by json.dumps
    st.sampled_from('\x00\x1f\x7f\u202e[]{}"\\'),
)
_texts = st.one_of(
    st.text(_odd_characters, max_size=40),
    # What broke the server once, drawn as often as anything random.
    st.sampled_from(["", "a\x00b", "\x00", "\ud800", "x\udfff", "a" * 37, "字" * (MAX_TEXT + 1), "\u202e"]),
)
_numbers = st.one_of(
    st.integers(),
    st.sampled_from(
        [0, -1, MAX_VERSION, MAX_VERSION + 1, 2**53 - 1, 2**53, 2**53 + 1, -(2**53), 2**64, 10**400]
    ),
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf]),  # json.dumps writes them
)
_scalars = st.one_of(st.none(), st.booleans(), _texts, _numbers)
_deep = st.one_of(st.integers(1, 400), st.sampled_from([MAX_DEPTH, 300, 350])).map(nested)
_values = st.one_of(
    st.recursive(
        _scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_texts, inner, max_size=4),
        max_leaves=10,
    ),
    _deep,
)


_HOSTILE = {"type": _texts, "uuid": _texts, "version": _numbers, "origin_community": _texts, "data": _values}


def _mutated(draw, valid: dict, *, most: int = 2) -> dict:
    """``valid`` with up to ``most`` changes (a field hostile, or gone, or a hostile value inside
    its data): one wrong thing in an otherwise good request is what reaches deepest."""
    record = json.loads(json.dumps(valid))
    for _ in range(draw(st.integers(0, most))):
        where = draw(st.sampled_from([*sorted(record), "drop", "inside"]))
        if where == "drop" and record:
            record.pop(draw(st.sampled_from(sorted(record))))
        elif where == "inside" and isinstance(record.get("data"), dict):
            names = [_texts, st.sampled_from(sorted(record["data"]))] if record["data"] else [_texts]
            key = draw(st.one_of(*names))
            record["data"][key] = draw(_values)
        elif where in record:
            record[where] = draw(_HOSTILE.get(where, _values))
    return record


@st.composite
def _records(draw, origin: str):
    made = {"case": case, "case_event": lambda o: event(o, str(uuid.uuid4())), "certificate": certificate}
    kind = draw(st.sampled_from(sorted(made)))
    return _mutated(draw, made[kind](origin))


@st.composite
def _keys(draw):
    return _mutated(draw, {"type": "case", "uuid": str(uuid.uuid4()), "version": 1}, most=1)


@st.composite
def _requests(draw, origin: str, escalated: list[str]):
    """(method, path, params, body or None, as which role)."""
    endpoint = draw(st.sampled_from(["push", "known", "pull", "answer", "summary"]))
    if endpoint in ("push", "known"):
        items = _records(origin) if endpoint == "push" else _keys()
        body: dict = {"records": draw(st.lists(items, min_size=1, max_size=3))}
        if endpoint == "push":
            body["batch_id"] = str(uuid.uuid4())
        if draw(st.booleans()):
            body = _mutated(draw, body, most=1)
        return "POST", f"/api/v1/{endpoint}", {}, body, "community"
    if endpoint == "pull":
        params = {
            "cursor": draw(st.one_of(st.integers(-1, 2**64), st.text(max_size=10))),
            "limit": draw(st.one_of(st.integers(-1, 2000), st.text(max_size=10))),
        }
        return "GET", "/api/v1/pull", params, None, "community"
    if endpoint == "answer":
        target = draw(
            st.one_of(st.sampled_from(escalated), st.text(st.characters(codec="utf-8"), max_size=40))
        )
        body = _mutated(draw, {"status": "completed", "note": "办结", "owner_community": None}, most=1)
        path = f"/api/v1/street/cases/{quote(target, safe='')}/answer"
        return "POST", path, {}, body, "street"
    return "GET", draw(st.sampled_from(["/api/v1/street/summary", "/street"])), {}, None, "street"


def _encoded(draw, body) -> bytes:
    """JSON as a hostile client may write it (NaN, \\u escapes), or cut short, or not JSON."""
    raw = json.dumps(body, allow_nan=True).encode()
    shape = draw(st.sampled_from(["json"] * 6 + ["cut", "bytes"]))
    if shape == "cut":
        return raw[: draw(st.integers(0, len(raw)))]
    if shape == "bytes":
        return draw(st.binary(max_size=64))
    return raw


def test_hostile_requests_never_get_a_5xx(server, community):
    """Seeded and bounded (600 requests, a few seconds): every answer is below 500, and every refusal
    is in the documented shape. Afterwards the community's pull and the street's views still work."""
    code, headers = community()
    roles = {"community": headers, "street": street(server)}
    escalated = [case(code, status="escalated") for _ in range(3)]
    with httpx.Client(base_url=server["url"], timeout=60) as client:
        assert post(client, "/api/v1/push", headers, push_body(*escalated)).status_code == 200

        @settings(
            max_examples=600,
            derandomize=True,  # the same requests on every run
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(request=_requests(code, [r["uuid"] for r in escalated]), data=st.data())
        def run(request, data):
            method, path, params, body, role = request
            content = None if body is None else _encoded(data.draw, body)
            if content is not None and data.draw(st.booleans(), label="chunked"):
                content = iter([content[:7], content[7:]])  # no Content-Length
            response = client.request(
                method,
                path,
                params=params,
                content=content,
                headers={**roles[role], "Content-Type": "application/json"},
            )
            assert response.status_code < 500, (method, path, response.status_code, response.text[:300])
            if response.status_code >= 400:
                assert_refused(response, response.status_code)

        run()
        pull_all(client, headers)
        for path in ("/api/v1/street/summary", "/street"):
            assert client.get(path, headers=street(server)).status_code == 200
