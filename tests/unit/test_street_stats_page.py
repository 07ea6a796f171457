"""The street office's 统计 page (/street/stats) and its downloads, in process on SQLite: the
figures of the caller's own street only, a totals row, the period chooser (shortcuts, a custom
range, a range that cannot be read), the definitions as titles, the charts, the monthly reports
with their notes, CSV and Excel with the same numbers, and an audit row for each."""

from __future__ import annotations

import csv
import io
import re
import uuid as uuidlib

from openpyxl import load_workbook
from sqlalchemy import select

from app.street import receive
from app.street.incoming import Incoming
from app.street.office.demo_figures import NOTES
from app.street.office.models import StreetAudit
from app.street.stats import store_monthly_reports
from app.street.stats_routes import MonthlyReportIn
from tests.unit.street_office_scene import TODAY, build, signed_in


def _case(
    community: str,
    received: str,
    status: str,
    *,
    channel: str = "window",
    rating: str = "",
    due: str = "2026-12-20",
):
    data = {"case_no": f"{community}-{uuidlib.uuid4().hex[:6]}", "status": status, "channel": channel,
            "received_at": received, "due_date": due, "item_name": "居住证明"}  # fmt: skip
    if rating:
        data["evaluation"] = rating
    return Incoming("case", str(uuidlib.uuid4()), 0, community, data)


def _scene(tmp_path) -> dict:
    scene = build(tmp_path)
    sessions = scene["sessions"]
    ty = [
        _case("TY", "2026-12-01T01:00:00", "completed", channel="hotline", rating="满意"),
        _case("TY", "2026-12-02T03:00:00", "evaluated", rating="不满意"),
        _case("TY", "2026-12-03T02:00:00", "in_progress", due="2026-12-04"),  # overdue on the 7th
        _case("TY", "2026-12-04T02:00:00", "accepted", channel="hotline"),
        _case("TY", "2026-11-30T15:59:00", "completed"),  # 23:59 on 30 November in China: last month
        Incoming("certificate", str(uuidlib.uuid4()), 0, "TY", {"issue_date": "2026-12-05"}),
    ]
    xh = [_case("XH", "2026-12-06T06:00:00", "completed", channel="hotline", rating="非常满意")]
    df = [_case("DF", "2026-12-02T06:00:00", "completed")]
    for code, records in (("TY", ty), ("XH", xh), ("DF", df)):
        receive.push(sessions, code, str(uuidlib.uuid4()), records)
    report = MonthlyReportIn(
        uuid="r-1",
        month="2026-11",
        version=2,
        figures=[{"figure": "cases.received", "name": "受理办件数", "value": 41}],
        notes="召开居民议事会<2次>",
        made_by="houtai",
        made_at="2026-12-02T01:00:00",
    )
    store_monthly_reports(sessions, "TY", [report])
    store_monthly_reports(sessions, "DF", [report.model_copy(update={"notes": "东风的说明"})])
    return scene


def _cells(page: str, row_id: str | None = None, name: str = "") -> list[str]:
    if row_id:
        row = re.search(rf'<tr class="total" id="{row_id}">(.*?)</tr>', page, re.S).group(1)
    else:
        row = re.search(rf"<tr><td>{name}</td>(.*?)</tr>", page, re.S).group(1)
    return re.findall(r'<td class="n"[^>]*>([^<]*)</td>', row)


def test_the_page_counts_the_streets_own_communities_with_a_total(tmp_path):
    scene = _scene(tmp_path)
    client = signed_in(scene["app"], "jdstaff")
    page = client.get("/street/stats")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert 'href="/street/stats" class="here"' in text
    assert "2026年12月" in text and "东风社区" not in text and "东风的说明" not in text
    # received, closed, in progress, overdue, 12345 closure rate, satisfaction rate, certificates
    assert _cells(text, name="桃园社区") == ["4", "2", "2", "1", "50.00%", "50.00%", "1"]
    assert _cells(text, name="新华社区") == ["1", "1", "0", "0", "100.00%", "100.00%", "0"]
    assert _cells(text, "total") == ["5", "3", "2", "1", "66.67%", "66.67%", "1"]
    assert 'title="在办办件中，办理期限早于今天的' in text
    assert text.count("<svg") == 2 and "各社区满意率和12345办结率" in text
    assert "本期各社区尚未报送月度工作报表" in text  # November's reports belong to November
    last = client.get("/street/stats", params={"period": "last_month"}).text
    assert "召开居民议事会&lt;2次&gt;" in last and "第 2 版" in last  # notes shown as text
    assert "东风的说明" not in last and "<td>2026-11</td>" in last


