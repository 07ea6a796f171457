"""The street office's pages in a real browser (Debian's chromium through chromium-driver and
Selenium), end to end: two community desks sync with ``yichuang street-server`` (on PostgreSQL in
CI), a street administrator signs in, accepts and answers one escalation, records a joint meeting,
transfers another case to the second community (一体通办), reads the 统计 page (the same
numbers the count gives, this month and a custom range), and at their next sync each desk
receives what it should. Every page is saved as a PNG (``$YICHUANG_SCREENSHOTS`` to keep them).

Without chromium the test is skipped, unless ``YICHUANG_TEST_BROWSER=require`` (CI) makes that
a failure; .ci/run installs chromium and chromium-driver when they are missing.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import open_database
from app.models import Case, CaseEvent, Resident
from app.services.admin.centre import set_current_community
from app.services.cases import intake, workflow
from app.services.reports import periods
from app.services.sync.client import SyncClient
from app.street import admin
from app.street.stats import street_stats
from tests.integration.conftest import ROOT, free_port, start_server

pytestmark = pytest.mark.browser

TY, XH = "610202010001", "610202010002"
PASSWORD = "Jiedao-Guanli-2026"
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if os.environ.get("YICHUANG_TEST_BROWSER") == "require":
            pytest.fail("chromium and chromium-driver are not installed and YICHUANG_TEST_BROWSER=require")
        pytest.skip(
            "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _desk(demo_db_file, tmp_path, name: str, community: str):
    path = tmp_path / f"{name}.db"
    shutil.copy(demo_db_file, path)
    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        set_current_community(session, community)
    return db


def _escalated_cases(db, count: int) -> list[tuple[str, str]]:
    """``count`` cases accepted at the window and escalated to the street: (uuid, case number)."""
    made = []
    with db.sessions.begin() as session:
        for person in session.scalars(select(Resident).order_by(Resident.id).offset(40).limit(count)):
            item = intake.find_item(session, "ZM-001")
            case = intake.accept(
                session,
                item_code="ZM-001",
                resident=person,
                actor="qiantai",
                materials_received=list(item.materials),
            )
            workflow.apply(session, case, "dispatch", actor="qiantai", to="houtai")
            workflow.apply(
                session, case, "escalate", actor="houtai", to="桃园街道办事处", note="需街道协调解决"
            )
            session.flush()
            made.append((case.uuid, case.case_no))
    return made


@pytest.fixture
def street(server, tmp_path):
    """The server's street JD with TY and XH attached, an administrator made with the command,
    and a server process whose cookie is not Secure (plain http on loopback, docs/STREET.md)."""
    keys = {
        code: admin.register(server["sessions"], code, f"社区{code}", rotate=True, street="JD")["api_key"]
        for code in (TY, XH)
    }
    env = server["env"]
    added = subprocess.run(
        [sys.executable, "-m", "app", "street-admin", "--db", server["db"], "user", "add", "jdadmin",
         "--street", "JD", "--role", "admin", "--name", "王主任"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout
    port = free_port()
    proc = start_server(
        server["db"], port, tmp_path / "pages.log", {**env, "YICHUANG_STREET_COOKIE_SECURE": "0"}
    )
    yield {"url": f"http://127.0.0.1:{port}", "keys": keys}
    proc.terminate()
    proc.wait(timeout=10)


def _shown(driver, element_id: str, text: str) -> str:
    """The element's text once it shows ``text`` (the next page may still be loading)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def seen(d):
        try:
            shown = d.find_element(By.ID, element_id).text
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return shown if text in shown else False

    return WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(seen)


