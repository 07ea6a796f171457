"""The desk's tabs, each page built the first time it is shown or asked for.

A desk opens on 一窗受理 and most sessions of the day never leave it; building the other pages at
start-up (their modules, their queries, their tables) cost a third of the time to a usable window.
A page built late is built from the database as it is then, so it needs no refresh of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Holds the place of a page in the tabs until the page is needed."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self._build: Callable[[], QWidget] | None = build
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._page is not None

    def page(self) -> QWidget:
        if self._page is None:
            assert self._build is not None
            build, self._build = self._build, None
            self._page = build()
            self.layout().addWidget(self._page)
            # shown with the holder now, not on a later turn of the event loop (as a widget added
            # to a visible parent would be): the page reads its data in its own showEvent
            self._page.setVisible(True)
        return self._page

    def showEvent(self, event) -> None:  # noqa: N802 — Qt's name
        self.page()
        super().showEvent(event)


class PageTabs(QTabWidget):
    """A tab widget that takes pages built now or later; ``setCurrentWidget`` accepts the page
    itself as well as its place-holder, so callers need not know which pages are lazy."""

    def add_later(self, build: Callable[[], QWidget], title: str) -> LazyPage:
        holder = LazyPage(build)
        self.addTab(holder, title)
        return holder

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 — Qt's name
        holder = widget.parentWidget()
        super().setCurrentWidget(holder if isinstance(holder, LazyPage) else widget)

    def current_page(self) -> QWidget | None:
        """The page shown now, not its place-holder."""
        current = self.currentWidget()
        return current.page() if isinstance(current, LazyPage) else current
