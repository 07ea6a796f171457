"""The demo street's monthly report upward (月度工作报表) for the month before the demo's day, with
a few lines of notes, so the 统计 tab's 月度工作报表… and the street office's view show one on a
fresh demo; it waits for the first sync like any other."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.services.admin.scope import WHOLE_STREET
from app.services.reports.monthly import make_monthly_report

NOTES = """本月以“一窗受理、全科服务”为抓手，窗口与自助终端共同受理群众办件，12345工单均按时回复。
开展网格走访，重点关注独居老人、困境儿童等重点人群，及时上报并处置环境卫生、设施维修等问题。
对不满意评价逐件回访、重新办理，下月将继续压缩办理时限，提升群众满意度。"""


def add_demo_monthly_report(session: Session, today: dt.date) -> str:
    """Makes last month's report as the demo's own actor (like its other records); returns the month."""
    month = today.replace(day=1) - dt.timedelta(days=1)
    done = make_monthly_report(
        session, f"{month:%Y-%m}", actor="demo", scope=WHOLE_STREET, notes=NOTES, as_of=today
    )
    return done.month
