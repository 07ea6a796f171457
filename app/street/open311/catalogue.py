"""What may be requested through Open311, and with which attributes.

Two kinds of service, read from what the desks themselves ship, so that a request filed here is
one a desk knows how to handle:

- the catalogue's items marked ``self_service`` (resources/catalogue/service_items.yaml): what a
  resident may do alone at the kiosk, here asked of the community, which calls back;
- the kiosk's request categories (诉求类别, the desk's defaults), each under the code ``SQ-`` and
  the category's pinyin initials (环境卫生: ``SQ-HJWS``), which stays the same however the list
  is ordered.

Every service takes one attribute, ``community`` (a registered community code): where the
request goes when it names no grid (see app.street.open311.filing for the routing rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.resources import resource_path
from app.services.common.pinyin import pinyin_keys
from app.services.kiosk.common import KioskSettings
from app.services.setup.reference_data import read_yaml

REQUEST_PREFIX = "SQ-"
REQUEST_DAYS = 5  # working days to answer, as for a kiosk request
COMMUNITY_ATTRIBUTE = "community"


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    keywords: tuple[str, ...]
    category: str  # the kiosk's request category, or "" for a catalogue item
    needs_text: bool  # a request of this kind must say what it is about (description)


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    datatype_description: str
    order: int
    description: str
    values: tuple[Choice, ...]


def request_code(category: str) -> str:
    initials, _full = pinyin_keys(category)
    return f"{REQUEST_PREFIX}{initials.upper()}"


@lru_cache(maxsize=1)
def services() -> tuple[Service, ...]:
    """Every service that may be requested, in a fixed order: the catalogue items, then the
    request categories."""
    data = read_yaml(resource_path("catalogue", "service_items.yaml"))
    groups = {c["code"]: c["name"] for c in data["categories"]}
    found = [
        Service(
            code=item["code"],
            name=item["name"],
            description=f"{item['name']}：社区受理后在{REQUEST_DAYS}个工作日内联系申请人，"
            "凭身份证到社区或自助终端办理。",
            group=groups.get(item["category"], item["category"]),
            keywords=(item["name"], groups.get(item["category"], "")),
            category="",
            needs_text=False,
        )
        for item in data["items"]
        if item.get("self_service")
    ]
    for category in KioskSettings().request_categories:
        found.append(
            Service(
                code=request_code(category),
                name=category,
                description=f"群众诉求（{category}）：转所在网格办理，{REQUEST_DAYS}个工作日内答复。",
                group="群众诉求",
                keywords=(category, "诉求"),
                category=category,
                needs_text=True,
            )
        )
    return tuple(found)


def find(code: str) -> Service | None:
    return next((s for s in services() if s.code == code), None)


def attributes(communities: list[Choice]) -> tuple[Attribute, ...]:
    """The attributes of every service: the community, chosen from those registered."""
    return (
        Attribute(
            code=COMMUNITY_ATTRIBUTE,
            datatype="singlevaluelist",
            required=False,
            datatype_description="社区代码；没有给出网格编号（address_id）时必填",
            order=1,
            description="所属社区",
            values=tuple(communities),
        ),
    )