def test_the_period_chooser(tmp_path):
    client = signed_in(_scene(tmp_path)["app"], "jdadmin")
    last = client.get("/street/stats", params={"period": "last_month"}).text
    assert "2026年11月" in last and _cells(last, name="桃园社区")[0] == "1"
    custom = client.get(
        "/street/stats", params={"period": "custom", "from": "2026-12-02", "to": "2026-12-03"}
    ).text
    assert "2026-12-02 至 2026-12-03" in custom and _cells(custom, "total")[0] == "2"
    assert 'href="/street/stats.csv?period=custom&amp;from=2026-12-02&amp;to=2026-12-03"' in custom
    wrong = client.get(
        "/street/stats", params={"period": "custom", "from": "2026-12-09", "to": "2026-12-01"}
    ).text
    assert 'id="error"' in wrong and "早于" in wrong and 'value="2026-12-09"' in wrong
    assert "2026年12月" in wrong  # this month is shown instead
    year = client.get("/street/stats", params={"period": "year"}).text
    assert "2026-01-01 至 2026-12-31" in year and _cells(year, "total")[0] == "6"


def test_another_street_sees_only_its_own(tmp_path):
    client = signed_in(_scene(tmp_path)["app"], "xsadmin")
    text = client.get("/street/stats").text
    assert "东风社区" in text and "桃园社区" not in text
    last = client.get("/street/stats", params={"period": "last_month"}).text
    assert "东风的说明" in last and "召开居民议事会" not in last
    assert _cells(text, "total")[0] == "1"


def test_downloads_carry_the_same_table_and_are_audited(tmp_path):
    scene = _scene(tmp_path)
    client = signed_in(scene["app"], "jdstaff")
    answer = client.get("/street/stats.csv", params={"period": "this_month"})
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["社区代码", "社区", "受理办件数"]
    assert rows[1][:7] == ["TY", "桃园社区", "4", "2", "2", "1", "0.5"]
    assert rows[-1][1:3] == ["合计", "5"] and len(rows) == 4
    book = load_workbook(io.BytesIO(client.get("/street/stats.xlsx").content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[2]][:3] == ["TY", "桃园社区", 4]
    assert sheet.cell(4, 2).value == "合计" and sheet.cell(4, 3).value == 5
    assert client.get("/street/stats.pdf").status_code == 404
    with scene["sessions"]() as session:
        actions = session.scalars(select(StreetAudit.action).where(StreetAudit.username == "jdstaff")).all()
    assert actions.count("stats_export") == 2 and "stats_view" not in actions


def test_the_page_is_for_signed_in_street_staff_only(tmp_path):
    scene = _scene(tmp_path)
    from fastapi.testclient import TestClient

    anonymous = TestClient(scene["app"], follow_redirects=False)
    assert anonymous.get("/street/stats").headers["location"] == "/street/login"
    assert anonymous.get("/street/stats.csv").status_code == 303
    keyed = anonymous.get("/street/stats", headers={"Authorization": f"Bearer {scene['keys']['TY']}"})
    assert keyed.status_code == 403
    client = signed_in(scene["app"], "jdadmin")
    client.get("/street/stats")
    with scene["sessions"]() as session:
        row = session.scalars(select(StreetAudit).where(StreetAudit.action == "stats_view")).one()
    assert (row.username, row.street, row.subject) == ("jdadmin", "JD", "2026年12月")


def test_the_demo_street_has_figures_to_show(tmp_path):
    from app.street.api import create_app
    from app.street.office.demo import DEMO_PASSWORD, fill_demo

    app = create_app(f"sqlite:///{tmp_path / 'demo.db'}", today=lambda: TODAY, cookie_secure=False)
    made = fill_demo(app.state.sessions, today=TODAY)
    assert made["everyday_cases"] > 400

    client = signed_in(app, "jdstaff", DEMO_PASSWORD)
    text = client.get("/street/stats", params={"period": "last_month"}).text
    total = _cells(text, "total")
    assert int(total[0]) > 100 and total[4].endswith("%") and total[5].endswith("%")
    assert text.count("第 ") >= 5 and any(note in text for note in NOTES if note)


def test_community_life_is_shown_per_community_with_a_total(tmp_path):
    scene = _scene(tmp_path)
    sessions = scene["sessions"]

    def visit(day: str, way: str) -> Incoming:
        data = {"grid": "", "visited_on": day, "way": way, "target": "resident", "case_raised": False}
        return Incoming("visit", str(uuidlib.uuid4()), 0, "TY", data)

    results, _changes = receive.push(
        sessions, "TY", str(uuidlib.uuid4()), [visit("2026-12-02", "入户"), visit("2026-12-03", "电话")]
    )
    assert not [r for r in results if r.get("status") == "rejected"], results
    client = signed_in(scene["app"], "jdstaff")
    text = client.get("/street/stats").text
    life = re.search(r'<table class="figures" id="life">(.*?)</table>', text, re.S).group(1)
    assert "走访" in life and "双报到时长" in life
    row = re.search(r"<tr><td>桃园社区</td>(.*?)</tr>", life, re.S).group(1)
    cells = re.findall(r'<td class="n"[^>]*>([^<]*)</td>', row)
    assert cells[2] == "2"  # 收到微心愿, 心愿实现, 走访
    total = re.findall(
        r'<td class="n"[^>]*>([^<]*)</td>', re.search(r'id="life-total">(.*?)</tr>', life, re.S).group(1)
    )
    assert total[2] == "2"
    rows = list(csv.reader(io.StringIO(client.get("/street/stats.csv").content.decode("utf-8-sig"))))
    assert "走访次数" in rows[0] and rows[1][rows[0].index("走访次数")] == "2"
