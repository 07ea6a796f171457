"""Rows buffered in memory and written with bulk inserts, their ids given up front.

The demo street writes a hundred thousand residents with their households, buildings and tags:
one ORM object each would take minutes, plain ``INSERT … VALUES`` batches take seconds. Because
every id is known before anything is written, a child row can point at its parent at once, and
only the order in which tables are written keeps the foreign keys satisfied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

BATCH = 20_000  # rows a statement


class BulkRows:
    def __init__(self, session: Session, order: Sequence[Any], *, without_id: Sequence[Any] = ()):
        """``order``: every table that will get rows, parents before children; ``without_id``:
        tables whose rows carry no id of their own (association tables, key-value settings)."""
        self.session = session
        self.order = list(order)
        self.without_id = tuple(without_id)
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.next_id: dict[Any, int] = defaultdict(lambda: 1)
        self.count: dict[Any, int] = defaultdict(int)

    def add(self, table: Any, row: dict[str, Any]) -> int:
        """Buffer one row and give it the next id of its table (0 for tables without ids)."""
        if table not in self.without_id:
            row["id"] = self.next_id[table]
            self.next_id[table] += 1
            self.count[table] += 1
        self.rows.setdefault(table, []).append(row)
        return row.get("id", 0)

    def buffered(self, table: Any) -> int:
        return len(self.rows.get(table, ()))

    def flush(self) -> None:
        """Write every buffered row, parents before children, and empty the buffers."""
        for table in self.order:
            rows = self.rows.pop(table, None)
            if not rows:
                continue
            target = getattr(table, "__table__", table)  # a mapped class or a plain Table
            for start in range(0, len(rows), BATCH):
                self.session.execute(insert(target), rows[start : start + BATCH])
