"""The Chinese names of the audit log's action codes, in one place: the audit log viewer and its
export show these. Every code written anywhere in app/ has a name here
(tests/unit/test_audit_actions.py reads the code to check it); a code from a newer desk that this
one does not know yet is shown as it is stored."""

from __future__ import annotations

ACTION_NAMES: dict[str, str] = {
    # personal data at the desk and the command line
    "lookup": "查询",
    "register": "登记居民",
    "edit": "修改",
    "print": "打印",
    "reprint": "补打",
    "void": "作废",
    "export": "导出",
    "export_ledger": "导出台账",
    "import": "导入",
    "restore": "恢复备份",
    "appointment_attended": "预约到场",
    "wish_post": "登记微心愿",
    "wish_review": "审核微心愿",
    "wish_claim": "认领微心愿",
    "wish_fulfil": "微心愿销单",
    "wish_rate": "评价微心愿",
    "wish_end": "撤回或终止微心愿",
    "wish_list": "查看微心愿",
    "visit_record": "登记走访",
    "visit_list": "查看走访",
    "visit_rule": "设置走访周期",
    "grid_report": "网格上报",
    "kiosk_wish": "自助登记微心愿",
    "kiosk_wishes": "自助查看微心愿",
    "party_member_add": "登记党员",
    "party_member_list": "查看党员名册",
    "party_report_in": "记录双报到服务",
    "party_org_edit": "修改党组织",
    "party_org_add": "新增党组织",
    "party_meeting": "记录组织生活",
    "party_check_in": "组织生活签到",
    "party_report_in_view": "查看报到服务记实",
    "partner_unit_add": "登记共建单位",
    "partner_unit_edit": "修改共建单位",
    "partner_unit_list": "查看共建单位",
    "partner_item": "登记资源或需求",
    "partner_project": "双向认领项目",
    "partner_milestone": "项目节点",
    "partner_record": "查看共建单位年度记录",
    "deliberation_add": "登记议事",
    "deliberation_step": "四议两公开步骤",
    "deliberation_decide": "议事决议",
    "deliberation_result": "议事实施结果",
    "deliberation_link": "议事关联办件或心愿",
    "deliberation_list": "查看议事记录",
    "volunteer_team": "登记或修改志愿服务队",
    "volunteer_add": "登记志愿者",
    "volunteer_join": "志愿者加入服务队",
    "volunteer_list": "查看志愿者名册",
    "volunteer_activity": "登记志愿服务活动",
    "volunteer_sign_in": "志愿服务签到",
    "volunteer_sign_out": "志愿服务签退",
    "volunteer_correct": "核定志愿服务时长",
    "volunteer_record": "查看志愿服务记录",
    "volunteer_attendance": "查看活动签到名单",
    # the centre's own settings
    "centre_community": "设置服务社区",
    "kiosk_pin": "设置终端密码",
    "catalogue_add": "新增事项",
    "catalogue_edit": "修改事项",
    "catalogue_disable": "停用事项",
    "catalogue_enable": "启用事项",
    "street_set": "设置街道",
    "community_add": "新增社区",
    "community_edit": "修改社区",
    "escalation_target_add": "新增上报对象",
    "escalation_target_edit": "修改上报对象",
    "escalation_target_disable": "停用上报对象",
    "first_run": "初次设置",
    "security_settings": "修改安全设置",
    # accounts and signing in
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_in_refused": "拒绝登录",
    "user_locked": "账号锁定",
    "user_add": "新增账号",
    "user_edit": "修改账号",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "user_password_reset": "重置密码",
    "user_role": "变更角色",
    "user_grids": "分配网格",
    "user_unlock": "解锁账号",
    "lookup_refused": "越权查询被拒",
    # the population base kept current (one entry per history entry)
    "history": "查看变更记录",
    "search": "查找居民",
    "resident_edited": "修改居民信息",
    "resident_moved": "迁往他户",
    "resident_head_changed": "户主变更",
    "resident_household_moved": "整户迁居",
    "resident_household_split": "拆户",
    "resident_household_merged": "并户",
    "resident_moved_away": "登记迁出",
    "resident_died": "登记死亡",
    "resident_returned": "登记迁回",
    # the self-service kiosk
    "kiosk_identify": "自助终端识别",
    "kiosk_cases": "自助查询办件",
    "kiosk_print": "自助打印证明",
    "kiosk_request": "自助提交诉求",
    "kiosk_book": "自助预约",
    "kiosk_cancel": "自助取消预约",
    "kiosk_rate": "自助评价",
    # statistics (aggregate figures drawn from personal data)
    "report_view": "查看统计报表",
    "report_rows": "查看统计明细",
    "report_export": "导出统计报表",
    "monthly_report": "生成月度工作报表",
}


def action_name(code: str) -> str:
    """The Chinese name of ``code``, or the code itself if it has none."""
    return ACTION_NAMES.get(code, code)


def action_choices() -> list[tuple[str, str]]:
    """(code, name) for a filter's choices, in the order above."""
    return list(ACTION_NAMES.items())
