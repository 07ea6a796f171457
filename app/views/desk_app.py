"""Starting the desk: application object, font, sign-in, main window, optional screenshot."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.db import Database
from app.services.admin import auth
from app.services.admin.centre import centre_name, current_community
from app.views.desk.context import DeskContext, StaffUser, pdf_preview
from app.views.fonts import install_chinese_font
from app.views.ops import ImmediateRunner, Runner, ThreadRunner
from app.views.translations import install_qt_translations

if TYPE_CHECKING:
    from app.printing.qt_bridge import PdfPreviewDialog


class DeskStartError(RuntimeError):
    """The desk cannot start as asked; one sentence for the person."""


# The offscreen platform (screenshots, tests) says this about every top-level window.
_QT_NOISE = ("This plugin does not support propagateSizeHints()",)


def _qt_messages(mode: QtMsgType, _context, message: str) -> None:
    """Qt's own warnings go to the log file (masked like everything else), not to the console."""
    if message in _QT_NOISE:
        return
    if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        print(f"Qt: {message}", file=sys.stderr, flush=True)  # the person must see why it stopped
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(mode, logging.ERROR)
    logging.getLogger("qt").log(level, "%s", message)


def choose_platform(*, screenshot: bool) -> None:
    """Screenshots need no screen: without a display they render offscreen. An interactive desk
    without any display stops with a sentence instead of Qt aborting."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    if screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    raise DeskStartError("没有图形显示环境（DISPLAY 未设置）：请在桌面会话中启动，或使用 --screenshot")


def application() -> QApplication:
    qInstallMessageHandler(_qt_messages)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("yichuang")
    app.setOrganizationName("yichuang")
    install_chinese_font(app)
    if not app.property("yichuang.translations"):  # once per application
        app.setProperty("yichuang.translations", bool(install_qt_translations(app)))
    return app


def desk_context(
    db: Database,
    user: StaffUser,
    *,
    runner: Runner | None = None,
    preview: Callable[..., PdfPreviewDialog] | None = None,
) -> DeskContext:
    """The signed-in desk's context; ``runner`` defaults to Qt's thread pool and ``preview`` to the
    real print preview (tests pass :class:`~app.views.ops.ImmediateRunner` and a preview whose
    printer writes a file)."""
    from app.services.admin.centre import CentreNotConfigured
    from app.services.admin.scope import scope_for

    try:
        with db.sessions() as session:
            community = current_community(session)
            return DeskContext(
                db,
                user,
                community.code,
                community.name,
                centre_name(community),
                community.hotline,
                runner or ThreadRunner(),
                preview or pdf_preview,
                scope_for(session, user.username),
            )
    except CentreNotConfigured as exc:
        raise DeskStartError(str(exc)) from None


def scripted_user(db: Database, username: str) -> StaffUser:
    with db.sessions() as session:
        user = auth.find_user(session, username)
        if user is None or not user.active:
            raise DeskStartError(f"用户“{username}”不存在或已停用")
        return StaffUser(user.username, user.display_name, user.role)


def run_desk(
    db: Database, screenshot: Path | None = None, *, user: str | None = None, lookup: str | None = None
) -> int:
    """Sign in (or, for screenshots and scripted checks, take ``user``), then open the desk."""
    from app.views.desk.login import LoginDialog
    from app.views.desk.main_window import DeskWindow

    choose_platform(screenshot=screenshot is not None)
    app = application()
    if user is None and not first_run(db, app, screenshot):
        return 0
    with db.sessions() as session:
        try:
            title = centre_name(current_community(session))
        except Exception:  # noqa: BLE001 — the login still works without a community
            title = "党群服务中心一窗受理系统"
    if user is None:
        login = LoginDialog(db, title)
        if screenshot is not None:
            return _save(app, login, screenshot)
        if login.exec() != QDialog.DialogCode.Accepted or login.user is None:
            return 0
        staff = login.user
    else:
        staff = scripted_user(db, user)
    # The screenshot must show the looked-up resident: its lookup runs at once, on this thread.
    runner = ImmediateRunner() if lookup else None
    window = DeskWindow(desk_context(db, staff, runner=runner))
    windows = [window]

    def another_person(user: StaffUser) -> None:
        """Someone else signed in at the locked desk: a fresh window with their own scope."""
        before = windows.pop()
        windows.append(DeskWindow(desk_context(db, user, runner=runner)))
        windows[-1].lock.user_changed.connect(another_person)
        windows[-1].place()
        before.close()
        before.deleteLater()

    window.lock.user_changed.connect(another_person)
    if screenshot is None:
        window.place()
    else:
        window.show()  # a picture of the window at its designed size, whatever the screen
    # Everything built so far lives as long as the window: move it out of the collector's way, so
    # a full collection during a swipe does not walk a quarter of a million long-lived objects.
    gc.collect()
    gc.freeze()
    if lookup:
        window.intake.id_field.setText(lookup)
        window.intake.look_up(lookup)
    if screenshot is not None:
        return _save(app, window, screenshot)
    return app.exec()


def first_run(db: Database, app: QApplication, screenshot: Path | None) -> bool:
    """A database with no street opens the set-up assistant instead of the sign-in; False when it
    was closed without finishing (or only pictured)."""
    from app.services.setup.first_run import needs_first_run
    from app.views.desk.first_run_wizard import FirstRunWizard

    with db.sessions() as session:
        if not needs_first_run(session):
            return True
    wizard = FirstRunWizard(db, ImmediateRunner() if screenshot is not None else ThreadRunner())
    if screenshot is not None:
        _save(app, wizard, screenshot)
        return False
    return wizard.exec() == QDialog.DialogCode.Accepted


def _save(app: QApplication, widget: QWidget, target: Path) -> int:
    widget.show()
    app.processEvents()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(target)):
        raise OSError(f"无法写入截图 {target}")
    widget.close()
    return 0
