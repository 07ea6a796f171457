"""The centre's Ed25519 signing key, and the public keys whose signatures it accepts.

The key pair is made on first use in ``keys_dir()`` (the user data folder, or
``YICHUANG_KEYS_DIR``): ``signing_key.pem`` (PKCS#8, readable by its owner only) and
``signing_key.pub.pem`` beside it, which can be handed to the street office. The private key file
is created with mode 0600 through ``os.open`` so it is never readable by others, not even for a
moment, and it is written to a temporary name and hard-linked into place, so two processes
starting at once end up with the same key. On Windows the mode bits mean little; the per-user
ACL of the user data folder is what protects it there.

Signatures are checked only against the ``TrustedKey`` table (our own key and the keys of other
centres imported through the street office), so verification works offline.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import data_dir
from app.models import TrustedKey
from app.services.admin.centre import CentreNotConfigured, centre_name, current_community

log = logging.getLogger(__name__)

KEYS_DIR_ENV = "YICHUANG_KEYS_DIR"
PRIVATE_FILE = "signing_key.pem"
PUBLIC_FILE = "signing_key.pub.pem"


class KeyFileError(ValueError):
    """A key file or an imported key is unusable; the message is for the person at the desk."""


@dataclass(frozen=True)
class KeyPair:
    private_key: Ed25519PrivateKey
    public_pem: str
    key_id: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey) -> KeyPair:
        public = private_key.public_key()
        return cls(private_key, public_pem(public), key_id_of(public))


def keys_dir() -> Path:
    override = os.environ.get(KEYS_DIR_ENV)
    return Path(override) if override else data_dir() / "keys"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"签名私钥文件无法读取（{path}），请联系管理员") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"签名私钥文件不是 Ed25519 密钥（{path}）")
    return key


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_owner_only(path, pem)


def write_owner_only(path: Path, data: bytes) -> None:
    """Write under a temporary name created 0600, then link into place without overwriting:
    raises FileExistsError when another process made the file first. Every secret of the
    installation (this signing key, the kiosk's audit secret) is written this way."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # raises FileExistsError if another process made the key first
        except FileExistsError:
            raise
        except OSError:  # no hard links here (e.g. FAT); rename refuses to overwrite on Windows
            os.rename(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def restrict_to_owner(path: Path, what: str = "signing key") -> None:
    """A secret file someone made readable by others is closed again (POSIX only)."""
    if os.name != "posix":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s %s was readable by others (mode %o); restricting to owner", what, path, mode)
        path.chmod(0o600)


def keys_folder() -> Path:
    """``keys_dir()``, created and (on POSIX) closed to everyone but its owner."""
    folder = keys_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(0o700)
    return folder


_cache: dict[tuple, KeyPair] = {}


def ensure_keypair() -> KeyPair:
    """The centre's key pair, made on first use."""
    folder = keys_folder()
    private_path, public_path = folder / PRIVATE_FILE, folder / PUBLIC_FILE
    if not private_path.exists():
        with contextlib.suppress(FileExistsError):  # made by another process in the meantime
            _write_private(private_path, Ed25519PrivateKey.generate())
    info = private_path.stat()
    cache_key = (str(private_path.resolve()), info.st_mtime_ns, info.st_size, info.st_ino)
    pair = _cache.get(cache_key)
    if pair is None:
        restrict_to_owner(private_path)
        pair = KeyPair.from_private_key(_load_private(private_path))
        _cache.clear()
        _cache[cache_key] = pair
    if (
        not public_path.exists()
        or public_path.read_text(encoding="ascii", errors="replace") != pair.public_pem
    ):
        public_path.write_text(pair.public_pem, encoding="ascii")
    return pair


def _own_owner(session: Session) -> str:
    try:
        return centre_name(current_community(session))
    except CentreNotConfigured:
        return "本中心"


def ensure_trusted_own_key(session: Session) -> str:
    """Add our own public key to TrustedKey (own=True) if it is not there; returns its key_id.
    Older own keys stay trusted, so certificates signed before a key change still verify."""
    pair = ensure_keypair()
    row = session.get(TrustedKey, pair.key_id)
    if row is None:
        session.add(
            TrustedKey(key_id=pair.key_id, public_key=pair.public_pem, owner=_own_owner(session), own=True)
        )
        session.flush()
    elif not row.own:
        row.own = True
    return pair.key_id


def export_public_key(path: str | os.PathLike[str]) -> str:
    """Write our public key (PEM) to ``path`` for the street office; returns its key_id."""
    pair = ensure_keypair()
    Path(path).write_text(pair.public_pem, encoding="ascii")
    return pair.key_id


def import_trusted_key(session: Session, pem_text: str, owner: str) -> str:
    """Trust another centre's public key (received through the street office); returns its key_id.
    Importing the same key again updates the owner's name."""
    owner = (owner or "").strip()
    if not owner:
        raise KeyFileError("请填写公钥所属单位（例如 某某社区党群服务中心）")
    try:
        key = serialization.load_pem_public_key(pem_text.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise KeyFileError("公钥内容无法识别：应为 PEM 格式（-----BEGIN PUBLIC KEY-----）") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError("公钥不是 Ed25519 密钥，本系统只接受 Ed25519 签名")
    key_id = key_id_of(key)
    row = session.get(TrustedKey, key_id)
    if row is None:
        session.add(TrustedKey(key_id=key_id, public_key=public_pem(key), owner=owner[:100], own=False))
        session.flush()
    elif not row.own:
        row.owner = owner[:100]
    return key_id


def trusted_keys(session: Session) -> dict[str, Ed25519PublicKey]:
    """Every trusted public key by key_id."""
    result: dict[str, Ed25519PublicKey] = {}
    for key_id, pem in session.execute(select(TrustedKey.key_id, TrustedKey.public_key)):
        key = serialization.load_pem_public_key(pem.encode("ascii"))
        if isinstance(key, Ed25519PublicKey):
            result[key_id] = key
    return result
