"""Which community this centre is, and its public details (name on documents, phone)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CentreSetting, Community

COMMUNITY_SETTING = "centre.community_code"


class CommunityChoice(NamedTuple):
    code: str
    name: str


class CentreNotConfigured(RuntimeError):
    """No community chosen and more than one to choose from."""


def current_community(session: Session) -> Community:
    """The community this installation serves: the centre setting, else the only community.
    Kept for the rest of the session's transaction (a batch of certificates asks twice a page)."""
    transaction = session.get_transaction()
    kept = session.info.get(_KEPT_COMMUNITY)
    if kept is not None and transaction is not None and kept[0] is transaction:
        return kept[1]
    community = _current_community(session)
    if transaction is not None:
        session.info[_KEPT_COMMUNITY] = (transaction, community)
    return community


_KEPT_COMMUNITY = "centre.current_community"


def _current_community(session: Session) -> Community:
    setting = session.get(CentreSetting, COMMUNITY_SETTING)
    if setting is not None:
        community = session.scalar(select(Community).where(Community.code == setting.value))
        if community is not None:
            return community
    communities = list(session.scalars(select(Community).limit(2)))
    if len(communities) == 1:
        return communities[0]
    if not communities:
        raise CentreNotConfigured("数据库中还没有社区：请先导入或生成人口数据")
    raise CentreNotConfigured("请设置本中心所属社区：yichuang centre --community CODE")


def forget_current_community(session: Session) -> None:
    """For code that changes which community the centre serves, within a transaction."""
    session.info.pop(_KEPT_COMMUNITY, None)


def set_current_community(session: Session, code: str) -> Community:
    forget_current_community(session)
    community = session.scalar(select(Community).where(Community.code == code))
    if community is None:
        raise CentreNotConfigured(f"社区代码“{code}”不存在")
    setting = session.get(CentreSetting, COMMUNITY_SETTING)
    if setting is None:
        session.add(CentreSetting(key=COMMUNITY_SETTING, value=code))
    else:
        setting.value = code
    return community


def centre_name(community: Community) -> str:
    return f"{community.name}党群服务中心"


def communities(session: Session) -> list[CommunityChoice]:
    """Every community in the database, by code: what a centre may be set to serve."""
    stmt = select(Community.code, Community.name).order_by(Community.code)
    return [CommunityChoice(code, name) for code, name in session.execute(stmt)]


def community_id_of(session: Session, code: str) -> int | None:
    return session.scalar(select(Community.id).where(Community.code == code))


# --- what the centre's certificates print -------------------------------------------------------

DEFAULT_ISSUER = "{name}居民委员会"


class CertificateTexts(NamedTuple):
    """The heading and the 落款 a community's certificates print where their template leaves it
    to the centre (a template without ``heading``; an issuer of ``{centre.issuer}``)."""

    heading: str | None  # None: the template's own rule (its issuer, else the centre's name)
    issuer: str  # what {centre.issuer} prints
    issuer_setting: str | None  # as set; None when the default (社区名 + 居民委员会) applies


def _texts_key(code: str) -> str:
    return f"community.{code}.certificates"


def certificate_texts(session: Session, community: Community) -> CertificateTexts:
    setting = session.get(CentreSetting, _texts_key(community.code))
    value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    heading = (value.get("heading") or "").strip() or None
    issuer = (value.get("issuer") or "").strip() or None
    return CertificateTexts(heading, issuer or DEFAULT_ISSUER.format(name=community.name), issuer)


def set_certificate_texts(session: Session, community: Community, *, heading: str, issuer: str) -> None:
    """Store the centre's certificate heading and 落款 (blank: the default); the caller audits."""
    key = _texts_key(community.code)
    value = {"heading": heading.strip(), "issuer": issuer.strip()}
    setting = session.get(CentreSetting, key)
    if setting is None:
        if any(value.values()):
            session.add(CentreSetting(key=key, value=value))
    elif setting.value != value:
        setting.value = value


def certificate_issuer(session: Session) -> str:
    """What ``{centre.issuer}`` prints on this centre's certificates."""
    return certificate_texts(session, current_community(session)).issuer
