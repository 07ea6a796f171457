"""The installation's secret behind the kiosk's ID hashes, and the keyed hash itself.

An ID number has too little room to hide in: region, birth date and a sequence number leave about
a million candidates per county and year, so a plain SHA-256 of it is reversed in a CPU-minute.
The kiosk therefore names a resident by HMAC-SHA256 under a secret of this installation: 32 random
bytes made on first use in the signing key's folder (``audit_secret.key``, hex, readable by its
owner only, written the same way as ``signing_key.pem``). Without that file the hashes in the
audit log and the appointments reveal nothing. They stay on this desk: nothing the sync sends
carries one.

A damaged secret file is an error, never silently replaced: a new secret would cut every earlier
entry off from the resident it names.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from pathlib import Path

from app.services.certificates.keys import KeyFileError, keys_folder, restrict_to_owner, write_owner_only

SECRET_FILE = "audit_secret.key"
_HEX = re.compile(r"[0-9a-f]{64}")
_cache: dict[tuple, bytes] = {}


def secret_path() -> Path:
    return keys_folder() / SECRET_FILE


def audit_secret() -> bytes:
    """The installation's 32-byte secret, made on first use (two processes starting at once end
    up with the same one: the file is linked into place, never overwritten)."""
    path = secret_path()
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # made by another process in the meantime
            write_owner_only(path, secrets.token_hex(32).encode("ascii") + b"\n")
    info = path.stat()
    cache_key = (str(path.resolve()), info.st_mtime_ns, info.st_size, info.st_ino)
    secret = _cache.get(cache_key)
    if secret is None:
        restrict_to_owner(path, "audit secret")
        text = path.read_bytes().decode("ascii", "replace").strip().lower()
        if not _HEX.fullmatch(text):
            raise KeyFileError(f"审计密钥文件已损坏（{path}），请从备份恢复或联系管理员")
        secret = bytes.fromhex(text)
        _cache.clear()
        _cache[cache_key] = secret
    return secret


def keyed_hash(number: str, secret: bytes | None = None) -> str:
    """HMAC-SHA256 (hex) of a canonical ID number under the installation's secret."""
    key = audit_secret() if secret is None else secret
    return hmac.new(key, number.encode("ascii", "replace"), hashlib.sha256).hexdigest()
