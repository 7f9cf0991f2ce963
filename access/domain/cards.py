"""Card UIDs: how a person writes them, and the keyed hash that is all we ever store."""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import StrEnum

# ISO 14443-A UIDs are 4, 7 or 10 bytes long.
UID_LENGTHS_BYTES = (4, 7, 10)
CARD_HASH = r"^[0-9a-f]{64}$"
"""What ``card_hash`` gives: the only form of a card that is stored or travels."""
_SEPARATORS = re.compile(r"[\s:\-]")
_HEX = re.compile(r"^[0-9A-F]+$")


class CardStatus(StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    REVOKED = "revoked"


class UidError(ValueError):
    """A card UID as typed is not a UID."""


def normalize_uid(text: str) -> str:
    """The canonical form of a UID: upper-case hex of its real bytes, no separators.

    Accepts ``04a1b2c3``, ``04:A1:B2:C3`` and ``04 a1 b2 c3``.

    >>> normalize_uid("04:a1:b2:c3")
    '04A1B2C3'
    """
    uid = _SEPARATORS.sub("", text).upper()
    if uid.startswith("0X"):
        uid = uid[2:]
    if not uid or not _HEX.match(uid):
        raise UidError(f'"{text}" is not a card UID (hex digits, like 04A1B2C3)')
    if len(uid) // 2 not in UID_LENGTHS_BYTES or len(uid) % 2:
        raise UidError(
            f'"{text}" is {len(uid)} hex digits; a card UID is 8, 14 or 20 (4, 7 or 10 bytes)'
        )
    return uid


def uid_from_bytes(raw: bytes | list[int]) -> str:
    """The canonical form of a UID read from a reader as bytes."""
    return normalize_uid(bytes(raw).hex())


def card_hash(uid: str, secret: bytes) -> str:
    """HMAC-SHA256 of the canonical UID with the site secret, as hex.

    This is what the database, the snapshots and MQTT carry; the clear UID never leaves
    the reader's process.
    """
    canonical = normalize_uid(uid)
    return hmac.new(secret, canonical.encode("ascii"), hashlib.sha256).hexdigest()
