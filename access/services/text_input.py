"""Text typed by an admin (names, notes, labels, references), refused in one line when a
terminal or a screen could not show it as text (``access.domain.plain_text``)."""

from __future__ import annotations

from access.domain.plain_text import problem
from access.errors import InvalidInput


def checked(text: str, what: str, max_length: int, *, multiline: bool = False) -> str:
    """``text`` as it was typed, or ``InvalidInput`` saying what is wrong with it."""
    found = problem(text, what, max_length, multiline=multiline)
    if found is not None:
        raise InvalidInput(found)
    return text
