"""The service catalogue: shipped data, loading, and search as the staff type."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.models import ServiceItem
from app.resources import resource_path
from app.services.cases.catalogue import CatalogueIndex
from app.services.common.pinyin import pinyin_keys
from app.services.setup.reference_data import load_catalogue, read_yaml

TEMPLATE_CODES = {"JZZM", "TFCY", "DYJS", "SBD", "GLJT", "DBSQ", "LSJZ", "CJBT", "JJYL", "JYKN"}


def test_shipped_catalogue_is_complete_and_sourced():
    data = read_yaml(resource_path("catalogue", "service_items.yaml"))
    items = data["items"]
    assert data["source"].strip()
    assert len(items) >= 30
    assert len({i["code"] for i in items}) == len(items)
    assert len(Counter(i["category"] for i in items)) >= 6
    assert {c["code"] for c in data["categories"]} >= {i["category"] for i in items}
    assert {i["template"] for i in items if i.get("template")} >= TEMPLATE_CODES
    for item in items:
        assert item["materials"] and all(isinstance(m, str) and m for m in item["materials"])
        assert isinstance(item["promised_days"], int) and item["promised_days"] >= 0
        assert item["department"] and isinstance(item["self_service"], bool)
    assert sum(i["self_service"] for i in items) >= 3


def test_loading_is_idempotent_and_keeps_local_edits(db):
    with db.sessions.begin() as session:
        item = session.scalars(select(ServiceItem).where(ServiceItem.code == "ZM-001")).one()
        item.promised_days = 3  # the centre changed its promise
    with db.sessions.begin() as session:
        assert load_catalogue(session) == 0
        assert (
            session.scalars(select(ServiceItem).where(ServiceItem.code == "ZM-001")).one().promised_days == 3
        )
    with db.sessions.begin() as session:
        assert load_catalogue(session, replace=True) >= 30
        assert (
            session.scalars(select(ServiceItem).where(ServiceItem.code == "ZM-001")).one().promised_days == 0
        )


def test_initials_pinyin_and_hanzi_all_find_the_residence_certificate(db):
    with db.sessions() as session:
        index = CatalogueIndex.load(session)
    for query in ("jzzm", "JZZM", "居住", "居住证明", "juzhu", "jz zm"):
        found = index.search(query)
        assert found and found[0].name == "居住证明", query
    assert index.search("") == index.entries
    assert index.search("没有这个事项xyzq") == []
    assert len(index.search("z", limit=5)) == 5


def test_pinyin_keys_keep_digits_and_ignore_punctuation():
    assert pinyin_keys("居住证明") == ("jzzm", "juzhuzhengming")
    assert pinyin_keys("12345工单")[0] == "12345gd"
    assert pinyin_keys("残疾人（两项）补贴")[0] == "cjrlxbt"
