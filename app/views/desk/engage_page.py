"""社区治理: the desk's tab for work beyond the window — 微心愿, 走访, 议事 and 共建单位, one page each."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from app.views.desk.context import DeskContext
from app.views.desk.deliberations_page import DeliberationsPage
from app.views.desk.partners_page import PartnersPage
from app.views.desk.visits_page import VisitsPage
from app.views.desk.wishes_page import WishesPage


class EngagePage(QTabWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.wishes = WishesPage(ctx)
        self.visits = VisitsPage(ctx)
        self.addTab(self.wishes, "微心愿")
        self.meetings = DeliberationsPage(ctx)
        self.partners = PartnersPage(ctx)
        self.addTab(self.visits, "走访")
        self.addTab(self.meetings, "议事")
        self.addTab(self.partners, "共建单位")
