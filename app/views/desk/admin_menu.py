"""The administrator's entries of the 设置 menu: 事项清单… and 审计日志…. Other accounts do not see
them (the commands behind them refuse other accounts too)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from app.views.desk.context import DeskContext


def add_admin_actions(window: QMainWindow, menu: QMenu, ctx: DeskContext) -> list[QAction]:
    """Add the entries to ``menu`` if the signed-in person is an administrator."""
    if ctx.user.role != "admin":
        return []
    catalogue = QAction("事项清单…", window)
    catalogue.triggered.connect(lambda: open_catalogue_editor(window, ctx))
    audit_log = QAction("审计日志…", window)
    audit_log.triggered.connect(lambda: open_audit_log(window, ctx))
    menu.addSeparator()
    menu.addAction(catalogue)
    menu.addAction(audit_log)
    return [catalogue, audit_log]


def open_catalogue_editor(window: QMainWindow, ctx: DeskContext):
    from app.views.desk.catalogue_editor import CatalogueEditor

    dialog = CatalogueEditor(ctx, window)
    dialog.exec()
    return dialog


def open_audit_log(window: QMainWindow, ctx: DeskContext):
    from app.views.desk.audit_log_dialog import AuditLogDialog

    dialog = AuditLogDialog(ctx, window)
    dialog.exec()
    return dialog
