"""Showing a document the desk produced (a case's receipt or notice, a certificate), and auditing
it when it is printed or saved. A case's document is drawn on the desk's runner, off the GUI
thread.

The preview comes from the desk's context (``ctx.preview``: the real dialog, or in tests one whose
printer writes a file). Every preview deletes itself when it is closed, so a busy day of receipts
does not keep every document in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.printing.qt_bridge import PdfPreviewDialog, PrintError
from app.services.cases.documents import DocumentError, record_print
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from app.printing.documents.cases import RenderedDocument


def open_preview(
    ctx: DeskContext,
    title: str,
    pdf: bytes,
    *,
    suggested_name: str,
    parent: QWidget | None,
    on_output: Callable[[str], None] | None = None,
    on_closed: Callable[[], None] | None = None,
    modal: bool = True,
) -> PdfPreviewDialog:
    """Show ``pdf``; ``on_output(how)`` runs when it was printed (``打印（printer）``) or saved
    (``另存为PDF``), ``on_closed()`` when the person closes it. Raises PrintError when the PDF
    cannot be opened."""
    dialog = ctx.preview(title, pdf, suggested_name=suggested_name, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    fit_to_screen(dialog, dialog.width(), dialog.height())  # 打印 and 关闭 stay on a 768-line screen
    if on_output is not None:
        dialog.printed.connect(lambda printer: on_output(f"打印（{printer}）"))
        dialog.saved.connect(lambda _path: on_output("另存为PDF"))
    if on_closed is not None:
        dialog.finished.connect(lambda _result: on_closed())
    if modal:
        dialog.exec()
    else:
        dialog.show()
    return dialog


def show_case_document(
    ctx: DeskContext,
    case_no: str,
    parent: QWidget | None = None,
    *,
    modal: bool = True,
    on_closed: Callable[[], None] | None = None,
) -> None:
    """Draw the case's document on the desk's runner, then preview it; printing and saving it
    are audited. A document that cannot be drawn is explained in a message."""
    db, actor = ctx.db, ctx.user.username

    def work() -> RenderedDocument:
        from app.printing.documents.cases import render_case_document  # reportlab loads on first use

        with db.sessions() as session:
            return render_case_document(session, case_no)

    def audit(title: str, how: str) -> None:
        with db.sessions.begin() as session:
            record_print(session, case_no, title, actor=actor, how=how)

    def show(document: RenderedDocument) -> None:
        try:
            open_preview(
                ctx,
                f"{document.title} — {case_no}",
                document.pdf,
                suggested_name=f"{case_no}-{document.title}.pdf",
                parent=parent,
                on_output=lambda how: audit(document.title, how),
                on_closed=on_closed,
                modal=modal,
            )
        except PrintError as exc:
            failed(exc)

    def failed(exc: Exception) -> None:
        known = isinstance(exc, DocumentError | PrintError)
        QMessageBox.warning(parent, "无法生成文书", str(exc) if known else failure_text(exc))

    Op(parent, work, runner=ctx.runner).success(show).failure(failed).run()
