"""The pull: what the street addressed to this community, page by page, until the server says
there is no more. The cursor is the server's number, kept per server URL."""

from __future__ import annotations

from app.models.outbox import APPLYING
from app.services.admin import restored
from app.services.admin.centre import current_community
from app.services.sync import apply as sync_apply
from app.services.sync import records as sync_records
from app.services.sync.settings import sync_state
from app.services.sync.transport import UNREADABLE, SyncFailure, SyncReport, Transport

PULL_LIMIT = 500


class Pulling(Transport):
    def _pull(self, report: SyncReport, receipt: int, round_first: int | None) -> None:
        """``receipt``: the desk's receipt before this round; its own writes after that, and before
        this round's (``round_first``), come back: a desk restored from an older copy lacks them."""
        with self.sessions.begin() as session:
            state = sync_state(session)
            if state.server_url != self.server_url:  # a cursor means nothing to another server
                state.cursor, state.server_url = 0, self.server_url
            cursor = state.cursor
        params = {"limit": PULL_LIMIT}
        # Always asked, from 0 for a desk without a receipt: a copy made before the desk's first
        # round (or restored from one) holds none of the writes the server has from it.
        params["own_since"] = receipt or 0
        if round_first:
            params["own_before"] = round_first
        while True:
            response = self._again("GET", "/api/v1/pull", params={"cursor": cursor, **params})
            body = self._json(response)
            page = body.get("records") or []
            new_cursor = body.get("cursor")
            if not isinstance(new_cursor, int) or not isinstance(page, list):
                raise SyncFailure(UNREADABLE)
            report.note_server_time(body)
            records, errors = sync_records.read_page(page, certificates=True)  # own, after a restore
            with self.sessions() as session:
                session.info[APPLYING] = True  # what comes down is not sent back up
                with session.begin():
                    here = current_community(session).code
                    failed, conflicts = sync_apply.apply_page(session, records, here)
                    errors += failed
                    sync_state(session).cursor = new_cursor
            report.pulled += len(page)
            report.errors.extend(errors)
            report.conflicts.extend(conflicts)
            if not body.get("more") or new_cursor == cursor:
                with self.sessions.begin() as session:  # every own write up to here is here now
                    state = sync_state(session)
                    state.receipt = max(state.receipt or 0, new_cursor)
                    restored.caught_up(session)  # a copy put back has its own numbers back now
                break
            cursor = new_cursor
