"""The world the fault test runs in: community desks (each its own SQLite database and community,
driven in-process through the services the desk calls), the street server as a real process on
the test's database, the street office answering escalations over HTTP, and the proxy every
desk's sync goes through.

A step is one thing that happens in a working day, drawn from the seeded ``random.Random``: an
intake, a case step, an escalation, the street's answer (sometimes handing the case to another
community: 一体通办), a certificate issued or voided, a sync round through the faulty network,
the server killed with kill -9 while a push is in flight, a backup taken with the ``backup``
command, or a desk put back to one of its older backups. Every step is written to the journal,
and every record remembers the steps that touched it, so a broken invariant names the steps
behind it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

import httpx
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.db import Database, open_database
from app.models import Case, Certificate, Resident
from app.services.admin.centre import set_current_community
from app.services.admin.restored import RestoredCopyError
from app.services.cases import intake, workflow
from app.services.certificates.issue import issue_certificate
from app.services.certificates.register import CertificateError, void
from app.services.certificates.templates import TemplateValueError
from app.services.sync import pending
from app.services.sync.client import SyncClient
from app.services.sync.settings import save_settings
from app.street import admin, store
from app.street.models import STREET, StreetCase
from tests.integration.conftest import cli, free_port, start_server
from tests.integration.faults.proxy import FaultyProxy

COMMUNITIES = ("610202010001", "610202010002", "610202010003")  # 桃园, 新华, 东风 in the demo street
STREET_CODE = "JD"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WEIGHTS = {
    "intake": 16,
    "case_step": 22,
    "escalate": 7,
    "street_answer": 8,
    "certificate": 6,
    "void": 2,
    "sync": 30,
    "kill_push": 3,
    "backup": 3,
    "restore": 2,
}
FORCED_BY = {"transfer": "street_answer"}  # a scenario reached through another step's action
NOTES = {
    "escalate": "需街道协调",
    "complete": "已按规定办结",
    "call_back": "回访：群众认可",
    "reopen": "群众反映未解决，重新办理",
    "withdraw": "申请人撤回",
    "progress": "已电话联系申请人",
    "supervise": "超期预警，请加快办理",
}


class PlainRenderer:
    """Certificates drawn as a few bytes: the fault test is about the register travelling, not
    about PDFs, and a real PDF costs more than the rest of an issue."""

    def missing_glyphs(self, values):
        return {}

    def render(self, job) -> bytes:
        return b"%PDF-1.4 " + job.serial.encode()

    def render_batch(self, jobs, drawn) -> bytes:
        pages = [self.render(job) for job in jobs]
        for index in range(len(pages)):
            drawn(index)
        return b"".join(pages)


@dataclass
class Desk:
    code: str
    name: str  # the community's short code, as in its case numbers
    path: Path
    db: Database
    key: str = ""
    backups: list[Path] = field(default_factory=list)


@dataclass
class Settings:
    seed: int
    desks: int = 3
    fault_rate: float = 0.2  # share of requests that meet a fault while the network is bad
    client_timeout_s: float = 2.0  # a loaded machine answers well within it
    stall_s: float = 2.5  # longer than the client's timeout
    batch_size: int = 40  # small, so that a push takes several requests and a cut falls between them
    heal_passes: int = 8


class World:
    def __init__(self, settings: Settings, folder: Path, demo_db_file: Path, database_url: str):
        self.settings = settings
        self.rng = Random(settings.seed)
        self.folder = folder
        self.database_url = database_url
        self.env = {
            **os.environ,
            "YICHUANG_LOG_DIR": str(folder / "logs"),
            "YICHUANG_DB": str(folder / "unused.db"),
        }
        self.desks = [self._desk(demo_db_file, code) for code in COMMUNITIES[: settings.desks]]
        self.journal: list[str] = []
        self.touched: dict[str, list[int]] = {}
        self.counts: Counter[str] = Counter()
        self.heal_errors: list[str] = []
        self.desk_errors: list[str] = []  # what a desk could not do that staff do every day
        self.quiet = False
        self.server: subprocess.Popen | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proxy = FaultyProxy(
            self.port, Random(self.rng.random()), rate=settings.fault_rate, stall_s=settings.stall_s
        )
        self.sessions = None
        self.street_key = ""
        self.renderer = PlainRenderer()
        self.today = dt.date.today()

    # --- setting up and taking down ----------------------------------------------------------
    def _desk(self, demo_db_file: Path, code: str) -> Desk:
        path = self.folder / f"desk-{code}.db"
        shutil.copy(demo_db_file, path)
        db = open_database(f"sqlite:///{path}")
        with db.sessions.begin() as session:
            name = set_current_community(session, code).short_code
        return Desk(code, name, path, db)

    def start(self) -> None:
        self.server = start_server(self.database_url, self.port, self.folder / "server.log", self.env)
        self.sessions = store.open_store(self.database_url, migrate=False)
        self.street_key = admin.register(self.sessions, STREET_CODE, "桃园街道办事处", role="street")[
            "api_key"
        ]
        for desk in self.desks:
            desk.key = admin.register(self.sessions, desk.code, f"社区{desk.name}")["api_key"]
        self.proxy.start()
        for desk in self.desks:  # as at a centre: the desk knows its street server
            with desk.db.sessions.begin() as session:
                save_settings(session, f"http://127.0.0.1:{self.proxy.port}", desk.key)

    def close(self) -> None:
        self.proxy.stop()
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=10)
        if self.sessions is not None:
            self.sessions.kw["bind"].dispose()
        for desk in self.desks:
            desk.db.dispose()

    # --- the run --------------------------------------------------------------------------------
    def run(self, steps: int, must_reach: Sequence[str] = ()) -> None:
        """``steps`` steps drawn by the seed. In the last third, every other step is instead the
        first scenario of ``must_reach`` that has not happened yet, so that a bounded run reaches
        each one however the faults delayed what it needs (an answer needs an escalation the
        street holds, a restore a backup, a killed push a push): the seed fixes the draws, not
        the order in which the network lets things through, so its path differs by machine."""
        late = steps - steps // 3
        for index in range(steps):
            missing = [kind for kind in must_reach if not self.counts[kind]]
            if missing and index >= late and (index - late) % 2 == 0:
                self.step(FORCED_BY.get(missing[0], missing[0]))
            else:
                self.step()

    def step(self, forced: str | None = None) -> None:
        kinds = list(WEIGHTS)
        kind = forced or self.rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        desk = self.rng.choice(self.desks)
        if forced == "street_answer":
            escalated = self.street_answer()
            if escalated is not None:  # nothing was waiting: send the escalation up for the next try
                self.sync(escalated)
            self.proxy.wait_idle(timeout=self.settings.stall_s * 3 + 30)
            return
        actions: dict[str, Callable[[Desk], None]] = {
            "intake": self.intake,
            "case_step": self.case_step,
            "escalate": self.escalate,
            "street_answer": lambda _desk: self.street_answer(),
            "certificate": self.certificate,
            "void": self.void,
            "sync": self.sync,
            "kill_push": self.kill_push,
            "backup": self.backup,
            "restore": self.restore,
        }
        actions[kind](desk)
        self.proxy.wait_idle(timeout=self.settings.stall_s * 3 + 30)

    def note(self, kind: str, text: str, *uuids: str) -> None:
        self.counts[kind] += 1
        self.journal.append(f"{kind}: {text}")
        for uuid in uuids:
            self.touched.setdefault(uuid, []).append(len(self.journal))

    def story(self, uuid: str, last: int = 5) -> str:
        """The last steps that touched a record, as the failure message shows them (a restore
        touches everything its desk held)."""
        steps = self.touched.get(uuid, [])[-last:]
        return "; ".join(f"step {n} ({self.journal[n - 1]})" for n in steps) or "no step touched it here"

    # --- the desks' work ----------------------------------------------------------------------
    def _resident(self, session) -> Resident:
        count = session.scalar(
            select(func.count()).select_from(Resident).where(Resident.household_id.is_not(None))
        )
        return session.scalars(
            select(Resident)
            .where(Resident.household_id.is_not(None))
            .order_by(Resident.id)
            .offset(self.rng.randrange(count))
            .limit(1)
        ).one()

    def intake(self, desk: Desk) -> None:
        try:
            with desk.db.sessions.begin() as session:
                item = intake.find_item(session, "ZM-001")
                case = intake.accept(
                    session,
                    item_code="ZM-001",
                    resident=self._resident(session),
                    actor="qiantai",
                    materials_received=list(item.materials),
                    today=self.today,
                )
                session.flush()
                number, uuid = case.case_no, case.uuid
        except IntegrityError as exc:  # the desk cannot hand out a number: staff would be stuck
            self.failed(desk, "cannot accept a case", exc)
            return
        except RestoredCopyError:  # put back from a copy, not caught up yet: as designed
            self.note("paused", f"{desk.name} gives no case number before its first round since the restore")
            return
        self.note("intake", f"{desk.name} accepts {number}", uuid)

    def failed(self, desk: Desk, what: str, exc: Exception) -> None:
        reason = str(exc.orig) if isinstance(exc, IntegrityError) else str(exc)
        self.note("desk_error", f"{desk.name} {what}: {reason}")
        self.desk_errors.append(f"step {len(self.journal)}: {desk.name} {what}: {reason}")

    def _cases(self, session, *statuses: str) -> list[Case]:
        query = select(Case).order_by(Case.uuid)
        if statuses:
            query = query.where(Case.status.in_(statuses))
        return list(session.scalars(query))

    def case_step(self, desk: Desk) -> None:
        with desk.db.sessions.begin() as session:
            cases = [c for c in self._cases(session) if self._actions(c)]
            if cases:
                case = self.rng.choice(cases)
                action = self.rng.choice(self._actions(case))
                before = case.status
                self._apply(session, case, action)
                text = f"{desk.name} {action} {case.case_no} ({before} -> {case.status}, v{case.version})"
                uuid = case.uuid
        if not cases:
            self.intake(desk)
            return
        self.note("case_step", text, uuid)

    @staticmethod
    def _actions(case: Case) -> list[str]:
        return [a for a in workflow.allowed_actions(case) if a != "return"]  # the street answers

    def _apply(self, session, case: Case, action: str) -> None:
        workflow.apply(
            session,
            case,
            action,
            actor="houtai",
            note=NOTES.get(action, ""),
            to="民政科" if action == "dispatch" else "桃园街道",
            evaluation=self.rng.choice(workflow.EVALUATIONS),
            due_date=self.today + dt.timedelta(days=10),
        )

    def escalate(self, desk: Desk) -> None:
        with desk.db.sessions.begin() as session:
            cases = self._cases(session, "in_progress") or self._cases(session, "accepted")
            if cases:
                case = self.rng.choice(cases)
                if case.status == "accepted":
                    self._apply(session, case, "dispatch")
                self._apply(session, case, "escalate")
                text, uuid = f"{desk.name} escalates {case.case_no} (v{case.version})", case.uuid
        if not cases:
            self.intake(desk)
            return
        self.note("escalate", text, uuid)

    def street_answer(self) -> Desk | None:
        """The street answers an escalation it holds; with none, a desk escalates instead, and
        that desk is returned."""
        with self.sessions() as session:
            waiting = list(
                session.execute(
                    select(StreetCase.uuid, StreetCase.case_no, StreetCase.escalated_from)
                    .where(StreetCase.status == "escalated", StreetCase.owner_community == STREET)
                    .order_by(StreetCase.uuid)
                )
            )
        if not waiting:
            desk = self.rng.choice(self.desks)
            self.escalate(desk)
            return desk
        uuid, number, escalated_from = self.rng.choice(waiting)
        status = self.rng.choice(["in_progress", "completed"])
        others = [d.code for d in self.desks if d.code != escalated_from]
        transfer = self.rng.random() < 0.5
        if not (self.counts["street_answer"] and self.counts["transfer"]):
            # Until both kinds of answer have happened, they take turns (a plain answer first), so
            # that a bounded run reaches both however the faults delay the escalations.
            transfer = self.counts["street_answer"] > 0
        target = self.rng.choice(others) if transfer else None
        answer = httpx.post(
            f"{self.url}/api/v1/street/cases/{uuid}/answer",
            headers={"Authorization": f"Bearer {self.street_key}"},
            json={
                "status": status,
                "note": "街道已协调处置",
                **({"owner_community": target} if target else {}),
            },
            timeout=30,
        )
        answer.raise_for_status()
        if target:
            self.note(
                "transfer", f"street answers {number}: {status}, transferred to {self._name(target)}", uuid
            )
        else:
            self.note("street_answer", f"street answers {number}: {status}", uuid)
        return None

    def certificate(self, desk: Desk) -> None:
        try:
            with desk.db.sessions.begin() as session:
                issued = issue_certificate(
                    session,
                    self.renderer,
                    template_code="JZZM",
                    resident=self._resident(session),
                    staff_values={"purpose": "办理居住证", "since": "2012-05-01"},
                    actor="qiantai",
                    today=self.today,
                )
                uuid = session.scalar(select(Certificate.uuid).where(Certificate.serial == issued.serial))
        except (CertificateError, TemplateValueError) as exc:  # the resident's record lacks a field
            self.note("certificate", f"{desk.name} cannot issue: {exc}")
            return
        except IntegrityError as exc:
            self.failed(desk, "cannot issue a certificate", exc)
            return
        except RestoredCopyError:
            self.note("paused", f"{desk.name} gives no serial before its first round since the restore")
            return
        self.note("certificate", f"{desk.name} issues {issued.serial}", uuid)

    def void(self, desk: Desk) -> None:
        with desk.db.sessions.begin() as session:
            valid = list(
                session.execute(
                    select(Certificate.serial, Certificate.uuid)
                    .where(Certificate.status == "valid")
                    .order_by(Certificate.serial)
                )
            )
            if valid:
                serial, uuid = self.rng.choice(valid)
                void(session, serial, "信息有误", "qiantai")
        if not valid:
            self.certificate(desk)
            return
        self.note("void", f"{desk.name} voids {serial}", uuid)

    # --- the network, the server, the backups -----------------------------------------------------
    def _round(self, desk: Desk, *, timeout: float) -> dict:
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(timeout=timeout, limits=limits) as http:
            client = SyncClient(
                desk.db.sessions,
                f"http://127.0.0.1:{self.proxy.port}",
                desk.key,
                http=http,
                batch_size=self.settings.batch_size,
                in_flight=1,  # one request at a time: the proxy draws its faults in arrival order
            )
            return client.sync_once().as_dict()

    def sync(self, desk: Desk) -> None:
        report = self._round(desk, timeout=self.settings.client_timeout_s)
        self.note("sync", f"{desk.name} syncs: {_summary(report)}", *_mentioned(report))

    def _waiting(self, desk: Desk) -> int:
        with desk.db.sessions() as session:
            return pending.count_waiting(session)

    def kill_push(self, desk: Desk) -> None:
        if not self._waiting(desk):
            self.intake(desk)
        self.proxy.arm_kill("/api/v1/push", self._kill_server)
        report = self._round(desk, timeout=self.settings.client_timeout_s)
        self.proxy.wait_idle(timeout=self.settings.stall_s * 3 + 30)
        unused = self.proxy.disarm()
        if self.server.poll() is None:
            self.note(
                "kill_missed",
                f"{desk.name} syncs, no push reached the server: {_summary(report)}",
                *_mentioned(report),
            )
            return
        self.server = start_server(self.database_url, self.port, self.folder / "server.log", self.env)
        assert not unused
        self.note(
            "kill_push",
            f"server killed during {desk.name}'s push, restarted: {_summary(report)}",
            *_mentioned(report),
        )

    def _kill_server(self) -> None:
        self.server.send_signal(signal.SIGKILL)
        self.server.wait(timeout=10)

    def backup(self, desk: Desk) -> None:
        target = self.folder / f"backup-{desk.name}-{len(self.journal) + 1}.db"
        done = cli("backup", "--out", str(target), env={**self.env, "YICHUANG_DB": str(desk.path)})
        assert done.returncode == 0, done.stderr
        desk.backups.append(target)
        self.note("backup", f"{desk.name} backed up to {target.name}")

    def restore(self, desk: Desk) -> None:
        """One of the desks that has backups is put back to one of them (the drawn desk takes a
        backup when none has any)."""
        backed_up = [d for d in self.desks if d.backups]
        if not backed_up:
            self.backup(desk)
            return
        desk = self.rng.choice(backed_up)
        source = self.rng.choice(desk.backups)
        with desk.db.sessions() as session:  # everything it held is put back or lost
            held = [*session.scalars(select(Case.uuid)), *session.scalars(select(Certificate.uuid))]
        desk.db.dispose()
        for leftover in (desk.path, Path(f"{desk.path}-wal"), Path(f"{desk.path}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copy(source, desk.path)
        desk.db = open_database(f"sqlite:///{desk.path}")
        self.note("restore", f"{desk.name} restored from {source.name}", *held)

    # --- the end ------------------------------------------------------------------------------
    def heal(self) -> None:
        """The network is good again: every desk syncs until a whole pass moves nothing."""
        self.proxy.heal()
        self.proxy.wait_idle(timeout=self.settings.stall_s * 3 + 30)
        for attempt in range(1, self.settings.heal_passes + 1):
            moved = 0
            for desk in self.desks:
                report = self._round(desk, timeout=30.0)
                self.note("heal", f"{desk.name} syncs: {_summary(report)}", *_mentioned(report))
                self.heal_errors += [f"{desk.name}: {e}" for e in report["errors"]]
                moved += report["pushed"] + report["pulled"] + int(report["offline"])
            if not moved:
                self.quiet = True
                self.counts["heal_passes"] = attempt
                return

    def _name(self, code: str | None) -> str:
        return next((d.name for d in self.desks if d.code == code), code or "")


def _summary(report: dict) -> str:
    parts = [
        f"pushed {report['pushed']} (applied {report['applied']}, unchanged {report['unchanged']}, "
        f"stale {report['stale']}, rejected {report['rejected']})",
        f"pulled {report['pulled']}",
    ]
    if report["offline"]:
        parts.append(f"stopped: {report['errors'][-1]}")
    elif report["errors"]:
        parts.append(f"{len(report['errors'])} errors, the first: {report['errors'][0]}")
    return ", ".join(parts)


def _mentioned(report: dict) -> set[str]:
    """The records a round's errors name (an event not saved names its case too)."""
    return {uuid for error in report["errors"] for uuid in UUID.findall(error)}