def _shot(driver, tmp_path: Path, name: str) -> None:
    """The whole page (beyond the window's height) as a PNG, through chromium's DevTools."""
    folder = Path(os.environ.get("YICHUANG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (folder / f"street-{name}.png").write_bytes(base64.b64decode(shot["data"]))


def test_street_staff_answer_meet_and_transfer_and_each_desk_receives_its_part(
    browser, server, street, demo_db_file, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    ty, xh = _desk(demo_db_file, tmp_path, "ty", TY), _desk(demo_db_file, tmp_path, "xh", XH)
    (answered, answered_no), (moved, moved_no) = _escalated_cases(ty, 2)
    for db, code in ((ty, TY), (xh, XH)):
        assert SyncClient(db.sessions, server["url"], street["keys"][code]).sync_once().ok
    url, driver = street["url"], browser
    find = driver.find_element

    driver.get(f"{url}/street/cases")  # not signed in: to the sign-in page
    assert driver.current_url.endswith("/street/login")
    _shot(driver, tmp_path, "login")
    find(By.ID, "username").send_keys("jdadmin")
    find(By.ID, "password").send_keys(PASSWORD)
    find(By.ID, "sign-in").click()
    table = _shown(driver, "cases", moved_no)
    assert (
        answered_no in table
        and moved_no in table
        and "王主任（街道管理员）" in find(By.TAG_NAME, "header").text
    )
    _shot(driver, tmp_path, "cases")

    find(By.LINK_TEXT, answered_no).click()
    find(By.CSS_SELECTOR, "#form-accept button").click()
    _shown(driver, "done", "已受理")
    find(By.ID, "answer-note").send_keys("街道城管科已到现场处置，请社区跟进回访")
    find(By.CSS_SELECTOR, "#form-answer button").click()
    _shown(driver, "done", "已答复")
    assert "街道城管科已到现场处置" in find(By.ID, "timeline").text
    _shot(driver, tmp_path, "case-answered")

    find(By.LINK_TEXT, "联席会").click()
    find(By.ID, "title").send_keys("证明事项协调联席会")
    find(By.ID, "place").send_keys("街道三楼会议室")
    find(By.ID, "attendees").send_keys("街道社会事务办 刘科长\n桃园社区 陈书记\n新华社区 周主任")
    find(By.ID, "decisions").send_keys("由新华社区承办，街道社会事务办督办")
    Select(find(By.ID, "case0")).select_by_value(moved)
    find(By.ID, "owner0").send_keys("新华社区 周主任")
    find(By.ID, "task0").send_keys("三个工作日内出具证明")
    find(By.ID, "record-meeting").click()
    _shown(driver, "done", "联席会已记录")
    assert moved_no in find(By.ID, "meetings").text
    _shot(driver, tmp_path, "meetings")

    find(By.LINK_TEXT, moved_no).click()
    Select(find(By.ID, "transfer-community")).select_by_value(XH)
    find(By.ID, "transfer-note").send_keys("申请人现居新华社区，转新华社区办理")
    find(By.CSS_SELECTOR, "#form-transfer button").click()
    _shown(driver, "done", "已转办")
    _shot(driver, tmp_path, "case-transferred")

    find(By.LINK_TEXT, "统计").click()  # the figures of the street's two communities this month
    month = periods.this_month(dt.date.today())
    counted = street_stats(server["sessions"], month, "community", communities=[TY, XH])["counted"]
    received = {row["name"]: row["figures"]["cases.received"] for row in counted}
    figures = _shown(driver, "figures", "合计")
    for name, number in received.items():
        assert f"{name} {number} " in figures
    assert f"合计 {sum(received.values())} " in figures and received[f"社区{TY}"] >= 2
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 2
    _shot(driver, tmp_path, "stats")
    Select(find(By.ID, "period")).select_by_value("custom")
    driver.execute_script("arguments[0].value = arguments[1]", find(By.ID, "from"), f"{month.start}")
    driver.execute_script("arguments[0].value = arguments[1]", find(By.ID, "to"), f"{dt.date.today()}")
    find(By.ID, "count").click()
    _shown(driver, "heading", f"{month.start} 至 {dt.date.today()}")
    assert f"合计 {sum(received.values())} " in find(By.ID, "figures").text

    find(By.CSS_SELECTOR, "header form button").click()  # sign out
    _shown(driver, "sign-in", "登录")

    for db, code in ((ty, TY), (xh, XH)):
        report = SyncClient(db.sessions, server["url"], street["keys"][code]).sync_once()
        assert report.ok, report.errors
    with ty.sessions() as session:
        case = session.scalars(select(Case).where(Case.uuid == answered)).one()
        actions = [e.action for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
        notes = [e.note for e in case.events]
        assert case.status == "in_progress" and "街道城管科已到现场处置，请社区跟进回访" in notes
        assert "street_accept" in actions
        handed = session.scalars(select(Case).where(Case.uuid == moved)).one()
        assert handed.status == "in_progress"  # TY keeps its copy of the case it handed on
    with xh.sessions() as session:
        case = session.scalars(select(Case).where(Case.uuid == moved)).one()
        actions = {e.action for e in case.events}
        assert case.status == "in_progress" and {"escalate", "joint_meeting", "return"} <= actions
        meeting = next(e for e in case.events if e.action == "joint_meeting")
        assert meeting.data["owner"] == "新华社区 周主任" and meeting.note == "三个工作日内出具证明"
        assert session.scalar(select(Case.id).where(Case.uuid == answered)) is None  # not XH's
    ty.dispose()
    xh.dispose()
