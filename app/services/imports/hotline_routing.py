"""Routing a hotline order to a grid by its address: which building of the street does the
address name?

Keys are building names and building addresses (with and without the city and district in front,
and the gate address before the building's name); the longest key found in the address wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Building, Community, Grid


@dataclass(frozen=True)
class Route:
    grid_id: int | None
    note: str


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


class AddressRouter:
    """Finds the grid whose building an address names. Keys are building names and building
    addresses (with and without the city and district in front, and the gate address before
    the building's name); the longest key found in the address wins. When that key belongs to
    buildings in several grids, the grid in this centre's own community wins; if that does not
    settle it, the order is left for the desk."""

    MIN_KEY = 2

    def __init__(self, session: Session, community: Community):
        self.community_id = community.id
        street = community.street
        self.prefixes = [
            p for p in (_squash(street.city), _squash(street.district), _squash(street.name)) if p
        ]
        self.keys: dict[str, set[tuple[int, str]]] = {}  # key -> {(grid id, building name)}
        self.grid_community: dict[int, int] = {}
        self.grid_label: dict[int, str] = {}
        stmt = (
            select(Building.name, Building.address, Grid.id, Grid.name, Community.id, Community.name)
            .join(Grid, Building.grid_id == Grid.id)
            .join(Community, Grid.community_id == Community.id)
            .where(Community.street_id == community.street_id)
        )
        for b_name, b_address, grid_id, grid_name, community_id, community_name in session.execute(stmt):
            self.grid_community[grid_id] = community_id
            self.grid_label[grid_id] = f"{community_name}{grid_name}"
            name = _squash(b_name)
            for key in self.building_keys(name, _squash(b_address)):
                self.keys.setdefault(key, set()).add((grid_id, b_name))
        self.by_head: dict[str, list[str]] = {}
        for key in sorted(self.keys, key=len, reverse=True):
            self.by_head.setdefault(key[: self.MIN_KEY], []).append(key)

    def building_keys(self, name: str, address: str) -> set[str]:
        keys = {name} if len(name) >= self.MIN_KEY else set()
        if address:
            short = self.strip_region(address)
            keys |= {address, short}
            if name and short.endswith(name) and len(short) - len(name) >= 4:
                keys.add(short[: -len(name)])  # 北关街87号: the estate's gate
        return {k for k in keys if len(k) >= self.MIN_KEY}

    def strip_region(self, address: str) -> str:
        """ "陕西省铜川市王益区北关街87号…" → "北关街87号…"."""
        while True:
            before = address
            address = re.sub(r"^[^\d省市区县]{2,7}?省", "", address)
            for prefix in self.prefixes:
                if address.startswith(prefix):
                    address = address[len(prefix) :]
            if address == before:
                return address

    def route(self, address: str) -> Route:
        text = _squash(address)
        if not text:
            return Route(None, "未填写地址，请手工分派")
        best, hits = "", set()
        for i in range(len(text) - self.MIN_KEY + 1):
            for key in self.by_head.get(text[i : i + self.MIN_KEY], ()):
                if len(key) < len(best):
                    break  # keys are longest first
                if text.startswith(key, i) and _bounded(text, i, key):
                    if len(key) > len(best):
                        best, hits = key, set(self.keys[key])
                    else:
                        hits |= self.keys[key]
                    break
        if not hits:
            return Route(None, "地址未匹配到本街道的楼栋，请手工分派")
        grids = {grid_id for grid_id, _ in hits}
        if len(grids) > 1:
            own = {g for g in grids if self.grid_community[g] == self.community_id}
            if len(own) != 1:
                labels = "、".join(sorted(self.grid_label[g] for g in grids)[:5])
                return Route(None, f"地址中的“{best}”对应多个网格（{labels}），请手工分派")
            grids = own
        grid_id = next(iter(grids))
        building = sorted(b for g, b in hits if g == grid_id)[0]
        return Route(grid_id, f"按地址中的楼栋“{building}”分派到{self.grid_label[grid_id]}")


def _bounded(text: str, start: int, key: str) -> bool:
    """A key starting or ending with a digit must not be part of a longer number: "3号楼" is not
    found in "13号楼"."""
    end = start + len(key)
    if key[0].isdigit() and start > 0 and text[start - 1].isdigit():
        return False
    return not (key[-1].isdigit() and end < len(text) and text[end].isdigit())
