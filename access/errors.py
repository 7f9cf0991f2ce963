"""Errors a user can cause. Entry points print their message in one line and exit 1.

Anything else is a bug and is allowed to crash loudly.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


class SeuilError(Exception):
    """Base of every error caused by input, config or state, with a message for a person."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(SeuilError):
    """A member, card, training or resource named by the user does not exist."""


class Ambiguous(SeuilError):
    """A name matches more than one thing."""


class Conflict(SeuilError):
    """The change would break an invariant (duplicate card, group still in use...)."""


class InvalidInput(SeuilError):
    """A value typed by the user is malformed."""


class NotInitialised(SeuilError):
    """No config, or a database that was never migrated."""


class Unavailable(SeuilError):
    """Something the command needs is not there right now: the broker, a node, a card."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a file, printed as ``file:line:col: message`` (line and col if known)."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class FileInvalid(SeuilError):
    """A config or rules file has problems; nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        summary = f"{count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join(str(p) for p in problems) + f"\n{summary}, nothing changed")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean "volunteers"?)`` for the closest of ``choices``, or "" when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """``unknown group "volunteerz" (did you mean "volunteers"?)``, for a NotFound or a file problem."""
    return f'unknown {kind} "{name}"{did_you_mean(name, known)}'
