"""The centre's sign-in safety settings: how many failed sign-ins in a row lock an account, for
how long, and after how long without input the desk locks itself. One centre setting, so every
desk of the centre agrees; an administrator changes it (audited)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from app.models import CentreSetting
from app.services.admin.permissions import NotPermitted, require
from app.services.common import audit

SECURITY_SETTING = "security.sign_in"


class SecuritySettingError(ValueError):
    """A setting out of range, in a sentence for the person."""


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    lock_after: int = 5  # failed sign-ins in a row that lock the account
    lock_minutes: int = 15  # how long it stays locked (an administrator may unlock sooner)
    idle_minutes: int = 15  # no keyboard or mouse input this long: the desk locks

    def checked(self) -> SecuritySettings:
        if not 3 <= self.lock_after <= 20:
            raise SecuritySettingError("连续登录失败锁定次数应在3到20之间")
        if not 1 <= self.lock_minutes <= 24 * 60:
            raise SecuritySettingError("锁定时长应在1到1440分钟之间")
        if not 1 <= self.idle_minutes <= 240:
            raise SecuritySettingError("无操作自动锁屏时间应在1到240分钟之间")
        return self


def security_settings(session: Session) -> SecuritySettings:
    row = session.get(CentreSetting, SECURITY_SETTING)
    if row is None or not isinstance(row.value, dict):
        return SecuritySettings()
    known = {k: int(v) for k, v in row.value.items() if k in SecuritySettings.__dataclass_fields__}
    try:
        return SecuritySettings(**known).checked()
    except (SecuritySettingError, TypeError, ValueError):
        return SecuritySettings()


def set_security_settings(session: Session, settings: SecuritySettings, *, actor: str) -> SecuritySettings:
    """Store the settings (checked) and audit the change with before and after; the caller commits."""
    try:
        require(session, actor, "account.manage")
    except NotPermitted as exc:
        raise SecuritySettingError(str(exc)) from None
    settings = settings.checked()
    before = security_settings(session)
    row = session.get(CentreSetting, SECURITY_SETTING)
    if row is None:
        session.add(CentreSetting(key=SECURITY_SETTING, value=asdict(settings)))
    else:
        row.value = asdict(settings)
    audit.record(
        session,
        actor=actor,
        action="security_settings",
        purpose="修改登录安全设置",
        detail=f"{_describe(before)} → {_describe(settings)}",
    )
    return settings


def _describe(s: SecuritySettings) -> str:
    return f"连续失败{s.lock_after}次锁定{s.lock_minutes}分钟，无操作{s.idle_minutes}分钟锁屏"
