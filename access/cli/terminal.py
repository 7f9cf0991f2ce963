"""What the CLI writes reaches a terminal as text: stored names are shown, never obeyed.

Input is checked where it comes in (``access.services.text_input``), but a database may hold
older rows, a name typed at the kiosk, or a node's report: every line the CLI prints goes
through :class:`EscapingStream`, which writes control characters as ``\\uXXXX``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from access.domain.plain_text import printable


class EscapingStream(io.TextIOBase):
    """A text stream that writes to ``raw`` with every control character escaped (newlines,
    CRLF line ends and tabs kept). JSON output is unchanged: ``json`` already escapes
    controls, and ``\\u202e`` in a JSON string means the same character."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        # CRLF ends a CSV row (the exports): kept; a lone CR, which rewrites a line, is escaped.
        self.raw.write("\r\n".join(printable(part) for part in text.split("\r\n")))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()


@contextmanager
def escaped_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` escaped for the time of a command."""
    import sys

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(out), EscapingStream(err)
    try:
        yield
    finally:
        # A command may have swapped a stream itself (a broken pipe: devnull); leave that one.
        if isinstance(sys.stdout, EscapingStream):
            sys.stdout = out
        if isinstance(sys.stderr, EscapingStream):
            sys.stderr = err
