"""Find the line where a key of a TOML document is written, to point errors at it.

``tomllib`` keeps no positions, so this scans the text for table headers and keys.
It understands ``[table]``, ``[[array.of.tables]]``, dotted and quoted keys, and skips
multi-line strings and arrays; where it cannot tell, it points at the enclosing table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_PART = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")

PathPart = str | int

# Read left to right, so a "#" inside a string is not a comment and a bracket inside a
# string is not a bracket: strings (one-line or the start of a multi-line one) and comments.
_STRING_OR_COMMENT = re.compile(r'''"""|\'\'\'|"(?:\\.|[^"\\])*"|'[^']*'|#.*''')


def _code_of(line: str) -> tuple[str, str | None]:
    """The line without its strings and comment, and the multi-line string left open, if any."""
    code: list[str] = []
    position = 0
    while match := _STRING_OR_COMMENT.search(line, position):
        code.append(line[position:match.start()])
        token = match[0]
        if token in ('"""', "'''"):
            closing = line.find(token, match.end())
            if closing < 0:
                return "".join(code), token
            position = closing + 3
        elif token.startswith("#"):
            return "".join(code), None
        else:
            position = match.end()
    code.append(line[position:])
    return "".join(code), None


def _outside_strings(text: str) -> Iterator[tuple[int, str, str, bool]]:
    """Each line's number, its text after any multi-line string it closes, that text without
    strings and comment, and whether the line began inside a multi-line string."""
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        continued = in_string is not None
        if in_string is not None:
            closing = line.find(in_string)
            if closing < 0:
                continue
            line = line[closing + 3:]
        code, in_string = _code_of(line)
        yield number, line, code, continued


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
        for number, line, code, continued in _outside_strings(text):
            if depth == 0 and not continued:
                header = _HEADER.match(line)
                if header:
                    table = self._table(_split_key(header[2]), header[1] == "[[", array_counts)
                    self._remember(table, number)
                    continue
                key = _KEY.match(line)
                if key:
                    self._remember((*table, *_split_key(key[1])), number)
                    code = _code_of(line[key.end():])[0]
            depth = max(0, depth + code.count("[") + code.count("{")
                        - code.count("]") - code.count("}"))

    @staticmethod
    def _table(keys: tuple[str, ...], is_array: bool,
               array_counts: dict[tuple[str, ...], int]) -> tuple[PathPart, ...]:
        """The path of a table header: ``[resource.pricing]`` is in the last ``[[resource]]``."""
        path: list[PathPart] = []
        for end in range(1, len(keys) + 1):
            path.append(keys[end - 1])
            if end == len(keys) and is_array:
                index = array_counts.get(keys, 0)
                array_counts[keys] = index + 1
                path.append(index)
            elif keys[:end] in array_counts:
                path.append(array_counts[keys[:end]] - 1)
        return tuple(path)

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The line of the longest known prefix of ``path``, or None."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return None


# Deeper than anything our files need, far shallower than tomllib's recursion: a file nested
# thousands of levels deep ends in one line, not a RecursionError.
MAX_NESTING = 32


def _too_deep(text: str) -> int | None:
    """The line where brackets and braces first nest deeper than ``MAX_NESTING``, if any."""
    depth = 0
    for number, _line, code, _continued in _outside_strings(text):
        for char in code:
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            if depth > MAX_NESTING:
                return number
    return None


_TOMLLIB_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOMLLIB_AT_END = re.compile(r"\s*\(at end of document\)$")


_TOMLLIB_WORDS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"Cannot declare \((.*)\) twice"),
     lambda m: "[" + ".".join(re.findall(r"'([^']*)'", m[1])) + "] is declared twice"),
    (re.compile(r"Cannot overwrite a value"), lambda m: "a key written twice, or a table over a value"),
    (re.compile(r"Invalid value"),
     lambda m: 'not a value: text goes in quotes ("La Ruche"), numbers and true/false without'),
    (re.compile(r"Illegal character '\\n'"), lambda m: "the line ends inside quotes: close the text"),
    (re.compile(r"Invalid initial character for a key part"),
     lambda m: "a key was expected here (an inline table { ... } stays on one line)"),
)


def _in_words(message: str) -> str:
    """tomllib's message for a volunteer: "[site] is declared twice", not "('site',)"."""
    for pattern, words in _TOMLLIB_WORDS:
        if match := pattern.fullmatch(message):
            return words(match)
    return message[:1].lower() + message[1:]


def parse_toml(text: str, filename: str) -> tuple[dict[str, object], TomlLines]:
    """Parse TOML; a syntax error becomes a ``FileInvalid`` pointing at ``file:line:col``."""
    import tomllib

    from access.errors import FileInvalid, Problem

    deep = _too_deep(text)
    if deep is not None:
        raise FileInvalid([Problem(filename, f"values nested more than {MAX_NESTING} levels deep",
                                   deep)])
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
        elif at_end := _TOMLLIB_AT_END.search(message):
            # Something left open (``allow = [``): the last written line is where to look.
            written = [n for n, t in enumerate(text.splitlines(), start=1) if t.strip()]
            line = written[-1] if written else None
            message = message[: at_end.start()] + " at the end of the file"
        message = _in_words(message) + " (TOML syntax)"
        raise FileInvalid([Problem(filename, message, line, column)]) from None
    return data, TomlLines(text)
