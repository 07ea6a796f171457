"""ID-card readers behind one interface (``CardReader``): the SDT API library (``SdtReader``),
keyboard-wedge readers (``KeystrokeBurst``, ``card_from_wedge_text``) and a fake for tests and
the demo (``FakeReader``). No Qt here; the desk polls a reader from a worker thread."""

from app.services.cardreaders import ethnicity
from app.services.cardreaders.base import CardData, CardReader, CardReadError, FakeReader
from app.services.cardreaders.sdt import SdtReader, decode_base_msg
from app.services.cardreaders.wedge import KeystrokeBurst, WedgeResult, card_from_wedge_text

__all__ = [
    "CardData",
    "CardReadError",
    "CardReader",
    "FakeReader",
    "KeystrokeBurst",
    "SdtReader",
    "WedgeResult",
    "card_from_wedge_text",
    "decode_base_msg",
    "ethnicity",
]
