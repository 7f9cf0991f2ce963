"""msgspec's validation messages, split into what is wrong and where it is.

The bus words a refused payload in one line, seuil.toml a volunteer's mistake at its line:
each its own way, from the same two parts.
"""

from __future__ import annotations

import re

_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")


def split_location(message: str) -> tuple[str, str]:
    """``(what, path)`` of msgspec's "what - at `$path`"; the path is "" when it names none.

    >>> split_location("Expected `int` >= 1 - at `$.nodes.door[0]`")
    ('Expected `int` >= 1', '.nodes.door[0]')
    >>> split_location("Expected `int` >= 1")
    ('Expected `int` >= 1', '')
    """
    found = _AT.search(message)
    if found is None:
        return message, ""
    return message[:found.start()], found["path"]
