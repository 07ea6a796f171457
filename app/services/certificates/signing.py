"""The signed QR payload on every certificate, and checking one offline.

Payload (printable ASCII, ~155 characters, fits a QR code at level M at about 30 mm)::

    YC1.<serial>.<template>.<YYYYMMDD>.<holder_hash>.<key_id>.<signature>

``holder_hash`` is the first 16 hex digits of SHA-256 over ``"<serial>:<id_number>"``: it binds
the holder to this one certificate without putting the ID number, or a hash that could be matched
across certificates, on paper. The signature is Ed25519 over the UTF-8 of everything before the
last dot, in unpadded base64url; only the canonical encoding is accepted, so no character can
change without the check failing. The verification code printed beside the QR (``K7QX-3MPA``) is
derived from the signature and can be typed in when the QR code cannot be scanned.

Verification uses only the local register and the trusted keys:

* a payload whose signature does not match, or that does not parse → invalid, "被改动";
* a key that is not in TrustedKey → invalid, "未登记的密钥";
* a voided certificate → invalid, "已作废：<reason>";
* a valid signature by a trusted *other* centre, with the serial not in our register → **valid**
  (the street office exchanged the keys so that centres accept each other's certificates
  offline); the reason says that our register has no such serial;
* a valid signature by *our own* key with the serial not in our register → invalid: we record
  every certificate before it is printed, so this means lost data or a stolen key;
* an ID number given for the check that does not match the holder hash → invalid.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import asdict, dataclass, replace

from cryptography.exceptions import InvalidSignature
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate, CertificateTemplate, TrustedKey
from app.services.certificates.keys import KeyPair, trusted_keys
from app.services.common.idcard import IdNumberError, normalise, parse

VERSION = "YC1"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SERIAL = re.compile(r"[A-Z0-9]{1,30}")
_TEMPLATE = re.compile(r"[A-Za-z0-9_-]{1,20}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_SIG = re.compile(r"[A-Za-z0-9_-]{86}")
_CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{8}")

OK = "签名有效"
TAMPERED = "二维码内容被改动"
UNKNOWN_KEY = "签名来自未登记的密钥（可能是其他中心或伪造）"
NOT_IN_REGISTER = "登记簿中无此编号"
WRONG_HOLDER = "持证人身份证号与证明不符"


class PayloadError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Payload:
    serial: str
    template_code: str
    issue_date: dt.date
    holder_hash: str
    key_id: str
    signature: bytes
    signed_text: str  # everything before the last dot: what the signature covers

    @property
    def verification_code(self) -> str:
        return verification_code(self.signature)


@dataclass(frozen=True)
class VerifyResult:
    valid: bool
    reason: str
    serial: str | None = None
    template_code: str | None = None
    issue_date: dt.date | None = None
    holder_name_masked: str | None = None
    status: str | None = None  # the register's status ("valid", "voided"); None when not in it
    issuer: str | None = None  # owner of the signing key, e.g. 桃园社区党群服务中心
    title: str | None = None  # template title when the template is known here

    def to_dict(self) -> dict:
        data = asdict(self)
        data["issue_date"] = self.issue_date.isoformat() if self.issue_date else None
        return data


def holder_hash(serial: str, id_number: str) -> str:
    return hashlib.sha256(f"{serial}:{id_number}".encode()).hexdigest()[:16]


def verification_code(signature: bytes) -> str:
    """8 Crockford base32 characters (40 bits) from the signature, grouped four and four, e.g. ``K7QX-3MPA``."""
    bits = int.from_bytes(hashlib.sha256(b"YC-code:" + signature).digest()[:5], "big")
    chars = "".join(_CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_code(text: str) -> str | None:
    """A typed verification code in canonical form, or None if it cannot be one (Crockford:
    case-insensitive, O reads as 0, I and L as 1, hyphens and spaces ignored)."""
    compact = re.sub(r"[\s\-]", "", text).upper().translate(str.maketrans("OIL", "011"))
    return f"{compact[:4]}-{compact[4:]}" if _CODE.fullmatch(compact) else None


def mask_name(name: str) -> str:
    """张三丰 → 张**: enough for the checker to compare with the paper, no more."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _canonical_id(id_number: str) -> str:
    try:
        return parse(id_number).number
    except IdNumberError:
        return normalise(id_number)


def sign_payload(
    keypair: KeyPair, serial: str, template_code: str, issue_date: dt.date, id_number: str
) -> tuple[str, str]:
    """The QR text and its verification code for one certificate."""
    if not _SERIAL.fullmatch(serial):
        raise ValueError("证明编号只能由大写字母和数字组成")
    if not _TEMPLATE.fullmatch(template_code):
        raise ValueError("模板代码只能由字母、数字、下划线和连字符组成（最多20个）")
    hashed = holder_hash(serial, _canonical_id(id_number))
    signed = f"{VERSION}.{serial}.{template_code}.{issue_date:%Y%m%d}.{hashed}.{keypair.key_id}"
    signature = keypair.private_key.sign(signed.encode("utf-8"))
    return f"{signed}.{_b64(signature)}", verification_code(signature)


