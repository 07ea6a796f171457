"""What identifies a synced record's content at both ends of the sync (docs/SYNC.md): the desk
computes it over what it sends, the street server over what it received and stores, and the two
must agree byte for byte, so there is one definition."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 (hex) of ``data`` as canonical JSON: keys sorted, no spaces, UTF-8. A re-sent record
    is recognised by this, never by a version number that a desk restored from a copy may reuse."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
