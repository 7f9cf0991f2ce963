"""Find the line where a key of a TOML document is written, to point errors at it.

``tomllib`` keeps no positions, so this scans the text for table headers and keys.
It understands ``[table]``, ``[[array.of.tables]]``, dotted and quoted keys, and skips
multi-line strings and arrays; where it cannot tell, it points at the enclosing table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_PART = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")

PathPart = str | int


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'""", text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


class TomlLines:
    """Maps key paths such as ``("rule", 2, "groups")`` to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[PathPart, ...], int] = {}
        self._scan(text)

    def _remember(self, path: tuple[PathPart, ...], line: int) -> None:
        for end in range(1, len(path) + 1):
            self._lines.setdefault(path[:end], line)

    def _scan(self, text: str) -> None:
        table: tuple[PathPart, ...] = ()
        array_counts: dict[tuple[str, ...], int] = {}
        depth = 0  # open brackets/braces of a multi-line value
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if in_string in line:
                    in_string = None
                continue
            if depth == 0:
                header = _HEADER.match(line)
                if header:
                    keys = _split_key(header[2])
                    if header[1] == "[[":
                        index = array_counts.get(keys, 0)
                        array_counts[keys] = index + 1
                        table = (*keys, index)
                    else:
                        table = keys
                    self._remember(table, number)
                    continue
                key = _KEY.match(line)
                if key:
                    self._remember((*table, *_split_key(key[1])), number)
                    value = line[key.end():]
                else:
                    value = line
            else:
                value = line
            value = re.sub(r"\"(?:\\.|[^\"\\])*\"|'[^']*'", "", value.split("#")[0])
            for quote in ('"""', "'''"):
                if value.count(quote) % 2:
                    in_string = quote
            depth = max(0, depth + value.count("[") + value.count("{")
                        - value.count("]") - value.count("}"))

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The line of the longest known prefix of ``path``, or None."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return None


_TOMLLIB_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def parse_toml(text: str, filename: str) -> tuple[dict[str, object], TomlLines]:
    """Parse TOML; a syntax error becomes a ``FileInvalid`` pointing at ``file:line:col``."""
    import tomllib

    from access.errors import FileInvalid, Problem

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOMLLIB_POSITION.search(message)
        line: int | None = None
        column: int | None = None
        if position:
            line, column = int(position[1]), int(position[2])
            message = message[: position.start()]
        message = message[:1].lower() + message[1:] + " (TOML syntax)"
        raise FileInvalid([Problem(filename, message, line, column)]) from None
    return data, TomlLines(text)