def parse_payload(text: str) -> Payload:
    """Split a QR text into its parts; raises PayloadError with a reason for anything malformed."""
    text = text.strip()
    if not (text.isascii() and text.isprintable()) or " " in text:
        raise PayloadError(f"{TAMPERED}（含有不应出现的字符）")
    parts = text.split(".")
    if parts[0] != VERSION:
        raise PayloadError(f"{TAMPERED}或不是本系统的证明二维码（应以 {VERSION}. 开头）")
    if len(parts) != 7:
        raise PayloadError(f"{TAMPERED}（应有7段，实有{len(parts)}段）")
    _, serial, template_code, day, hashed, key_id, sig_text = parts
    if not _SERIAL.fullmatch(serial):
        raise PayloadError(f"{TAMPERED}（编号格式不对）")
    if not _TEMPLATE.fullmatch(template_code):
        raise PayloadError(f"{TAMPERED}（模板代码格式不对）")
    try:
        if not day.isdigit() or len(day) != 8:
            raise ValueError
        issue_date = dt.date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        raise PayloadError(f"{TAMPERED}（开具日期无效）") from None
    if not _HEX16.fullmatch(hashed):
        raise PayloadError(f"{TAMPERED}（持证人摘要格式不对）")
    if not _HEX16.fullmatch(key_id):
        raise PayloadError(f"{TAMPERED}（密钥编号格式不对）")
    if not _SIG.fullmatch(sig_text):
        raise PayloadError(f"{TAMPERED}（签名长度或字符不对）")
    signature = base64.urlsafe_b64decode(sig_text + "==")
    if _b64(signature) != sig_text:  # the last character carries 2 unused bits: must be zero
        raise PayloadError(f"{TAMPERED}（签名编码不规范）")
    return Payload(serial, template_code, issue_date, hashed, key_id, signature, text.rsplit(".", 1)[0])


def verify(session: Session, text: str, *, id_number: str | None = None) -> VerifyResult:
    """Check a QR text, a serial number or a verification code, offline."""
    text = (text or "").strip()
    if not text:
        return VerifyResult(False, "请输入二维码内容、证明编号或核验码")
    if "." in text:
        return _verify_payload(session, text, id_number)
    serial = text.upper()
    entry = session.scalar(select(Certificate).where(Certificate.serial == serial))
    how = "按编号查询"
    if entry is None:
        code = normalise_code(text)
        if code is None:
            if _SERIAL.fullmatch(serial):
                return VerifyResult(False, NOT_IN_REGISTER, serial=serial)
            return VerifyResult(False, "无法识别：不是证明二维码内容、证明编号或核验码")
        entry, how = _find_by_code(session, code), "按核验码查询"
        if entry is None:
            return VerifyResult(False, "登记簿中无此核验码")
    result = _verify_payload(session, entry.qr_payload, id_number)
    if result.valid:
        result = replace(result, reason=f"{OK}（{how}，登记簿记录有效，请核对持证人姓名）")
    return result


def _find_by_code(session: Session, code: str) -> Certificate | None:
    """The code is not stored: derive it from each stored payload's signature and compare."""
    rows = session.execute(select(Certificate.id, Certificate.qr_payload).execution_options(yield_per=2000))
    for cert_id, payload in rows:
        sig_text = payload.rsplit(".", 1)[-1]
        try:
            signature = base64.urlsafe_b64decode(sig_text + "==")
        except ValueError:
            continue
        if verification_code(signature) == code:
            rows.close()
            return session.get(Certificate, cert_id)
    return None


def _verify_payload(session: Session, text: str, id_number: str | None) -> VerifyResult:
    try:
        payload = parse_payload(text)
    except PayloadError as exc:
        return VerifyResult(False, exc.reason)
    facts = {
        "serial": payload.serial,
        "template_code": payload.template_code,
        "issue_date": payload.issue_date,
    }
    key = trusted_keys(session).get(payload.key_id)
    if key is None:
        return VerifyResult(False, UNKNOWN_KEY, **facts)
    try:
        key.verify(payload.signature, payload.signed_text.encode("utf-8"))
    except InvalidSignature:
        return VerifyResult(False, f"{TAMPERED}（签名不符）", **facts)
    trusted = session.get(TrustedKey, payload.key_id)
    facts["issuer"] = trusted.owner
    template = session.get(CertificateTemplate, payload.template_code)
    facts["title"] = template.title if template is not None else None

    entry = session.scalar(select(Certificate).where(Certificate.serial == payload.serial))
    if entry is not None and entry.key_id != payload.key_id:
        entry = None  # the same number from another centre's series: not this certificate
    if entry is not None:
        facts.update(holder_name_masked=mask_name(entry.holder_name), status=entry.status)
        if entry.qr_payload.strip() != text.strip():
            return VerifyResult(False, "二维码内容与登记簿记录不符", **facts)
        if entry.status == "voided":
            return VerifyResult(False, f"证明已作废：{entry.void_reason}", **facts)
    if id_number is not None and holder_hash(payload.serial, _canonical_id(id_number)) != payload.holder_hash:
        return VerifyResult(False, WRONG_HOLDER, **facts)
    if entry is not None:
        return VerifyResult(True, OK, **facts)
    if trusted.own:
        reason = f"签名为本中心密钥，但本中心{NOT_IN_REGISTER}（请核查：可能数据丢失或密钥泄露）"
        return VerifyResult(False, reason, **facts)
    return VerifyResult(
        True, f"{OK}（{trusted.owner}签发）；{NOT_IN_REGISTER}（可能是其他中心签发）", **facts
    )
