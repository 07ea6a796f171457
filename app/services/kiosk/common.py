"""What every part of the self-service kiosk shares: its settings and administrator PIN, the
error residents see, masking, the ID hash that stands for a resident in the audit log, and the
audit entry itself. Import the kiosk's API from :mod:`app.services.kiosk.service`; this module is its
foundation. No Qt here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, CentreSetting, Resident
from app.services.common import audit
from app.services.common.idcard import IdNumberError, normalise, parse
from app.services.kiosk.audit_key import keyed_hash

SETTINGS_KEY = "kiosk.settings"
ACTOR = "kiosk"
# A copy put back and not caught up with the street gives no numbers (app.services.admin.restored).
PAUSED = "自助终端正在与街道核对数据，暂时不能办理，请稍后再试或到窗口办理"
UNREGISTERED_NAME = "未登记居民"  # a request or booking by a number nobody on record has
_hasher = PasswordHasher()
_PIN = re.compile(r"[0-9]{4,8}")
_SLOT = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 复姓: kept whole when a name is masked, so 欧阳娜娜 shows as 欧阳** (not 欧***).
_COMPOUND = (
    "欧阳上官司马东方独孤南宫万俟闻人夏侯诸葛尉迟公羊赫连澹台皇甫宗政濮阳公冶太叔申屠"
    "公孙慕容仲孙钟离长孙宇文司徒鲜于司空闾丘子车亓官司寇巫马公西颛孙壤驷公良漆雕乐正"
    "宰父谷梁拓跋夹谷轩辕令狐段干百里呼延东郭南门羊舌微生梁丘左丘西门第五南荣东里端木"
    "太史即墨达奚褚师"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND[i : i + 2] for i in range(0, len(_COMPOUND), 2))


class KioskError(ValueError):
    """Something the kiosk cannot do for the resident, in one plain, kind sentence (never jargon,
    never an ID number): safe to show on the screen as it is."""


@dataclass(frozen=True)
class KioskSettings:
    idle_seconds: int = 60
    daily_print_limit: int = 3
    admin_pin_hash: str = ""
    slots: tuple[str, ...] = (
        "09:00-09:30",
        "09:30-10:00",
        "10:00-10:30",
        "10:30-11:00",
        "14:30-15:00",
        "15:00-15:30",
        "15:30-16:00",
        "16:00-16:30",
    )
    slot_capacity: int = 4
    booking_days: int = 7  # bookable working days ahead, starting tomorrow
    request_categories: tuple[str, ...] = (
        "环境卫生",
        "市容秩序",
        "设施报修",
        "邻里纠纷",
        "养老助残",
        "政策咨询",
        "意见建议",
        "其他",
    )


_DEFAULTS = KioskSettings()
_FIELDS = {f.name: f for f in dataclasses.fields(KioskSettings)}


def settings_problems(settings: KioskSettings) -> list[str]:
    """Every reason these settings cannot be used, in Chinese (empty when they are fine)."""
    problems = []
    if not 10 <= settings.idle_seconds <= 600:
        problems.append("无操作返回首页的时间须在10到600秒之间")
    if not 0 <= settings.daily_print_limit <= 50:
        problems.append("每人每天打印份数须在0到50之间")
    if not settings.slots:
        problems.append("至少要有一个预约时段")
    for slot in settings.slots:
        match = _SLOT.fullmatch(slot)
        if match is None or slot[:5] >= slot[6:]:
            problems.append(f"预约时段“{slot}”应写成 09:00-09:30，且结束晚于开始")
    if len(set(settings.slots)) != len(settings.slots):
        problems.append("预约时段有重复")
    if not 1 <= settings.slot_capacity <= 200:
        problems.append("每个时段可约人数须在1到200之间")
    if not 1 <= settings.booking_days <= 60:
        problems.append("可预约的工作日数须在1到60之间")
    if not settings.request_categories:
        problems.append("至少要有一个诉求类别")
    for category in settings.request_categories:
        if not category.strip() or len(category) > 20:
            problems.append(f"诉求类别“{category}”须为1到20个字")
    return problems


def load_settings(session: Session) -> KioskSettings:
    """The kiosk's settings from the centre setting ``kiosk.settings``; a missing or unusable
    value falls back to its default, so a bad edit never keeps the kiosk from starting."""
    row = session.get(CentreSetting, SETTINGS_KEY)
    stored = row.value if row is not None and isinstance(row.value, dict) else {}
    values = {}
    for name, field in _FIELDS.items():
        value = stored.get(name, getattr(_DEFAULTS, name))
        default = getattr(_DEFAULTS, name)
        if isinstance(default, tuple):
            ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else default
        elif not isinstance(value, type(default)) or isinstance(value, bool):
            value = default
        values[field.name] = value
    settings = KioskSettings(**values)
    if settings_problems(dataclasses.replace(settings, admin_pin_hash="")):
        return dataclasses.replace(_DEFAULTS, admin_pin_hash=settings.admin_pin_hash)
    return settings


def save_settings(session: Session, settings: KioskSettings) -> None:
    """Store the settings (the caller commits); raises KioskError listing every problem."""
    problems = settings_problems(settings)
    if problems:
        raise KioskError("；".join(problems))
    value = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(settings).items()}
    row = session.get(CentreSetting, SETTINGS_KEY)
    if row is None:
        session.add(CentreSetting(key=SETTINGS_KEY, value=value))
    else:
        row.value = value


def set_admin_pin(session: Session, pin: str) -> None:
    """Set the PIN that lets an administrator leave kiosk mode (argon2 hash only); the caller
    commits. Raises KioskError unless the PIN is 4 to 8 digits."""
    pin = (pin or "").strip()
    if not _PIN.fullmatch(pin):
        raise KioskError("管理员密码须为4到8位数字")
    save_settings(session, dataclasses.replace(load_settings(session), admin_pin_hash=_hasher.hash(pin)))


def check_admin_pin(session: Session, pin: str) -> bool:
    """True only for the administrator's PIN. With no PIN set, nothing is accepted: such a kiosk
    cannot be left from the screen at all until an administrator runs ``yichuang kiosk-pin``."""
    stored = load_settings(session).admin_pin_hash
    if not stored or not _PIN.fullmatch((pin or "").strip()):
        return False
    try:
        return _hasher.verify(stored, pin.strip())
    except (VerificationError, InvalidHashError):
        return False


def masked_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧阳**, 李 → 李: the surname stays, every other character is a *
    (a · between the parts of a name stays too)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "".join(c if c in "·・." else "*" for c in name[keep:])


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; anything else shorter than 7 characters is hidden entirely."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def normalise_mobile(phone: str) -> str:
    """A Chinese mobile number as 11 digits (spaces, hyphens and +86 allowed), or KioskError."""
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", phone or ""))
    digits = digits.removeprefix("+86") if digits.startswith("+86") else digits
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise KioskError("请输入11位手机号码，方便工作人员联系您")
    return digits


def canonical_number(id_text: str) -> str:
    """The canonical 18-character number, or KioskError in plain words."""
    try:
        return parse(id_text).number
    except IdNumberError:
        raise KioskError("身份证号码好像不对，请核对后重新输入，或把身份证放到读卡区") from None


def id_hash(id_number: str) -> str:
    """The keyed hash (HMAC-SHA256 under the installation's secret, hex) of the normalised ID
    number: how a kiosk audit entry and an appointment name the resident without a number that
    a plain hash would give back (see :mod:`app.services.kiosk.audit_key`)."""
    try:
        number = parse(id_number).number
    except IdNumberError:
        number = normalise(id_number)
    return keyed_hash(number)


def record(
    session: Session, action: str, *, hashed: str, resident_id: int | None = None, detail: str = ""
) -> AuditEntry:
    """One audit entry for a kiosk action: actor "kiosk", subject the first 16 hex digits of
    the resident's ID hash, never a number or a name."""
    entry = audit.record(
        session, actor=ACTOR, action=action, subject=hashed[:16], purpose="自助终端", detail=detail
    )
    entry.resident_id = resident_id
    return entry


def resident_by_number(session: Session, number: str) -> Resident | None:
    """The resident with this canonical number, or None; for use cases whose answer must not
    depend on it (a typed number), so nothing here says which it was."""
    return session.scalar(select(Resident).where(Resident.id_number == number))


def get_resident(session: Session, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise KioskError("没有找到您的登记信息，请到窗口咨询")
    return resident


def slot_start(day: dt.date, slot: str) -> dt.datetime:
    """The local time a slot begins: 2026-11-24 and "09:30-10:00" → 2026-11-24 09:30."""
    hours, minutes = slot[:5].split(":")
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes)))
