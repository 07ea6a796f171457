"""Showing a document the desk produced (a case's receipt or notice, a certificate), and auditing
it when it is printed or saved.

The preview comes from the desk's context (``ctx.preview``: the real dialog, or in tests one whose
printer writes a file). Every preview deletes itself when it is closed, so a busy day of receipts
does not keep every document in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.printing.documents.cases import DocumentError, record_print, render_case_document
from app.printing.qt_bridge import PdfPreviewDialog, PrintError
from app.views.desk.context import DeskContext


def open_preview(
    ctx: DeskContext,
    title: str,
    pdf: bytes,
    *,
    suggested_name: str,
    parent: QWidget | None,
    on_output: Callable[[str], None] | None = None,
    modal: bool = True,
) -> PdfPreviewDialog:
    """Show ``pdf``; ``on_output(how)`` runs when it was printed (``打印（printer）``) or saved
    (``另存为PDF``). Raises PrintError when the PDF cannot be opened."""
    dialog = ctx.preview(title, pdf, suggested_name=suggested_name, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_output is not None:
        dialog.printed.connect(lambda printer: on_output(f"打印（{printer}）"))
        dialog.saved.connect(lambda _path: on_output("另存为PDF"))
    if modal:
        dialog.exec()
    else:
        dialog.show()
    return dialog


def show_case_document(ctx: DeskContext, case_no: str, parent: QWidget | None = None, *, modal: bool = True):
    try:
        with ctx.db.sessions() as session:
            title, pdf = render_case_document(session, case_no)
    except (DocumentError, PrintError) as exc:
        QMessageBox.warning(parent, "无法生成文书", str(exc))
        return None

    def audit(how: str) -> None:
        with ctx.db.sessions.begin() as session:
            record_print(session, case_no, title, actor=ctx.user.username, how=how)

    try:
        return open_preview(
            ctx,
            f"{title} — {case_no}",
            pdf,
            suggested_name=f"{case_no}-{title}.pdf",
            parent=parent,
            on_output=audit,
            modal=modal,
        )
    except PrintError as exc:
        QMessageBox.warning(parent, "无法生成文书", str(exc))
        return None
