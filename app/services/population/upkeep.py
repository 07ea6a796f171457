"""Adding a resident with every field, and editing any field of one (一人一表 kept current).

A changed ID number is checked like a new one (check digit, date, region) and refused when
somebody else already has it; sex and birth date follow from the number, as at registration.
Every change writes a history entry with the changed fields before and after, and an audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HEAD_RELATION, Building, Resident, ResidentPhoto
from app.services.admin.scope import Scope
from app.services.common.idcard import IdNumberError, parse
from app.services.population import history
from app.services.population.changes import (
    Change,
    UpkeepError,
    find_in_scope,
    household_in_scope,
    require_living,
)
from app.services.population.registration import NewResident, RegistrationError, photo_mime, register_resident

# field -> Chinese name, in the order a summary lists them
FIELD_NAMES: dict[str, str] = {
    "id_number": "身份证号",
    "name": "姓名",
    "ethnicity": "民族",
    "phone": "联系电话",
    "hukou_address": "户籍地址",
    "current_address": "现住址",
    "relation_to_head": "与户主关系",
    "card_authority": "签发机关",
    "card_valid_from": "证件有效期起",
    "card_valid_to": "证件有效期止",
    "card_long_term": "长期有效",
    "notes": "备注",
}


def add_resident(session: Session, data: NewResident, *, actor: str, scope: Scope) -> Change:
    """A new person on the register (with a photo if given); the caller commits."""
    if data.household_id is not None:
        household_in_scope(session, data.household_id, scope)
    elif data.building_id is not None and not scope.whole_street:
        building = session.get(Building, data.building_id)
        if building is None or not scope.allows_grid(building.grid_id):
            raise UpkeepError("所选楼栋不存在")
    try:
        resident = register_resident(session, data, actor=actor)
    except RegistrationError as exc:
        raise UpkeepError(str(exc)) from None
    return Change("created", f"登记新居民{resident.name}", resident.id_number)


@dataclass(frozen=True, slots=True)
class ResidentEdit:
    """The fields to change; None leaves a field as it is."""

    id_number: str | None = None
    name: str | None = None
    ethnicity: str | None = None
    phone: str | None = None
    hukou_address: str | None = None
    current_address: str | None = None
    relation_to_head: str | None = None
    card_authority: str | None = None
    card_valid_from: dt.date | None = None
    card_valid_to: dt.date | None = None
    card_long_term: bool | None = None
    notes: str | None = None
    photo: bytes | None = None  # a new photo (JPEG or PNG)


def edit_resident(session: Session, id_text: str, edit: ResidentEdit, *, actor: str, scope: Scope) -> Change:
    """Change any field of a living resident; refuses a bad or taken ID number. The caller commits."""
    resident = find_in_scope(session, id_text, scope)
    require_living(resident, "修改信息")
    wanted = {f.name: getattr(edit, f.name) for f in fields(edit) if f.name != "photo"}
    wanted = {k: v.strip() if isinstance(v, str) else v for k, v in wanted.items() if v is not None}
    if "name" in wanted and not wanted["name"]:
        raise UpkeepError("姓名不能为空")
    if "id_number" in wanted:
        wanted["id_number"] = _checked_number(session, resident, wanted["id_number"])
    if "relation_to_head" in wanted:
        _check_relation(resident, wanted["relation_to_head"])
    if wanted.get("card_long_term"):
        wanted["card_valid_to"] = None
    mime = photo_mime(edit.photo) if edit.photo else ""
    before, after = {}, {}
    for key, value in wanted.items():
        if getattr(resident, key) != value:
            before[key], after[key] = getattr(resident, key), value
    if "id_number" in after:
        info = parse(after["id_number"])
        for key, value in (("sex", info.sex), ("birth_date", info.birth_date)):
            if getattr(resident, key) != value:
                before[key], after[key] = getattr(resident, key), value
    if edit.photo:
        before["photo"], after["photo"] = "旧照片", "新照片"
    if not after:
        raise UpkeepError("没有需要保存的修改")
    old_name = resident.name
    for key, value in after.items():
        if key != "photo":
            setattr(resident, key, value)
    if edit.photo:
        photo = session.get(ResidentPhoto, resident.id)
        if photo is None:
            before["photo"] = "无"
            session.add(ResidentPhoto(resident_id=resident.id, mime_type=mime, image=edit.photo))
        else:
            photo.mime_type, photo.image = mime, edit.photo
    names = "、".join(
        FIELD_NAMES.get(k, "照片" if k == "photo" else k) for k in after if k not in ("sex", "birth_date")
    )
    summary = f"修改{old_name}的{names}"
    history.write(session, resident, actor=actor, kind="edited", summary=summary, before=before, after=after)
    return Change("edited", summary, resident.id_number)


def _checked_number(session: Session, resident: Resident, text: str) -> str:
    try:
        number = parse(text).number
    except IdNumberError as exc:
        raise UpkeepError(f"身份证号无效：{exc}") from None
    if number != resident.id_number:
        taken = session.scalar(select(Resident.id).where(Resident.id_number == number))
        if taken is not None:
            raise UpkeepError("这个身份证号已属于人口库中的另一位居民")
    return number


def _check_relation(resident: Resident, relation: str) -> None:
    household = resident.household
    if household is None or relation == resident.relation_to_head:
        return
    if resident.relation_to_head == HEAD_RELATION:
        raise UpkeepError("本人是户主：请用“户主变更”指定新户主")
    if relation == HEAD_RELATION:
        raise UpkeepError("更换户主请用“户主变更”")
