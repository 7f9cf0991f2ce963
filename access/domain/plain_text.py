"""Text people type that others will read: no control characters, no absurd lengths.

A member's name typed as ``"\\x1b[2J..."`` would clear a volunteer's terminal in ``seuil member
list``; bidirectional overrides (U+202E) turn what a screen shows around. Such text is refused
where it comes in (:func:`problem`), and whatever is already stored is shown escaped
(:func:`printable`), so it reaches neither a terminal nor the kiosk as such.

>>> problem("Ada\\x1b[2J", "a name", 100)
'a name cannot hold control characters (\\\\u001b at 4)'
>>> problem("x" * 101, "a name", 100)
'a name is at most 100 characters (this one has 101)'
>>> problem("Ada Lovelace", "a name", 100) is None
True
>>> printable("Ada\\x1b[2J\\u202e")
'Ada\\\\u001b[2J\\\\u202e'
"""

from __future__ import annotations

import re

_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""C0 and C1 controls (ESC, CSI, BEL, CR...) and the bidirectional marks and overrides; tab and
newline are layout, not commands."""
UNSAFE = re.compile(f"[{_UNSAFE}]")
UNSAFE_OR_LAYOUT = re.compile(f"[{_UNSAFE}\t\n]")

NAME_LENGTH = 100
"""A person's name: the longest real ones fit with room to spare."""
LABEL_LENGTH = 100
"""A card's label, a payment reference, a Unix user name: the columns' width."""
NOTE_LENGTH = 2000
"""A note or a reason: a paragraph, not a file."""


def problem(text: str, what: str, max_length: int, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be taken as ``what`` (``"a name"``), or None if it can.

    Only ``multiline`` text (a note) may hold newlines and tabs."""
    if len(text) > max_length:
        return f"{what} is at most {max_length} characters (this one has {len(text)})"
    found = (UNSAFE if multiline else UNSAFE_OR_LAYOUT).search(text)
    if found is not None:
        return (f"{what} cannot hold control characters "
                f"({_escape(found)} at {found.start() + 1})")
    return None


def _escape(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def printable(text: str) -> str:
    """``text`` with every control character written as ``\\uXXXX`` (newlines and tabs kept):
    safe for a terminal, and still valid inside a JSON string."""
    return UNSAFE.sub(_escape, text)
