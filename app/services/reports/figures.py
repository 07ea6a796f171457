"""Every figure's stable code and Chinese name: the one list the command line, the exports and the
screens read, and docs/REPORTS.md defines. A code never changes meaning; a new figure gets a new code.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.cases.workflow import EVALUATIONS

CASE_FIGURES: dict[str, str] = {
    "cases.received": "受理办件数",
    "cases.closed": "办结数",
    "cases.in_progress": "在办数",
    "cases.overdue": "超期在办数",
    "cases.awaiting_materials": "待补正数",
    "cases.supplement_requested": "一次性告知数",
    "cases.refused": "不予受理数",
    "cases.withdrawn": "撤回数",
    "cases.closed_on_time": "按时办结数",
    "cases.on_time_rate": "按时办结率",
    "cases.avg_days_to_close": "平均办结用时（工作日）",
    "cases.hotline_received": "12345工单数",
    "cases.hotline_closed": "12345办结数",
    "cases.hotline_closure_rate": "12345办结率",
}
SATISFACTION_FIGURES: dict[str, str] = {
    "satisfaction.rated": "参评办件数",
    **{f"satisfaction.level.{level}": f"评价“{level}”数" for level in EVALUATIONS},
    "satisfaction.satisfied": "满意数（含基本满意）",
    "satisfaction.rate": "满意率",
    "satisfaction.unsatisfied": "不满意办件数",
    "satisfaction.rehandled": "不满意已重新办结数",
}
CERTIFICATE_FIGURES: dict[str, str] = {
    "certificates.issued": "开具证明数",
    "certificates.voided": "作废证明数",
}
POPULATION_FIGURES: dict[str, str] = {
    "population.residents": "在册居民数",
    "population.households": "户数",
    "population.buildings": "楼栋数",
    "population.male": "男性在册居民数",
    "population.female": "女性在册居民数",
}
COMMUNITY_FIGURES: dict[str, str] = {
    "wishes.posted": "收到微心愿数",
    "wishes.claimed": "微心愿认领数",
    "wishes.fulfilled": "微心愿实现数",
    "wishes.open": "待认领及在办微心愿数",
    "visits.made": "走访次数",
    "visits.home": "入户走访次数",
    "visits.cases_raised": "走访发现问题转办件数",
    "deliberations.held": "议事会议次数",
    "deliberations.decided": "议事形成决议数",
    "deliberations.results_published": "实施结果公开数",
    "partners.projects_claimed": "共建项目认领数",
    "partners.projects_finished": "共建项目完成数",
    "party.members": "党员人数",
    "party.members_probation": "预备党员人数",
    "party.members_in_service": "在职党员报到人数",
    "party.meetings_held": "支部组织生活次数",
    "party.attendance_rate": "组织生活到会率",
    "report_in.services": "双报到服务次数",
    "report_in.hours": "双报到服务时长（小时）",
    "party.branches_without_meeting": "上月未开展组织生活的支部数",
}
# Figures the street office counts from what the communities sync (docs/REPORTS.md, "The street
# office's figures"), beside those above.
STREET_FIGURES: dict[str, str] = {
    "cases.grid_reported": "网格上报办件数",
    "visits.phone": "电话走访次数",
    "visits.wechat": "微信走访次数",
    "deliberations.decisions_published": "议事决议公开数",
    "partners.units": "共建单位数",
    "party.members_full": "正式党员人数",
    "party.meeting_attendance": "组织生活到会人次",
    "volunteers.activities": "志愿服务活动次数",
    "volunteers.attendances": "志愿服务人次",
    "volunteers.hours": "志愿服务时长（小时）",
}
FIGURES: dict[str, str] = {
    **CASE_FIGURES,
    **SATISFACTION_FIGURES,
    **CERTIFICATE_FIGURES,
    **POPULATION_FIGURES,
    **COMMUNITY_FIGURES,
    **STREET_FIGURES,
}
# The groupings a case report can be broken down by, with their Chinese names.
CASE_GROUPINGS: dict[str, str] = {
    "item": "服务事项",
    "category": "事项类别",
    "grid": "网格",
    "channel": "受理渠道",
    "staff": "首问责任人",
    "month": "月份",
}
# Case channels as stored (Case.channel) and as people say them. 网格上报 is a grid worker's own
# report from the field.
CHANNEL_NAMES: dict[str, str] = {
    "window": "窗口",
    "kiosk": "自助终端",
    "hotline": "12345",
    "grid": "网格上报",
}


def figure_name(code: str) -> str:
    """The Chinese name of a figure; a population tag's count is ``population.tag.<code>``."""
    if code in FIGURES:
        return FIGURES[code]
    if code.startswith("population.tag."):
        return f"{code.removeprefix('population.tag.')}人数"
    raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Figure:
    """One value of one figure, for one group of a report (``group`` "" is the whole period)."""

    code: str
    value: int | float | None
    grouping: str = ""  # one of CASE_GROUPINGS, or "" for the total
    key: str = ""  # the group's stable key: item code, grid code, channel code, username, "2026-11"
    label: str = ""  # the group as people read it

    @property
    def name(self) -> str:
        return figure_name(self.code)

    def as_json(self) -> dict:
        data = {"figure": self.code, "name": self.name, "value": self.value}
        if self.grouping:
            data.update(by=self.grouping, key=self.key, label=self.label)
        return data


def rate(part: int, whole: int) -> float | None:
    """A share rounded to four decimals (0.9375), or None when nothing was counted."""
    return round(part / whole, 4) if whole else None
