"""Printing for the CLI: aligned tables for people, ``--json`` for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from access.domain.schedule import SiteClock

T = TypeVar("T")


class Jsonable(Protocol):
    def to_json(self) -> dict[str, Any]: ...


def print_json(value: Any) -> None:
    if isinstance(value, list):
        value = [v.to_json() if hasattr(v, "to_json") else v for v in value]
    elif hasattr(value, "to_json"):
        value = value.to_json()
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, sort_keys=False)
    sys.stdout.write("\n")


def print_rows(rows: Sequence[T], *, as_json: bool, headers: Sequence[str],
               cells: Callable[[T], Sequence[Any]], empty: str) -> None:
    """A listing: JSON for scripts (``--json``), an aligned table for people."""
    if as_json:
        print_json(list(rows))
    else:
        print_table(headers, [cells(row) for row in rows], empty=empty)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, empty: str) -> None:
    if not rows:
        print(empty)
        return
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value) or "-"
    return str(value)


def local_day(moment: datetime | None, clock: SiteClock) -> str:
    """The last service day an instant ends (a ``valid_until`` at the cut-off shows its eve)."""
    if moment is None:
        return "-"
    return clock.last_day(moment).isoformat()


def local_time(moment: datetime | None, clock: SiteClock) -> str:
    if moment is None:
        return "-"
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")
