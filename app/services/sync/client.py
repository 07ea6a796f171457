"""The community's side of the sync with the street office (protocol v2, docs/SYNC.md).

One round (:meth:`SyncClient.sync_once`) pushes the outbox in batches (push), then pulls what the
street addressed to this community until the server says there is no more (pull). A database put
back from a copy pulls first as well, so that its own writes made after the copy are here before
anything of its own is sent (app.services.sync.renumber). The server's
clock orders everything: the pull cursor is the server's, "last success" is the server's time, and
no local timestamp is ever compared with one of the server's, so a desk with a wrong clock syncs
the same.

Nothing here raises on a network failure: the round stops, the outbox stays as it was, and the
report (and the desk's indicator) says what happened in one plain sentence. No Qt here.
"""

from __future__ import annotations

import logging

import httpx
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.services.admin.restored import copy_made_at
from app.services.sync import pending
from app.services.sync import records as sync_records
from app.services.sync.monthly import MonthlySending
from app.services.sync.pull import Pulling
from app.services.sync.push import BATCH_SIZE, IN_FLIGHT, Pushing
from app.services.sync.settings import sync_state
from app.services.sync.transport import DB_BUSY, OFFLINE, RESENDS, SyncFailure, SyncReport

log = logging.getLogger(__name__)


class SyncClient(Pushing, Pulling, MonthlySending):
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        server_url: str,
        api_key: str,
        *,
        http: httpx.Client | None = None,
        batch_size: int = BATCH_SIZE,
        timeout: float = 30.0,
        in_flight: int = IN_FLIGHT,
        resends: int = RESENDS,
    ):
        """``in_flight``: pushes on their way at once (1: one after the other); ``resends``: how
        often a request whose answer did not come (a push under its own batch id, ``known``, a
        pull page) is sent again before the round ends (0: never; the next round's question to
        the server then settles a lost push)."""
        super().__init__(session_factory, server_url, api_key, http=http, timeout=timeout)
        self.batch_size = max(1, min(batch_size, BATCH_SIZE))
        self.in_flight = max(1, in_flight)
        self.resends = max(0, resends)

    def sync_once(self) -> SyncReport:
        """Push, then pull. Never raises for network, server or key problems."""
        report = SyncReport()
        try:
            with self.sessions() as session:
                receipt = sync_state(session).receipt or 0
                restored = copy_made_at(session) is not None
            self.round_first = None
            if restored:  # a copy put back: the numbers given after it come down before anything goes up
                self._pull(report, receipt, None)
                with self.sessions() as session:
                    receipt = sync_state(session).receipt or 0
            self._push(report)
            self._send_monthly(report)
            self._pull(report, receipt, self.round_first)
        except SyncFailure as exc:
            report.offline = True
            report.errors.append(str(exc))
        except OperationalError:
            log.warning("sync round stopped: database busy")
            report.offline = True
            report.errors.append(DB_BUSY)
        self._finish(report)
        log.info(
            "sync round: pushed %d (applied %d, unchanged %d, stale %d, rejected %d), pulled %d, offline %s",
            report.pushed,
            report.applied,
            report.unchanged,
            report.stale,
            report.rejected,
            report.pulled,
            report.offline,
        )
        return report

    def _finish(self, report: SyncReport) -> None:
        try:
            with self.sessions.begin() as session:
                state = sync_state(session)
                now = utcnow()
                state.last_attempt_at = now
                server_time = sync_records.parse_datetime(report.server_time) if report.server_time else None
                if server_time is not None:
                    state.server_time_offset_s = (server_time - now).total_seconds()
                if report.offline:
                    state.last_error = report.errors[-1] if report.errors else OFFLINE
                else:
                    state.last_success_at = server_time or now
                    state.last_error = ""
                    state.held_back_note = report.held_back_note[:300]
                    pending.forget_sent(session, now)
        except OperationalError:
            log.warning("sync state not saved: database busy")
