"""Showing a case's document after intake, and auditing it when it is printed or saved."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.printing.case_documents import DocumentError, record_print, render_case_document
from app.printing.qt_bridge import PdfPreviewDialog, PrintError
from app.views.desk.context import DeskContext

# Tests set this to a PdfPreviewDialog subclass whose printer writes a file; None = the real one.
preview_class: type[PdfPreviewDialog] = PdfPreviewDialog
open_dialogs: list[PdfPreviewDialog] = []


def show_case_document(ctx: DeskContext, case_no: str, parent: QWidget | None = None, *, modal: bool = True):
    try:
        with ctx.db.sessions() as session:
            title, pdf = render_case_document(session, case_no)
    except (DocumentError, PrintError) as exc:
        QMessageBox.warning(parent, "无法生成文书", str(exc))
        return None
    dialog = preview_class(
        f"{title} — {case_no}", pdf, suggested_name=f"{case_no}-{title}.pdf", parent=parent
    )

    def audit(how: str) -> None:
        with ctx.db.sessions.begin() as session:
            record_print(session, case_no, title, actor=ctx.user.username, how=how)

    dialog.printed.connect(lambda printer: audit(f"打印（{printer}）"))
    dialog.saved.connect(lambda path: audit("另存为PDF"))
    open_dialogs.append(dialog)
    dialog.finished.connect(lambda _r: open_dialogs.remove(dialog) if dialog in open_dialogs else None)
    if modal:
        dialog.exec()
    else:
        dialog.show()
    return dialog
