"""打印一户一档 / 打印一幢一册 from the resident panel: the file of the household or building of the
person on screen, drawn on the desk's runner and shown in the print preview.

Making the file is audited by the service (each member of the household, or the building's list);
printing or saving it from the preview adds one more entry saying how. ID numbers and phones are
full only for roles that see full data, and a grid worker prints only their own grids.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import QMessageBox, QWidget

from app.printing.qt_bridge import PrintError
from app.services.common import audit
from app.services.population.books import BookError, building_book, building_code, household_file
from app.views.desk.context import DeskContext
from app.views.desk.resident_panel import ResidentPanel
from app.views.ops import Op, failure_text


class PopulationFile(NamedTuple):
    title: str
    pdf: bytes
    file_name: str


class PopulationPrinting:
    """Connects a resident panel's two buttons to the files; keep a reference while the panel lives."""

    def __init__(self, ctx: DeskContext, panel: ResidentPanel, parent: QWidget):
        self.ctx, self.panel, self.parent = ctx, panel, parent
        panel.print_household.connect(self.household)
        panel.print_building.connect(self.building)

    def _shown_number(self) -> str | None:
        record = self.panel.record
        return record.resident.id_number if record is not None else None

    def household(self) -> None:
        number = self._shown_number()
        if number is None:
            return
        ctx = self.ctx
        db, scope, full, actor = ctx.db, ctx.scope, ctx.user.sees_full_id_numbers, ctx.user.username

        def work() -> PopulationFile:
            from app.printing.documents.population_books import (
                render_household_file,
            )  # reportlab loads on first use

            with db.sessions.begin() as session:
                data = household_file(session, number, scope=scope, full_data=full, actor=actor)
                pdf = render_household_file(data, centre_name=ctx.centre_name)
            label = f"{data.building}{data.unit}单元{data.room}室"
            return PopulationFile(f"一户一档 — {label}", pdf, f"一户一档-{label}.pdf")

        Op(self.parent, work, runner=ctx.runner).success(self._show).failure(self._failed).run()

    def building(self) -> None:
        number = self._shown_number()
        if number is None:
            return
        ctx = self.ctx
        db, scope, full, actor = ctx.db, ctx.scope, ctx.user.sees_full_id_numbers, ctx.user.username

        def work() -> PopulationFile:
            from app.printing.documents.population_books import (
                render_building_book,
            )  # reportlab loads on first use

            with db.sessions.begin() as session:
                code = building_code(session, number, scope=scope)
                data = building_book(session, code, scope=scope, full_data=full, actor=actor)
                pdf = render_building_book(data, centre_name=ctx.centre_name)
            return PopulationFile(f"一幢一册 — {data.building}", pdf, f"一幢一册-{data.building}.pdf")

        Op(self.parent, work, runner=ctx.runner).success(self._show).failure(self._failed).run()

    def _show(self, made: PopulationFile) -> None:
        from app.views.desk.document_dialog import open_preview

        db, actor = self.ctx.db, self.ctx.user.username

        def output(how: str) -> None:
            with db.sessions.begin() as session:
                audit.record(session, actor=actor, action="print", subject=made.title, purpose=how)

        try:
            open_preview(
                self.ctx,
                made.title,
                made.pdf,
                suggested_name=made.file_name,
                parent=self.parent,
                on_output=output,
            )
        except PrintError as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        known = isinstance(exc, BookError | PrintError)
        QMessageBox.warning(self.parent, "无法生成档案", str(exc) if known else failure_text(exc))
