"""What is left of a person who asked to be forgotten: an anonymous id, and text scrubbed of them.

The ledger's amounts must outlive the person (accounting records are kept ten years in
France); the name, email and notes must not. Text that mentions them (an audit entry's target,
a treasurer's note) keeps its sense with the anonymous label in their place.

>>> anonymous_label(7)
'erased #7'
>>> scrub("card #3 of Ada Lovelace (#7)", ["Ada Lovelace"], "erased #7")
'card #3 of erased #7 (#7)'
>>> scrub({"name": ["Ada Lovelace", "Ada King"], "n": 2}, ["Ada King", "Ada Lovelace"], "x")
{'name': ['x', 'x'], 'n': 2}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MIN_SCRUBBED_LENGTH = 3
"""Shorter strings (an initial, a two-letter name) would blank unrelated words: not scrubbed."""


def anonymous_label(member_id: int) -> str:
    """The name an erased member's row keeps: only the id the ledger points at."""
    return f"erased #{member_id}"


def _words(personal: Iterable[str]) -> list[str]:
    # Longest first, so "Ada Lovelace" goes before a shorter "Ada" could split it.
    kept = {p.strip() for p in personal if len(p.strip()) >= MIN_SCRUBBED_LENGTH}
    return sorted(kept, key=len, reverse=True)


def scrub(value: Any, personal: Iterable[str], label: str) -> Any:
    """``value`` (text, or JSON: lists, dicts, numbers) with every ``personal`` string replaced
    by ``label``, case-insensitively. Anything else is returned as it is."""
    words = _words(personal)
    return _scrub(value, words, label)


def _scrub(value: Any, words: list[str], label: str) -> Any:
    if isinstance(value, str):
        for word in words:
            value = _replace(value, word, label)
        return value
    if isinstance(value, list):
        return [_scrub(v, words, label) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, words, label) for k, v in value.items()}
    return value


def _replace(text: str, word: str, label: str) -> str:
    folded, wanted = text.casefold(), word.casefold()
    if len(folded) != len(text):  # casefold changed the length (ß): exact matches only
        return text.replace(word, label)
    out, start = [], 0
    while (found := folded.find(wanted, start)) >= 0:
        out += [text[start:found], label]
        start = found + len(word)
    return "".join(out) + text[start:]
