"""Open311 GeoReport v2 on the real street server (docs/OPEN311.md): every endpoint in both
formats checked against the spec's field lists, the spec's errors, a request filed here reaching
the owning desk at its next sync and its status coming back, and no personal data in any answer.

Runs on the server of tests/integration/conftest.py: PostgreSQL in CI, SQLite elsewhere."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import httpx
import pytest
from sqlalchemy import select

from app.db import open_database
from app.models import Case, CaseEvent, Grid, GridStaff, Resident
from app.models.staff import GRID_LEADER
from app.services.admin.centre import set_current_community
from app.services.admin.scope import scope_for
from app.services.cases import workflow
from app.services.cases.search import get_case
from app.services.setup.demo_accounts import DEMO_GRID_WORKER
from app.services.sync.client import SyncClient
from app.street import admin
from app.street.models import Open311Client
from app.street.open311.filing import add_client
from tests.integration.conftest import cli

TY, XH = "610202010001", "610202010002"
OTHER_GRID = f"{TY}003"  # a grid of 桃园 that the demo grid worker does not hold

# --- the GeoReport v2 field lists (http://wiki.open311.org/GeoReport_v2), as test data ---------------
SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
DEFINITION = {"service_code", "attributes"}
ATTRIBUTE = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
VALUE = {"key", "name"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
REQUEST = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
CREATED = {"service_request_id", "token", "service_notice", "account_id"}
TOKEN = {"service_request_id", "token"}
ERROR = {"code", "description"}
DISCOVERY = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT = {"specification", "url", "changeset", "type", "formats"}
XML_ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


@pytest.fixture(scope="module")
def street(server):
    """The server with 桃园 and 新华 registered and one Open311 client."""
    keys = {
        code: admin.register(server["sessions"], code, name, rotate=True)["api_key"]
        for code, name in ((TY, "桃园社区"), (XH, "新华社区"))
    }
    client = add_client(server["sessions"], "city-app")["api_key"]
    return dict(server, keys=keys, client=client)


def _desk(demo_db_file, tmp_path, name: str, community: str):
    path = tmp_path / f"{name}.db"
    shutil.copy(demo_db_file, path)
    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        set_current_community(session, community)
    return db


def _get(street, path: str, **params) -> httpx.Response:
    return httpx.get(f"{street['url']}/open311/v2/{path}", params=params, timeout=30)


def _post(street, fmt: str, **form) -> httpx.Response:
    return httpx.post(f"{street['url']}/open311/v2/requests.{fmt}", data=form, timeout=30)


def _file(street, **form) -> dict:
    answer = _post(street, "json", api_key=street["client"], **form)
    assert answer.status_code == 201, answer.text
    return answer.json()[0]


def _items(response: httpx.Response, fmt: str, kind: str) -> list[dict]:
    """The list in a document, checked for its shape, as field -> text (XML) or value (JSON)."""
    if fmt == "json":
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert isinstance(body, list)
        return body
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    top, item = XML_ROOTS[kind]
    assert root.tag == top and all(child.tag == item for child in root)
    return [{field.tag: field.text or "" for field in child} for child in root]


def _check_fields(items: list[dict], fields: set[str]) -> None:
    for item in items:
        assert set(item) == fields, set(item) ^ fields


# --- walking every endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_every_endpoint_answers_with_the_specs_fields(street, fmt):
    services = _items(_get(street, f"services.{fmt}"), fmt, "services")
    _check_fields(services, SERVICE)
    codes = {s["service_code"] for s in services}
    assert {"ZM-001", "SQ-HJWS", "SQ-QT"} <= codes  # a self-service item and the kiosk's categories
    assert "SB-001" not in codes  # not self-service
    assert all(str(s["metadata"]).lower() == "true" and s["type"] == "realtime" for s in services)

    for code in ("ZM-001", "SQ-HJWS"):
        response = _get(street, f"services/{code}.{fmt}")
        assert response.status_code == 200
        if fmt == "json":
            definition = response.json()
            attributes = definition["attributes"]
            assert set(definition) == DEFINITION and definition["service_code"] == code
            values = [value for a in attributes for value in a["values"]]
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "service_definition" and {c.tag for c in root} == DEFINITION
            assert root.findtext("service_code") == code
            attributes = [{f.tag: f.text or "" for f in a} for a in root.find("attributes")]
            values = [{f.tag: f.text for f in v} for v in root.iter("value")]
        _check_fields(attributes, ATTRIBUTE)
        assert all(a["datatype"] in DATATYPES for a in attributes)
        _check_fields(values, VALUE)
        assert {"key": TY, "name": "桃园社区"} in values

    filed = _post(
        street,
        fmt,
        api_key=street["client"],
        service_code="SQ-SSBX",
        description="3号楼路灯不亮",
        address_id=OTHER_GRID,
    )
    assert filed.status_code == 201, filed.text
    created = _items(filed, fmt, "requests")
    _check_fields(created, CREATED)
    number, token = created[0]["service_request_id"], created[0]["token"]
    assert number.startswith("311-") and token

    tokens = _items(_get(street, f"tokens/{token}.{fmt}"), fmt, "requests")
    _check_fields(tokens, TOKEN)
    assert tokens[0]["service_request_id"] == number

    one = _items(_get(street, f"requests/{number}.{fmt}"), fmt, "requests")
    _check_fields(one, REQUEST)
    assert one[0]["status"] == "open" and one[0]["service_code"] == "SQ-SSBX"
    assert one[0]["address_id"] == OTHER_GRID and "桃园社区" in one[0]["address"]
    assert one[0]["requested_datetime"].endswith("+08:00")

    listed = _items(_get(street, f"requests.{fmt}"), fmt, "requests")
    _check_fields(listed, REQUEST)
    assert number in {r["service_request_id"] for r in listed}

    discovery = _get(street, f"discovery.{fmt}")
    if fmt == "json":
        body = discovery.json()
        assert set(body) == DISCOVERY and set(body["endpoints"][0]) == ENDPOINT
    else:
        root = ET.fromstring(discovery.content)
        assert root.tag == "discovery" and {c.tag for c in root} == DISCOVERY
        assert {c.tag for c in root.find("endpoints/endpoint")} == ENDPOINT
        assert root.findtext("endpoints/endpoint/formats/format") == "text/xml"


def test_the_filters_of_the_spec(street):
    first = _file(street, service_code="SQ-LLJF", description="楼上漏水", address_id=OTHER_GRID)
    second = _file(street, service_code="ZM-001", **{"attribute[community]": XH})
    ids = f"{first['service_request_id']},{second['service_request_id']}"
    both = _get(street, "requests.json", service_request_id=ids).json()
    assert {r["service_request_id"] for r in both} == set(ids.split(","))
    by_code = _get(street, "requests.json", service_code="SQ-LLJF").json()
    assert {r["service_code"] for r in by_code} == {"SQ-LLJF"}
    assert _get(street, "requests.json", status="closed", service_code="SQ-LLJF").json() == []
    assert len(_get(street, "requests.json", status="open", service_code="SQ-LLJF").json()) == 1
    assert (
        _get(street, "requests.json", start_date="2001-01-01T00:00:00Z", end_date="2001-02-01").json() == []
    )
    recent = _get(street, "requests.json", start_date="2020-01-01T00:00:00+08:00").json()
    assert first["service_request_id"] in {r["service_request_id"] for r in recent}
    with_xh = _get(street, "requests.json", service_request_id=second["service_request_id"]).json()[0]
    assert with_xh["address"] == "新华社区" and with_xh["address_id"] == ""


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_refusals_are_the_specs_errors(street, fmt):
    cases = [
        (_post(street, fmt, service_code="SQ-QT", description="x", address_id=OTHER_GRID), 403),
        (_post(street, fmt, api_key="o311_wrong", service_code="SQ-QT", description="x"), 403),
        (_post(street, fmt, api_key=street["client"], service_code="NO-SUCH", address_id=OTHER_GRID), 404),
        (_post(street, fmt, api_key=street["client"], service_code="SQ-QT", description="无处可去"), 400),
        (_post(street, fmt, api_key=street["client"], service_code="SQ-QT", address_id=OTHER_GRID), 400),
        (
            _post(
                street, fmt, api_key=street["client"], service_code="SQ-QT", description="x", address_id="99"
            ),
            400,
        ),
        (_get(street, f"requests/311-19990101-0001.{fmt}"), 404),
        (_get(street, f"tokens/nothing.{fmt}"), 404),
        (_get(street, f"services/NO-SUCH.{fmt}"), 404),
        (_get(street, f"requests.{fmt}", status="pending"), 400),
        (_get(street, f"requests.{fmt}", start_date="yesterday"), 400),
        (_get(street, f"requests.{fmt}", start_date="0001-01-01T00:00:00+08:00"), 400),
        (_get(street, f"requests.{fmt}", service_code="SQ-\x01"), 400),
        (_get(street, f"requests/311-%00.{fmt}"), 400),
        (_get(street, f"tokens/%00.{fmt}"), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        errors = _items(response, fmt, "errors")
        _check_fields(errors, ERROR)
        assert str(errors[0]["code"]) == str(status) and errors[0]["description"]
    assert _get(street, "services.csv").status_code == 404


def test_a_filed_request_reaches_its_desk_and_its_status_comes_back(street, demo_db_file, tmp_path):
    ty = _desk(demo_db_file, tmp_path, "ty", TY)
    xh = _desk(demo_db_file, tmp_path, "xh", XH)
    with ty.sessions() as session:
        worker = scope_for(session, DEMO_GRID_WORKER)
        own_grid = session.scalar(select(Grid.code).where(Grid.id.in_(sorted(worker.grid_ids))).limit(1))
        other_id = session.scalar(select(Grid.id).where(Grid.code == OTHER_GRID))
        assert other_id not in worker.grid_ids
        leader = session.scalar(
            select(GridStaff.name).where(GridStaff.grid_id == other_id, GridStaff.role == GRID_LEADER)
        )
    filed = _file(
        street,
        service_code="SQ-HJWS",
        description="小区东门垃圾桶满溢",
        address_id=OTHER_GRID,
        first_name="三",
        last_name="张",
        phone="13800000000",
    )
    mine = _file(street, service_code="SQ-SRZX", description="占道经营", address_id=own_grid)
    number = filed["service_request_id"]

    for db, code in ((ty, TY), (xh, XH)):
        report = SyncClient(db.sessions, street["url"], street["keys"][code]).sync_once()
        assert report.ok, report.errors
    with ty.sessions() as session:
        case = session.scalars(select(Case).where(Case.case_no == number)).one()
        assert (case.channel, case.status, case.item_name) == ("open311", "accepted", "群众诉求（环境卫生）")
        assert case.grid_id == other_id and case.owner == leader
        assert case.applicant_name == "张三" and case.applicant_phone == "13800000000"
        assert "小区东门垃圾桶满溢" in case.content
        assert [e.action for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))] == [
            "open311_request"
        ]
        worker = scope_for(session, DEMO_GRID_WORKER)  # a grid worker of another grid cannot see it
        assert get_case(session, number, worker) is None
        assert get_case(session, mine["service_request_id"], worker) is not None
    with xh.sessions() as session:  # another community never gets it
        assert session.scalar(select(Case).where(Case.case_no == number)) is None

    with ty.sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.case_no == number)).one()
        workflow.apply(session, case, "dispatch", actor="houtai", to="环卫所")
    assert SyncClient(ty.sessions, street["url"], street["keys"][TY]).sync_once().ok
    seen = _get(street, f"requests/{number}.xml")
    assert ET.fromstring(seen.content).findtext("request/status_notes") == "办理中"

    with ty.sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.case_no == number)).one()
        workflow.apply(session, case, "complete", actor="houtai", note="已清运")
    report = SyncClient(ty.sessions, street["url"], street["keys"][TY]).sync_once()
    assert report.ok and report.rejected == 0, report.errors
    for fmt in ("xml", "json"):
        request = _items(_get(street, f"requests/{number}.{fmt}"), fmt, "requests")[0]
        assert (request["status"], request["status_notes"]) == ("closed", "已办结")
    closed = _get(street, "requests.json", status="closed").json()
    assert number in {r["service_request_id"] for r in closed}
    ty.dispose()
    xh.dispose()


def test_no_personal_data_in_any_answer(street, demo_db_file):
    demo = open_database(f"sqlite:///{demo_db_file}")
    with demo.sessions() as session:
        people = session.execute(select(Resident.name, Resident.phone, Resident.id_number).limit(300)).all()
    demo.dispose()
    name, phone, number = people[0]
    _file(
        street,
        service_code="SQ-YJJY",
        description=f"我是{name}，身份证{number}，电话{phone}，请回电",
        address_string=f"{name}家门口",
        lat="34.9",
        long="108.9",
        email="someone@example.com",
        first_name=name[1:],
        last_name=name[:1],
        phone=phone or "13900000000",
        address_id=OTHER_GRID,
    )
    bodies = []
    for fmt in ("xml", "json"):
        bodies += [_get(street, f"{p}.{fmt}").text for p in ("discovery", "services", "services/SQ-YJJY")]
        listed = _get(street, f"requests.{fmt}")
        bodies.append(listed.text)
        for request in _get(street, "requests.json").json():
            bodies.append(_get(street, f"requests/{request['service_request_id']}.{fmt}").text)
    text = "\n".join(bodies)
    assert "34.9" not in text and "someone@example.com" not in text and "请回电" not in text
    for person_name, person_phone, person_number in people:
        assert person_number not in text
        assert len(person_name) < 2 or person_name not in text, person_name
        assert not person_phone or person_phone not in text


def test_clients_are_registered_with_a_key_shown_once(street):
    made = cli("street-admin", "--db", street["db"], "open311-client", "add", "grid-app", env=street["env"])
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)["api_key"]
    again = cli("street-admin", "--db", street["db"], "open311-client", "add", "grid-app", env=street["env"])
    assert again.returncode != 0 and "已注册" in again.stderr
    listed = cli("street-admin", "--db", street["db"], "open311-client", "list", env=street["env"])
    assert listed.returncode == 0 and '"grid-app"' in listed.stdout and key not in listed.stdout
    with street["sessions"]() as session:
        stored = session.get(Open311Client, "grid-app")
        assert stored is not None and key not in stored.key_hash and len(stored.key_hash) == 64
    assert _file(dict(street, client=key), service_code="SQ-QT", description="试一试", address_id=OTHER_GRID)
